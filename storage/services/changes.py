"""Change requests: raised, edited while unsigned, signed into effect, withdrawn."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from model import rules
from model.errors import FieldError, LedgerError, Ref, refused
from model.i18n import _
from model.permissions import Action
from model.views import ChangeView
from storage import records
from storage.grade_ladder import ladder_of
from storage.orm import ChangeDelta, ChangeQuotaDelta, ChangeRequest, Project, Signature
from storage.services.core import LedgerBase, parse_on
from storage.sowfile import MAX_QUOTA, MAX_SOW_YEARS, latest_end

# built once: every log reads the SOW's current end from them
_CHANGES = (select(ChangeRequest).where(ChangeRequest.project_id == bindparam("project"))
            .options(selectinload(ChangeRequest.deltas),
                     selectinload(ChangeRequest.quota_deltas),
                     selectinload(ChangeRequest.task_deltas))
            .order_by(ChangeRequest.id))


class ChangesMixin(LedgerBase):
    """Change requests."""

    def _changes(self, s: Session, project: Project) -> list[ChangeRequest]:
        return list(s.scalars(_CHANGES, {"project": project.id}))

    @staticmethod
    def _change_fact(cr: ChangeRequest) -> rules.ChangeFact:
        deltas: dict[str, int] = defaultdict(int)
        for d in cr.deltas:
            deltas[d.grade] += d.pd_milli
        quota: dict[str, int] = defaultdict(int)
        for q in cr.quota_deltas:
            quota[q.quota_key] += q.delta
        return rules.ChangeFact(number=cr.number, raised_on=cr.raised_on,
                                withdrawn=cr.status == rules.DOC_WITHDRAWN,
                                effective_on=cr.effective_on if cr.status == rules.DOC_EFFECTIVE
                                else None,
                                deltas=dict(deltas), quota_deltas=dict(quota), new_end=cr.new_end)

    def _current_end(self, s: Session, project: Project) -> date:
        facts = [self._change_fact(cr) for cr in self._changes(s, project)]
        return rules.end_at(project.end, facts, date.max)

    def _parse_deltas(self, project: Project, deltas: Mapping[str, Any],
                      quota_deltas: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
        pd: dict[str, int] = {}
        ladder = ladder_of(project)
        for grade, value in deltas.items():
            ladder.check(grade, "deltas")
            try:
                pd[grade] = rules.pd_to_milli(value, Ref("deltas"))
            except FieldError as exc:  # the grade's own delta: "deltas senior: ..."
                raise FieldError("deltas", *exc.problem_parts, item=grade) from None
        quotas = {q.key for q in project.quotas}
        qd: dict[str, int] = {}
        for key, value in quota_deltas.items():
            if key not in quotas:
                if quotas:
                    raise FieldError("quotas", _("unknown quota {key!r} (known: {known})")
                                               .format(key=key, known=", ".join(sorted(quotas))))
                raise FieldError("quotas", _("unknown quota {key!r}").format(key=key))
            try:
                qd[key] = int(str(value))
            except ValueError:
                raise FieldError("quotas", _("{value!r} is not a whole number")
                                           .format(value=value),
                                 item=key) from None
            if abs(qd[key]) > MAX_QUOTA:  # stored in a 32-bit integer
                raise FieldError("quotas", _("{value} is too large (at most {max_quota})")
                                           .format(value=value, max_quota=MAX_QUOTA),
                                 item=key)
        return pd, qd

    def _cr(self, s: Session, project: Project, number: str) -> ChangeRequest:
        cr = s.scalars(select(ChangeRequest).where(ChangeRequest.project_id == project.id,
                                                   ChangeRequest.number == number.upper())).first()
        if cr is None:
            raise LedgerError(_("change request: no change request {number!r}")
                              .format(number=number))
        return cr

    def _check_change(self, s: Session, project: Project, change: rules.ChangeFact,
                      signing: bool = False, scope: bool = False) -> None:
        """The change request ``change`` changes something (checked when it is raised or
        edited) and, on top of the baseline and every effective CR, leaves no budget or
        quota limit negative (checked again when it takes effect)."""
        changes = [self._change_fact(cr) for cr in self._changes(s, project)]
        if not signing and not scope:  # a change of the scope changes something
            rules.check_change_not_empty(change, rules.end_at(project.end, changes, date.max))
        rules.check_change_not_negative(
            change, {b.grade: b.pd_milli for b in project.baseline},
            [rules.QuotaFact(q.key, q.title, q.limit) for q in project.quotas], changes)

    def new_cr(self, title: str, reason: str = "", deltas: Mapping[str, Any] | None = None,
               quota_deltas: Mapping[str, Any] | None = None, new_end: str | date | None = None,
               on: str | date | None = None, estimates: Mapping[str, Any] | None = None,
               add_tasks: Mapping[str, Any] | None = None) -> ChangeView:
        """Raise a change request (unsigned; no effect until both parties sign). Once the
        scope is signed, ``estimates`` (task code -> PD delta) and ``add_tasks`` (code ->
        ``TITLE:PD``) change it when the request takes effect."""
        if not title.strip():
            raise FieldError("title", _("must not be empty"))
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            raiser = self._acting(s, project, Action.CHANGE)
            pd, qd = self._parse_deltas(project, deltas or {}, quota_deltas or {})
            end = _new_end(project, new_end) if new_end else None
            day = parse_on(on, self._today(project.timezone))
            self._check_event_date(project, raiser, day)
            task_deltas = self._parse_scope_changes(  # type: ignore[attr-defined]
                s, project, estimates or {}, add_tasks or {})
            self._check_change(s, project, rules.ChangeFact("new", day, deltas=pd,
                                                            quota_deltas=qd, new_end=end),
                               scope=bool(task_deltas))
            count = s.execute(select(func.count()).select_from(ChangeRequest)
                              .where(ChangeRequest.project_id == project.id)).scalar() or 0
            cr = ChangeRequest(project_id=project.id, number=f"CR-{int(count) + 1:03d}",
                               title=title, reason=reason or "", raised_on=day,
                               raised_by=raiser.key, new_end=end, status=rules.DOC_OPEN)
            cr.deltas = [ChangeDelta(grade=g, pd_milli=v) for g, v in pd.items()]
            cr.quota_deltas = [ChangeQuotaDelta(quota_key=k, delta=v) for k, v in qd.items()]
            cr.task_deltas = task_deltas
            s.add(cr)
            s.flush()
            self._audit(s, project).record("raise", "cr", cr.number,
                                           after=records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def edit_cr(self, number: str, *, title: str | None = None, reason: str | None = None,
                deltas: Mapping[str, Any] | None = None,
                quota_deltas: Mapping[str, Any] | None = None,
                new_end: str | date | None = None, estimates: Mapping[str, Any] | None = None,
                add_tasks: Mapping[str, Any] | None = None) -> ChangeView:
        """Edit a CR nobody has signed yet: what is given (not None) replaces what it
        held, its estimate changes and added tasks (``estimates``, ``add_tasks``) checked
        as :meth:`new_cr` checks them. A CR that carries a signature, took effect or was
        withdrawn is frozen: the refusal names the first field given."""
        given = {"title": title, "reason": reason, "deltas": deltas, "quotas": quota_deltas,
                 "end": new_end, "estimates": estimates, "add_tasks": add_tasks}
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.CHANGE)
            cr = self._cr(s, project, number)
            rules.check_change_editable(next((f for f, v in given.items() if v is not None),
                                             "title"), cr.number, cr.status, cr.effective_on)
            before = records.change_record(project, cr)
            if title is not None:
                cr.title = title
            if reason is not None:
                cr.reason = reason
            if deltas is not None or quota_deltas is not None:
                pd, qd = self._parse_deltas(project, deltas or {}, quota_deltas or {})
                if deltas is not None:
                    cr.deltas = [ChangeDelta(grade=g, pd_milli=v) for g, v in pd.items()]
                if quota_deltas is not None:
                    cr.quota_deltas = [ChangeQuotaDelta(quota_key=k, delta=v)
                                       for k, v in qd.items()]
            if new_end is not None:
                cr.new_end = _new_end(project, new_end)
            if estimates is not None or add_tasks is not None:
                cr.task_deltas = self._parse_scope_changes(  # type: ignore[attr-defined]
                    s, project, estimates, add_tasks, cr)
            s.flush()
            self._check_change(s, project, self._change_fact(cr), scope=bool(cr.task_deltas))
            self._audit(s, project).record("edit", "cr", cr.number, before,
                                           records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def sign_cr(self, number: str, on: str | date | None = None) -> ChangeView:
        """Sign a CR as the acting person; it takes effect on its last required signature."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            cr = self._cr(s, project, number)
            # Another CR may have taken effect since this one was raised: check again.
            def effective_check() -> None:
                self._check_change(s, project, self._change_fact(cr), True)
                self._check_scope_effect(s, project, cr)  # type: ignore[attr-defined]

            self._sign(s, project, "cr", cr, cr.number, records.change_content(project, cr), on,
                       cr.raised_on, effective_check)
            self._audit(s, project).record("state", "cr", cr.number,
                                           after=records.change_record(project, cr))
            if cr.status == rules.DOC_EFFECTIVE:
                self._apply_scope_change(s, project, cr)  # type: ignore[attr-defined]
            return self._change_view(s, project, cr)

    def withdraw_cr(self, number: str) -> ChangeView:
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.CHANGE)
            cr = self._cr(s, project, number)
            if cr.status == rules.DOC_EFFECTIVE:
                raise LedgerError(_("{number}: is effective since {effective_on} and cannot be "
                                    "withdrawn; raise a new CR to reverse it")
                                  .format(number=cr.number, effective_on=cr.effective_on))
            if cr.status == rules.DOC_WITHDRAWN:
                raise LedgerError(_("{number}: is already withdrawn").format(number=cr.number))
            before = records.change_record(project, cr)
            cr.status = rules.DOC_WITHDRAWN
            self._audit(s, project).record("withdraw", "cr", cr.number, before,
                                           records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def _change_view(self, s: Session, project: Project, cr: ChangeRequest) -> ChangeView:
        return ChangeView(
            number=cr.number, title=cr.title, reason=cr.reason, raised_on=cr.raised_on,
            raised_by=cr.raised_by, status=cr.status, effective_on=cr.effective_on,
            new_end=cr.new_end,
            deltas=tuple(sorted(((d.grade, d.pd_milli) for d in cr.deltas),
                                key=lambda x: ladder_of(project).sort_key(x[0]))),
            quota_deltas=tuple((q.quota_key, q.delta) for q in cr.quota_deltas),
            signatures=self._signature_views(s, "cr", cr.id),
            task_deltas=tuple((d.task_code, d.pd_milli, d.title) for d in cr.task_deltas))

    def change_requests(self) -> list[ChangeView]:
        with self._reading() as s:
            project = self._project(s)
            return [self._change_view(s, project, cr) for cr in self._changes(s, project)]

    def change_request(self, number: str) -> ChangeView:
        with self._reading() as s:
            project = self._project(s)
            return self._change_view(s, project, self._cr(s, project, number))

    def effective_order(self) -> list[str]:
        """The effective CRs in the order they took effect: by effective date, then by
        the signature that made each effective (its last signature row: ids follow the
        order of signing, so two CRs signed the same day keep their order)."""
        with self._reading() as s:
            project = self._project(s)
            rows = s.execute(
                select(ChangeRequest.number, ChangeRequest.effective_on,
                       func.max(Signature.id))
                .join(Signature, (Signature.doc_kind == "cr")
                      & (Signature.doc_id == ChangeRequest.id))
                .where(ChangeRequest.project_id == project.id,
                       ChangeRequest.status == rules.DOC_EFFECTIVE)
                .group_by(ChangeRequest.id, ChangeRequest.number,
                          ChangeRequest.effective_on))
            return [number for number, _, _ in sorted(rows, key=lambda r: (r[1], r[2]))]

    def change_content(self, number: str) -> dict[str, Any]:
        """The canonical content a CR's signatures cover (its printed form's too)."""
        with self._reading() as s:
            project = self._project(s)
            return records.change_content(project, self._cr(s, project, number))


def _new_end(project: Project, value: str | date) -> date:
    """A change request's new end: not before the start, nor years past it (reports walk
    every day up to the end)."""
    end = parse_on(value, project.end, Ref("end"))
    if end < project.start:
        raise FieldError("end", _("{end} is before the SOW start {start}")
                                .format(end=end, start=project.start))
    if end > latest_end(project.start):
        raise FieldError("end", _("{end} is more than {max_sow_years} years after the SOW start "
                                  "{start}")
                                .format(end=end, max_sow_years=MAX_SOW_YEARS, start=project.start))
    return end


def parse_assignments(values: Iterable[str], what: str) -> dict[str, str]:
    """``KEY=VALUE`` arguments (``--delta senior=5``) to a dict; names ``what`` on error."""
    out: dict[str, str] = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise refused(what, _("expected KEY=VALUE, got {v!r}").format(v=v))
        if key.strip() in out:
            raise refused(what, _("{key} given twice").format(key=key.strip()))
        out[key.strip()] = value.strip()
    return out
