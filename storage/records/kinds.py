"""Every kind of record that carries meaning, and its state as the audit log states it.

One definition per kind of record serves both sides of ``verify``: the services
write a record's state into the ``after`` of its audit row with these functions,
and ``table_records`` (records.sides) reads the tables back through the same functions.

A record is keyed by ``(kind, ref)`` within its project: ``("entry", "13")``,
``("cr", "CR-001")``, ``("signature", "TS-001/li.na")``, ``("rate", "senior")``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from model.i18n import _
from model.sheets import contract_content
from storage.audit import json_text as _text
from storage.orm import (
    Acceptance,
    Blocker,
    ChangeRequest,
    Deliverable,
    Obligation,
    Period,
    PrintedRevision,
    Project,
    QuotaUse,
    Scope,
    Signature,
    Task,
    TimeEntry,
)

Key = tuple[str, str]  # (kind, ref)

# The kinds, in the order verify reports them: what a record follows from comes first.
# A new kind: its name here, its ``*_record`` function below (what its audit rows state),
# its rows read in records.sides.table_records, and its name in label() unless the
# default (``CODE kind ref``) says it.
SETUP_KINDS = ("project", "grade", "calendar", "rate", "baseline", "quota", "person", "task",
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


def delivery_record(d: Any) -> dict[str, Any]:
    """A deliverable's delivery: a table row's, or none for a SOW's DeliverableSpec."""
    return {"delivered_on": _iso(getattr(d, "delivered_on", None)),
            "delivery_note": getattr(d, "delivery_note", None),
            "delivered_by": getattr(d, "delivered_by", None)}


def obligation_record(o: Any) -> dict[str, Any]:
    """An obligation: a SOW's ObligationSpec (not done) or a table row (done or not)."""
    return {"title": o.title, "party": o.party, "due": _iso(o.due), "due_days": o.due_days,
            "done_on": _iso(getattr(o, "done_on", None)),
            "done_by": getattr(o, "done_by", None)}


def obligation_row(o: Any) -> Obligation:
    """The table row of a SOW's ObligationSpec."""
    return Obligation(key=o.key, title=o.title, party=o.party, due=o.due, due_days=o.due_days)


def grade_record(position: int, zh: str, en: str) -> dict[str, Any]:
    """A grade of a project's own ladder (keyed by its key)."""
    return {"position": position, "zh": zh, "en": en}


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
            "note": a.note, "cancelled": _iso(a.cancelled_on)}


def task_record(t: Task) -> dict[str, Any]:
    return {"code": t.code, "title": t.title, "estimate_milli": t.estimate_milli,
            "priority": t.priority, "status": t.status,
            "assignees": [[a.person.key, a.planned_milli] for a in t.assignees]}


def entry_record(e: TimeEntry) -> dict[str, Any]:
    return {"id": e.id, "date": e.on.isoformat(), "person": e.person.key, "task": e.task.code,
            "minutes": e.minutes, "grade": e.grade, "note": e.note}


def entry_json(entry_id: int, on: str, person: str, task: str, minutes: int, grade: str,
               note: str) -> str:
    """``canonical(entry_record(e))`` written out without a dict (sorted keys, no spaces,
    the texts as json.dumps(ensure_ascii=False) writes them): an import writes a million
    of them and verify reads them back."""
    return (f'{{"date":{_text(on)},"grade":{_text(grade)},"id":{int(entry_id)},'
            f'"minutes":{int(minutes)},"note":{_text(note)},"person":{_text(person)},'
            f'"task":{_text(task)}}}')


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
    if kind == "away":  # the rows before days away could be cancelled state none
        out.setdefault("cancelled", None)
    if kind == "task" and isinstance(out.get("assignees"), list):
        out["assignees"] = sorted(out["assignees"], key=lambda x: json.dumps(x))
    return out


def label(code: str, key: Key) -> str:
    """How verify names a record: ``CODE entry 13``, ``CODE CR-001``, ``CODE rate senior``."""
    kind, ref = key
    if kind == "project":
        return code
    if kind in ("cr", "period", "acceptance", "blocker"):
        return f"{code} {ref}"
    if kind == "signature":
        doc, __, person = ref.rpartition("/")
        return _("{code} {doc} signature of {person}").format(code=code, doc=doc, person=person)
    if kind == "printed":
        return _("{code} printed revision (row {row})").format(code=code, row=ref)
    return f"{code} {kind.replace('_', ' ')} {ref}"


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
    ladder = getattr(spec, "ladder", None)
    for i, g in enumerate(ladder.steps if ladder is not None and ladder.custom else ()):
        out[("grade", g.key)] = grade_record(i, g.zh, g.en)
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
