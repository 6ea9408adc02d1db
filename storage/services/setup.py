"""Setting up: a project created from its SOW, the SOW read back, the project's views."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from model import i18n, rules
from model.errors import LedgerError
from model.i18n import _
from model.views import ContractTerms, DeliverableView, ProjectView
from storage import records
from storage.grade_ladder import grade_rows, ladder_of
from storage.orm import Assignment, Baseline, CalendarDay, Person, Project, Quota, Rate, Task
from storage.services.core import LedgerBase
from storage.sowfile import (
    AllocationSpec,
    ObligationSpec,
    PersonSpec,
    QuotaSpec,
    SowSpec,
    TaskSpec,
)


class SetupMixin(LedgerBase):
    """Creating a project from its SOW and reading the project back."""

    def init_project(self, spec: SowSpec) -> ProjectView:
        """Create a project from a validated SOW."""
        with self._writing() as s:
            if not self._db_owner(s):
                raise LedgerError(_("init: only the database owner creates projects in a shared "
                                    "PostgreSQL ledger"))
            if s.scalars(select(Project).where(Project.code == spec.code)).first():
                raise LedgerError(_("[project] code: a project {code!r} already exists in this "
                                    "database").format(code=spec.code))
            project = Project(code=spec.code, title=spec.title, client=spec.client,
                              vendor=spec.vendor, start=spec.start, end=spec.end,
                              minutes_per_day=spec.minutes_per_day, currency=spec.currency,
                              timezone=spec.timezone, language=spec.language,
                              country=spec.country, contract=spec.contract,
                              signed_on=spec.signed_on, billing=spec.billing,
                              price_minor=spec.price_minor, tax_rate_ppm=spec.tax_rate_ppm,
                              prices_include_tax=spec.prices_include_tax,
                              staff_change_notice=spec.staff_change_notice,
                              plan_confirm_days=spec.plan_confirm_days)
            project.calendar_days = (
                [CalendarDay(on=d, kind="holiday") for d in sorted(set(spec.holidays))]
                + [CalendarDay(on=d, kind="workday") for d in sorted(set(spec.workdays))])
            project.rates = [Rate(grade=g, day_rate_minor=v) for g, v in spec.rates.items()]
            project.baseline = [Baseline(grade=g, pd_milli=v) for g, v in spec.baseline.items()]
            people = {p.key: Person(key=p.key, name=p.name, party=p.party, role=p.role,
                                    grade=p.grade, location=p.location, timezone=p.timezone,
                                    title=p.title, active_from=p.active_from,
                                    leave_on=p.leave_on, replaces=p.replaces)
                      for p in spec.people}
            project.people = list(people.values())
            tasks = {}
            for t in spec.tasks:
                task = Task(code=t.code, title=t.title, estimate_milli=t.estimate_milli,
                            priority=t.priority, status=t.status)
                task.assignees = [Assignment(person=people[k]) for k in t.assignees]
                tasks[t.code] = task
            for a in spec.allocations:
                task = tasks[a.task]
                existing = next((x for x in task.assignees if x.person is people[a.person]), None)
                if existing is None:
                    existing = Assignment(person=people[a.person])
                    task.assignees.append(existing)
                existing.planned_milli = a.pd_milli
            project.tasks = list(tasks.values())
            project.quotas = [Quota(key=q.key, title=q.title, limit=q.limit) for q in spec.quotas]
            project.deliverables = [records.deliverable_row(d) for d in spec.deliverables]
            project.obligations = [records.obligation_row(o) for o in spec.obligations]
            project.grades = grade_rows(spec.ladder)
            s.add(project)
            s.flush()
            self._audit(s, project).record("init", "project", project.code,
                                           after=self._sow_state(project))
            return self._project_view(project)

    @staticmethod
    def _project_view(p: Project) -> ProjectView:
        terms = ContractTerms(contract=p.contract, signed_on=p.signed_on, billing=p.billing,
                              price_minor=p.price_minor,
                              tax_rate=rules.tax_rate_of_ppm(p.tax_rate_ppm),
                              prices_include_tax=p.prices_include_tax)
        return ProjectView(p.code, p.title, p.client, p.vendor, p.start, p.end,
                           p.minutes_per_day, p.currency, p.timezone, p.language, p.accepted_on,
                           terms)

    def _sow_state(self, project: Project) -> dict[str, Any]:
        from storage.sowfile import dump_sow

        return {"sow": dump_sow(self._sow_spec(project))}

    def _sow_spec(self, p: Project) -> SowSpec:
        return SowSpec(
            code=p.code, title=p.title, client=p.client, vendor=p.vendor, start=p.start,
            end=p.end, minutes_per_day=p.minutes_per_day, currency=p.currency,
            timezone=p.timezone, language=p.language, country=p.country,
            holidays=sorted(d.on for d in p.calendar_days if d.kind == "holiday"),
            workdays=sorted(d.on for d in p.calendar_days if d.kind == "workday"),
            rates={r.grade: r.day_rate_minor for r in p.rates},
            baseline={b.grade: b.pd_milli for b in p.baseline},
            quotas=[QuotaSpec(q.key, q.title, q.limit) for q in p.quotas],
            people=[PersonSpec(x.key, x.name, x.party, x.role, x.grade, x.location, x.timezone,
                               x.title, x.active_from, x.leave_on, x.replaces)
                    for x in p.people],
            tasks=[TaskSpec(t.code, t.title, t.estimate_milli, t.priority, t.status,
                            [a.person.key for a in t.assignees]) for t in p.tasks],
            allocations=[AllocationSpec(t.code, a.person.key, a.planned_milli)
                         for t in p.tasks for a in t.assignees if a.planned_milli is not None],
            contract=p.contract, signed_on=p.signed_on, billing=p.billing,
            price_minor=p.price_minor, tax_rate_ppm=p.tax_rate_ppm,
            prices_include_tax=p.prices_include_tax,
            deliverables=[records.deliverable_spec(d) for d in p.deliverables],
            staff_change_notice=p.staff_change_notice,
            plan_confirm_days=p.plan_confirm_days,
            obligations=[ObligationSpec(o.key, o.title, o.party, o.due, o.due_days)
                         for o in p.obligations],
            ladder=ladder_of(p),
        )

    def export_sow(self) -> SowSpec:
        """The project as a SOW (the signed baseline; CRs are not folded in)."""
        with self._reading() as s:
            return self._sow_spec(self._project(s))

    def project(self) -> ProjectView:
        with self._reading() as s:
            return self._project_view(self._project(s))

    def speak(self, sow_language: str | None = None) -> str:
        """Speak, from now on, the language of whoever uses this ledger, and return it:
        the ``language`` setting, else the SOW's (``sow_language`` when the caller has
        read the project already; a ledger without a project yet: English). The one rule
        is model.i18n.choose; the app and the command line both call this."""
        from storage.config import configured_language

        setting = configured_language()
        if setting is None and sow_language is None:
            try:
                sow_language = self.project().language
            except LedgerError:  # no project yet (init), or several and none named
                sow_language = None
        language = i18n.choose(setting, sow_language)
        i18n.set_language(language)
        return language

    def deliverables(self) -> list[DeliverableView]:
        """The SOW's deliverables, in the SOW's order."""
        with self._reading() as s:
            return self._deliverables(s, self._project(s))

    @staticmethod
    def _deliverables(s: Session, project: Project) -> list[DeliverableView]:
        """The SOW's deliverables, in the SOW's order, within a transaction."""
        return [DeliverableView(d.key, d.title, tuple(d.tasks), d.criteria, d.due, d.kind,
                                row.delivered_on, row.delivery_note)
                for row, d in ((row, records.deliverable_spec(row))
                               for row in project.deliverables)]

    def projects(self) -> list[ProjectView]:
        with self._reading() as s:
            rows = s.scalars(select(Project).order_by(Project.code))
            return [self._project_view(p) for p in rows]

    def ladder(self) -> rules.Ladder:
        """The project's grade ladder (SPEC §9): its own ``[[grade]]`` list or the default."""
        with self._reading() as s:
            return ladder_of(self._project(s))
