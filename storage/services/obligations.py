"""Obligations and deliverables (SPEC §9): an obligation done, a deliverable delivered (the
training one is the knowledge transfer), and both listed with what is due.

A client obligation not done by its due date is a client blocker in the figures
(:func:`model.rules.obligation_blockers`, fed into the one blocked-days counter);
:mod:`storage.services.blockers` lists those blockers with the recorded ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from model import rules
from model.errors import FieldError, Ref
from model.i18n import N_, _
from model.permissions import Action
from model.usertext import check_text
from model.views import DeliverableView, ObligationView
from storage import records
from storage.orm import Deliverable, Obligation, Project
from storage.records import delivery_record, obligation_record
from storage.services.core import LedgerBase, parse_on
from storage.workloads import obligation_fact

R = TypeVar("R", Obligation, Deliverable)
V = TypeVar("V")


class ObligationsMixin(LedgerBase):
    """Obligations and deliverables."""

    # ------------------------------------------------------------ obligations

    def obligation_done(self, key: str, on: str | date | None = None) -> ObligationView:
        """Record that obligation ``key`` was done on ``on`` (default today); once only."""
        def done(o: Obligation, day: date, by: str | None) -> None:
            o.done_on, o.done_by = day, by

        return self._mark_done(_OBLIGATION, self._obligation, key, on, obligation_record,
                               done, lambda project, o: self._obligation_view(
                                   project, o, self._today(project.timezone)))

    def obligations(self, as_of: str | date | None = None) -> list[ObligationView]:
        """The SOW's obligations as of ``as_of`` (default today), in the SOW's order."""
        with self._reading() as s:
            project = self._project(s)
            day = parse_on(as_of, self._today(project.timezone), Ref("as_of"))
            return [self._obligation_view(project, o, day) for o in project.obligations]

    def _obligation_view(self, project: Project, o: Obligation, as_of: date) -> ObligationView:
        cal = self._calendar(project)
        fact = obligation_fact(o)
        return ObligationView(o.key, o.title, o.party, rules.due_date(fact, cal, project.start),
                              o.due_days, o.done_on,
                              rules.is_overdue(fact, cal, project.start, as_of),
                              rules.days_late(fact, cal, project.start, as_of))

    @staticmethod
    def _obligation(s: Session, project: Project, key: str) -> Obligation:
        return _by_key(s, project, Obligation, key, N_("obligation"), project.obligations)

    # ------------------------------------------------------------ deliverables

    @staticmethod
    def _deliverable(s: Session, project: Project, key: str) -> Deliverable:
        return _by_key(s, project, Deliverable, key, N_("deliverable"), project.deliverables)

    def deliverable_done(self, key: str, on: str | date | None = None,
                         note: str = "") -> DeliverableView:
        """Record the delivery of deliverable ``key`` on ``on`` (default today), with a
        note; once only. A ``training`` deliverable is the knowledge transfer."""
        check_text(note, "note")

        def delivered(d: Deliverable, day: date, by: str | None) -> None:
            d.delivered_on, d.delivery_note, d.delivered_by = day, note or None, by

        def view(_project: Project, d: Deliverable) -> DeliverableView:
            spec = records.deliverable_spec(d)
            return DeliverableView(d.key, d.title, tuple(spec.tasks), spec.criteria, d.due,
                                   d.kind, d.delivered_on, d.delivery_note)

        return self._mark_done(_DELIVERABLE, self._deliverable, key, on, _delivery_state,
                               delivered, view)

    # ------------------------------------------------------------ done on a day

    def _mark_done(self, what: _Done, find: Callable[[Session, Project, str], R], key: str,
                   on: str | date | None, state: Callable[[R], dict[str, Any]],
                   mark: Callable[[R, date, str | None], None],
                   view: Callable[[Project, R], V]) -> V:
        """Mark the obligation or deliverable ``key`` (``find`` fetches it) done on ``on``
        (default today), by the acting person: the ledger open to writing, the actor may
        record it (``Action.OBLIGATION``), not done before (once only), the date plausible
        for them; its audit row states ``state`` before and after ``mark``."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.OBLIGATION)
            row = find(s, project, key)
            day = parse_on(on, self._today(project.timezone))
            earlier = getattr(row, what.date)
            if earlier is not None:
                raise FieldError("key", _(what.already).format(key=key, earlier=earlier))
            self._check_event_date(project, me, day)
            before = state(row)
            mark(row, day, me.key if me else None)
            self._audit(s, project).record(what.action, what.entity, key, before, state(row))
            return view(project, row)


@dataclass(frozen=True)
class _Done:
    """How one kind of record is marked done: its audit entity and action, the column
    holding the day, the word for it, the refusal of marking it twice."""

    entity: str
    action: str
    date: str
    past: str
    already: str


_OBLIGATION = _Done("obligation", "done", "done_on", "done",
                    N_("obligation {key} was already done on {earlier}"))
_DELIVERABLE = _Done("deliverable", "deliver", "delivered_on", "delivered",
                     N_("deliverable {key} was already delivered on {earlier}"))


def _by_key(s: Session, project: Project, cls: type[R], key: str, noun: str,
            listed: Iterable[R]) -> R:
    """The project's obligation or deliverable ``key``; refused naming the SOW's keys."""
    row = s.scalars(select(cls).where(cls.project_id == project.id, cls.key == key)).first()
    if row is None:
        known = ", ".join(x.key for x in listed)
        if known:
            raise FieldError("key", _("unknown {noun} {key!r} (known: {known})")
                                    .format(noun=_(noun), key=key, known=known))
        raise FieldError("key", _("unknown {noun} {key!r} (the SOW lists none)")
                                .format(noun=_(noun), key=key))
    return row


def _delivery_state(d: Deliverable) -> dict[str, Any]:
    """A deliverable's audit state: its SOW record and its delivery."""
    return {**records.deliverable_record(records.deliverable_spec(d)), **delivery_record(d)}
