"""A project's own grade ladder (SPEC §9): the SOW's ``[[grade]]`` list, one row per grade.

A table rather than a JSON column: ``verify`` compares it row by row (a label or a
position edited in SQL is named by its grade key), and PostgreSQL keeps it read-only for
login roles as every other table the SOW fixes at ``init``. A project without rows has
the default ladder of SPEC §2 (``model.rules.DEFAULT_LADDER``).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.orm.base import Base
from storage.orm.sow import Project


class LadderGrade(Base):
    """One ``[[grade]]`` of the SOW: its key, its place on the ladder (0: most junior) and
    its labels."""

    __tablename__ = "grade"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(16))  # as person.grade, rate.grade hold it
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="grades")

    __table_args__ = (UniqueConstraint("project_id", "key"),
                      UniqueConstraint("project_id", "position"),
                      CheckConstraint("position >= 0", name="position"))
