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
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from model import i18n
from model.errors import FieldError
from model.formats import format_hours
from model.i18n import N_, language
from model.rules.numbers import pd_of_milli, round_pd
from model.rules.staffing import staff_change_word
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
    text: str  # in the language spoken
    text_en: str = ""  # in English, for JSON (empty: ``text`` is)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor,
                "action": self.action, "record": record_label(self.entity, self.ref),
                "text": self.text_en or self.text}


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
        raise FieldError("record", _("is empty (e.g. entry:13, CR-002, TS-001, task:T2)"))
    if ":" in raw:
        kind, __, ref = raw.partition(":")
        kind, ref = kind.strip().lower().replace(" ", "_"), ref.strip()
        if kind not in RECORD_KINDS:
            raise FieldError("record", _("{kind!r} is no kind of record (one of {kinds})").format(
                kind=shown(kind), kinds=", ".join(RECORD_KINDS)))
        if not ref:
            raise FieldError("record", _("names no {kind} (e.g. {kind}:{example})").format(
                kind=kind, example=_EXAMPLE[kind]))
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
#
# The sentences speak the language chosen (model.i18n); ``--json`` keeps them in English
# (:func:`line`), like every other JSON output.

#: set while a sentence is said in English whatever the language spoken (:func:`line`)
_english: ContextVar[bool] = ContextVar("history_in_english", default=False)


def _(message: str) -> str:
    """``message`` in the language spoken, or in English while :data:`_english` is set."""
    return message if _english.get() else i18n._(message)


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
        if str(day) == self.day.isoformat():
            return _("on {day}").format(day=day)
        return _("on {day} (recorded on {recorded})").format(day=day, recorded=self.day)

    def who(self, key: Any) -> str:
        """A person by name (their key when the ledger knows no name for it)."""
        k = "" if key is None else str(key)
        return self.names.get(k) or k or _("nobody")

    def get(self, name: str) -> Any:
        """A field of the record: as it is after the row, else as it was before it."""
        return self.after.get(name, self.before.get(name))


def _q(value: Any) -> str:
    """User text quoted."""
    return f"“{value}”"


def _pd(milli: Any) -> str:
    try:
        return _("{pd} PD").format(pd=f"{round_pd(pd_of_milli(int(milli))).normalize():f}")
    except (TypeError, ValueError):
        return _("{milli} (milli-PD)").format(milli=milli)


def _hours(minutes: Any) -> str:
    try:
        return format_hours(int(minutes))
    except (TypeError, ValueError):
        return str(minutes)


def _word(kind: str, value: Any) -> Any:
    """A key of the ledger's vocabulary (a party, a role) in words; anything else as is
    (and in English, a key as is: the sentences have always named them so)."""
    if _english.get() or not isinstance(value, str):
        return value
    return i18n.word(kind, value)


def _value(field: str, value: Any, w: _Words) -> str:
    """A field's value in words."""
    if value is None or value == "":
        return _("none")
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
        return ", ".join(f"{w.who(k)} {_pd(pd) if pd is not None else _('unplanned')}"
                         for k, pd in (x if isinstance(x, list) and len(x) == 2 else (x, None)
                                       for x in value)) or _("none")
    if field == "deltas" and isinstance(value, list):
        return ", ".join(f"{g} {_signed_pd(pd)}" for g, pd in _pairs(value)) or _("none")
    if field == "quota_deltas" and isinstance(value, list):
        return ", ".join(f"{k} {int(n):+d}" for k, n in _pairs(value)) or _("none")
    return str(value)


def _pairs(value: list[Any]) -> list[tuple[Any, Any]]:
    return [(x[0], x[1]) for x in value if isinstance(x, list) and len(x) >= 2]


def _signed_pd(milli: Any) -> str:
    try:
        m = int(milli)
    except (TypeError, ValueError):
        return str(milli)
    return ("+" if m >= 0 else "-") + _pd(abs(m))


#: a field's name in a sentence (a field not here is named by its key, "_" a space)
_FIELD_WORDS = {"minutes": N_("hours"), "estimate_milli": N_("estimate"), "on": N_("date"),
                "new_end": N_("new end"), "quota_deltas": N_("quota deltas"),
                "task_deltas": N_("task deltas"), "deltas": N_("PD deltas"),
                "leave": N_("last day"), "from": N_("first day"), "db_role": N_("login role"),
                "effective_on": N_("effective on"), "raised_on": N_("raised on"),
                "resolved_on": N_("resolved on"), "date": N_("date"), "person": N_("person"),
                "task": N_("task"), "grade": N_("grade"), "title": N_("title"),
                "priority": N_("priority"), "status": N_("status"),
                "assignees": N_("assignees"), "note": N_("note"), "reason": N_("reason"),
                "comment": N_("comment"), "name": N_("name")}


def _changes(w: _Words, skip: tuple[str, ...] = ()) -> str:
    """What a row changed: ``hours 7.5 → 8, note “a” → “b”`` (the fields that differ)."""
    parts = []
    for field in sorted(set(w.before) | set(w.after), key=_field_order):
        if field in skip or field not in w.after:
            continue
        old, new = w.before.get(field), w.after.get(field)
        if old == new:
            continue
        known = _FIELD_WORDS.get(field)
        name = _(known) if known else field.replace("_", " ")
        parts.append(_("{field} {old} → {new}").format(
            field=name, old=_value(field, old, w), new=_value(field, new, w)))
    return ", ".join(parts) or _("nothing changed")


_ORDER = ("date", "person", "task", "minutes", "grade", "title", "estimate_milli", "priority",
          "status", "assignees", "note")


def _field_order(field: str) -> tuple[int, str]:
    return (_ORDER.index(field) if field in _ORDER else len(_ORDER), field)


def _entry(w: _Words) -> str:
    e = w.after or w.before
    values = {"person": w.who(e.get("person")), "day": e.get("date"), "task": e.get("task"),
              "hours": _hours(e.get("minutes"))}
    if e.get("note"):
        return _("{person}, {day}, {task}, {hours} h, note {note}").format(
            note=_q(e["note"]), **values)
    return _("{person}, {day}, {task}, {hours} h").format(**values)


def _status(w: _Words, doc: str) -> str:
    """A document's status after the actor's signature (or withdrawal)."""
    status = w.after.get("status")
    if status == "effective":
        on = w.after.get("effective_on")
        if on:
            return _("made {doc} effective {on} by signing it").format(doc=doc, on=w.on(on))
        return _("made {doc} effective by signing it").format(doc=doc)
    if status == "signing":
        return _("left {doc} awaiting the other party's signature").format(doc=doc)
    if status == "rejected":
        return _("rejected {doc} by signing it").format(doc=doc)
    if status == "withdrawn":
        return _("withdrew {doc}").format(doc=doc)
    return _("left {doc} {status}").format(doc=doc, status=status)


#: a document's kind before its number
_DOCUMENTS = {"period": N_("the timesheet {number}"), "acceptance": N_("the acceptance {number}"),
              "scope": N_("the scope {number}")}


def _document(w: _Words) -> str:
    """A document by its kind and number: "CR-002", "the timesheet TS-001"."""
    kind = _DOCUMENTS.get(w.row.entity)
    return _(kind).format(number=w.row.ref) if kind else w.row.ref


def _signature(w: _Words) -> str:
    doc = w.after.get("doc") or w.row.ref.rpartition("/")[0]
    on = w.after.get("on")
    text = (_("signed {doc} {on}").format(doc=doc, on=w.on(on)) if on
            else _("signed {doc}").format(doc=doc))
    party, role = w.after.get("party"), w.after.get("role")
    if party or role:
        text = _("{signed} as {party} {role}").format(
            signed=text, party=_word("party", party), role=_word("role", role)).rstrip()
    return text


def _person(w: _Words) -> str:
    a = w.after
    what = " ".join(str(_word(kind, a.get(kind))) for kind in ("party", "role") if a.get(kind))
    grade = f", {a['grade']}" if a.get("grade") else ""
    first = _(", from {day}").format(day=a["from"]) if a.get("from") else ""
    return _("added {name} {key} ({what}){first}").format(
        name=w.who(w.row.ref), key=w.row.ref, what=what + grade, first=first)


def _staff_change(w: _Words) -> tuple[str, str]:
    a = w.after
    required = a.get("required") or 0
    change = w.row.action if _english.get() else staff_change_word(w.row.action)
    return (_("recorded a vendor staff change ({change}) of {person}").format(
                change=change, person=w.who(a.get("person"))),
            _("effective {day}, recorded {recorded}").format(
                day=a.get("effective_on"), recorded=a.get("recorded_on"))
            + (_(", {n} working days of notice required").format(n=required) if required
               else ""))


def _import(w: _Words) -> str:
    a = w.after
    sha = str(a.get("sha256") or w.row.ref)
    return _("imported {rows} entries from {name} (SHA-256 {sha}…)").format(
        rows=a.get("rows", "?"), name=_q(a.get("name", "")), sha=sha[:12])


def _cr_raise(w: _Words) -> str | tuple[str, str]:
    a = w.after
    head = _("raised {number} {title}").format(number=w.row.ref, title=_q(a.get("title", "")))
    asked = []
    if a.get("deltas"):
        asked.append(_value("deltas", a["deltas"], w))
    if a.get("quota_deltas"):
        asked.append(_("quotas {deltas}").format(
            deltas=_value("quota_deltas", a["quota_deltas"], w)))
    if a.get("task_deltas"):
        asked.append(_("estimates {deltas}").format(deltas=", ".join(
            f"{x[0]} {_signed_pd(x[1])}" for x in a["task_deltas"]
            if isinstance(x, list) and len(x) >= 2)))
    if a.get("new_end"):
        asked.append(_("end {day}").format(day=a["new_end"]))
    return (head, "; ".join(asked)) if asked else head


#: an acceptance's conclusion in words
_CONCLUSIONS = {"accepted": N_("accepted"), "conditional": N_("accepted with conditions"),
                "rejected": N_("rejected")}


def _conclusion(w: _Words) -> tuple[str, str]:
    c = w.after.get("conclusion")
    known = _CONCLUSIONS.get(str(c))
    text = _(known) if known else f"{c}"
    return (_("recorded the conclusion of {number}").format(number=w.row.ref),
            text + (_(", comments {comment}").format(comment=_q(w.after["comment"]))
                    if w.after.get("comment") else ""))


def _allocation(w: _Words) -> tuple[str, str]:
    old = {x[0]: x[1] for x in w.before.get("assignees", []) if isinstance(x, list)}
    new = {x[0]: x[1] for x in w.after.get("assignees", []) if isinstance(x, list)}
    parts = [_("{person} {old} → {new}").format(
                 person=w.who(k), old=_pd(old[k]) if old.get(k) is not None else _("none"),
                 new=_pd(new[k]) if new.get(k) is not None else _("none"))
             for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return (_("allocated task {code}").format(code=w.row.ref),
            ", ".join(parts) or _("nothing changed"))


def _away(w: _Words) -> tuple[str, str]:
    a = w.after
    return (_("recorded {person} away {first}..{last}").format(
                person=w.who(a.get("person")), first=a.get("first"), last=a.get("last")),
            _("note {note}").format(note=_q(a["note"])) if a.get("note") else "")


def _grade(w: _Words) -> tuple[str, str]:
    person = w.who(w.row.ref)
    old, new = w.before.get("grade"), w.after.get("grade")
    w.dated = True
    return (_("changed {person}'s grade to {grade} from {day}").format(
                person=person, grade=new or _("none"), day=w.day),
            _("was {grade}").format(grade=old) if old else "")


def _note(w: _Words, field: str = "note") -> str:
    """", note “…”" when the record has one (``field``), else nothing."""
    return _(", note {note}").format(note=_q(w.after[field])) if w.after.get(field) else ""


def _bind(w: _Words) -> str:
    if w.after.get("db_role"):
        return _("bound {person} to the login role {role}").format(
            person=w.who(w.row.ref), role=w.after.get("db_role"))
    return _("unbound {person} from the login role {role}").format(
        person=w.who(w.row.ref), role=w.before.get("db_role"))


def _blocker(w: _Words) -> str:
    a = w.after
    text = _("raised blocker {number} {title} owned by the {party} {on}").format(
        number=w.row.ref, title=_q(a.get("title", "")), party=_word("party", a.get("party")),
        on=w.on(a.get("raised_on")))
    return text + (_(", task {code}").format(code=a["task"]) if a.get("task") else "")


#: (action, entity) → the sentence's words after the actor: what was done to which record,
#: or (that, the details), the row's date going between them.
#: A new kind of audit row needs its line here (tests/test_history.py checks the services).
SENTENCES: dict[tuple[str, str], Callable[[_Words], str | tuple[str, str]]] = {
    ("init", "project"): lambda w: _("created project {code} from its SOW").format(
        code=w.row.ref),
    ("accept", "project"): lambda w: _("closed project {code}: accepted on {day}, read-only "
                                       "from then").format(code=w.row.ref,
                                                           day=w.after.get("accepted_on")),
    ("log", "entry"): lambda w: (_("logged entry {id}").format(id=w.row.ref), _entry(w)),
    ("import", "entry"): lambda w: (_("imported entry {id}").format(id=w.row.ref), _entry(w)),
    ("edit", "entry"): lambda w: (_("edited entry {id}").format(id=w.row.ref),
                                  _changes(w, ("id",))),
    ("delete", "entry"): lambda w: _("deleted entry {id} ({entry})").format(id=w.row.ref,
                                                                            entry=_entry(w)),
    ("import", "import"): _import,
    ("import", "entries"): lambda w: (_("imported entries {first}..{last}").format(
                                          first=w.after.get("first"), last=w.after.get("last")),
                                      _("{count} entries in one batch").format(
                                          count=w.after.get("count"))),
    ("add", "task"): lambda w: (_("added task {code} {title}").format(
                                    code=w.row.ref, title=_q(w.after.get("title", ""))),
                                _("estimate {pd}, priority {priority}").format(
                                    pd=_pd(w.after.get("estimate_milli")),
                                    priority=_word("priority", w.after.get("priority")))),
    ("edit", "task"): lambda w: (_("edited task {code}").format(code=w.row.ref),
                                 _changes(w, ("code",))),
    ("allocate", "task"): _allocation,
    ("replace", "task"): lambda w: (_("moved task {code}'s allocations to the "
                                      "replacement").format(code=w.row.ref),
                                    _changes(w, ("code",))),
    ("add", "person"): _person,
    ("leave", "person"): lambda w: (_("recorded {person}'s leave").format(
                                        person=w.who(w.row.ref)),
                                    _("last working day {day}").format(
                                        day=w.after.get("leave"))),
    ("replace", "person"): lambda w: _("recorded {person} replacing {other} from {day}").format(
        person=w.who(w.row.ref), other=w.who(w.after.get("replaces")), day=w.after.get("from")),
    ("grade", "person"): _grade,
    ("bind", "person"): _bind,
    ("add", "staff_change"): _staff_change,
    ("leave", "staff_change"): _staff_change,
    ("replace", "staff_change"): _staff_change,
    ("away", "away"): _away,
    ("cancel", "away"): lambda w: _("cancelled {person}'s days away {first}..{last}").format(
        person=w.who(w.get("person")), first=w.get("first"), last=w.get("last")),
    ("raise", "cr"): _cr_raise,
    ("edit", "cr"): lambda w: (_("edited {number}").format(number=w.row.ref),
                               _changes(w, ("kind", "project", "number"))),
    ("status", "cr"): lambda w: _status(w, w.row.ref),
    ("state", "cr"): lambda w: (_("recorded the state of {number}").format(number=w.row.ref),
                                f"{w.after.get('status')}" + (
                                    _(", effective {day}").format(day=w.after["effective_on"])
                                    if w.after.get("effective_on") else "")),
    ("withdraw", "cr"): lambda w: _("withdrew {doc}").format(doc=w.row.ref),
    ("sign", "signature"): _signature,
    ("raise", "period"): lambda w: _("raised the timesheet {number} for {first}..{last}").format(
        number=w.row.ref, first=w.after.get("first"), last=w.after.get("last")),
    ("status", "period"): lambda w: _status(w, _document(w)),
    ("withdraw", "period"): lambda w: _("withdrew {doc}").format(doc=_document(w)),
    ("raise", "acceptance"): lambda w: _("raised {doc}").format(doc=_document(w)),
    ("status", "acceptance"): lambda w: _status(w, _document(w)),
    ("conclude", "acceptance"): _conclusion,
    ("withdraw", "acceptance"): lambda w: _("withdrew {doc}").format(doc=_document(w)),
    ("raise", "scope"): lambda w: _("raised {doc} (the task breakdown to sign)").format(
        doc=_document(w)),
    ("status", "scope"): lambda w: _status(w, _document(w)),
    ("withdraw", "scope"): lambda w: _("withdrew {doc}").format(doc=_document(w)),
    ("add", "blocker"): _blocker,
    ("resolve", "blocker"): lambda w: _("resolved blocker {number} {on}").format(
        number=w.row.ref, on=w.on(w.after.get("resolved_on"))),
    ("use", "quota_use"): lambda w: _("used {n} of quota {key} {on}").format(
        n=w.after.get("n"), key=w.after.get("key"), on=w.on(w.after.get("on"))) + _note(w),
    ("use", "quota"): lambda w: _("used {n} of quota {key} {on}").format(
        n=w.after.get("n"), key=w.row.ref.partition("/")[0], on=w.on(w.after.get("on"))),
    ("print", "printed"): lambda w: _("printed {doc} revision {revision}").format(
        doc=w.after.get("doc"), revision=w.after.get("revision")),
    ("done", "obligation"): lambda w: _("marked obligation {key} done {on}").format(
        key=w.row.ref, on=w.on(w.after.get("done_on"))),
    ("deliver", "deliverable"): lambda w: _("recorded deliverable {key} delivered {on}").format(
        key=w.row.ref, on=w.on(w.after.get("delivered_on"))) + _note(w, "delivery_note"),
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
        head = _("{did} on {day}").format(did=head, day=day)
    text = _("{actor} {did}").format(actor=w.who(row.actor), did=head)
    if details:
        text = _("{sentence}: {details}").format(sentence=text, details=details)
    return shown(text)


def line(row: AuditRow, names: Mapping[str, str], timezone: str) -> HistoryLine:
    """An audit row as the history shows it: its time in the project's zone, in words (the
    language spoken, and English for ``--json``)."""
    at = local_time(row.at, timezone)
    text = describe(row, names, at.date())
    english = text if language() == "en" else _in_english(lambda: describe(row, names,
                                                                           at.date()))
    return HistoryLine(row.id, at, row.actor, row.action, row.entity, row.ref, text, english)


def _in_english(words: Callable[[], str]) -> str:
    """``words()`` said in English (JSON output does not follow the language spoken),
    in this thread or task alone: the language spoken elsewhere does not change."""
    token = _english.set(True)
    try:
        return words()
    finally:
        _english.reset(token)
