"""The SOW as signed: project, deliverables, calendar, rates, baseline, people, tasks, quotas."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.orm.base import Base

if TYPE_CHECKING:
    from storage.orm.grades import LadderGrade
    from storage.orm.obligations import Obligation


class Project(Base):
    """A SOW: the contract every figure is measured against."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    client: Mapped[str] = mapped_column(Text)
    vendor: Mapped[str] = mapped_column(Text)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    minutes_per_day: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(8))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    # The contract terms (SPEC §8), all optional in the SOW file; fixed at init.
    contract: Mapped[str | None] = mapped_column(String(128))  # the contract or SOW number
    signed_on: Mapped[date | None] = mapped_column(Date)
    billing: Mapped[str] = mapped_column(String(8), default="actual", server_default="actual")
    price_minor: Mapped[int | None] = mapped_column(BigInteger)  # billing = fixed
    tax_rate_ppm: Mapped[int | None] = mapped_column(Integer)  # 0.06 is 60000
    # A CHECK on SQLite too: there a BOOLEAN column would take any value and read it as true.
    prices_include_tax: Mapped[bool] = mapped_column(
        Boolean(create_constraint=True, name="prices_include_tax"), default=True,
        server_default=text("true"))
    # Working days of notice a vendor staff change should give (SPEC §9); less is alerted.
    staff_change_notice: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: working days after the start by which the scope should be signed (None: no deadline)
    plan_confirm_days: Mapped[int | None] = mapped_column(Integer)

    calendar_days: Mapped[list[CalendarDay]] = relationship(
        back_populates="project", cascade="all, delete-orphan")
    rates: Mapped[list[Rate]] = relationship(back_populates="project",
                                             cascade="all, delete-orphan")
    baseline: Mapped[list[Baseline]] = relationship(back_populates="project",
                                                    cascade="all, delete-orphan")
    people: Mapped[list[Person]] = relationship(back_populates="project",
                                                cascade="all, delete-orphan",
                                                order_by="Person.id")
    tasks: Mapped[list[Task]] = relationship(back_populates="project",
                                             cascade="all, delete-orphan", order_by="Task.id")
    quotas: Mapped[list[Quota]] = relationship(back_populates="project",
                                               cascade="all, delete-orphan",
                                               order_by="Quota.id")
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Deliverable.id")
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Obligation.id")
    # SPEC §9: the SOW's own ladder, in order; none: the default ladder (storage.orm.grades)
    grades: Mapped[list[LadderGrade]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="LadderGrade.position")

    __table_args__ = (CheckConstraint("minutes_per_day > 0", name="minutes_per_day"),
                      CheckConstraint("start <= \"end\"", name="dates"),
                      CheckConstraint("staff_change_notice >= 0", name="staff_change_notice"))


class Deliverable(Base):
    """A ``[[deliverable]]`` of the SOW: what is handed over and how it is accepted."""

    __tablename__ = "deliverable"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    tasks: Mapped[str] = mapped_column(Text, default="[]")  # task codes, a JSON array
    criteria: Mapped[str] = mapped_column(Text, default="", info={"multiline": True})
    due: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str | None] = mapped_column(String(16))  # training: the knowledge transfer
    # Its delivery (SPEC §9), recorded once by `deliverable done`; see storage.orm.obligations.
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivery_note: Mapped[str | None] = mapped_column(Text)
    delivered_by: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project] = relationship(back_populates="deliverables")

    __table_args__ = (UniqueConstraint("project_id", "key"),
                      CheckConstraint("kind in ('training')", name="kind"))


class CalendarDay(Base):
    """An explicit holiday or make-up working day (调休) of the SOW."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # holiday | workday

    project: Mapped[Project] = relationship(back_populates="calendar_days")

    __table_args__ = (UniqueConstraint("project_id", "on"),
                      CheckConstraint("kind in ('holiday', 'workday')", name="kind"))


class Rate(Base):
    """The rate card: a day rate per grade."""

    __tablename__ = "rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    grade: Mapped[str] = mapped_column(String(16))
    day_rate_minor: Mapped[int] = mapped_column(Integer)

    project: Mapped[Project] = relationship(back_populates="rates")

    __table_args__ = (UniqueConstraint("project_id", "grade"),)


class Baseline(Base):
    """Person-days per grade as signed in the SOW."""

    __tablename__ = "baseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    grade: Mapped[str] = mapped_column(String(16))
    pd_milli: Mapped[int] = mapped_column(Integer)

    project: Mapped[Project] = relationship(back_populates="baseline")

    __table_args__ = (UniqueConstraint("project_id", "grade"),)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # the SOW's person id, e.g. "zhang.wei"
    name: Mapped[str] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    # The PostgreSQL login role bound to this person: that role acts as this person only.
    db_role: Mapped[str | None] = mapped_column(String(63))
    # Active days (SPEC §9): the first day (None: the SOW's start) to the last working day
    # (None: to the end); ``replaces`` is the key of the person this one replaced.
    active_from: Mapped[date | None] = mapped_column(Date)
    leave_on: Mapped[date | None] = mapped_column(Date)
    replaces: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project] = relationship(back_populates="people")
    away: Mapped[list[PersonAway]] = relationship(back_populates="person",
                                                  cascade="all, delete-orphan",
                                                  order_by="PersonAway.first")

    __table_args__ = (UniqueConstraint("project_id", "key"),
                      UniqueConstraint("project_id", "db_role"),
                      CheckConstraint("party in ('vendor', 'client')", name="party"))


class PersonAway(Base):
    """Days a person is away (leave, 请假): ``first``..``last``, both included."""

    __tablename__ = "person_away"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # The day the day away was cancelled (None: it stands); the row stays, listed as such.
    cancelled_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="away")

    __table_args__ = (CheckConstraint("first <= last", name="dates"),)


class Task(Base):
    """An item of the work breakdown."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    estimate_milli: Mapped[int] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")

    project: Mapped[Project] = relationship(back_populates="tasks")
    assignees: Mapped[list[Assignment]] = relationship(back_populates="task",
                                                       cascade="all, delete-orphan",
                                                       order_by="Assignment.id")

    __table_args__ = (UniqueConstraint("project_id", "code"),)


class Assignment(Base):
    """A person assigned to a task, with the PD planned for them (the allocation)."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    planned_milli: Mapped[int | None] = mapped_column(Integer)

    task: Mapped[Task] = relationship(back_populates="assignees")
    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("task_id", "person_id"),)


class Quota(Base):
    """A countable deliverable capped by the SOW package."""

    __tablename__ = "quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    limit: Mapped[int] = mapped_column(Integer)

    project: Mapped[Project] = relationship(back_populates="quotas")
    uses: Mapped[list[QuotaUse]] = relationship(back_populates="quota",
                                                cascade="all, delete-orphan",
                                                order_by="QuotaUse.id")

    __table_args__ = (UniqueConstraint("project_id", "key"),)


class QuotaUse(Base):
    __tablename__ = "quota_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("quota.id", ondelete="CASCADE"))
    used_on: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    used_by: Mapped[str | None] = mapped_column(String(64))

    quota: Mapped[Quota] = relationship(back_populates="uses")

    __table_args__ = (CheckConstraint("n > 0", name="n"),)
