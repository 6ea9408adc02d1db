"""Every record that carries meaning, as the audit log states it and as the tables hold it.

One definition per kind of record serves both sides of ``verify``: the services
write a record's state into the ``after`` of its audit row with these functions,
and :func:`table_records` reads the tables back through the same functions. So a
record changed, added or deleted by any means other than the program shows as a
difference between :func:`replay` (the audit log alone) and :func:`table_records`.

A record is keyed by ``(kind, ref)`` within its project: ``("entry", "13")``,
``("cr", "CR-001")``, ``("signature", "TS-001/li.na")``, ``("rate", "senior")``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from model.sheets import contract_content
from storage.obligation_records import delivery_record, obligation_record
from storage.orm import (
    Acceptance,
    Assignment,
    Baseline,
    Blocker,
    CalendarDay,
    ChangeRequest,
    Deliverable,
    Obligation,
    Period,
    Person,
    PersonAway,
    PrintedRevision,
    Project,
    Quota,
    QuotaUse,
    Rate,
    Scope,
    Signature,
    Task,
    TimeEntry,
)

Key = tuple[str, str]  # (kind, ref)

# The kinds, in the order verify reports them: what a record follows from comes first.
SETUP_KINDS = ("project", "calendar", "rate", "baseline", "quota", "person", "task",
               "deliverable", "obligation")
KINDS = (*SETUP_KINDS, "away", "entry", "cr", "period", "acceptance", "scope", "signature",
         "blocker", "quota_use", "printed")


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


# ---------------------------------------------------------------- one state per kind


def project_record(p: Project) -> dict[str, Any]:
    return {"title": p.title, "client": p.client, "vendor": p.vendor, "start": _iso(p.start),
            "end": _iso(p.end), "minutes_per_day": p.minutes_per_day, "currency": p.currency,
            "timezone": p.timezone, "language": p.language, "country": p.country,
            "accepted_on": _iso(p.accepted_on), **terms_record(p),
            "staff_change_notice": p.staff_change_notice,
            "plan_confirm_days": p.plan_confirm_days}


def terms_record(p: Any) -> dict[str, Any]:
    """The contract terms of a project (a table row or a SOW's SowSpec: same names)."""
    return {"contract": p.contract, "signed_on": _iso(p.signed_on), "billing": p.billing,
            "price_minor": p.price_minor, "tax_rate_ppm": p.tax_rate_ppm,
            "prices_include_tax": bool(p.prices_include_tax)}


def deliverable_record(d: Any) -> dict[str, Any]:
    """A deliverable (a SOW's DeliverableSpec, or a table row read by deliverable_spec)."""
    return {"title": d.title, "tasks": list(d.tasks), "criteria": d.criteria,
            "due": _iso(d.due), "kind": d.kind}


def deliverable_row(d: Any) -> Deliverable:
    """The table row of a SOW's DeliverableSpec (its tasks as a JSON array)."""
    return Deliverable(key=d.key, title=d.title, tasks=json.dumps(list(d.tasks)),
                       criteria=d.criteria, due=d.due, kind=d.kind)


def deliverable_spec(row: Deliverable) -> Any:
    """A deliverable row as the SOW states it; tasks that are not a JSON array of codes
    (an edit behind the program's back) are read as the text found, for verify to name."""
    from storage.sowfile import DeliverableSpec

    try:
        tasks = json.loads(row.tasks)
    except ValueError:
        tasks = [row.tasks]
    if not isinstance(tasks, list):
        tasks = [row.tasks]
    return DeliverableSpec(row.key, row.title, [str(t) for t in tasks], row.criteria or "",
                           row.due, row.kind)


def person_record(p: Any, db_role: str | None) -> dict[str, Any]:
    """A person (a table row or a SOW's PersonSpec) with their login role binding."""
    return {"name": p.name, "party": p.party, "role": p.role, "grade": p.grade,
            "location": p.location, "timezone": p.timezone, "title": p.title,
            "db_role": db_role, **active_days_record(p)}


def active_days_record(p: Any) -> dict[str, Any]:
    """A person's active days (a table row or a PersonSpec: same names): first day,
    last working day, the person replaced."""
    return {"from": _iso(p.active_from), "leave": _iso(p.leave_on), "replaces": p.replaces}


def away_record(a: Any, person: str) -> dict[str, Any]:
    """Days away of ``person`` (kind ``away``, keyed by the row id)."""
    return {"person": person, "first": a.first.isoformat(), "last": a.last.isoformat(),
            "note": a.note}


def task_record(t: Task) -> dict[str, Any]:
    return {"code": t.code, "title": t.title, "estimate_milli": t.estimate_milli,
            "priority": t.priority, "status": t.status,
            "assignees": [[a.person.key, a.planned_milli] for a in t.assignees]}


def entry_record(e: TimeEntry) -> dict[str, Any]:
    return {"id": e.id, "date": e.on.isoformat(), "person": e.person.key, "task": e.task.code,
            "minutes": e.minutes, "grade": e.grade, "note": e.note}


def change_content(project: Project, cr: ChangeRequest) -> dict[str, Any]:
    """What a signature on a CR covers (and its printed form): the CR and the contract."""
    return {**_change_fields(project, cr),
            **contract_content(project.contract, project.signed_on)}


def _change_fields(project: Project, cr: ChangeRequest) -> dict[str, Any]:
    return {"kind": "cr", "project": project.code, "number": cr.number, "title": cr.title,
            "reason": cr.reason, "raised_on": cr.raised_on.isoformat(),
            "new_end": _iso(cr.new_end),
            "deltas": sorted([d.grade, d.pd_milli] for d in cr.deltas),
            "quota_deltas": sorted([q.quota_key, q.delta] for q in cr.quota_deltas),
            # only when it has some: the content of every CR before the scope is unchanged
            **({"task_deltas": sorted(([d.task_code, d.pd_milli, d.title]
                                       for d in cr.task_deltas),
                                      key=lambda x: (x[0], x[1], x[2] or ""))}
               if cr.task_deltas else {})}


def change_record(project: Project, cr: ChangeRequest) -> dict[str, Any]:
    return {**_change_fields(project, cr), "status": cr.status,
            "effective_on": _iso(cr.effective_on), "raised_by": cr.raised_by}


def period_record(p: Period) -> dict[str, Any]:
    return {"number": p.number, "first": p.first.isoformat(), "last": p.last.isoformat(),
            "status": p.status, "effective_on": _iso(p.effective_on)}


def acceptance_record(a: Acceptance) -> dict[str, Any]:
    return {"number": a.number, "status": a.status, "effective_on": _iso(a.effective_on),
            "conclusion": a.conclusion, "comment": a.comment or ""}


def scope_record(sc: Scope) -> dict[str, Any]:
    """The scope document, with the content its signatures cover (as stored)."""
    return {"number": sc.number, "status": sc.status, "effective_on": _iso(sc.effective_on),
            "content": sc.content}


def signature_record(sig: Signature, doc: str) -> dict[str, Any]:
    return {"doc": doc, "person": sig.person.key, "party": sig.party, "role": sig.role,
            "on": sig.signed_on.isoformat(), "digest": sig.digest}


def blocker_content(b: Blocker) -> dict[str, Any]:
    """A blocker as the acceptance's signatures cover it."""
    return {"number": b.number, "title": b.title, "party": b.party,
            "raised_on": b.raised_on.isoformat(), "resolved_on": _iso(b.resolved_on),
            "task": b.task.code if b.task else None}


def blocker_record(b: Blocker) -> dict[str, Any]:
    return {**blocker_content(b), "raised_by": b.raised_by}


def quota_use_record(use: QuotaUse, key: str) -> dict[str, Any]:
    return {"key": key, "on": use.used_on.isoformat(), "n": use.n, "note": use.note,
            "used_by": use.used_by}


def printed_record(r: PrintedRevision) -> dict[str, Any]:
    """A printed revision (kind ``printed``, keyed by its row id: a document id may be
    longer than an audit row's ref)."""
    return {"doc": r.doc_id, "revision": r.revision, "digest": r.digest,
            "printed_on": r.printed_on.isoformat(), "printed_by": r.printed_by}


def quota_use_ref(key: str, use_id: int) -> str:
    return f"{key}/{use_id}"


def signature_ref(doc: str, person: str) -> str:
    return f"{doc}/{person}"


def _normal(kind: str, state: Mapping[str, Any]) -> dict[str, Any]:
    """A state as JSON holds it (dates as text), with lists whose order carries no meaning
    sorted, so that the audit log's and the tables' versions compare equal."""
    out = json.loads(json.dumps(dict(state), default=str))
    if kind == "task" and isinstance(out.get("assignees"), list):
        out["assignees"] = sorted(out["assignees"], key=lambda x: json.dumps(x))
    return out


# ---------------------------------------------------------------- the SOW as records


def sow_records(spec: Any) -> dict[Key, dict[str, Any]]:
    """The records a SOW creates (``sowtrack init``), from its validated SowSpec."""
    out: dict[Key, dict[str, Any]] = {
        ("project", ""): {"title": spec.title, "client": spec.client, "vendor": spec.vendor,
                          "start": _iso(spec.start), "end": _iso(spec.end),
                          "minutes_per_day": spec.minutes_per_day, "currency": spec.currency,
                          "timezone": spec.timezone, "language": spec.language,
                          "country": spec.country, "accepted_on": None,
                          **terms_record(spec),
                          "staff_change_notice": spec.staff_change_notice,
                          "plan_confirm_days": spec.plan_confirm_days}}
    for kind, days in (("holiday", spec.holidays), ("workday", spec.workdays)):
        for d in days:
            out[("calendar", d.isoformat())] = {"kind": kind}
    for grade, minor in spec.rates.items():
        out[("rate", grade)] = {"day_rate_minor": minor}
    for grade, milli in spec.baseline.items():
        out[("baseline", grade)] = {"pd_milli": milli}
    for q in spec.quotas:
        out[("quota", q.key)] = {"title": q.title, "limit": q.limit}
    for p in spec.people:
        out[("person", p.key)] = person_record(p, None)
    planned = {(a.task, a.person): a.pd_milli for a in spec.allocations}
    for t in spec.tasks:
        keys = list(dict.fromkeys([*t.assignees, *(k for c, k in planned if c == t.code)]))
        out[("task", t.code)] = {"code": t.code, "title": t.title,
                                 "estimate_milli": t.estimate_milli, "priority": t.priority,
                                 "status": t.status,
                                 "assignees": [[k, planned.get((t.code, k))] for k in keys]}
    for d in spec.deliverables:
        out[("deliverable", d.key)] = {**deliverable_record(d), **delivery_record(d)}
    for o in getattr(spec, "obligations", ()):
        out[("obligation", o.key)] = obligation_record(o)
    return {k: _normal(k[0], v) for k, v in out.items()}


# ---------------------------------------------------------------- the two sides


@dataclass
class Replayed:
    """A project's records as its audit rows state them."""

    records: dict[Key, dict[str, Any]] = field(default_factory=dict)
    created: bool = False  # the project's creation ("init") is in the log
    problems: list[str] = field(default_factory=list)


def replay(rows: Iterable[Any], parse_sow: Any) -> Replayed:
    """Apply a project's audit rows, oldest first, to an empty ledger.

    ``rows`` have ``action``, ``entity``, ``ref`` and ``after`` (canonical JSON).
    A row's ``after`` is merged into the record's state (some rows, such as a grade
    change or a document's new status, state only what changed); an action whose
    ``after`` is empty deletes the record. ``init`` creates the SOW's records.
    """
    out = Replayed()
    for r in rows:
        if r.entity == "project" and r.action == "init":
            try:
                spec = parse_sow(json.loads(r.after)["sow"])
            except Exception:  # noqa: BLE001 - any damage to that row is one problem
                out.problems.append("the SOW in its first audit row cannot be read")
                continue
            out.records.update(sow_records(spec))
            out.created = True
            continue
        kind = r.entity
        if kind == "quota" and "/" in r.ref:
            kind = "quota_use"  # ledgers before 0004 logged a quota's uses as "quota"
        if kind not in KINDS:
            continue  # rows that describe no table (e.g. an imported file)
        key = (kind, "" if kind == "project" else r.ref)
        if r.after is None:
            out.records.pop(key, None)
            continue
        try:
            after = json.loads(r.after)
        except ValueError:
            continue  # the chain check names an edited row
        if isinstance(after, dict):
            merged = {**out.records.get(key, {}), **after}
            out.records[key] = _normal(kind, merged)
    return out


@dataclass
class Found:
    """A project's records as its tables hold them."""

    records: dict[Key, dict[str, Any]] = field(default_factory=dict)
    duplicates: list[Key] = field(default_factory=list)

    def add(self, kind: str, ref: str, state: Mapping[str, Any]) -> None:
        key = (kind, ref)
        if key in self.records:
            self.duplicates.append(key)
        self.records[key] = _normal(kind, state)


def table_records(s: Session, project: Project) -> Found:
    """Every meaningful row of ``project``, read straight from its tables."""
    found = Found()
    pid = project.id
    found.add("project", "", project_record(project))
    for d in s.scalars(select(CalendarDay).where(CalendarDay.project_id == pid)):
        found.add("calendar", d.on.isoformat(), {"kind": d.kind})
    for r in s.scalars(select(Rate).where(Rate.project_id == pid)):
        found.add("rate", r.grade, {"day_rate_minor": r.day_rate_minor})
    for b in s.scalars(select(Baseline).where(Baseline.project_id == pid)):
        found.add("baseline", b.grade, {"pd_milli": b.pd_milli})
    quotas: dict[int, str] = {}
    for q in s.scalars(select(Quota).where(Quota.project_id == pid)):
        quotas[q.id] = q.key
        found.add("quota", q.key, {"title": q.title, "limit": q.limit})
    people: dict[int, Person] = {}
    for p in s.scalars(select(Person).where(Person.project_id == pid)):
        people[p.id] = p
        found.add("person", p.key, person_record(p, p.db_role))
    for a in s.scalars(select(PersonAway).where(PersonAway.project_id == pid)):
        who = people[a.person_id].key if a.person_id in people else f"#{a.person_id}"
        found.add("away", str(a.id), away_record(a, who))
    assignees: dict[int, list[Assignment]] = defaultdict(list)
    tasks = list(s.scalars(select(Task).where(Task.project_id == pid)))
    for a in s.scalars(select(Assignment).where(Assignment.task_id.in_([t.id for t in tasks]))
                       .options(selectinload(Assignment.person))):
        assignees[a.task_id].append(a)
    for t in tasks:
        found.add("task", t.code, {**task_record(t), "assignees": [
            [a.person.key, a.planned_milli] for a in assignees[t.id]]})
    for d in s.scalars(select(Deliverable).where(Deliverable.project_id == pid)):
        found.add("deliverable", d.key, {**deliverable_record(deliverable_spec(d)),
                                         **delivery_record(d)})
    for o in s.scalars(select(Obligation).where(Obligation.project_id == pid)):
        found.add("obligation", o.key, obligation_record(o))
    for e in s.scalars(select(TimeEntry).where(TimeEntry.project_id == pid)
                       .options(selectinload(TimeEntry.person), selectinload(TimeEntry.task))):
        found.add("entry", str(e.id), entry_record(e))
    docs: dict[tuple[str, int], str] = {}
    for cr in s.scalars(select(ChangeRequest).where(ChangeRequest.project_id == pid)
                        .options(selectinload(ChangeRequest.deltas),
                                 selectinload(ChangeRequest.quota_deltas),
                                 selectinload(ChangeRequest.task_deltas))):
        docs[("cr", cr.id)] = cr.number
        found.add("cr", cr.number, change_record(project, cr))
    for per in s.scalars(select(Period).where(Period.project_id == pid)):
        docs[("period", per.id)] = per.number
        found.add("period", per.number, period_record(per))
    for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == pid)):
        docs[("acceptance", acc.id)] = acc.number
        found.add("acceptance", acc.number, acceptance_record(acc))
    for sc in s.scalars(select(Scope).where(Scope.project_id == pid)):
        docs[("scope", sc.id)] = sc.number
        found.add("scope", sc.number, scope_record(sc))
    for sig in s.scalars(select(Signature).where(Signature.project_id == pid)
                         .options(selectinload(Signature.person))):
        doc = docs.get((sig.doc_kind, sig.doc_id), f"{sig.doc_kind} #{sig.doc_id}")
        found.add("signature", signature_ref(doc, sig.person.key), signature_record(sig, doc))
    for b in s.scalars(select(Blocker).where(Blocker.project_id == pid)
                       .options(selectinload(Blocker.task))):
        found.add("blocker", b.number, blocker_record(b))
    for use in s.scalars(select(QuotaUse).where(QuotaUse.quota_id.in_(list(quotas)))):
        key = quotas[use.quota_id]
        found.add("quota_use", quota_use_ref(key, use.id), quota_use_record(use, key))
    for r in s.scalars(select(PrintedRevision).where(PrintedRevision.project_id == pid)):
        found.add("printed", str(r.id), printed_record(r))
    return found


# ---------------------------------------------------------------- the comparison


def label(code: str, key: Key) -> str:
    """How verify names a record: ``CODE entry 13``, ``CODE CR-001``, ``CODE rate senior``."""
    kind, ref = key
    if kind == "project":
        return code
    if kind in ("cr", "period", "acceptance", "scope", "blocker"):
        return f"{code} {ref}"
    if kind == "signature":
        doc, _, person = ref.rpartition("/")
        return f"{code} {doc} signature of {person}"
    if kind == "printed":
        return f"{code} printed revision (row {ref})"
    return f"{code} {kind.replace('_', ' ')} {ref}"


def _brief(value: Any) -> str:
    text = value if isinstance(value, str) and value.isprintable() and value else json.dumps(
        value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 24 else text[:16] + "…"


def changes(recorded: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    """``minutes was 480, is 600``: the fields the log states whose value differs."""
    return "; ".join(f"{k} was {_brief(recorded.get(k))}, is {_brief(found.get(k))}"
                     for k in sorted(recorded) if recorded.get(k) != found.get(k))


def compare(code: str, replayed: Replayed, found: Found) -> tuple[list[str], set[Key]]:
    """Every difference between the log's records and the tables', one line each, and
    the keys of the records that differ."""
    problems = [f"{code}: {p}" for p in replayed.problems]
    bad: set[Key] = set()
    order = {k: i for i, k in enumerate(KINDS)}
    keys = sorted(set(replayed.records) | set(found.records),
                  key=lambda k: (order[k[0]], _ref_order(k[1])))
    for key in dict.fromkeys(found.duplicates):
        problems.append(f"{label(code, key)}: held by more than one row (one was added "
                        f"behind the program's back)")
        bad.add(key)
    for key in keys:
        source = ("the SOW and its audit rows" if key[0] in SETUP_KINDS
                  else "its last audit row")
        recorded, now = replayed.records.get(key), found.records.get(key)
        if recorded is None:
            problems.append(f"{label(code, key)}: not in the audit log (added behind the "
                            f"program's back)")
        elif now is None:
            problems.append(f"{label(code, key)}: deleted behind the program's back")
        else:
            diff = changes(recorded, now)
            if not diff:
                continue
            problems.append(f"{label(code, key)}: differs from {source} (edited behind the "
                            f"program's back): {diff}")
        bad.add(key)
    return problems, bad


def _ref_order(ref: str) -> tuple[int, str]:
    return (int(ref), "") if ref.isdigit() else (0, ref)
