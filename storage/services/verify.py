"""`sowtrack verify` from the ledger: the signed documents' contents for storage.verify."""

from __future__ import annotations

import json
from collections.abc import Iterator

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
                         project: Project) -> Iterator[tuple[str, int, str, str]]:
        """(kind, id, number, digest of its canonical content) of every document whose
        signatures count, one at a time: a period's content holds every entry in it, and
        its digest is written a row at a time (``_period_digest``), the entries held only
        while it is taken."""
        for cr in self._changes(s, project):
            yield ("cr", cr.id, cr.number, rules.digest(records.change_content(project, cr)))
        periods = [(p.id, p.number, p.first, p.last) for p in s.scalars(
            select(Period).where(Period.project_id == project.id,
                                 Period.status != rules.DOC_WITHDRAWN).order_by(Period.id))]
        for period_id, number, first, last in periods:
            yield ("period", period_id, number, self._period_digest(s, project, first, last))
        for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id)
                             .order_by(Acceptance.id)):
            if acc.status not in rules.DOC_CLOSED:
                yield ("acceptance", acc.id, acc.number,
                       rules.digest(self._acceptance_content(s, project)))
        for sc in s.scalars(select(Scope).where(Scope.project_id == project.id)
                            .order_by(Scope.id)):
            if sc.status not in rules.DOC_CLOSED and sc.content:
                yield ("scope", sc.id, sc.number, rules.digest(json.loads(sc.content)))
