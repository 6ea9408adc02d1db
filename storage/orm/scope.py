"""The scope sign-off (需求范围确认, SPEC §9) and what a change request does to the scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm.base import Base


class Scope(Base):
    """The task breakdown put up for dual sign-off (SCOPE-001; after a withdrawal
    SCOPE-002). ``content`` is the canonical JSON its signatures cover, stored at its first
    signature: the document as signed, whatever change requests change later."""

    __tablename__ = "scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    effective_on: Mapped[date | None] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (UniqueConstraint("project_id", "number"),)


class ChangeTaskDelta(Base):
    """A change request's estimate change of one task (``title`` None), or a task it adds
    (``title`` set, ``pd_milli`` its estimate)."""

    __tablename__ = "change_task_delta"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_request.id", ondelete="CASCADE"))
    task_code: Mapped[str] = mapped_column(String(64))
    pd_milli: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
