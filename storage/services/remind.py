"""Reminders (``sowtrack remind``): what is due to whom today, and what each channel sent.

:meth:`RemindMixin.reminders` reads, in one transaction, the four kinds of subject of
:mod:`model.reminders`, each through the rule that decides it for the dashboard and the
lists. :meth:`RemindMixin.claim_reminders` records what a channel is about to send, so
that a reminder goes out once per subject, channel and day, also from two machines on
one shared ledger; :meth:`RemindMixin.release_reminders` forgets a send that failed, so
that the next run tries it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from model import rules
from model.errors import FieldError, Ref
from model.i18n import _
from model.reminders import Person as Who
from model.reminders import Reminder
from model.rules.staffing import active_on
from storage.orm import (
    Acceptance,
    Blocker,
    ChangeRequest,
    Period,
    Person,
    Project,
    ReminderSent,
    Scope,
    Signature,
)
from storage.services.core import LedgerBase, parse_on
from storage.workloads import obligation_fact


@dataclass(frozen=True)
class RemindList:
    """The reminders of one project on one day, and the language its SOW speaks."""

    project: str
    on: date
    language: str
    reminders: tuple[Reminder, ...]


class RemindMixin(LedgerBase):
    """Reminders: what is due, and what was sent."""

    def reminders(self, on: str | date | None = None) -> RemindList:
        """What is due on ``on`` (default today in the project's time zone): engineers
        with no entry on the last working day before it, documents waiting for a party's
        signature, blockers open past 3 working days, obligations due and not done."""
        with self._reading() as s:
            project = self._project(s)
            self._actor(s, project)  # an --as it may not use: refused, as claiming would
            day = parse_on(on, self._today(project.timezone), Ref("on"))
            people = {p.id: p for p in project.people}
            out: list[Reminder] = []
            last, engineers, logged = self._entry_expected(  # type: ignore[attr-defined]
                s, project, day)
            by_key = {p.key: p for p in people.values()}
            if last is not None:
                out += [Reminder("missing", f"missing:{key}:{last}", (_who(by_key[key]),),
                                 (last.isoformat(),))
                        for key in engineers if key not in logged.get(last, set())]
            out += self._waiting_signatures(s, project, day)
            cal = self._calendar(project)
            # blockers and obligations go to the vendor's lead (and a blocker to whoever
            # raised it), who records and chases them
            leads = [p.key for p in people.values() if p.party == "vendor"
                     and p.role == "lead" and active_on(self._staffing(  # type: ignore[attr-defined]
                         project, p), day)]
            for b in s.scalars(select(Blocker).where(Blocker.project_id == project.id,
                                                     Blocker.raised_on <= day)
                               .order_by(Blocker.id)):
                if b.resolved_on is not None and b.resolved_on <= day:
                    continue
                days = rules.working_days_open(cal, b.raised_on, None, day)
                if rules.blocker_overdue(days):
                    raiser = [b.raised_by] if b.raised_by in by_key else []
                    to = tuple(_who(by_key[k]) for k in dict.fromkeys([*raiser, *leads]))
                    out.append(Reminder("blocker", f"blocker:{b.number}", to,
                                        (b.number, b.title, b.party, str(days))))
            for o in project.obligations:
                fact = obligation_fact(o)
                if rules.is_due(fact, cal, project.start, day):
                    out.append(Reminder("obligation", f"obligation:{o.key}", tuple(
                        _who(by_key[k]) for k in leads), (
                        o.key, o.title, o.party,
                        rules.due_date(fact, cal, project.start).isoformat(),
                        str(rules.days_late(fact, cal, project.start, day)))))
            return RemindList(project.code, day, project.language, tuple(out))

    def _waiting_signatures(self, s: Session, project: Project, day: date) -> list[Reminder]:
        """A reminder per document not yet signed by both parties and per party still to
        sign it, addressed to that party's people who may sign and work on ``day``."""
        docs: list[tuple[str, int, str, str]] = []  # (kind, id, number, title)
        open_states = (rules.DOC_OPEN, rules.DOC_SIGNING)
        for cr in s.scalars(select(ChangeRequest).where(
                ChangeRequest.project_id == project.id,
                ChangeRequest.status.in_(open_states)).order_by(ChangeRequest.id)):
            docs.append(("cr", cr.id, cr.number, cr.title))
        for p in s.scalars(select(Period).where(Period.project_id == project.id,
                                                Period.status.in_(open_states))
                           .order_by(Period.first)):
            docs.append(("period", p.id, p.number, f"{p.first}..{p.last}"))
        for sc in s.scalars(select(Scope).where(Scope.project_id == project.id,
                                                Scope.status.in_(open_states))):
            docs.append(("scope", sc.id, sc.number, project.title))
        for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id,
                                                      Acceptance.status.in_(open_states))):
            docs.append(("acceptance", acc.id, acc.number, project.title))
        out = []
        for kind, doc_id, number, title in docs:
            signed = s.execute(select(Signature.party, Signature.role).where(
                Signature.doc_kind == kind, Signature.doc_id == doc_id)).all()
            for party in rules.waiting_parties([(p, r) for p, r in signed]):
                signers = tuple(_who(p) for p in project.people
                                if p.party == party and rules.may_sign(p.party, p.role)
                                and active_on(self._staffing(project, p), day))  # type: ignore[attr-defined]
                out.append(Reminder("sign", f"sign:{number}:{party}", signers,
                                    (kind, number, title, party)))
        return out

    # ------------------------------------------------------------ what was sent

    def sent_reminders(self, on: date, channel: str) -> set[str]:
        """The subjects ``channel`` recorded as sent on ``on``."""
        with self._reading() as s:
            project = self._project(s)
            return set(s.scalars(select(ReminderSent.subject).where(
                ReminderSent.project_id == project.id, ReminderSent.day == on,
                ReminderSent.channel == channel)))

    def claim_reminders(self, on: date, channel: str, subjects: Iterable[str]) -> list[str]:
        """Record ``subjects`` as sent by ``channel`` on ``on``, those not recorded yet,
        in one transaction (writers take turns: a second machine sees them), and return
        the ones this call recorded: the ones to send now."""
        wanted = list(dict.fromkeys(subjects))
        if not wanted:
            return []
        with self._writing() as s:
            project = self._project(s)
            actor, person = self._actor(s, project)
            if actor.unbound_role:  # the database's row-level security would refuse it too
                raise FieldError("actor", _("the database login role {unbound_role!r}, bound to "
                                            "no person, may not record reminders sent; run "
                                            "remind as a bound person or the owner")
                                          .format(unbound_role=actor.unbound_role))
            me = person.key if person is not None else None
            done = set(s.scalars(select(ReminderSent.subject).where(
                ReminderSent.project_id == project.id, ReminderSent.day == on,
                ReminderSent.channel == channel)))
            now = datetime.now(UTC).replace(tzinfo=None)
            new = [x for x in wanted if x not in done]
            s.add_all(ReminderSent(project_id=project.id, day=on, channel=channel,
                                   subject=x, sent_at=now, sent_by=me) for x in new)
            return new

    def release_reminders(self, on: date, channel: str, subjects: Sequence[str]) -> None:
        """Forget that ``channel`` sent ``subjects`` on ``on`` (the send failed): the next
        run sends them again."""
        if not subjects:
            return
        with self._writing() as s:
            project = self._project(s)
            s.execute(delete(ReminderSent).where(
                ReminderSent.project_id == project.id, ReminderSent.day == on,
                ReminderSent.channel == channel, ReminderSent.subject.in_(list(subjects))))


def _who(p: Person) -> Who:
    return Who(p.key, p.name)
