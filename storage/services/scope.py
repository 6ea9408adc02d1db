"""The scope sign-off (需求澄清确认, SPEC §9): both parties sign the task breakdown
(SCOPE-001); afterwards estimates and tasks change only through a change request, whose
estimate changes and added tasks apply when it takes effect."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from model import rules
from model.errors import FieldError, Ref
from model.i18n import _
from model.permissions import Action
from model.sheets import contract_content
from model.views import SignoffView
from storage import records
from storage.orm import ChangeRequest, ChangeTaskDelta, Project, Scope, Task
from storage.services.core import LedgerBase, parse_on


class ScopeMixin(LedgerBase):
    """The scope document, its signatures, and what change requests do to it."""

    @staticmethod
    def _live_scope(s: Session, project: Project) -> Scope | None:
        """The scope document not withdrawn, if one was raised."""
        return s.scalars(select(Scope).where(Scope.project_id == project.id,
                                             Scope.status.not_in(rules.DOC_CLOSED))).first()

    def _scope_content(self, s: Session, project: Project) -> dict[str, Any]:
        """What the scope's signatures cover: the tasks with code, title, estimate and
        priority, the deliverables with key, title, criteria, due date and kind, the
        contract."""
        return {"kind": "scope", "project": project.code,
                "tasks": sorted([t.code, t.title, t.estimate_milli, t.priority]
                                for t in project.tasks),
                "deliverables": [[d.key, d.title, d.criteria,
                                  d.due.isoformat() if d.due else None, d.kind]
                                 for d in self._deliverables(s, project)],  # type: ignore[attr-defined]
                **contract_content(project.contract, project.signed_on)}

    def _scope_view(self, s: Session, scope: Scope) -> SignoffView:
        return SignoffView("scope", scope.number, None, None, scope.status, scope.effective_on,
                           self._signature_views(s, "scope", scope.id))  # type: ignore[attr-defined]

    def sign_scope(self, on: str | date | None = None) -> SignoffView:
        """Sign the scope as the acting person. The first signature fixes the content
        (tasks, estimates, priorities, deliverables); the second party signs that."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.SIGN)  # before a document is written
            scope = self._live_scope(s, project)
            if scope is None:
                count = s.execute(select(func.count()).select_from(Scope)
                                  .where(Scope.project_id == project.id)).scalar() or 0
                scope = Scope(project_id=project.id, status=rules.DOC_OPEN,
                              number=f"{rules.SCOPE_PREFIX}-{int(count) + 1:03d}")
                s.add(scope)
                s.flush()
                self._audit(s, project).record("raise", "scope", scope.number,
                                               after=records.scope_record(scope))
            if scope.status == rules.DOC_OPEN:
                content = self._scope_content(s, project)
            else:
                content = json.loads(scope.content)
            self._sign(s, project, "scope", scope, scope.number, content, on,  # type: ignore[attr-defined]
                       project.start)
            scope.content = _canonical(content)
            s.flush()
            self._audit(s, project).record("status", "scope", scope.number,
                                           after=records.scope_record(scope))
            return self._scope_view(s, scope)

    def scope_signoff(self) -> SignoffView | None:
        """The live scope document (None: nobody has signed one yet)."""
        with self._reading() as s:
            scope = self._live_scope(s, self._project(s))
            return None if scope is None else self._scope_view(s, scope)

    def scope_content(self) -> dict[str, Any]:
        """The content the scope's signatures cover: as signed once a party has signed,
        else as the ledger holds it now."""
        with self._reading() as s:
            project = self._project(s)
            scope = self._live_scope(s, project)
            if scope is not None and scope.content:
                return dict(json.loads(scope.content))
            return self._scope_content(s, project)

    def _check_scope_open(self, s: Session, project: Project, field: str,
                          by_change: str) -> None:
        """Refuse a direct change of the scope (``field``) once a party has signed it; a
        change request's ``by_change`` changes it instead."""
        scope = self._live_scope(s, project)
        if scope is not None and scope.status in (rules.DOC_SIGNING, rules.DOC_EFFECTIVE):
            raise rules.scope_signed_refusal(field, scope.number, scope.status, by_change)

    # ------------------------------------------------------------ change requests

    @staticmethod
    def _scope_change(cr: ChangeRequest) -> rules.ScopeChange:
        estimates: dict[str, int] = {}
        added: dict[str, tuple[str, int]] = {}
        for d in cr.task_deltas:
            if d.title is None:
                estimates[d.task_code] = estimates.get(d.task_code, 0) + d.pd_milli
            else:
                added[d.task_code] = (d.title, d.pd_milli)
        return rules.ScopeChange(cr.number, cr.effective_on
                                 if cr.status == rules.DOC_EFFECTIVE else None,
                                 estimates, added)

    def _signed_estimates(self, s: Session, project: Project) -> dict[str, int] | None:
        """Each task's estimate as the scope was signed (None: the scope is not signed by
        both parties)."""
        scope = self._live_scope(s, project)
        if scope is None or scope.status != rules.DOC_EFFECTIVE:
            return None
        return {t[0]: int(t[2]) for t in json.loads(scope.content)["tasks"]}

    def _parse_scope_changes(self, s: Session, project: Project,
                             estimates: Mapping[str, Any] | None,
                             add_tasks: Mapping[str, Any] | None,
                             cr: ChangeRequest | None = None) -> list[ChangeTaskDelta]:
        """A change request's estimate changes (``T2=+4``) and added tasks
        (``T9=TITLE:PD``) as rows, refused unless the scope is signed and the result is
        plausible (no estimate below 0, no added code that exists). ``cr``: the request
        edited (``cr edit``), whose estimate changes or added tasks stay as they are
        when not given (None) and are checked with the ones given, as ``cr new`` checks."""
        old = self._scope_change(cr) if cr is not None else rules.ScopeChange("new", None)
        signed = self._signed_estimates(s, project)
        if signed is None and (estimates or add_tasks):
            raise FieldError("estimates" if estimates else "add_tasks",
                             _("the scope is not signed by both parties yet: edit the task "
                               "itself (task edit, task add)"))
        deltas = dict(old.estimates) if estimates is None else _estimates(estimates)
        added = dict(old.added) if add_tasks is None else _added_tasks(add_tasks)
        if not deltas and not added:
            return []
        change = rules.ScopeChange(old.number, None, deltas, added)
        rules.check_scope_change(signed or {}, self._effective_scope_changes(s, project),
                                 change)
        return ([ChangeTaskDelta(task_code=c, pd_milli=v) for c, v in deltas.items()]
                + [ChangeTaskDelta(task_code=c, pd_milli=v, title=t)
                   for c, (t, v) in added.items()])

    def _effective_scope_changes(self, s: Session, project: Project) -> list[rules.ScopeChange]:
        return [self._scope_change(cr) for cr in s.scalars(
            select(ChangeRequest).where(ChangeRequest.project_id == project.id,
                                        ChangeRequest.status == rules.DOC_EFFECTIVE)
            .order_by(ChangeRequest.id)) if cr.task_deltas]

    def _check_scope_effect(self, s: Session, project: Project, cr: ChangeRequest) -> None:
        """When ``cr`` is about to take effect: still plausible on top of the change
        requests that took effect since it was raised."""
        signed = self._signed_estimates(s, project)
        if cr.task_deltas and signed is not None:
            rules.check_scope_change(signed, self._effective_scope_changes(s, project),
                                     self._scope_change(cr))

    def _apply_scope_change(self, s: Session, project: Project, cr: ChangeRequest) -> None:
        """``cr`` took effect: each task's estimate becomes its signed estimate plus every
        effective change request's; the tasks it adds are created."""
        signed = self._signed_estimates(s, project)
        if not cr.task_deltas or signed is None:
            return
        change = self._scope_change(cr)
        now = rules.estimates_at(signed, self._effective_scope_changes(s, project), date.max)
        audit = self._audit(s, project)
        for code, (title, _milli) in change.added.items():
            task = Task(code=code, title=title, estimate_milli=now[code], priority="medium",
                        status="open")
            project.tasks.append(task)
            s.flush()
            audit.record("add", "task", code, after=records.task_record(task))
        for code in change.estimates:
            task = s.scalars(select(Task).where(Task.project_id == project.id,
                                                Task.code == code)).one()
            if task.estimate_milli != now[code]:
                before = records.task_record(task)
                task.estimate_milli = now[code]
                s.flush()
                audit.record("edit", "task", code, before, records.task_record(task))

    def estimates_as_of(self, on: str | date | None = None) -> dict[str, int]:
        """Each task's estimate (milli-PD) as of ``on``: from the signed scope and the change
        requests effective by then; before the scope is signed, the tasks' estimates."""
        with self._reading() as s:
            project = self._project(s)
            signed = self._signed_estimates(s, project)
            if signed is None:
                return {t.code: t.estimate_milli for t in project.tasks}
            day = parse_on(on, self._today(project.timezone), Ref("as_of"))
            return rules.estimates_at(signed, self._effective_scope_changes(s, project), day)


def _estimates(values: Mapping[str, Any]) -> dict[str, int]:
    """``--estimate`` values (task code -> ±PD) in milli-PD, each refusal naming its task."""
    out: dict[str, int] = {}
    for code, value in values.items():
        try:
            out[code] = rules.pd_to_milli(value, Ref("estimates"))
        except FieldError as exc:
            raise FieldError("estimates", *exc.problem_parts, item=code) from None
    return out


def _added_tasks(values: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """``--add-task`` values (code -> ``TITLE:PD``) as (title, milli-PD)."""
    out: dict[str, tuple[str, int]] = {}
    for code, value in values.items():
        title, sep, pd = str(value).rpartition(":")
        if not sep or not title.strip() or not pd.strip():
            raise FieldError("add_tasks", _("expected CODE=TITLE:PD, got {code}={value}")
                                          .format(code=code, value=value),
                             item=code)
        try:
            out[code] = (title.strip(), rules.pd_to_milli(pd.strip(), Ref("add_tasks")))
        except FieldError as exc:
            raise FieldError("add_tasks", *exc.problem_parts, item=code) from None
    return out


def _canonical(content: Mapping[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
