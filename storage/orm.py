"""What a SOW, a person, an entry, a change request are in the database: SQLAlchemy 2.0.

Storage units: time in integer minutes, person-days in integer thousandths
(``*_milli``), money in integer hundredths (``*_minor``). Nothing is a float.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Alembic needs named constraints to alter them later (SQLite batch mode above all).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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

    __table_args__ = (CheckConstraint("minutes_per_day > 0", name="minutes_per_day"),
                      CheckConstraint("start <= \"end\"", name="dates"))


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

    project: Mapped[Project] = relationship(back_populates="people")

    __table_args__ = (UniqueConstraint("project_id", "key"),
                      UniqueConstraint("project_id", "db_role"),
                      CheckConstraint("party in ('vendor', 'client')", name="party"))


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
    )


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

    ``doc_kind`` is ``cr``, ``period`` or ``acceptance``; ``doc_id`` the row id
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
        CheckConstraint("doc_kind in ('cr', 'period', 'acceptance')", name="doc_kind"),
    )


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
