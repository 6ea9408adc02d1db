"""What ``sowtrack import timew|timeclock|timedot|klog|kimai`` remembers (issue 15)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.orm.base import Base


class TrackerPiece(Base):
    """The part, on one date, of an interval imported from another tracker: its key (a
    start time, a date and account...) makes a re-import skip it, and its seconds let a
    later import of the same person-day round on from them (model.trackers.days).
    Written in the transaction of the import's entries."""

    __tablename__ = "tracker_piece"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    tool: Mapped[str] = mapped_column(Text)  # timew, timeclock, timedot, klog, kimai
    key: Mapped[str] = mapped_column(Text)
    on: Mapped[date] = mapped_column(Date)
    seconds: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("project_id", "person_id", "tool", "key", "on"),)
