"""Reminders sent (``sowtrack remind``): one row per subject, channel and day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm.base import Base


class ReminderSent(Base):
    """A reminder a channel sent (or is sending) on a day: a second run that day sends
    it no more. Kept in the ledger so that two machines running ``remind`` on one shared
    PostgreSQL ledger agree; the unique key makes a second claim of the same subject
    fail. Not a fact of the contract: no audit row, ``verify`` does not cover it."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # the day it is for (the project's today)
    channel: Mapped[str] = mapped_column(String(64))  # the channel's name in the config
    subject: Mapped[str] = mapped_column(String(255))  # model.reminders.Reminder.subject
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    sent_by: Mapped[str | None] = mapped_column(String(64))  # the acting person, if any

    __table_args__ = (UniqueConstraint("project_id", "day", "channel", "subject"),)
