"""The audit log in words: one sentence per audit row (the History view, ``sowtrack history``).

An audit row states who (``actor``), when (``at``, UTC), what (``action`` on an
``entity`` keyed by ``ref``) and the record's state before and after. :func:`describe`
turns one row into a sentence such as "李娜 signed CR-002 on 2026-10-03" or "chen.jing
edited entry 13 on 2026-11-02: hours 7.5 → 8". Every kind of row the program writes has
its sentence in :data:`SENTENCES` (tests/test_history.py finds every kind the services
write and fails on one without a sentence); a row of an unknown kind (a newer program's,
or one written behind the program's back) is still worded, plainly.

The sentence is built from the row's structured content at display time (the chain
hashes the content, never these words). User text in it (names, notes, titles) is data:
control characters are shown as their symbols (:func:`model.usertext.shown`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from model.errors import FieldError
from model.formats import format_hours
from model.rules.numbers import pd_of_milli, round_pd
from model.usertext import shown
from model.zones import UnknownZone, zone


@dataclass(frozen=True)
class AuditRow:
    """One audit row, its before and after read from their canonical JSON."""

    id: int
    at: datetime  # UTC, naive, as stored
    actor: str
    action: str
    entity: str
    ref: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class HistoryLine:
    """One audit row as the History view and ``sowtrack history`` show it."""

    id: int
    at: datetime  # in the project's time zone, naive
    actor: str
    action: str
    entity: str
    ref: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor,
                "action": self.action, "record": record_label(self.entity, self.ref),
                "text": self.text}


def state(text: str | None) -> Mapping[str, Any] | None:
    """A before or after column (canonical JSON) as a mapping; a value that is not a JSON
    object (an edit behind the program's back: verify names it) as ``{"value": text}``."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def local_time(at: datetime, timezone: str) -> datetime:
    """An audit row's time (naive UTC) in ``timezone``, naive: what the project's people
    read on their clocks."""
    try:
        local = zone(timezone)
    except UnknownZone:  # an unknown zone: UTC rather than no history
        return at
    return at.replace(tzinfo=UTC).astimezone(local).replace(tzinfo=None)


def utc_bound(day: date, timezone: str) -> datetime:
    """The first instant of ``day`` in ``timezone``, as a naive UTC time (the audit rows'
    ``at``): the date filter of the history is the project's, not UTC's."""
    try:
        local_zone = zone(timezone)
    except UnknownZone:
        return datetime(day.year, day.month, day.day)
    local = datetime(day.year, day.month, day.day, tzinfo=local_zone)
    return local.astimezone(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------- naming records

#: the kinds of record a ``--record`` filter may name as KIND:REF, with their word
RECORD_KINDS = {"entry": "entry", "task": "task", "person": "person", "away": "days away",
                "blocker": "blocker", "cr": "change request", "period": "period",
                "acceptance": "acceptance", "scope": "scope", "quota": "quota",
                "quota_use": "quota use", "obligation": "obligation",
                "deliverable": "deliverable", "printed": "printed revision",
                "project": "project", "import": "imported file",
                "entries": "imported entries",
                "staff_change": "staff change", "signature": "signature"}


@dataclass(frozen=True)
class RecordFilter:
    """Which rows a record filter keeps: ``entity`` (None: any kind) and ``ref``.

    A document (CR-002, TS-001, ACC-001, SCOPE-001) keeps its signatures' rows too
    (``CR-002/li.na``); a person keeps the rows of their staff changes; a quota its uses.
    """

    entity: str | None
    ref: str

    @property
    def children(self) -> bool:
        """The records keyed ``REF/...`` belong to it (signatures, a quota's uses)."""
        return self.entity in (None, "quota", "cr", "period", "acceptance", "scope")


def parse_record(text: str) -> RecordFilter:
    """A record as a person names it: ``entry:13``, ``13`` (an entry), ``CR-002``,
    ``TS-001``, ``task:T2``, ``person:wang.fang``, ``B-001``. Refused, naming the field
    ``record``, when it names no kind of record."""
    raw = text.strip()
    if not raw:
        raise FieldError("record", "is empty (e.g. entry:13, CR-002, TS-001, task:T2)")
    if ":" in raw:
        kind, _, ref = raw.partition(":")
        kind, ref = kind.strip().lower().replace(" ", "_"), ref.strip()
        if kind not in RECORD_KINDS:
            raise FieldError("record", f"{shown(kind)!r} is no kind of record (one of "
                                       f"{', '.join(RECORD_KINDS)})")
        if not ref:
            raise FieldError("record", f"names no {kind} (e.g. {kind}:{_EXAMPLE[kind]})")
        if kind in ("cr", "period", "acceptance", "scope", "blocker"):
            ref = ref.upper()
        return RecordFilter(kind, ref)
    if raw.isdigit():
        return RecordFilter("entry", str(int(raw)))
    upper = raw.upper()
    for prefix, kind in (("CR-", "cr"), ("TS-", "period"), ("ACC-", "acceptance"),
                         ("SCOPE-", "scope"), ("B-", "blocker")):
        if upper.startswith(prefix):
            return RecordFilter(kind, upper)
    return RecordFilter(None, raw)


_EXAMPLE = {"entry": "13", "task": "T2", "person": "wang.fang", "cr": "CR-002",
            "period": "TS-001", "acceptance": "ACC-001", "scope": "SCOPE-001",
            "blocker": "B-001", "quota": "research-meetings", "away": "3",
            "quota_use": "research-meetings/1", "obligation": "env-access",
            "deliverable": "report", "printed": "4", "project": "CODE", "import": "SHA256",
            "entries": "1..5000",
            "staff_change": "wang.fang", "signature": "CR-002/li.na"}


def record_label(entity: str, ref: str) -> str:
    """How a row's record is named in a filter: ``entry:13``, ``CR-002``, ``task:T2``."""
    if entity in ("cr", "period", "acceptance", "scope", "blocker"):
        return ref
    return f"{entity}:{ref}"


# ---------------------------------------------------------------- the sentences


class _Words:
    """What a sentence needs besides the row: people's names, the row's local day."""

    def __init__(self, row: AuditRow, names: Mapping[str, str], day: date):
        self.row, self.names, self.day = row, names, day
        self.before: Mapping[str, Any] = row.before or {}
        self.after: Mapping[str, Any] = row.after or {}
        self.dated = False  # the sentence says its own date (see on())

    def on(self, day: Any) -> str:
        """"on D" for the day an event happened (a signature, a resolution), with the day it
        was recorded when that differs; the sentence then says no other date."""
        self.dated = True
        text = f"on {day}"
        return text if str(day) == self.day.isoformat() else f"{text} (recorded on {self.day})"

    def who(self, key: Any) -> str:
        """A person by name (their key when the ledger knows no name for it)."""
        k = "" if key is None else str(key)
        return self.names.get(k) or k or "nobody"

    def get(self, name: str) -> Any:
        """A field of the record: as it is after the row, else as it was before it."""
        return self.after.get(name, self.before.get(name))


def _q(value: Any) -> str:
    """User text quoted."""
    return f"“{value}”"


def _pd(milli: Any) -> str:
    try:
        return f"{round_pd(pd_of_milli(int(milli))).normalize():f} PD"
    except (TypeError, ValueError):
        return f"{milli} (milli-PD)"


def _hours(minutes: Any) -> str:
    try:
        return format_hours(int(minutes))
    except (TypeError, ValueError):
        return str(minutes)


def _value(field: str, value: Any, w: _Words) -> str:
    """A field's value in words."""
    if value is None or value == "":
        return "none"
    if field == "minutes":
        return _hours(value)
    if field in ("estimate_milli", "pd_milli", "planned_milli"):
        return _pd(value)
    if field in ("person", "raised_by", "used_by", "done_by", "delivered_by", "replaces",
                 "printed_by"):
        return w.who(value)
    if field in ("note", "title", "reason", "comment", "delivery_note", "criteria", "name"):
        return _q(value)
    if field == "assignees" and isinstance(value, list):
        return ", ".join(f"{w.who(k)} {_pd(pd) if pd is not None else 'unplanned'}"
                         for k, pd in (x if isinstance(x, list) and len(x) == 2 else (x, None)
                                       for x in value)) or "none"
    if field == "deltas" and isinstance(value, list):
        return ", ".join(f"{g} {_signed_pd(pd)}" for g, pd in _pairs(value)) or "none"
    if field == "quota_deltas" and isinstance(value, list):
        return ", ".join(f"{k} {int(n):+d}" for k, n in _pairs(value)) or "none"
    return str(value)


def _pairs(value: list[Any]) -> list[tuple[Any, Any]]:
    return [(x[0], x[1]) for x in value if isinstance(x, list) and len(x) >= 2]


def _signed_pd(milli: Any) -> str:
    try:
        m = int(milli)
    except (TypeError, ValueError):
        return str(milli)
    return ("+" if m >= 0 else "-") + _pd(abs(m))


#: a field's name in a sentence
_FIELD_WORDS = {"minutes": "hours", "estimate_milli": "estimate", "on": "date",
                "new_end": "new end", "quota_deltas": "quota deltas",
                "task_deltas": "task deltas", "deltas": "PD deltas", "leave": "last day",
                "from": "first day", "db_role": "login role", "effective_on": "effective on",
                "raised_on": "raised on", "resolved_on": "resolved on"}


def _changes(w: _Words, skip: tuple[str, ...] = ()) -> str:
    """What a row changed: ``hours 7.5 → 8, note “a” → “b”`` (the fields that differ)."""
    parts = []
    for field in sorted(set(w.before) | set(w.after), key=_field_order):
        if field in skip or field not in w.after:
            continue
        old, new = w.before.get(field), w.after.get(field)
        if old == new:
            continue
        name = _FIELD_WORDS.get(field, field.replace("_", " "))
        parts.append(f"{name} {_value(field, old, w)} → {_value(field, new, w)}")
    return ", ".join(parts) or "nothing changed"


_ORDER = ("date", "person", "task", "minutes", "grade", "title", "estimate_milli", "priority",
          "status", "assignees", "note")


def _field_order(field: str) -> tuple[int, str]:
    return (_ORDER.index(field) if field in _ORDER else len(_ORDER), field)


def _entry(w: _Words) -> str:
    e = w.after or w.before
    return (f"{w.who(e.get('person'))}, {e.get('date')}, {e.get('task')}, "
            f"{_hours(e.get('minutes'))} h" + (f", note {_q(e['note'])}" if e.get("note")
                                               else ""))


def _status(w: _Words, doc: str) -> str:
    """A document's status after the actor's signature (or withdrawal)."""
    status = w.after.get("status")
    if status == "effective":
        on = w.after.get("effective_on")
        return f"made {doc} effective" + (f" {w.on(on)}" if on else "") + " by signing it"
    if status == "signing":
        return f"left {doc} awaiting the other party's signature"
    if status == "rejected":
        return f"rejected {doc} by signing it"
    if status == "withdrawn":
        return f"withdrew {doc}"
    return f"left {doc} {status}"


def _document(w: _Words) -> str:
    """A document by its kind and number: "CR-002", "timesheet TS-001"."""
    return {"period": "the timesheet ", "acceptance": "the acceptance ",
            "scope": "the scope "}.get(w.row.entity, "") + w.row.ref


def _signature(w: _Words) -> str:
    doc = w.after.get("doc") or w.row.ref.rpartition("/")[0]
    on = w.after.get("on")
    text = f"signed {doc}" + (f" {w.on(on)}" if on else "")
    party, role = w.after.get("party"), w.after.get("role")
    if party or role:
        text += f" as {party} {role}".rstrip()
    return text


def _person(w: _Words) -> str:
    a = w.after
    what = " ".join(str(x) for x in (a.get("party"), a.get("role")) if x)
    grade = f", {a['grade']}" if a.get("grade") else ""
    first = f", from {a['from']}" if a.get("from") else ""
    return f"added {w.who(w.row.ref)} {w.row.ref} ({what}{grade}){first}"


def _staff_change(w: _Words) -> tuple[str, str]:
    a = w.after
    required = a.get("required") or 0
    return (f"recorded a vendor staff change ({w.row.action}) of {w.who(a.get('person'))}",
            f"effective {a.get('effective_on')}, recorded {a.get('recorded_on')}"
            + (f", {required} working days of notice required" if required else ""))


def _import(w: _Words) -> str:
    a = w.after
    sha = str(a.get("sha256") or w.row.ref)
    return (f"imported {a.get('rows', '?')} entries from {_q(a.get('name', ''))} "
            f"(SHA-256 {sha[:12]}…)")


def _cr_raise(w: _Words) -> str | tuple[str, str]:
    a = w.after
    parts = [f"raised {w.row.ref} {_q(a.get('title', ''))}"]
    asked = []
    if a.get("deltas"):
        asked.append(_value("deltas", a["deltas"], w))
    if a.get("quota_deltas"):
        asked.append("quotas " + _value("quota_deltas", a["quota_deltas"], w))
    if a.get("task_deltas"):
        asked.append("estimates " + ", ".join(
            f"{x[0]} {_signed_pd(x[1])}" for x in a["task_deltas"]
            if isinstance(x, list) and len(x) >= 2))
    if a.get("new_end"):
        asked.append(f"end {a['new_end']}")
    return (parts[0], "; ".join(asked)) if asked else parts[0]


def _conclusion(w: _Words) -> tuple[str, str]:
    words = {"accepted": "accepted", "conditional": "accepted with conditions",
             "rejected": "rejected"}
    c = w.after.get("conclusion")
    text = f"{words.get(str(c), c)}"
    return (f"recorded the conclusion of {w.row.ref}",
            text + (f", comments {_q(w.after['comment'])}" if w.after.get("comment") else ""))


def _allocation(w: _Words) -> tuple[str, str]:
    old = {x[0]: x[1] for x in w.before.get("assignees", []) if isinstance(x, list)}
    new = {x[0]: x[1] for x in w.after.get("assignees", []) if isinstance(x, list)}
    parts = [f"{w.who(k)} {_pd(old[k]) if old.get(k) is not None else 'none'} → "
             f"{_pd(new[k]) if new.get(k) is not None else 'none'}"
             for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return f"allocated task {w.row.ref}", ", ".join(parts) or "nothing changed"


def _away(w: _Words) -> tuple[str, str]:
    a = w.after
    return (f"recorded {w.who(a.get('person'))} away {a.get('first')}..{a.get('last')}",
            f"note {_q(a['note'])}" if a.get("note") else "")


def _grade(w: _Words) -> tuple[str, str]:
    person = w.who(w.row.ref)
    old, new = w.before.get("grade"), w.after.get("grade")
    w.dated = True
    return (f"changed {person}'s grade to {new or 'none'} from {w.day}",
            f"was {old}" if old else "")


#: (action, entity) → the sentence's words after the actor: what was done to which record,
#: or (that, the details), the row's date going between them.
#: A new kind of audit row needs its line here (tests/test_history.py checks the services).
SENTENCES: dict[tuple[str, str], Callable[[_Words], str | tuple[str, str]]] = {
    ("init", "project"): lambda w: f"created project {w.row.ref} from its SOW",
    ("accept", "project"): lambda w: (f"closed project {w.row.ref}: accepted on "
                                      f"{w.after.get('accepted_on')}, read-only from then"),
    ("log", "entry"): lambda w: (f"logged entry {w.row.ref}", _entry(w)),
    ("import", "entry"): lambda w: (f"imported entry {w.row.ref}", _entry(w)),
    ("edit", "entry"): lambda w: (f"edited entry {w.row.ref}", _changes(w, ("id",))),
    ("delete", "entry"): lambda w: f"deleted entry {w.row.ref} ({_entry(w)})",
    ("import", "import"): _import,
    ("import", "entries"): lambda w: (f"imported entries {w.after.get('first')}.."
                                      f"{w.after.get('last')}",
                                      f"{w.after.get('count')} entries in one batch"),
    ("add", "task"): lambda w: (f"added task {w.row.ref} {_q(w.after.get('title', ''))}",
                                f"estimate {_pd(w.after.get('estimate_milli'))}, priority "
                                f"{w.after.get('priority')}"),
    ("edit", "task"): lambda w: (f"edited task {w.row.ref}", _changes(w, ("code",))),
    ("allocate", "task"): _allocation,
    ("replace", "task"): lambda w: (f"moved task {w.row.ref}'s allocations to the "
                                    f"replacement", _changes(w, ("code",))),
    ("add", "person"): _person,
    ("leave", "person"): lambda w: (f"recorded {w.who(w.row.ref)}'s leave",
                                    f"last working day {w.after.get('leave')}"),
    ("replace", "person"): lambda w: (f"recorded {w.who(w.row.ref)} replacing "
                                      f"{w.who(w.after.get('replaces'))} from "
                                      f"{w.after.get('from')}"),
    ("grade", "person"): _grade,
    ("bind", "person"): lambda w: (f"bound {w.who(w.row.ref)} to the login role "
                                   f"{w.after.get('db_role')}" if w.after.get("db_role")
                                   else f"unbound {w.who(w.row.ref)} from the login role "
                                        f"{w.before.get('db_role')}"),
    ("add", "staff_change"): _staff_change,
    ("leave", "staff_change"): _staff_change,
    ("replace", "staff_change"): _staff_change,
    ("away", "away"): _away,
    ("cancel", "away"): lambda w: (f"cancelled {w.who(w.get('person'))}'s days away "
                                   f"{w.get('first')}..{w.get('last')}"),
    ("raise", "cr"): _cr_raise,
    ("edit", "cr"): lambda w: (f"edited {w.row.ref}",
                               _changes(w, ("kind", "project", "number"))),
    ("status", "cr"): lambda w: _status(w, w.row.ref),
    ("state", "cr"): lambda w: (f"recorded the state of {w.row.ref}",
                                f"{w.after.get('status')}" + (
                                    f", effective {w.after['effective_on']}"
                                    if w.after.get("effective_on") else "")),
    ("withdraw", "cr"): lambda w: f"withdrew {w.row.ref}",
    ("sign", "signature"): _signature,
    ("raise", "period"): lambda w: (f"raised the timesheet {w.row.ref} for "
                                    f"{w.after.get('first')}..{w.after.get('last')}"),
    ("status", "period"): lambda w: _status(w, _document(w)),
    ("withdraw", "period"): lambda w: f"withdrew {_document(w)}",
    ("raise", "acceptance"): lambda w: f"raised {_document(w)}",
    ("status", "acceptance"): lambda w: _status(w, _document(w)),
    ("conclude", "acceptance"): _conclusion,
    ("withdraw", "acceptance"): lambda w: f"withdrew {_document(w)}",
    ("raise", "scope"): lambda w: f"raised {_document(w)} (the task breakdown to sign)",
    ("status", "scope"): lambda w: _status(w, _document(w)),
    ("withdraw", "scope"): lambda w: f"withdrew {_document(w)}",
    ("add", "blocker"): lambda w: (f"raised blocker {w.row.ref} {_q(w.after.get('title', ''))}"
                                   f" owned by the {w.after.get('party')} "
                                   f"{w.on(w.after.get('raised_on'))}"
                                   + (f", task {w.after['task']}" if w.after.get("task")
                                      else "")),
    ("resolve", "blocker"): lambda w: (f"resolved blocker {w.row.ref} "
                                       f"{w.on(w.after.get('resolved_on'))}"),
    ("use", "quota_use"): lambda w: (f"used {w.after.get('n')} of quota {w.after.get('key')} "
                                     f"{w.on(w.after.get('on'))}"
                                     + (f", note {_q(w.after['note'])}" if w.after.get("note")
                                        else "")),
    ("use", "quota"): lambda w: (f"used {w.after.get('n')} of quota "
                                 f"{w.row.ref.partition('/')[0]} {w.on(w.after.get('on'))}"),
    ("print", "printed"): lambda w: (f"printed {w.after.get('doc')} revision "
                                     f"{w.after.get('revision')}"),
    ("done", "obligation"): lambda w: (f"marked obligation {w.row.ref} done "
                                       f"{w.on(w.after.get('done_on'))}"),
    ("deliver", "deliverable"): lambda w: (f"recorded deliverable {w.row.ref} delivered "
                                           f"{w.on(w.after.get('delivered_on'))}"
                                           + (f", note {_q(w.after['delivery_note'])}"
                                              if w.after.get("delivery_note") else "")),
}


def _unknown(w: _Words) -> str:
    return f"{w.row.action} {w.row.entity} {w.row.ref}"


def describe(row: AuditRow, names: Mapping[str, str], day: date) -> str:
    """One audit row in words: "李娜 signed CR-002 on 2026-10-03", "chen.jing edited entry
    13 on 2026-11-02: hours 7.5 → 8". ``names`` maps people's keys to their names; ``day``
    is the row's date in the project's time zone. One line, with no control character."""
    w = _Words(row, names, day)
    words = SENTENCES.get((row.action, row.entity), _unknown)
    try:
        said = words(w)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        said = _unknown(w)  # a row edited into an odd shape is still shown
        w.dated = False
    head, details = said if isinstance(said, tuple) else (said, "")
    if not w.dated:
        head += f" on {day}"
    return shown(f"{w.who(row.actor)} {head}" + (f": {details}" if details else ""))


def line(row: AuditRow, names: Mapping[str, str], timezone: str) -> HistoryLine:
    """An audit row as the history shows it: its time in the project's zone, in words."""
    at = local_time(row.at, timezone)
    return HistoryLine(row.id, at, row.actor, row.action, row.entity, row.ref,
                       describe(row, names, at.date()))
