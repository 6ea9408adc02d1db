"""The audit log: hash-chained rows, and the chain's witnessed head (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm.base import Base


class AuditEvent(Base):
    """One append-only row of the audit log, hash-chained to the previous row."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_code: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditWitness(Base):
    """The audit chain's head after a write (PostgreSQL; a SQLite ledger uses a file).

    Application login roles may only append to it, so removing the newest audit rows
    with their records leaves a chain that ends before the witnessed head."""

    __tablename__ = "audit_witness"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=False),
                                         server_default=text("CURRENT_TIMESTAMP"))
