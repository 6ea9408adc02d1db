"""Tracker intervals to entries: the person's days, the task, whole minutes.

The rules (README, "Import from your tracker"):

- **Time zone.** A time in UTC (timew) is converted to the person's time zone (their
  own, else the project's); a wall-clock time (timeclock, klog, Kimai) is read in it.
  An interval's length is the real time elapsed, so one over a daylight-saving change
  counts the hour that was skipped or repeated.
- **Midnight.** An interval over midnight is split at the person's midnight, each part
  on its own date (as hledger does).
- **Task.** A tag or an account segment (``client:T2``) equal to a task code in any
  case names the task; ``--task-map NAME=CODE`` maps any other name. An interval whose
  names name no task, or two, is refused.
- **Minutes.** The parts on one date with the same task and note are one entry. The
  seconds are rounded once per person-day: a day's entries sum to its tracked seconds
  rounded to the nearest minute (half up), each entry within a minute of its own
  seconds, so the day never drifts by a sum of rounded pieces. A later import's new
  intervals on a day already imported round on from the seconds imported before
  (``day_seconds``), so the imports of a day together keep that rule. A group that
  rounds to 0 minutes makes no entry (its seconds still count for the day).
- **Re-import.** An interval whose key was imported before (``done``) adds nothing.
  Imported before with other seconds (the tracker's record changed since), it adds
  nothing either, and is named in ``changed`` so the person can correct the entry:
  refusing it would block every later import of the same file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from model.errors import LedgerError, LedgerErrors
from model.i18n import _
from model.rules.entry_input import match_task
from model.trackers.formats import Interval, _q

#: the longest interval read: a longer one was left running (and would make an entry
#: per day)
MAX_INTERVAL = timedelta(days=7)


@dataclass(frozen=True)
class Piece:
    """The part of an interval on one date: stored with its key, so that a re-import
    knows it and a later import of the same day rounds on from its seconds."""

    key: str
    on: date
    seconds: int


@dataclass(frozen=True)
class PlannedEntry:
    where: str  # the first interval it comes from, as the file names it
    on: date
    task: str
    note: str
    minutes: int


@dataclass
class Plan:
    entries: list[PlannedEntry] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    new: int = 0  # intervals to import
    already: int = 0  # intervals imported before, skipped
    problems: list[str] = field(default_factory=list)
    #: intervals imported before whose length has changed since (skipped, counted in
    #: ``already``), each as ``where: ...``
    changed: list[str] = field(default_factory=list)
    #: intervals whose names name no task or several (the user may map names to tasks)
    unnamed: int = 0


class TrackerProblems(LedgerErrors):
    """A tracker file's problems; ``unnamed``: some intervals name no task or several,
    which mapping a name to a task would solve (each interface says how)."""

    def __init__(self, problems: list[str], unnamed: bool = False):
        super().__init__(problems)
        self.unnamed = unnamed


def _round(seconds: int) -> int:
    """Seconds to the nearest whole minute, half up."""
    return (seconds + 30) // 60


def _hms(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def split_days(interval: Interval, zone: ZoneInfo) -> list[tuple[date, int]]:
    """The interval's seconds on each of the person's dates (split at their midnight)."""
    if interval.start is None or interval.end is None:
        assert interval.day is not None
        return [(interval.day, interval.seconds)]

    def local(t: datetime) -> datetime:
        return t.astimezone(zone) if t.tzinfo is not None else t.replace(tzinfo=zone)

    start, end = local(interval.start), local(interval.end)
    out: list[tuple[date, int]] = []
    cur = start
    while cur.astimezone(UTC) < end.astimezone(UTC):
        nxt = datetime.combine(cur.date() + timedelta(days=1), time(), tzinfo=zone)
        stop = nxt if nxt.astimezone(UTC) < end.astimezone(UTC) else end
        # real elapsed time (aware datetimes of one zone would subtract as wall clocks)
        out.append((cur.date(), int((stop.astimezone(UTC) - cur.astimezone(UTC))
                                    .total_seconds())))
        cur = stop
    return out or [(start.date(), 0)]


def _task_of(interval: Interval, codes: Sequence[str],
             task_map: Mapping[str, str]) -> str:
    """The task the interval's names name (refused: none, or several)."""
    mapped = {k.casefold(): v for k, v in task_map.items()}
    found: dict[str, str] = {}
    for names in (interval.names, interval.fallback):
        for name in names:
            code = mapped.get(name.strip().casefold())
            if code is None:
                code = match_task(name, codes, "task")
            if code is not None:
                found.setdefault(code, name)
        if found:
            break
    if len(found) == 1:
        return next(iter(found))
    if not found:
        every = interval.names + interval.fallback
        names = ", ".join(_q(n) for n in every[:6]) or _("none")
        raise LedgerError(_("no tag or account names a task of the project (names: {names}); "
                            "name the task code in a tag, or map a name to a task").format(
            names=names))
    which = ", ".join(f"{code} ({_q(name)})" for code, name in found.items())
    raise LedgerError(_("its names name several tasks: {which}; keep one, or map the "
                        "names").format(which=which))


def plan_entries(intervals: Iterable[Interval], timezone: str, codes: Sequence[str],
                 task_map: Mapping[str, str], done: Mapping[str, int],
                 day_seconds: Mapping[date, int]) -> Plan:
    """The entries and the pieces to store for ``intervals`` of one person whose time zone
    is ``timezone``; ``done``: the seconds of each key imported before; ``day_seconds``:
    the seconds imported before on each date (see the module's docstring)."""
    zone = ZoneInfo(timezone)
    plan = Plan()
    # date -> (task, note) -> [seconds, where]: in the file's order
    days: dict[date, dict[tuple[str, str], list]] = {}
    for interval in intervals:
        if (interval.start is not None and interval.end is not None
                and interval.end - interval.start > MAX_INTERVAL):
            plan.problems.append(_("{where}: lasts more than {days} days ({start} to {end}): "
                                   "was it left running? Correct it in the tracker").format(
                where=interval.where, days=MAX_INTERVAL.days, start=interval.start,
                end=interval.end))
            continue
        try:
            parts = split_days(interval, zone)
        except (OverflowError, ValueError):
            plan.problems.append(_("{where}: its dates are beyond the calendar in the time "
                                   "zone {zone}").format(where=interval.where, zone=timezone))
            continue
        total = sum(s for __, s in parts)
        if interval.key in done:
            plan.already += 1
            if done[interval.key] != total:
                plan.changed.append(
                    _("{where}: imported before as {before}, now {now} in the tracker: not "
                      "imported again").format(where=interval.where,
                                               before=_hms(done[interval.key]),
                                               now=_hms(total)))
            continue
        try:
            task = _task_of(interval, codes, task_map)
        except LedgerError as exc:
            plan.problems.append(f"{interval.where}: {exc}")
            plan.unnamed += 1
            continue
        plan.new += 1
        for on, seconds in parts:
            plan.pieces.append(Piece(interval.key, on, seconds))
            group = days.setdefault(on, {}).setdefault((task, interval.note),
                                                       [0, interval.where])
            group[0] += seconds
    for on in sorted(days):
        carried = day_seconds.get(on, 0)
        for (task, note), (seconds, where) in days[on].items():
            minutes = _round(carried + seconds) - _round(carried)
            carried += seconds
            if minutes > 0:
                plan.entries.append(PlannedEntry(where, on, task, note, minutes))
    return plan
