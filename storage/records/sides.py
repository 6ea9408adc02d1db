"""The two sides of ``verify`` and their comparison: a project's records replayed from its
audit log alone, the same records read straight from its tables, every difference."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from model.i18n import _
from storage.orm import (
    Acceptance,
    Assignment,
    Baseline,
    Blocker,
    CalendarDay,
    ChangeRequest,
    Deliverable,
    LadderGrade,
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
from storage.records.kinds import (
    KINDS,
    SETUP_KINDS,
    Key,
    _normal,
    acceptance_record,
    away_record,
    blocker_record,
    change_record,
    deliverable_record,
    deliverable_spec,
    delivery_record,
    entry_record,
    grade_record,
    label,
    obligation_record,
    period_record,
    person_record,
    printed_record,
    project_record,
    quota_use_record,
    quota_use_ref,
    scope_record,
    signature_record,
    signature_ref,
    sow_records,
    task_record,
)

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
                out.problems.append(_("the SOW in its first audit row cannot be read"))
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
        was = out.records.get(key)
        state = merged_after(was, r.after)
        if state is None:
            out.records.pop(key, None)
        elif state is not was:
            out.records[key] = _normal(kind, state)
    return out


def merged_after(state: dict[str, Any] | None, after: str | None) -> dict[str, Any] | None:
    """A record's state once one more of its audit rows is applied: the row's ``after``
    merged into it, or None (deleted) when the ``after`` is empty. An ``after`` that is not
    a JSON object leaves the state as it was (the chain check names an edited row)."""
    if after is None:
        return None
    try:
        value = json.loads(after)
    except ValueError:
        return state
    return {**(state or {}), **value} if isinstance(value, dict) else state


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


def table_records(s: Session, project: Project, entries: bool = True) -> Found:
    """Every meaningful row of ``project``, read straight from its tables (the time
    entries unless ``entries`` is false: verify streams those, records.entry_stream)."""
    found = Found()
    pid = project.id
    found.add("project", "", project_record(project))
    for g in s.scalars(select(LadderGrade).where(LadderGrade.project_id == pid)):
        found.add("grade", g.key, grade_record(g.position, g.zh, g.en))
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
    entry_rows = (select(TimeEntry).where(TimeEntry.project_id == pid)
                  .options(selectinload(TimeEntry.person), selectinload(TimeEntry.task)))
    for e in s.scalars(entry_rows) if entries else ():
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


def _brief(value: Any) -> str:
    text = value if isinstance(value, str) and value.isprintable() and value else json.dumps(
        value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 24 else text[:16] + "…"


def changes(recorded: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    """``minutes was 480, is 600``: the fields the log states whose value differs."""
    was = _("{key} was {recorded}, is {found}")
    return "; ".join(was.format(key=k, recorded=_brief(recorded.get(k)),
                                found=_brief(found.get(k)))
                     for k in sorted(recorded) if recorded.get(k) != found.get(k))


def compare(code: str, replayed: Replayed, found: Found,
            more: Iterable[tuple[Key, str]] = ()) -> tuple[list[str], set[Key]]:
    """Every difference between the log's records and the tables', one line each, and
    the keys of the records that differ; ``more`` are the differences of records compared
    elsewhere (the streamed time entries), each put in its place in the order."""
    problems = [f"{code}: {p}" for p in replayed.problems]
    bad: set[Key] = set()
    order = {k: i for i, k in enumerate(KINDS)}
    elsewhere = dict(more)
    keys = sorted(set(replayed.records) | set(found.records) | set(elsewhere),
                  key=lambda k: (order[k[0]], _ref_order(k[1])))
    for key in dict.fromkeys(found.duplicates):
        problems.append(_("{record}: held by more than one row (one was added behind the "
                          "program's back)").format(record=label(code, key)))
        bad.add(key)
    for key in keys:
        source = (_("the SOW and its audit rows") if key[0] in SETUP_KINDS
                  else _("its last audit row"))
        recorded, now = replayed.records.get(key), found.records.get(key)
        if key in elsewhere:
            problems.append(elsewhere[key])
        elif recorded is None:
            problems.append(_("{record}: not in the audit log (added behind the program's back)")
                            .format(record=label(code, key)))
        elif now is None:
            problems.append(_("{record}: deleted behind the program's back")
                            .format(record=label(code, key)))
        else:
            diff = changes(recorded, now)
            if not diff:
                continue
            problems.append(_("{record}: differs from {source} (edited behind the program's "
                              "back): {diff}")
                            .format(record=label(code, key), source=source, diff=diff))
        bad.add(key)
    return problems, bad


def _ref_order(ref: str) -> tuple[int, str]:
    return (int(ref), "") if ref.isdigit() else (0, ref)
