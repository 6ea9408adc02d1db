"""Each tracker's documented export format read into :class:`Interval` values.

A parser takes the file's text and returns the intervals and the problems of its
malformed parts, each named by its line (timeclock, timedot, Kimai's CSV) or its JSON
path (``[3].end``, ``records[2].entries[0].start``); a file that is not the format at
all raises one :class:`LedgerError`. Nothing here knows a ledger: which task a name
means and in which time zone a wall-clock time is are decided by :mod:`.days`.

The formats, as their tools document them:

- ``timew export``: a JSON array of intervals ``{"id", "start", "end", "tags",
  "annotation"}``, times in UTC as ``20261120T083000Z``; a running interval has no
  ``end``. ``id`` is the interval's current position (``@1`` is the latest), so the
  start time is its key.
- hledger's timeclock: ``i DATE TIME ACCOUNT  DESCRIPTION`` and ``o DATE TIME`` lines
  (``O`` closes too; ``b`` and ``h`` lines are read and ignored, as hledger does), the
  date ``Y-M-D``, ``Y/M/D`` or ``Y.M.D``, the time ``HH:MM[:SS][+-ZZZZ]`` in local time
  (hledger ignores the offset; so does this reader); ``#``, ``;`` and ``*`` lines are
  comments.
- hledger's timedot: a date line (``Y-M-D`` and an optional description), then
  ``ACCOUNT  QUANTITY`` lines: dots (a quarter hour each, spaces allowed), a number of
  hours, or a number with a unit ``s``, ``m`` or ``h``. Its ``d`` unit is 24 hours (and
  ``w``, ``mo``, ``y`` longer still): refused, never read as a person-day.
- ``klog json``: ``{"records": [{"date", "summary", "tags", "entries": [...]}],
  "errors": null}``; an entry is a ``range`` (``start_mins``/``end_mins`` from the
  record's midnight, below 0 on the day before, from 1440 on the day after), a
  ``duration`` (``total_mins``) or an ``open_range`` (still running: refused). An
  entry's tags name its task, else its record's tags do.
- Kimai's CSV export: a header row naming its columns (Date, From, To, Duration, ...,
  User, Customer, Project, Activity, Description, ..., Tags, ...), read by name;
  a ``To`` before its ``From`` ends on the next day. The time is From..To; a Duration
  written ``H:MM`` that differs from it (a break recorded inside) is refused rather
  than guessed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from model.errors import LedgerError
from model.i18n import N_, _
from model.usertext import shown

#: the tools ``sowtrack import`` reads, by the name of their subcommand
TOOLS = ("timew", "timeclock", "timedot", "klog", "kimai")


@dataclass(frozen=True)
class Interval:
    """Time one person spent, as a tracker recorded it.

    Either ``start`` and ``end`` (aware in UTC, or naive: a wall-clock time in the
    person's time zone), or a ``day`` and its ``seconds`` (a duration without times).
    ``key`` is stable across exports of the same tracker (a start time, a date and an
    account...): a re-import skips the keys it has. ``names`` are what may name its
    task (tags, account segments, the activity)."""

    where: str  # "line 12", "[3]", "records[2].entries[0]"
    key: str
    names: tuple[str, ...]
    note: str = ""
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    seconds: int = 0
    #: names tried when ``names`` name no task (a klog record's tags, for its entries)
    fallback: tuple[str, ...] = ()


@dataclass
class Parsed:
    """A tracker file as read: its intervals, and the problems of its malformed parts."""

    tool: str
    intervals: list[Interval] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _q(text: object) -> str:
    """A value from the file as a message quotes it: one line, no control characters."""
    s = shown(str(text))
    return repr(s if len(s) <= 60 else s[:57] + "...")


def _one_line(text: str) -> str:
    """A note from a tracker on one line: klog's summaries and Kimai's descriptions may
    span lines, joined here by spaces (another control character stays, and the
    admission refuses it as it refuses it in any note)."""
    return " ".join(text.split()) if "\n" in text or "\r" in text else text.strip()


def _loads(text: str, tool: str, shape: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LedgerError(_("line {line} column {column}: not JSON ({error}); expected "
                            "{shape}").format(line=exc.lineno, column=exc.colno,
                                              error=exc.msg, shape=shape)) from None
    except RecursionError:
        raise LedgerError(_("not {tool}'s JSON: nested too deeply").format(tool=tool)) from None
    except ValueError:  # an integer longer than Python converts (not a JSONDecodeError)
        raise LedgerError(_("not {tool}'s JSON: a number of more than {n} digits").format(
            tool=tool, n=sys.get_int_max_str_digits())) from None


# ------------------------------------------------------------------- timew export

_TIMEW = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def _timew_time(value: Any) -> datetime | None:
    m = _TIMEW.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        return None
    try:
        return datetime(*map(int, m.groups()), tzinfo=UTC)
    except ValueError:
        return None


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words (a dict is an object)."""
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    return {dict: _("a JSON object"), list: _("a JSON array"), str: _("a string")}.get(
        type(value), "null")


def parse_timew(text: str) -> Parsed:
    """``timew export`` output (see the module's docstring)."""
    out = Parsed("timew")
    data = _loads(text, "timew", _("the JSON array `timew export` writes"))
    if not isinstance(data, list):
        raise LedgerError(_("not `timew export` output: expected a JSON array of intervals, "
                            "got {kind}").format(kind=_json_kind(data)))
    seen: dict[str, str] = {}
    for i, item in enumerate(data):
        at = f"[{i}]"
        if not isinstance(item, dict):
            out.problems.append(f"{at}: " + _("expected an interval (a JSON object)"))
            continue
        start = _timew_time(item.get("start"))
        if start is None:
            out.problems.append(f"{at}.start: " + _("expected a UTC time like {example}, got "
                                                    "{value}").format(
                example="20261120T083000Z", value=_q(item.get("start"))))
            continue
        if "end" not in item:
            out.problems.append(f"{at}.end: " + _("missing: the interval is still running; "
                                                  "stop it (timew stop) and export again"))
            continue
        end = _timew_time(item["end"])
        if end is None:
            out.problems.append(f"{at}.end: " + _("expected a UTC time like {example}, got "
                                                  "{value}").format(
                example="20261120T173000Z", value=_q(item["end"])))
            continue
        if end < start:
            out.problems.append(f"{at}.end: " + _("{end} is before its start {start}").format(
                end=item["end"], start=item["start"]))
            continue
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            out.problems.append(f"{at}.tags: " + _("expected a list of texts"))
            continue
        note = item.get("annotation", "")
        if not isinstance(note, str):
            out.problems.append(f"{at}.annotation: " + _("expected a text"))
            continue
        key = item["start"]
        if key in seen:
            out.problems.append(f"{at}.start: " + _("a second interval starting at {key} (the "
                                                    "first is {first})").format(
                key=key, first=seen[key]))
            continue
        seen[key] = at
        out.intervals.append(Interval(at, key, tuple(tags), _one_line(note), start, end))
    return out


# ------------------------------------------------------------------ hledger's dates

_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[+-]\d{4})?")


def _simple_date(text: str) -> date | None:
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[3]), int(m[4]))
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    try:
        return time(int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError:
        return None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.removeprefix("\ufeff").splitlines(), start=1)


def _account_names(account: str) -> tuple[str, ...]:
    """An hledger account and its segments: ``client:T2`` may name T2."""
    parts = [p.strip() for p in account.split(":") if p.strip()]
    return tuple(dict.fromkeys([account.strip(), *parts]))


# ----------------------------------------------------------------------- timeclock

def parse_timeclock(text: str) -> Parsed:
    """hledger's timeclock lines (see the module's docstring)."""
    out = Parsed("timeclock")
    open_: tuple[int, datetime, str, str] | None = None  # line, start, account, note
    seen: dict[str, int] = {}
    for n, line in _lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;*":
            continue
        code, __, rest = stripped.partition(" ")
        if code in ("b", "h"):
            continue
        if code not in ("i", "o", "O"):
            out.problems.append(f"line {n}: " + _("expected a line starting with i (clock in) "
                                                  "or o (clock out), got {value}").format(
                value=_q(stripped)))
            continue
        words = rest.strip().split(" ", 2)
        day = _simple_date(words[0]) if words and words[0] else None
        clock = _clock(words[1]) if len(words) > 1 else None
        if day is None or clock is None:
            out.problems.append(f"line {n}: " + _("expected {code} YYYY-MM-DD HH:MM[:SS], got "
                                                  "{value}").format(code=code,
                                                                    value=_q(stripped)))
            continue
        at = datetime.combine(day, clock)
        if code == "i":
            if open_ is not None:
                out.problems.append(f"line {n}: " + _("clocks in while the session of line "
                                                      "{first} is still open (no o line "
                                                      "between)").format(first=open_[0]))
                open_ = None
                continue
            tail = words[2] if len(words) > 2 else ""
            tail = tail.split(";", 1)[0]  # a comment
            parts = re.split(r"\s{2,}|\t", tail.strip(), maxsplit=1)
            account, note = parts[0], parts[1] if len(parts) > 1 else ""
            if not account.strip():
                out.problems.append(f"line {n}: " + _("the clock-in names no account (the "
                                                      "task), e.g. i 2026-03-02 09:00 "
                                                      "client:T2"))
                continue
            open_ = (n, at, account.strip(), note.strip())
            continue
        if open_ is None:
            out.problems.append(f"line {n}: " + _("clocks out with no session open"))
            continue
        first, start, account, note = open_
        open_ = None
        if at < start:
            out.problems.append(f"line {n}: " + _("clocks out at {at}, before its clock-in on "
                                                  "line {first}").format(
                at=f"{at:%Y-%m-%d %H:%M:%S}", first=first))
            continue
        key = start.isoformat()
        if key in seen:
            out.problems.append(f"line {first}: " + _("a second session starting at {start} "
                                                      "(the first is on line {line})").format(
                start=f"{start:%Y-%m-%d %H:%M:%S}", line=seen[key]))
            continue
        seen[key] = first
        out.intervals.append(Interval(f"line {first}", key, _account_names(account),
                                      note, start, at))
    if open_ is not None:
        out.problems.append(f"line {open_[0]}: " + _("the session is still open (no o line): "
                                                     "clock out and export again"))
    return out


# ------------------------------------------------------------------------- timedot

_NUMBER = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(s|m|h|d|w|mo|y)?")
_SECONDS = {"s": 1, "m": 60, "h": 3600, None: 3600}
_TOO_LONG = {"d": N_("a day of 24 hours"), "w": N_("a week"), "mo": N_("a month"),
             "y": N_("a year")}


def _timedot_seconds(quantity: str) -> int | str:
    """A timedot quantity in seconds, or why it is refused."""
    q = quantity.strip()
    if q and set(q) <= {".", " "}:
        return q.count(".") * 900
    m = _NUMBER.fullmatch(q)
    if m is None:
        if q.startswith("-"):
            return _("{value} is negative: timedot lines add time").format(value=_q(q))
        if re.fullmatch(r"[A-Za-z. ]+", q):
            return _("{value}: letters (tagged quarter hours) are not read; write dots or "
                     "hours").format(value=_q(q))
        return _("expected dots, hours (1.5) or a number with s, m or h, got {value}").format(
            value=_q(q))
    unit = m[2]
    if unit in _TOO_LONG:
        return _("{value}: timedot's {unit!r} unit is {length} (hledger), not a person-day; "
                 "write the hours worked, e.g. 8h").format(value=_q(q), unit=unit,
                                                           length=_(_TOO_LONG[unit]))
    try:
        seconds = (Decimal(m[1]) * _SECONDS[unit]).quantize(Decimal(1), ROUND_HALF_UP)
    except InvalidOperation:
        return _("{value} is not a number").format(value=_q(q))
    if seconds > 86400:
        return _("{value} is more than the 24 hours of a day").format(value=_q(q))
    return int(seconds)


def parse_timedot(text: str) -> Parsed:
    """hledger's timedot (see the module's docstring)."""
    out = Parsed("timedot")
    day: date | None = None
    day_note = ""
    count: dict[tuple[date, str], int] = {}
    for n, line in _lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        heading = stripped.lstrip("*").strip() if stripped.startswith("*") else None
        if not line[0].isspace() or heading is not None:
            first, __, rest = (heading if heading is not None else stripped).partition(" ")
            d = _simple_date(first)
            if d is not None:
                day, day_note = d, rest.split(";", 1)[0].strip()
                continue
            if heading is not None:
                continue  # an org heading that is not a date: a comment
        body = stripped.split(";", 1)[0].rstrip()
        parts = re.split(r"\s{2,}|\t", body, maxsplit=1)
        if len(parts) != 2:
            out.problems.append(f"line {n}: " + _("expected a date line (YYYY-MM-DD) or ACCOUNT  "
                                                  "QUANTITY (two spaces between), got "
                                                  "{value}").format(value=_q(stripped)))
            continue
        account, quantity = parts[0].strip(), parts[1].strip()
        if day is None:
            out.problems.append(f"line {n}: " + _("a time line before any date line"))
            continue
        seconds = _timedot_seconds(quantity)
        if isinstance(seconds, str):
            out.problems.append(f"line {n}: {seconds}")
            continue
        if not seconds:
            continue
        k = count[(day, account)] = count.get((day, account), 0) + 1
        key = f"{day.isoformat()} {account}" + (f" #{k}" if k > 1 else "")
        out.intervals.append(Interval(f"line {n}", key, _account_names(account), day_note,
                                      day=day, seconds=seconds))
    return out


# ---------------------------------------------------------------------- klog json

def _klog_names(tags: Any) -> tuple[str, ...]:
    names: list[str] = []
    for t in tags if isinstance(tags, list) else []:
        if isinstance(t, str):
            bare = t.lstrip("#")
            names.append(bare)
            if "=" in bare:  # #task=T2: the value names it too
                names.extend(v.strip("\"'") for v in bare.split("=", 1))
    return tuple(dict.fromkeys(n for n in names if n))


def _klog_clock(mins: int) -> str:
    """Minutes from a record's midnight as klog writes a time: 9:00, <23:00, 1:00>."""
    days, rest = divmod(mins, 1440)
    clock = f"{rest // 60}:{rest % 60:02d}"
    return clock if days == 0 else f"<{clock}" if days < 0 else f"{clock}>"


_KLOG_SPAN = 7 * 1440  # start_mins, end_mins: klog writes a day either side at most


def parse_klog(text: str) -> Parsed:
    """``klog json`` output (see the module's docstring)."""
    out = Parsed("klog")
    data = _loads(text, "klog", _('the JSON `klog json` writes ({{"records": [...]}})')
                  .format())
    if not isinstance(data, dict) or "records" not in data:
        raise LedgerError(_('not `klog json` output: expected a JSON object with "records"'))
    errors = data.get("errors")
    if errors:
        for i, e in enumerate(errors if isinstance(errors, list) else [errors]):
            where = (shown(f"line {e.get('line')}: {e.get('title', '')}".strip())
                     if isinstance(e, dict) else _q(e))
            out.problems.append(f"errors[{i}]: " + _("klog could not read its file: {where}")
                                .format(where=where))
        return out
    records = data["records"] or []
    if not isinstance(records, list):
        raise LedgerError("records: " + _("expected a JSON array"))
    durations: dict[date, int] = {}  # date -> durations seen (klog allows several records)
    seen: dict[str, str] = {}  # a range's key -> where it is
    for r, record in enumerate(records):
        at = f"records[{r}]"
        if not isinstance(record, dict):
            out.problems.append(f"{at}: " + _("expected a record (a JSON object)"))
            continue
        try:
            day = date.fromisoformat(record.get("date"))
        except (TypeError, ValueError):
            out.problems.append(f"{at}.date: " + _("expected YYYY-MM-DD, got {value}").format(
                value=_q(record.get("date"))))
            continue
        midnight = datetime.combine(day, time())
        summary = record.get("summary") or ""
        if not isinstance(summary, str):
            out.problems.append(f"{at}.summary: " + _("expected a text"))
            continue
        entries = record.get("entries") or []
        if not isinstance(entries, list):
            out.problems.append(f"{at}.entries: " + _("expected a JSON array"))
            continue
        for e, entry in enumerate(entries):
            here = f"{at}.entries[{e}]"
            if not isinstance(entry, dict):
                out.problems.append(f"{here}: " + _("expected an entry (a JSON object)"))
                continue
            kind = entry.get("type")
            names = _klog_names(entry.get("tags"))
            fallback = _klog_names(record.get("tags"))
            own = entry.get("summary") or summary
            if not isinstance(own, str):
                out.problems.append(f"{here}.summary: " + _("expected a text"))
                continue
            note = _one_line(own)
            if kind == "open_range":
                out.problems.append(f"{here}: " + _("an open range (started {start}, no end): "
                                                    "it is still running; close it and export "
                                                    "again").format(
                    start=shown(str(entry.get("start")))))
                continue
            if kind == "duration":
                mins = entry.get("total_mins")
                if not isinstance(mins, int) or isinstance(mins, bool):
                    out.problems.append(f"{here}.total_mins: " + _("expected a whole number"))
                    continue
                if mins > 1440:
                    out.problems.append(f"{here}.total_mins: " + _(
                        "{minutes} minutes is more than the 24 hours of a day").format(
                        minutes=mins))
                    continue
                if mins < 0:
                    out.problems.append(f"{here}.total_mins: " + _(
                        "a negative duration ({duration}) is not read; log the time "
                        "worked").format(duration=shown(str(entry.get("total", mins)))))
                    continue
                # its key: its place among the date's durations, whatever ranges
                # are written around it and in however many records of the date
                k = durations[day] = durations.get(day, -1) + 1
                if mins:
                    out.intervals.append(Interval(here, f"{day.isoformat()} d{k}", names,
                                                  note, day=day, seconds=mins * 60,
                                                  fallback=fallback))
                continue
            if kind != "range":
                out.problems.append(f"{here}.type: " + _("expected range, duration or "
                                                         "open_range, got {value}").format(
                    value=_q(kind)))
                continue
            ends = []
            for name in ("start", "end"):
                v = entry.get(f"{name}_mins")
                if not isinstance(v, int) or isinstance(v, bool):
                    out.problems.append(f"{here}.{name}: " + _(
                        "expected {name}_mins, a whole number of minutes from the record's "
                        "midnight").format(name=name))
                    break
                if abs(v) > _KLOG_SPAN:
                    out.problems.append(f"{here}.{name}: " + _(
                        "{minutes} minutes from the record's midnight is more than a week "
                        "away").format(minutes=v))
                    break
                ends.append(v)
            if len(ends) != 2:
                continue
            if ends[1] < ends[0]:
                out.problems.append(f"{here}.end: " + _("ends before its start"))
                continue
            key = f"{day.isoformat()} {ends[0]}"
            if key in seen:
                out.problems.append(f"{here}: " + _("a second range starting at {clock} on "
                                                    "{day} (the first is {first})").format(
                    clock=_klog_clock(ends[0]), day=day.isoformat(), first=seen[key]))
                continue
            seen[key] = here
            out.intervals.append(Interval(
                here, key, names, note,
                midnight + timedelta(minutes=ends[0]), midnight + timedelta(minutes=ends[1]),
                fallback=fallback))
    return out


# --------------------------------------------------------------------- Kimai's CSV

#: Kimai's column labels (English) each reader field takes, first found wins
_KIMAI = {
    "date": ("date",),
    "from": ("from", "begin"),
    "to": ("to", "end"),
    "duration": ("duration",),
    "user": ("user", "username", "name"),
    "project": ("project",),
    "activity": ("activity",),
    "description": ("description",),
    "tags": ("tags",),
}


def _kimai_time(day: date, text: str) -> datetime | None:
    t = text.strip()
    if " " in t or "T" in t:  # a full date and time
        try:
            return datetime.fromisoformat(t.replace(" ", "T", 1)).replace(tzinfo=None)
        except ValueError:
            return None
    c = _clock(t)
    return None if c is None else datetime.combine(day, c)


def _kimai_duration(text: str) -> int | None:
    """Kimai's Duration as ``H:MM[:SS]`` in seconds; None for anything else (a decimal
    may be hours or a spreadsheet's fraction of a day: not read)."""
    m = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text.strip())
    return None if m is None else int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0)


def parse_kimai(text: str) -> Parsed:
    """Kimai's CSV export (see the module's docstring)."""
    out = Parsed("kimai")
    body = text.removeprefix("\ufeff")
    first = body.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise LedgerError(f"line 1: {exc}") from None
    if header is None:
        raise LedgerError(_("empty file; expected Kimai's CSV export with its header row"))
    labels = [h.strip().casefold() for h in header]
    col: dict[str, int] = {}
    for name, choices in _KIMAI.items():
        for c in choices:
            if c in labels:
                col[name] = labels.index(c)
                break
    missing = [n.capitalize() for n in ("date", "from", "to") if n not in col]
    if missing:
        raise LedgerError("line 1: " + _("not Kimai's CSV export: no {columns} column (the "
                                         "header has {header})").format(
            columns=", ".join(missing), header=", ".join(map(_q, header[:12]))))
    users: dict[str, int] = {}
    seen: dict[str, int] = {}
    line = 2
    try:
        for fields in reader:
            n, line = line, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue

            def get(name: str, fields: list[str] = fields) -> str:
                i = col.get(name)
                return fields[i].strip() if i is not None and i < len(fields) else ""

            if get("date") == "" and get("from") == "":
                continue  # Kimai's total row at the end
            day = _simple_date(get("date")[:10])
            if day is None:
                out.problems.append(f"line {n}: Date: " + _("expected YYYY-MM-DD, got "
                                                            "{value}").format(
                    value=_q(get("date"))))
                continue
            start, end = _kimai_time(day, get("from")), _kimai_time(day, get("to"))
            if start is None or end is None:
                which = "From" if start is None else "To"
                value = get("from") if start is None else get("to")
                problem = (_("empty: the timesheet is still running; stop it and export "
                             "again") if not value
                           else _("expected HH:MM, got {value}").format(value=_q(value)))
                out.problems.append(f"line {n}: {which}: {problem}")
                continue
            if end < start:
                try:
                    end += timedelta(days=1)  # ended after midnight
                except OverflowError:
                    out.problems.append(f"line {n}: To: " + _(
                        "{time} the next day is beyond the calendar").format(time=get("to")))
                    continue
            lasted = _kimai_duration(get("duration"))
            if lasted is not None and abs(lasted - (end - start).total_seconds()) > 60:
                out.problems.append(
                    f"line {n}: Duration: " + _(
                        "{duration} is not From..To ({span}): a break inside it? Split the "
                        "timesheet in Kimai so that the two agree").format(
                        duration=_q(get("duration")), span=f"{get('from')}-{get('to')}"))
                continue
            user = get("user")
            if user:
                users.setdefault(user, n)
            key = start.isoformat()
            if key in seen:
                out.problems.append(f"line {n}: " + _("a second timesheet starting at {start} "
                                                      "(the first is on line {line})").format(
                    start=f"{start:%Y-%m-%d %H:%M}", line=seen[key]))
                continue
            seen[key] = n
            tags = tuple(t.strip() for t in get("tags").split(",") if t.strip())
            names = tuple(dict.fromkeys(x for x in (get("activity"), *tags) if x))
            out.intervals.append(Interval(f"line {n}", key, names,
                                          _one_line(get("description")), start, end))
    except csv.Error as exc:
        out.problems.append(f"line {line}: {exc}")
    if len(users) > 1:
        shown_users = ", ".join(f"{_q(u)} (line {n})" for u, n in list(users.items())[:4])
        raise LedgerError(_("the file holds the times of {n} users ({users}); export one "
                            "person's times and import them as that person").format(
            n=len(users), users=shown_users))
    return out
