"""Printed sheets: the ledger's version and chain head, and each printed content's revision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from model.errors import LedgerError
from model.i18n import _
from model.sheets import revision_of
from storage import records
from storage.audit import chain_head as audit_chain_head
from storage.orm import AuditEvent, PrintedRevision, Project
from storage.services.core import LedgerBase


class PrintedMixin(LedgerBase):
    """Printed sheets' versions and revisions."""

    def ledger_version(self) -> int:
        """The project's audit rows so far: a printed sheet's version."""
        with self._reading() as s:
            project = self._project(s)
            return int(s.execute(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.project_code == project.code)).scalar() or 0)

    def chain_head(self) -> tuple[int, str] | None:
        """The audit chain's head (newest row id, its hash): what a printed sheet carries."""
        with self._reading() as s:
            return audit_chain_head(s)

    def audit_hash(self, row_id: int) -> str | None:
        """The hash of audit row ``row_id``, or None when the ledger has no such row."""
        with self._reading() as s:
            return s.execute(select(AuditEvent.hash).where(AuditEvent.id == row_id)).scalar()

    def printed_revisions(self, doc_id: str) -> list[tuple[int, str, date]]:
        """(revision, digest, first printed on) of every content printed under ``doc_id``,
        oldest first."""
        with self._reading() as s:
            return [(r.revision, r.digest, r.printed_on)
                    for r in _revisions(s, self._project(s), doc_id)]

    def record_printed(self, doc_id: str, digest: str, printed_on: date) -> int:
        """The revision of content ``digest`` under ``doc_id``, recorded when it is new.

        A content already printed keeps its revision (nothing is written); a new one is
        one more than the last, recorded with its audit row. Anyone who may print a sheet
        may record it, on an accepted (read-only) ledger too: it is document control, not
        a fact of the ledger. On PostgreSQL a login role bound to nobody only reads.
        """
        with self._reading() as s:
            known = [r.revision for r in _revisions(s, self._project(s), doc_id)
                     if r.digest == digest]
        if known:
            return known[0]
        return self.record_new_prints([(doc_id, digest, printed_on)])[0][0]

    def record_new_prints(self, prints: Sequence[tuple[str, str, date]]
                          ) -> tuple[list[int], tuple[int, str] | None]:
        """Record the revision of each content ``prints`` names (doc id, digest, printed
        on), printed for the first time, in one write (a content recorded meanwhile by
        another keeps its revision): their revisions, and the audit chain's head after
        them (what the printed sheets carry). See :meth:`record_printed`."""
        try:
            with self._writing() as s:
                project = self._project(s)
                revisions = [self._record_printed(s, project, *p) for p in prints]
                return revisions, audit_chain_head(s)
        except LedgerError as exc:  # a ledger that cannot be written: say why it had to be
            if str(exc).startswith("export: "):
                raise
            raise LedgerError(_("export: {doc_id} holds content not printed before, whose "
                                "revision cannot be recorded: {exc}")
                              .format(doc_id=prints[0][0], exc=exc)) from None

    def _record_printed(self, s: Session, project: Project, doc_id: str, digest: str,
                        printed_on: date) -> int:
        actor, me = self._actor(s, project)
        if actor.unbound_role is not None:
            raise LedgerError(_("export: {doc_id} holds content not printed before, and {label} "
                                "may not record its revision: it may only read (the database "
                                "owner binds it: `sowtrack person bind PERSON {unbound_role}`)")
                              .format(doc_id=doc_id, label=actor.label,
                                      unbound_role=actor.unbound_role))
        printed = [(r.revision, r.digest, r.printed_on) for r in _revisions(s, project, doc_id)]
        revision = revision_of(printed, digest)
        if any(d == digest for _, d, _ in printed):  # recorded meanwhile by another
            return revision
        row = PrintedRevision(project_id=project.id, doc_id=doc_id, revision=revision,
                              digest=digest, printed_on=printed_on,
                              printed_by=me.key if me else None)
        s.add(row)
        s.flush()
        self._audit(s, project).record("print", "printed", str(row.id),
                                       after=records.printed_record(row))
        return row.revision


def _revisions(s: Session, project: Project, doc_id: str) -> list[PrintedRevision]:
    return list(s.scalars(select(PrintedRevision).where(
        PrintedRevision.project_id == project.id, PrintedRevision.doc_id == doc_id)
        .order_by(PrintedRevision.revision)))
