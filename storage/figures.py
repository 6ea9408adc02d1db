"""The entries summed per date in SQL (issue 13): what the summary, the burn-down, the
dashboard and the acceptance report need of a million entries is a few thousand integers.

One pass over the project's entries, in two GROUP BYs: per (date, person) the minutes,
per grade and in all, then per date the sums of those and of each person's minutes
beyond a day's hours. The result is :class:`model.rules.DaySums`, whose definition from
the entries is :func:`model.rules.day_sums` (the overtime rule stays there: a property
test holds this query equal to it on SQLite and PostgreSQL). Integers throughout; the
person-days are made from them in model/, exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from model.rules import DaySums
from storage.orm import TimeEntry


def daily_sums(s: Session, project_id: int, grades: Sequence[str],
               minutes_per_day: int) -> list[DaySums]:
    """The project's entries summed per date, in date order.

    ``grades``: the grades expected (the ladder's and the people's); each gets a column,
    so that one scan gives every figure. Entries at any other grade are summed by a
    second query, which runs only when there are some.
    """
    grades = list(dict.fromkeys(grades))
    e = TimeEntry
    # Each CASE costs a comparison per entry (about 0.1 s a million on SQLite): the
    # minutes at any other grade are the day's minutes less the expected grades', not a
    # CASE of their own.
    per_person_day = (
        select(e.on.label("on"), func.sum(e.minutes).label("m"),
               *(func.sum(case((e.grade == g, e.minutes), else_=0)).label(f"g{i}")
                 for i, g in enumerate(grades)))
        .where(e.project_id == project_id)
        .group_by(e.on, e.person_id)
        .subquery())
    over = per_person_day.c.m - minutes_per_day
    rows = s.execute(
        select(per_person_day.c.on,
               func.sum(case((over > 0, over), else_=0)),
               func.sum(per_person_day.c.m),
               *(func.sum(per_person_day.c[f"g{i}"]) for i in range(len(grades))))
        .group_by(per_person_day.c.on)
        .order_by(per_person_day.c.on)).all()
    others: dict[date, dict[str, int]] = defaultdict(dict)
    if any(int(row[2]) != sum(int(m) for m in row[3:]) for row in rows):
        for on, grade, minutes in s.execute(
                select(e.on, e.grade, func.sum(e.minutes))
                .where(e.project_id == project_id, e.grade.not_in(grades))
                .group_by(e.on, e.grade)):
            others[on][grade] = int(minutes)
    # PostgreSQL sums integers to Decimal, SQLite to int: int() either way.
    out = []
    for on, beyond, _, *by_grade in rows:
        minutes = {g: int(m) for g, m in zip(grades, by_grade, strict=True) if m}
        out.append(DaySums(on, {**minutes, **others.get(on, {})}, int(beyond)))
    return out
