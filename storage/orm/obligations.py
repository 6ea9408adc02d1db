"""What each party must provide (SPEC §9): the SOW's ``[[obligation]]`` and when it was done.

A deliverable's delivery is a column pair on ``deliverable`` itself (``delivered_on``,
``delivery_note``, with ``delivered_by``; storage.orm.sow): a deliverable is delivered
once, so a table of deliveries would hold at most one row per deliverable.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.orm.base import Base
from storage.orm.sow import Project


class Obligation(Base):
    """An ``[[obligation]]`` of the SOW: what one party must provide by a date (``due``)
    or by a number of working days after the start (``due_days``), and when it was done."""

    __tablename__ = "obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(8))
    due: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None] = mapped_column(Integer)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(64))  # the person who recorded it

    project: Mapped[Project] = relationship(back_populates="obligations")

    __table_args__ = (UniqueConstraint("project_id", "key"),
                      CheckConstraint("party in ('vendor', 'client')", name="party"),
                      CheckConstraint("(due IS NULL) <> (due_days IS NULL)", name="due"),
                      CheckConstraint("due_days IS NULL OR due_days >= 0", name="due_days"))
