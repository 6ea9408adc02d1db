"""The grade ladder (SPEC §2, §9): the default one of §2, or a project's own ``[[grade]]``.

A :class:`Ladder` is the one place that knows which grades a project has, their order
(ascending seniority) and their labels. Everything that validates, orders or labels a
grade takes the project's ladder (``storage`` reads it with ``ladder_of``); nothing
keeps its own list.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.errors import FieldError
from model.i18n import _
from model.rules.vocabulary import GRADE_LABELS_EN, GRADE_LABELS_ZH, GRADES

#: the longest grade key: the ``grade`` columns of the ledger are VARCHAR(16)
MAX_GRADE_KEY = 16


@dataclass(frozen=True)
class GradeStep:
    """One grade of a ladder: its key (what rates, budgets and people name) and labels."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class Ladder:
    """The grades of a project in ascending order. ``custom``: the SOW gave its own
    ``[[grade]]`` list (written back by ``export sow``, printed in a sheet's content)."""

    steps: tuple[GradeStep, ...]
    custom: bool = False

    def keys(self) -> tuple[str, ...]:
        """The grade keys, junior first."""
        return tuple(s.key for s in self.steps)

    def __contains__(self, grade: object) -> bool:
        return any(s.key == grade for s in self.steps)

    def label(self, grade: str, lang: str) -> str:
        """A grade as people read it in ``lang`` (zh | en); an unknown grade keeps its key."""
        step = next((s for s in self.steps if s.key == grade), None)
        if step is None:
            return grade
        return step.zh if lang == "zh" else step.en

    def order(self, grade: str) -> int:
        """Sort key: the ladder's order, unknown grades last."""
        return next((i for i, s in enumerate(self.steps) if s.key == grade), len(self.steps))

    def sort_key(self, grade: str) -> tuple[int, str]:
        """Sort key that also orders unknown grades among themselves (by key)."""
        return self.order(grade), grade

    def check(self, grade: str, field: str = "grade", item: str = "") -> str:
        """``grade`` when it is on the ladder; else a FieldError on ``field`` naming it and
        listing the ladder."""
        if grade not in self:
            raise FieldError(field, _("{grade!r} is not a grade ({grades})").format(
                grade=grade, grades=", ".join(self.keys())),
                             item=item)
        return grade

    def content(self) -> list[list[str]]:
        """Canonical form for a sheet's content and the audit records: [key, zh, en]."""
        return [[s.key, s.zh, s.en] for s in self.steps]


#: SPEC §2's ladder: what a project without ``[[grade]]`` has
DEFAULT_LADDER = Ladder(tuple(GradeStep(g, GRADE_LABELS_ZH[g], GRADE_LABELS_EN[g])
                              for g in GRADES))


def ladder_from(steps: list[tuple[str, str, str]] | tuple[tuple[str, str, str], ...]) -> Ladder:
    """A project's ladder from its stored steps (key, zh, en) in order; none: the default."""
    if not steps:
        return DEFAULT_LADDER
    return Ladder(tuple(GradeStep(*s) for s in steps), custom=True)
