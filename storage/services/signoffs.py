"""Sign-offs: periods' timesheets and the final acceptance, their signatures, and the
canonical content each document's signatures cover (a printed sheet's digest too)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from model import locks, rules
from model.errors import FieldError, LedgerError, Ref
from model.i18n import _
from model.permissions import Action
from model.sheets import contract_content
from model.views import SignatureView, SignoffView
from storage import records
from storage.orm import (
    Acceptance,
    Blocker,
    Period,
    Person,
    Project,
    Scope,
    Signature,
    Task,
    TimeEntry,
)
from storage.services.core import LedgerBase, parse_on


class SignoffsMixin(LedgerBase):
    """Periods, the acceptance, their signatures and what the signatures cover."""

    def _signatures(self, s: Session, kind: str, doc_id: int) -> list[Signature]:
        return list(s.scalars(select(Signature).where(Signature.doc_kind == kind,
                                                      Signature.doc_id == doc_id)
                              .options(selectinload(Signature.person))
                              .order_by(Signature.id)))

    def _sign(self, s: Session, project: Project, kind: str, doc: Any, label: str,
              content: dict[str, Any], on: str | date | None, not_before: date | None,
              effective_check: Callable[[], None] | None = None) -> None:
        """Add the acting person's signature to a document and update its status;
        ``effective_check`` runs first when this signature makes the document effective."""
        signer = self._acting(s, project, Action.SIGN)
        day = parse_on(on, self._person_today(project, signer))
        existing = self._signatures(s, kind, doc.id)
        facts = [rules.SignatureFact(x.person.key, x.party, x.role, x.signed_on)
                 for x in existing]
        new = rules.SignatureFact(signer.key, signer.party, signer.role, day)
        rules.check_signature(label, doc.status, facts, new, not_before)
        self._check_event_date(project, signer, day)
        status, effective = rules.signoff_state(facts + [new])
        if effective_check is not None and status == rules.DOC_EFFECTIVE:
            effective_check()
        sig = Signature(project_id=project.id, doc_kind=kind, doc_id=doc.id, person=signer,
                        party=signer.party, role=signer.role, signed_on=day,
                        digest=rules.digest(content))
        s.add(sig)
        doc.status, doc.effective_on = status, effective
        s.flush()
        audit = self._audit(s, project)
        audit.record("sign", "signature", f"{label}/{signer.key}",
                     after=records.signature_record(sig, label))
        audit.record("status", kind, label, after={"status": status,
                                                    "effective_on": effective})

    def _signature_views(self, s: Session, kind: str, doc_id: int) -> tuple[SignatureView, ...]:
        return tuple(SignatureView(x.person.key, x.person.name, x.party, x.role, x.signed_on,
                                   x.digest) for x in self._signatures(s, kind, doc_id))

    def sign_period(self, first: str | date, last: str | date,
                    on: str | date | None = None) -> SignoffView:
        """Sign a period's timesheet as the acting person; its entries freeze at once."""
        d1, d2 = parse_on(first, date.min, Ref("first")), parse_on(last, date.min, Ref("last"))
        rules.check_period(d1, d2)
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.SIGN)  # before the period is written
            end = self._current_end(s, project)
            if d2 < project.start or d1 > end:
                raise FieldError("period", _("{d1}..{d2} does not overlap the SOW "
                                             "({start}..{end})")
                                           .format(d1=d1, d2=d2, start=project.start, end=end))
            signer = self._acting(s, project, Action.SIGN)
            rules.check_period_over(d2, self._person_today(project, signer))
            live = list(s.scalars(select(Period).where(
                Period.project_id == project.id, Period.status != rules.DOC_WITHDRAWN)))
            period = next((p for p in live if p.first == d1 and p.last == d2), None)
            if period is None:
                clash = next((p for p in live if p.first <= d2 and d1 <= p.last), None)
                if clash is not None:
                    raise FieldError("period", _("{d1}..{d2} overlaps period {number} "
                                                 "({first}..{last})")
                                               .format(d1=d1, d2=d2, number=clash.number,
                                                       first=clash.first, last=clash.last))
                count = s.execute(select(func.count()).select_from(Period)
                                  .where(Period.project_id == project.id)).scalar() or 0
                period = Period(project_id=project.id, number=f"TS-{int(count) + 1:03d}",
                                first=d1, last=d2, status=rules.DOC_OPEN)
                s.add(period)
                s.flush()
                self._audit(s, project).record("raise", "period", period.number,
                                               after=records.period_record(period))
            self._sign(s, project, "period", period, period.number,
                       self._period_content(s, project, period), on, period.first)
            return self._period_view(s, period)

    def _acceptance_view(self, s: Session, acc: Acceptance) -> SignoffView:
        return SignoffView("acceptance", acc.number, None, None, acc.status, acc.effective_on,
                           self._signature_views(s, "acceptance", acc.id), acc.conclusion,
                           acc.comment or "")

    def _period_view(self, s: Session, p: Period) -> SignoffView:
        return SignoffView("period", p.number, p.first, p.last, p.status, p.effective_on,
                           self._signature_views(s, "period", p.id))

    def sign_acceptance(self, on: str | date | None = None, conclusion: str | None = None,
                        comment: str = "") -> SignoffView:
        """Sign the final acceptance; once both parties have, the project is read-only.

        The client's signature records the conclusion (accepted, conditional, rejected)
        and comments; a rejected acceptance closes the document, not the project."""
        with self._writing() as s:
            project = self._project(s)
            locks.check_not_accepted(project.code, project.accepted_on)
            signer = self._acting(s, project, Action.SIGN)  # before an acceptance is written
            conclusion, comment = rules.acceptance_conclusion(signer.party, conclusion,
                                                              comment)
            acc = self._live_acceptance(s, project)
            if acc is None:
                # A withdrawn acceptance keeps its signatures; a new document is raised.
                count = s.execute(select(func.count()).select_from(Acceptance)
                                  .where(Acceptance.project_id == project.id)).scalar() or 0
                acc = Acceptance(project_id=project.id, number=f"ACC-{int(count) + 1:03d}",
                                 status=rules.DOC_OPEN)
                s.add(acc)
                s.flush()
                self._audit(s, project).record("raise", "acceptance", acc.number,
                                               after=records.acceptance_record(acc))
            self._sign(s, project, "acceptance", acc, acc.number,
                       self._acceptance_content(s, project), on, project.start)
            if conclusion is not None:
                acc.conclusion, acc.comment = conclusion, comment
                if conclusion == "rejected":
                    acc.status, acc.effective_on = rules.DOC_REJECTED, None
                self._audit(s, project).record("conclude", "acceptance", acc.number,
                                               after=records.acceptance_record(acc))
            if acc.status == rules.DOC_EFFECTIVE:
                project.accepted_on = acc.effective_on
                self._audit(s, project).record("accept", "project", project.code,
                                               after={"accepted_on": acc.effective_on})
            return self._acceptance_view(s, acc)

    def withdraw_signoff(self, number: str) -> SignoffView:
        """Withdraw a period, the acceptance or the scope not yet signed by both parties."""
        with self._writing() as s:
            project = self._project(s)
            locks.check_not_accepted(project.code, project.accepted_on)
            self._acting(s, project, Action.SIGN)
            doc: Period | Acceptance | Scope | None
            kind = ("acceptance" if number.upper().startswith("ACC") else
                    "scope" if number.upper().startswith(rules.SCOPE_PREFIX) else "period")
            model = {"acceptance": Acceptance, "scope": Scope, "period": Period}[kind]
            doc = s.scalars(select(model).where(model.project_id == project.id,
                                                model.number == number.upper())).first()
            if doc is None:
                raise LedgerError(_("sign-off: no period, acceptance or scope {number!r}")
                                  .format(number=number))
            if doc.status == rules.DOC_EFFECTIVE:
                raise LedgerError(_("{number}: is signed by both parties and cannot be withdrawn")
                                  .format(number=doc.number))
            if doc.status in rules.DOC_CLOSED:
                raise LedgerError(_("{number}: is already {status}")
                                  .format(number=doc.number, status=doc.status))
            doc.status = rules.DOC_WITHDRAWN
            self._audit(s, project).record("withdraw", kind, doc.number,
                                           after={"status": doc.status})
            s.flush()
            first = doc.first if isinstance(doc, Period) else None
            last = doc.last if isinstance(doc, Period) else None
            return SignoffView(kind, doc.number, first, last, doc.status, None,
                               self._signature_views(s, kind, doc.id))

    def signoffs(self) -> list[SignoffView]:
        with self._reading() as s:
            project = self._project(s)
            views = [self._period_view(s, p) for p in s.scalars(
                select(Period).where(Period.project_id == project.id).order_by(Period.first))]
            for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id)
                                 .order_by(Acceptance.id)):
                views.append(self._acceptance_view(s, acc))
            views += [SignoffView("scope", sc.number, None, None, sc.status, sc.effective_on,
                                  self._signature_views(s, "scope", sc.id))
                      for sc in s.scalars(select(Scope).where(Scope.project_id == project.id)
                                          .order_by(Scope.id))]
            return views

    def _period_content(self, s: Session, project: Project, period: Period) -> dict[str, Any]:
        return self._period_entries_content(s, project, period.first, period.last)

    def _period_entries_content(self, s: Session, project: Project, first: date,
                                last: date) -> dict[str, Any]:
        """What a period's signatures (and its printed timesheet) cover: its entries."""
        return {**_period_head(project, first, last),
                "entries": [list(row) for row in _period_rows(s, project, first, last)]}

    def _period_digest(self, s: Session, project: Project, first: date, last: date) -> str:
        """``rules.digest(self._period_entries_content(...))``, the canonical text written
        a row at a time (verify checks every signed period: hundreds of thousands of
        entries each); the same bytes, tested against it."""
        enc = rules.canonical_value
        texts: dict[Any, str] = {}  # the texts that repeat, encoded once each

        def text(value: Any) -> str:
            if type(value) is not str:  # 1, 1.0 and True are one key, not one text
                return enc(value)
            try:
                return texts[value]
            except KeyError:
                out = texts[value] = enc(value)
                return out

        rows = (f"[{text(on)},{text(person)},{text(task)},{enc(minutes)},{text(grade)},"
                f"{enc(note)}]"
                for on, person, task, minutes, grade, note
                in _period_rows(s, project, first, last))
        return rules.digest_with_rows(_period_head(project, first, last), "entries", rows)

    def period_content(self, first: date, last: date) -> dict[str, Any]:
        """The canonical content a period's signatures cover (a printed timesheet's too)."""
        with self._reading() as s:
            return self._period_entries_content(s, self._project(s), first, last)

    def acceptance_content(self) -> dict[str, Any]:
        """The canonical content the acceptance's signatures cover."""
        with self._reading() as s:
            return self._acceptance_content(s, self._project(s))

    def _acceptance_content(self, s: Session, project: Project) -> dict[str, Any]:
        changes = [self._change_fact(cr) for cr in self._changes(s, project)]
        consumed = {g: int(m) for g, m in s.execute(
            select(TimeEntry.grade, func.sum(TimeEntry.minutes))
            .where(TimeEntry.project_id == project.id).group_by(TimeEntry.grade))}
        budget = rules.budget_at({b.grade: b.pd_milli for b in project.baseline}, changes,
                                 date.max)
        periods = s.scalars(select(Period.number).where(
            Period.project_id == project.id, Period.status == rules.DOC_EFFECTIVE)
            .order_by(Period.number))
        quotas = {q.key: sum(u.n for u in q.uses) for q in project.quotas}
        blockers = s.scalars(select(Blocker).where(Blocker.project_id == project.id)
                             .order_by(Blocker.id))
        return {"kind": "acceptance", "project": project.code,
                "start": project.start.isoformat(),
                "end": rules.end_at(project.end, changes, date.max).isoformat(),
                "rates": {r.grade: r.day_rate_minor for r in project.rates},
                "budget_pd": {g: str(v) for g, v in sorted(budget.items())},
                "consumed_minutes": consumed,
                "tasks": [[t.code, t.title, t.estimate_milli, t.status] for t in project.tasks],
                "effective_crs": [c.number for c in changes if c.effective_on],
                "signed_periods": list(periods), "quotas_used": quotas,
                "blockers": [records.blocker_content(b) for b in blockers],
                **contract_content(project.contract, project.signed_on),
                **self._settlement_content(s, project, consumed)}

    def _settlement_content(self, s: Session, project: Project,
                            consumed: Mapping[str, int]) -> dict[str, Any]:
        """The acceptance's contract terms, deliverables, unconfirmed minutes per grade and
        settlement amount (SPEC §8), as its signatures cover them."""
        from model.sheet_acceptance import settlement  # here: only an acceptance needs it

        terms = self._project_view(project).terms
        spans = rules.confirmed_spans(s.execute(
            select(Period.first, Period.last, Period.status)
            .where(Period.project_id == project.id)))
        rates = {r.grade: r.day_rate_minor for r in project.rates}
        cost = sum((rules.pd_of_minutes(m, project.minutes_per_day)
                    * Fraction(rates.get(g, 0), 100) for g, m in consumed.items()), Fraction(0))
        return {
            "terms": {"contract": terms.contract,
                      "signed_on": terms.signed_on.isoformat() if terms.signed_on else None,
                      "billing": terms.billing, "price_minor": terms.price_minor,
                      "tax_rate": None if terms.tax_rate is None else str(terms.tax_rate),
                      "prices_include_tax": terms.prices_include_tax},
            "deliverables": [[d.key, d.title, list(d.tasks), d.criteria,
                              d.due.isoformat() if d.due else None, d.kind]
                             for d in self._deliverables(s, project)],
            "unconfirmed_minutes": rules.unconfirmed_minutes(_day_sums(s, project), spans),
            "settlement": settlement(terms, cost).content()}


def _day_sums(s: Session, project: Project) -> list[rules.DaySums]:
    """The project's entries summed per date and grade (one GROUP BY), as day sums."""
    by_day: dict[date, dict[str, int]] = {}
    for on, grade, m in s.execute(
            select(TimeEntry.on, TimeEntry.grade, func.sum(TimeEntry.minutes))
            .where(TimeEntry.project_id == project.id)
            .group_by(TimeEntry.on, TimeEntry.grade)):
        by_day.setdefault(on, {})[grade] = int(m)  # int: PostgreSQL sums to Decimal
    return [rules.DaySums(on, grades) for on, grades in sorted(by_day.items())]


def _period_head(project: Project, first: date, last: date) -> dict[str, Any]:
    """A period's content but its entries."""
    return {"kind": "period", "project": project.code, "first": first.isoformat(),
            "last": last.isoformat(), **contract_content(project.contract, project.signed_on)}


def _period_rows(s: Session, project: Project, first: date,
                 last: date) -> list[tuple[Any, ...]]:
    """A period's entries as its content holds them, sorted: (date's ISO text, person,
    task, minutes, grade, note) each, read as raw columns (storage.records.scan), the
    date converted the ORM's way once per distinct value."""
    from storage.records.scan import converter, raw_chunks

    query = (select(TimeEntry.on, Person.key, Task.code, TimeEntry.minutes, TimeEntry.grade,
                    TimeEntry.note)
             .join(Person, TimeEntry.person_id == Person.id)
             .join(Task, TimeEntry.task_id == Task.id)
             .where(TimeEntry.project_id == project.id, TimeEntry.on >= first,
                    TimeEntry.on <= last))
    day = converter(s, TimeEntry.__table__.c.on, lambda d: d.isoformat())
    out: list[tuple[Any, ...]] = []
    for rows in raw_chunks(s, query):
        out += [(day(on), p, t, m, g, n) for on, p, t, m, g, n in rows]
    out.sort()
    return out
