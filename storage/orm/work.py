"""The work as it goes: time entries, blockers, change requests and their deltas."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.orm.base import Base
from storage.orm.scope import ChangeTaskDelta
from storage.orm.sow import Person, Task


class TimeEntry(Base):
    """Minutes one person worked on one task on one date, charged at the grade held then."""

    __tablename__ = "time_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    task: Mapped[Task] = relationship()

    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        # Entries by date for a project, in (date, id) order: keyset paging, periods, reports.
        Index("ix_time_entry_project_on_id", "project_id", "on", "id"),
        # One person's day: the 24-hour check, timesheets.
        Index("ix_time_entry_person_on", "person_id", "on"),
        # The figures' GROUP BYs (storage/figures.py) read this index alone.
        Index("ix_time_entry_figures", "project_id", "on", "person_id", "grade", "minutes"),
    )


class DaySum(Base):
    """The minutes of a project's entries on one date at one grade, summed (issue 13), kept
    by every write (storage/figures.py); ``grade`` '' holds the day's overtime instead:
    each person's minutes beyond a day's hours, summed over the people. Derived data:
    ``verify`` recomputes every row from the entries."""

    __tablename__ = "day_sum"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)
    on: Mapped[date] = mapped_column(Date)
    grade: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("project_id", "on", "grade"),)


class DaySumDirty(Base):
    """A date whose entries changed since its :class:`DaySum` rows were computed: the
    database's triggers add it (migration 0015), the end of the write recomputes and
    removes it; until then the figures sum that date from the entries."""

    __tablename__ = "day_sum_dirty"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)
    on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("project_id", "on"),)


class Blocker(Base):
    __tablename__ = "blocker"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))  # B-001
    title: Mapped[str] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(8))
    raised_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    raised_by: Mapped[str | None] = mapped_column(String(64))

    task: Mapped[Task | None] = relationship()

    __table_args__ = (UniqueConstraint("project_id", "number"),)


class ChangeRequest(Base):
    __tablename__ = "change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))  # CR-001
    title: Mapped[str] = mapped_column(Text)
    # The one multi-line user text: it may hold newlines (storage.db checks every text).
    reason: Mapped[str] = mapped_column(Text, default="", info={"multiline": True})
    raised_on: Mapped[date] = mapped_column(Date)
    raised_by: Mapped[str | None] = mapped_column(String(64))
    new_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    effective_on: Mapped[date | None] = mapped_column(Date)

    deltas: Mapped[list[ChangeDelta]] = relationship(back_populates="change",
                                                     cascade="all, delete-orphan",
                                                     order_by="ChangeDelta.id")
    quota_deltas: Mapped[list[ChangeQuotaDelta]] = relationship(
        back_populates="change", cascade="all, delete-orphan", order_by="ChangeQuotaDelta.id")
    # estimate changes and added tasks (storage/orm/scope.py)
    task_deltas: Mapped[list[ChangeTaskDelta]] = relationship(
        cascade="all, delete-orphan", order_by="ChangeTaskDelta.id")

    __table_args__ = (UniqueConstraint("project_id", "number"),)


class ChangeDelta(Base):
    """PD added (or removed) at one grade by a change request."""

    __tablename__ = "change_delta"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_request.id", ondelete="CASCADE"))
    grade: Mapped[str] = mapped_column(String(16))
    pd_milli: Mapped[int] = mapped_column(Integer)

    change: Mapped[ChangeRequest] = relationship(back_populates="deltas")


class ChangeQuotaDelta(Base):
    __tablename__ = "change_quota_delta"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_request.id", ondelete="CASCADE"))
    quota_key: Mapped[str] = mapped_column(String(64))
    delta: Mapped[int] = mapped_column(Integer)

    change: Mapped[ChangeRequest] = relationship(back_populates="quota_deltas")
