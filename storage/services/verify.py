"""`sowtrack verify` from the ledger: the signed documents' contents for storage.verify."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from model import rules
from storage import records
from storage.orm import Acceptance, Period, Project, Scope
from storage.services.core import LedgerBase


class VerifyMixin(LedgerBase):
    """Verification glue."""

    def verify(self) -> tuple[int, list[str]]:
        """Check the audit chain and its witnessed head, every record of every table
        against the state the audit log alone gives it, and every signature's digest
        against its document. Returns (rows checked, problems)."""
        from storage.verify import verify_ledger

        with self._reading() as s:
            return verify_ledger(self.engine, s, self._signed_contents)

    def _signed_contents(self, s: Session,
                         project: Project) -> list[tuple[str, int, str, Any]]:
        """(kind, id, number, canonical content) of every document whose signatures count."""
        out: list[tuple[str, int, str, Any]] = [
            ("cr", cr.id, cr.number, records.change_content(project, cr))
            for cr in self._changes(s, project)]
        for p in s.scalars(select(Period).where(Period.project_id == project.id)
                           .order_by(Period.id)):
            if p.status != rules.DOC_WITHDRAWN:
                out.append(("period", p.id, p.number, self._period_content(s, project, p)))
        for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id)
                             .order_by(Acceptance.id)):
            if acc.status not in rules.DOC_CLOSED:
                out.append(("acceptance", acc.id, acc.number,
                            self._acceptance_content(s, project)))
        for sc in s.scalars(select(Scope).where(Scope.project_id == project.id)
                            .order_by(Scope.id)):
            if sc.status not in rules.DOC_CLOSED and sc.content:
                out.append(("scope", sc.id, sc.number, json.loads(sc.content)))
        return out
