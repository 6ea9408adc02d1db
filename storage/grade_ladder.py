"""A project's grade ladder (SPEC §9) read from and written to the ``grade`` table: the one
function that gives a project's ladder (:func:`ladder_of`), and its rows (a grade's record,
as verify compares it, is :func:`storage.records.kinds.grade_record`)."""

from __future__ import annotations

from model.rules import Ladder, ladder_from
from storage.orm import LadderGrade, Project


def ladder_of(project: Project) -> Ladder:
    """The project's ladder: its ``[[grade]]`` rows in order, else SPEC §2's default."""
    return ladder_from([(g.key, g.zh, g.en) for g in project.grades])


def grade_rows(ladder: Ladder) -> list[LadderGrade]:
    """The table rows of a SOW's own ladder; none for the default ladder."""
    if not ladder.custom:
        return []
    return [LadderGrade(position=i, key=g.key, zh=g.zh, en=g.en)
            for i, g in enumerate(ladder.steps)]

