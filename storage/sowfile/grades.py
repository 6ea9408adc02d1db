"""The SOW file's ``[[grade]]`` tables (SPEC §9): a project's own ladder, read key by key."""

from __future__ import annotations

import re

from model.i18n import _
from model.rules import DEFAULT_LADDER, GradeStep, Ladder
from storage.sowfile.table import _show, _Table

#: the keys of a [[grade]] table
GRADE_KEYS = {"key", "zh", "en"}


def parse_ladder(root: _Table, source: str) -> Ladder:
    """The ``[[grade]]`` tables in ascending order: each a key (one word, unique, no longer
    than the ledger's grade columns hold) and non-empty zh and en labels. None: the default
    ladder of SPEC §2."""
    steps: list[GradeStep] = []
    seen: set[str] = set()
    for i, raw in enumerate(root.tables("grade"), start=1):
        t = _Table(f"{source}: [[grade]] #{i}", raw)
        t.check_keys(GRADE_KEYS)
        key = t.text("key", column=("person", "grade")) or ""
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", key):
            raise t._fail("key", _("{key} is not one word (letters, digits, _ . -)")
                                 .format(key=_show(key)))
        if key in seen:
            raise t._fail("key", _("duplicate grade {key}").format(key=_show(key)))
        seen.add(key)
        steps.append(GradeStep(key, t.text("zh") or "", t.text("en") or ""))
    return Ladder(tuple(steps), custom=True) if steps else DEFAULT_LADDER
