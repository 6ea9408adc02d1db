"""Read queries for the figures: facts, summary, burn-down, alerts, calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from model import rules
from model.errors import LedgerError, Ref
from model.rules.staffing import active_on
from storage.figures import daily_sums
from storage.grade_ladder import ladder_of
from storage.orm import AuditEvent, Blocker, Person, Project, TimeEntry
from storage.services.core import LedgerBase, parse_on
from storage.workloads import obligation_fact, workloads


class ReportsMixin(LedgerBase):
    """The figures and the read queries behind them."""

    def calendar(self) -> tuple[rules.Calendar, date, date]:
        """(calendar, start, current end) of the project."""
        with self._reading() as s:
            project = self._project(s)
            return self._calendar(project), project.start, self._current_end(s, project)

    def alerts(self, summary: rules.Summary) -> list[rules.Alert]:
        """The dashboard's alerts for ``summary``'s as-of date."""
        with self._reading() as s:
            project = self._project(s)
            cal = self._calendar(project)
            last, engineers, logged = self._entry_expected(s, project, summary.as_of)
            blockers = [rules.BlockerFact(b.number, b.party, b.raised_on, b.resolved_on)
                        for b in s.scalars(select(Blocker)
                                           .where(Blocker.project_id == project.id))]
            out = rules.alerts(summary, blockers, cal, project.start, engineers, logged,
                               self._staff_changes(s, project),
                               obligations=[obligation_fact(o) for o in project.obligations],
                               workloads=workloads(project, cal,
                                                   self._current_end(s, project)))
            scope = self._live_scope(s, project)  # type: ignore[attr-defined]
            unsigned = rules.scope_alert_args(
                cal, rules.plan_confirm_deadline(cal, project.start, project.plan_confirm_days),
                scope.effective_on if scope is not None else None, summary.as_of)
            if unsigned is not None:
                out.append(rules.Alert("scope_unsigned", unsigned))
            return out

    def _entry_expected(self, s: Session, project: Project, as_of: date
                        ) -> tuple[date | None, list[str], dict[date, set[str]]]:
        """(the last working day before ``as_of``, the engineers expected to have an
        entry on it, who has one): the dashboard's "missing" alert and ``remind`` ask
        this. An engineer is a vendor person with the role ``engineer``; nobody is
        missing an entry on a day they are not active (left, away, not yet in)."""
        cal = self._calendar(project)
        last = rules.last_working_day_before(cal, project.start, as_of)
        logged: dict[date, set[str]] = defaultdict(set)
        if last is not None:
            for key in s.scalars(select(Person.key).join(
                    TimeEntry, TimeEntry.person_id == Person.id).where(
                    TimeEntry.project_id == project.id, TimeEntry.on == last).distinct()):
                logged[last].add(key)
        if last is not None and not self._day_takes_entries(s, project, last):
            return last, [], logged  # nobody could log that day
        engineers = [p.key for p in project.people
                     if p.party == "vendor" and p.role == "engineer" and (
                         last is None or active_on(self._staffing(project, p), last))]
        return last, engineers, logged

    def _day_takes_entries(self, s: Session, project: Project, day: date) -> bool:
        """Whether an entry dated ``day`` could be recorded now: within the SOW (its
        current end), the ledger writable (not accepted, not frozen by an acceptance being
        signed) and the day in no signed period, by the checks that refuse an entry."""
        if not project.start <= day <= self._current_end(s, project):  # type: ignore[attr-defined]
            return False
        try:
            self._check_writable(s, project)
            self._check_date_open(s, project, day)
        except LedgerError:
            return False
        return True

    def _facts(self, s: Session, project: Project) -> rules.LedgerFacts:
        """Everything the figures come from. Kept while the ledger is unchanged: every
        change the program makes appends an audit row, so the chain's head (id, hash)
        says whether the GROUP BY over all entries (a second on a million) must run again."""
        head = s.execute(select(AuditEvent.id, AuditEvent.hash)
                         .order_by(AuditEvent.id.desc()).limit(1)).first()
        key = (project.id, tuple(head) if head else None)
        cached = self._facts_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        facts = self._read_facts(s, project)
        self._facts_cache = (key, facts)
        return facts

    def _read_facts(self, s: Session, project: Project) -> rules.LedgerFacts:
        ladder = ladder_of(project)
        # The sums per date kept in the database (storage/figures.py): the figures never
        # read the entries.
        grades = [*ladder.keys(), *(p.grade for p in project.people if p.grade)]
        sums = daily_sums(s, project.id, grades)
        blockers = [rules.BlockerFact(b.number, b.party, b.raised_on, b.resolved_on)
                    for b in s.scalars(select(Blocker).where(Blocker.project_id == project.id))]
        quotas = [rules.QuotaFact(q.key, q.title, q.limit, [(u.used_on, u.n) for u in q.uses])
                  for q in project.quotas]
        return rules.LedgerFacts(
            code=project.code, start=project.start, end=project.end,
            minutes_per_day=project.minutes_per_day, currency=project.currency,
            calendar=self._calendar(project),
            rates={r.grade: r.day_rate_minor for r in project.rates},
            baseline={b.grade: b.pd_milli for b in project.baseline},
            sums=sums,
            changes=[self._change_fact(cr) for cr in self._changes(s, project)],
            blockers=blockers, quotas=quotas,
            obligations=[obligation_fact(o) for o in project.obligations],
            ladder=ladder)

    def facts(self) -> rules.LedgerFacts:
        """Everything the figures are computed from, read in one transaction."""
        with self._reading() as s:
            return self._facts(s, self._project(s))

    def as_of(self, value: str | date | None) -> date:
        """The as-of date given, else today in the project's time zone."""
        if value is None:
            return self._today(self.project().timezone)
        return parse_on(value, date.min, Ref("as_of"))

    def summary(self, as_of: str | date | None = None) -> rules.Summary:
        with self._reading() as s:
            project = self._project(s)
            day = parse_on(as_of, self._today(project.timezone), Ref("as_of"))
            return rules.summarize(self._facts(s, project), day)

    def burndown(self, as_of: str | date | None = None) -> list[rules.BurndownRow]:
        with self._reading() as s:
            project = self._project(s)
            day = parse_on(as_of, self._today(project.timezone), Ref("as_of"))
            return rules.burndown(self._facts(s, project), day)

    def calendar_warning(self) -> str | None:
        with self._reading() as s:
            project = self._project(s)
            return rules.country_warning(self._calendar(project), project.start,
                                         self._current_end(s, project))
