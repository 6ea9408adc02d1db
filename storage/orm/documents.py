"""Documents signed or printed: timesheet periods, the acceptance, signatures, revisions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.orm.base import Base
from storage.orm.sow import Person


class Period(Base):
    """A timesheet period put up for dual sign-off; locked from its first signature."""

    __tablename__ = "period"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))  # TS-001
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    effective_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("project_id", "number"),)


class Acceptance(Base):
    """The final acceptance document; at most one that is not withdrawn per project."""

    __tablename__ = "acceptance"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))  # ACC-001, ACC-002 after a withdrawal
    status: Mapped[str] = mapped_column(String(16), default="open")
    effective_on: Mapped[date | None] = mapped_column(Date)
    # Recorded with the client's signature: accepted | conditional | rejected, and why.
    conclusion: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="",
                                         info={"multiline": True})


class Signature(Base):
    """A dated signature by one person of one party on one document.

    ``doc_kind`` is ``cr``, ``period``, ``acceptance`` or ``scope``; ``doc_id`` the row id
    in that table. ``digest`` is the SHA-256 of the document's canonical content
    at the moment of signing.
    """

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    doc_kind: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    party: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    signed_on: Mapped[date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("doc_kind", "doc_id", "person_id"),
        CheckConstraint("doc_kind in ('cr', 'period', 'acceptance', 'scope')",
                        name="doc_kind"),
    )


class PrintedRevision(Base):
    """A content printed under a document id: its revision (SPEC §8).

    Revision 1 of ``doc_id`` is the first content printed under it; each new content
    (a new ``digest``) printed under it is the next revision. Written when a sheet is
    exported (document control, not a fact of the ledger: also on an accepted ledger)."""

    __tablename__ = "printed_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    doc_id: Mapped[str] = mapped_column(String(255))
    revision: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    printed_on: Mapped[date] = mapped_column(Date)  # the day it was first printed
    printed_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("project_id", "doc_id", "revision"),
        UniqueConstraint("project_id", "doc_id", "digest"),
        CheckConstraint("revision > 0", name="revision"),
    )
