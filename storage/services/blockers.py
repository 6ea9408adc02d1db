"""Blockers: raised by either party, resolved, listed with their age in working days.

A client obligation not done by its due date counts as a client blocker (SPEC §9), listed
under the obligation's key and resolved when the obligation is done.
:meth:`BlockersMixin.blocker_list` is the one place that puts the two kinds together as of
a day and says which are open: the Blockers view, the dashboard and the piped status call it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from model import rules
from model.errors import FieldError, Hint, LedgerError, Ref
from model.i18n import _, parts
from model.permissions import Action
from model.views import BlockerList, BlockerView, blocker_order
from storage import records
from storage.orm import Blocker, Project
from storage.services.core import LedgerBase, parse_on
from storage.workloads import obligation_fact


class BlockersMixin(LedgerBase):
    """Blockers."""

    def add_blocker(self, title: str, party: str, on: str | date | None = None,
                    task: str | None = None) -> BlockerView:
        if party not in rules.PARTIES:
            raise FieldError("party", _("{party!r} is not one of {parties}")
                                      .format(party=party, parties=', '.join(rules.PARTIES)))
        if not title.strip():
            raise FieldError("title", _("must not be empty"))
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.BLOCKER)
            day = parse_on(on, self._today(project.timezone))
            self._check_event_date(project, me, day)
            t = self._task(s, project, task) if task else None
            count = s.execute(select(func.count()).select_from(Blocker)
                              .where(Blocker.project_id == project.id)).scalar() or 0
            b = Blocker(project_id=project.id, number=f"B-{int(count) + 1:03d}", title=title,
                        party=party, raised_on=day, task=t,
                        raised_by=me.key if me else None)
            s.add(b)
            s.flush()
            self._audit(s, project).record("add", "blocker", b.number,
                                           after=records.blocker_record(b))
            return self._blocker_view(project, b, self._today(project.timezone))

    def resolve_blocker(self, number: str, on: str | date | None = None) -> BlockerView:
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.BLOCKER)
            b = s.scalars(select(Blocker).where(Blocker.project_id == project.id,
                                                Blocker.number == number.upper())).first()
            if b is None:
                if any(o.key == number for o in project.obligations):
                    raise LedgerError(*parts(_("blocker: {number} is a late obligation, "
                                               "resolved when it is done: {action}"),
                                             number=number, action=Hint("obligation_done", number)))
                raise LedgerError(_("blocker: no blocker {number!r}").format(number=number))
            if b.resolved_on is not None:
                raise LedgerError(_("blocker {number}: already resolved on {resolved_on}")
                                  .format(number=b.number, resolved_on=b.resolved_on))
            day = parse_on(on, self._today(project.timezone))
            if day < b.raised_on:
                raise FieldError("on", _("{day} is before {number} was raised ({raised_on})")
                                       .format(day=day, number=b.number, raised_on=b.raised_on))
            self._check_event_date(project, me, day)
            before = records.blocker_record(b)
            b.resolved_on = day
            self._audit(s, project).record("resolve", "blocker", b.number, before,
                                           records.blocker_record(b))
            return self._blocker_view(project, b, self._today(project.timezone))

    def _blocker_view(self, project: Project, b: Blocker, as_of: date) -> BlockerView:
        age = rules.working_days_open(self._calendar(project), b.raised_on, b.resolved_on,
                                      max(as_of, b.resolved_on or as_of))
        return BlockerView(b.number, b.title, b.party, b.raised_on, b.resolved_on,
                           b.task.code if b.task else None, age)

    def blocker_list(self, as_of: str | date | None = None) -> BlockerList:
        """Every blocker as of ``as_of`` (default today), open ones first: those recorded
        (raised by then; open if not resolved by then) and those late client obligations
        count as; ``.open()`` are the open blockers."""
        with self._reading() as s:
            project = self._project(s)
            day = parse_on(as_of, self._today(project.timezone), Ref("as_of"))
            recorded = []
            for b in s.scalars(select(Blocker).where(Blocker.project_id == project.id,
                                                     Blocker.raised_on <= day)
                               .order_by(Blocker.id)):
                resolved = b.resolved_on if b.resolved_on and b.resolved_on <= day else None
                age = rules.working_days_open(self._calendar(project), b.raised_on, resolved,
                                              day)
                recorded.append(BlockerView(b.number, b.title, b.party, b.raised_on, resolved,
                                            b.task.code if b.task else None, age))
            late = self._late_obligations(project, day)
            return BlockerList(tuple(sorted([*recorded, *late], key=blocker_order)),
                               frozenset(b.number for b in late))

    def obligation_blockers(self, as_of: str | date | None = None) -> list[BlockerView]:
        """The client blockers that late client obligations count as, as of ``as_of``,
        each under its obligation's key (title: the obligation's; task: none)."""
        with self._reading() as s:
            project = self._project(s)
            day = parse_on(as_of, self._today(project.timezone), Ref("as_of"))
            return self._late_obligations(project, day)

    def _late_obligations(self, project: Project, day: date) -> list[BlockerView]:
        cal = self._calendar(project)
        titles = {o.key: o.title for o in project.obligations}
        out = []
        facts = [obligation_fact(o) for o in project.obligations]
        for b in rules.obligation_blockers(facts, cal, project.start):
            if b.raised_on > day:
                continue
            resolved = b.resolved_on if b.resolved_on and b.resolved_on <= day else None
            age = rules.working_days_open(cal, b.raised_on, resolved, day)
            out.append(BlockerView(b.number, titles[b.number], b.party, b.raised_on,
                                   resolved, None, age))
        return out

    def blockers(self, as_of: date | None = None) -> list[BlockerView]:
        with self._reading() as s:
            project = self._project(s)
            day = as_of or self._today(project.timezone)
            return [self._blocker_view(project, b, day) for b in s.scalars(
                select(Blocker).where(Blocker.project_id == project.id).order_by(Blocker.id))]
