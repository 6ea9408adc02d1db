"""The entries summed per date (issue 13): what the summary, the burn-down, the dashboard
and the acceptance report need of a million entries is a few thousand integers, kept in
the database and read instead of the entries.

Per (project, date, grade) the minutes, and per (project, date) the overtime (each
person's minutes beyond a day's hours, summed over the people) on a row of grade '':
table ``day_sum`` (migration 0015). They are kept current by every write, whoever makes
it:

* the database marks a date *dirty* (table ``day_sum_dirty``) whenever an entry of it is
  inserted, deleted or changed (its project, date, person, grade or minutes), by
  triggers, so that no write path, in sowtrack or outside it, can forget;
* every write transaction of the ledger ends by recomputing the dirty dates' sums and
  clearing them (:func:`refresh`, called by storage.db.unit before the commit): a
  date's sums are its own entries' alone, so a date is recomputed apart from the others;
* a reader (:func:`daily_sums`) takes the stored sums of the clean dates and sums any
  date still dirty from its entries on the fly (it never writes).

One SQL text (:data:`SUMS`) defines the sums from the entries, for the refresh, the
dirty dates of a reader and ``verify``'s recomputation (:func:`stored_sum_problems`); on
PostgreSQL the refresh is a function of the same text (migration 0015), run as the
tables' owner. Its definition in rules is :func:`model.rules.day_sums` (the overtime
rule stays there: a property test holds them equal on SQLite and PostgreSQL). Integers
throughout; the person-days are made from them in model/, exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Date, Integer, String, delete, exists, insert, select, text
from sqlalchemy.orm import Session

from model.i18n import _
from model.rules import DaySums
from storage.orm import DaySum, DaySumDirty, Project

#: The grade of the row that holds a date's overtime (no grade is empty).
OVERTIME = ""

#: The sums from the entries: (project_id, on, grade, minutes) per date and grade, and
#: per date the overtime on a row of grade '' (only where there is some). ``{entries}``:
#: the entries summed (aliased ``e``), FROM and WHERE. A person's day is summed over
#: the grades it was charged at before a day's hours are taken off (SPEC §3).
SUMS = """\
SELECT e.project_id AS project_id, e."on" AS "on", e.grade AS grade, SUM(e.minutes) AS minutes
FROM {entries}
GROUP BY e.project_id, e."on", e.grade
UNION ALL
SELECT pd.project_id, pd."on", '', SUM(pd.m - p.minutes_per_day)
FROM (SELECT e.project_id AS project_id, e."on" AS "on", SUM(e.minutes) AS m
      FROM {entries}
      GROUP BY e.project_id, e."on", e.person_id) pd
JOIN project p ON p.id = pd.project_id
WHERE pd.m > p.minutes_per_day
GROUP BY pd.project_id, pd."on\""""

#: The entries of the dirty dates (of every project). The dirty dates drive the join
#: (CROSS JOIN: SQLite keeps that order), each reading its date's entries by the
#: figures' index; the other way round SQLite scans every entry for one dirty date.
DIRTY_ENTRIES = ('day_sum_dirty d CROSS JOIN time_entry e '
                 'WHERE e.project_id = d.project_id AND e."on" = d."on"')

#: The refresh: the dirty dates' sums recomputed from their entries, then clean. Run as
#: these statements on SQLite and as the body of ``sowtrack_refresh_day_sums()`` on
#: PostgreSQL (migration 0015; a test holds the function's body equal to these).
REFRESH = (
    # (a row-value IN, which reads the sums' unique index: a correlated EXISTS visited
    # every sum, 0.7 ms for one date of a 3-year ledger)
    'DELETE FROM day_sum WHERE (project_id, "on") IN (SELECT project_id, "on" FROM day_sum_dirty)',
    'INSERT INTO day_sum (project_id, "on", grade, minutes)\n'
    + SUMS.format(entries=DIRTY_ENTRIES),
    "DELETE FROM day_sum_dirty",
)

#: SQLite: the dates of the entries inserted after id ``:after`` marked dirty, at once:
#: what the insert trigger of migration 0015 (``day_sum_entry_insert``) does row by row,
#: for an import that set it aside while it wrote (storage.sqlite_import).
MARK_INSERTED = ('INSERT OR IGNORE INTO day_sum_dirty (project_id, "on") '
                 'SELECT DISTINCT project_id, "on" FROM time_entry WHERE id > ?')

#: SQLite: the trigger that marks an inserted entry's date dirty (migration 0015)
INSERT_TRIGGER = "day_sum_entry_insert"

#: PostgreSQL: the refresh, as the owner (login roles only read the two tables).
REFRESH_FUNCTION = "sowtrack_refresh_day_sums"

_ANY_DIRTY = select(exists().select_from(DaySumDirty))


def _sums(s: Session, entries: str, project_id: int) -> list[tuple[date, str, int]]:
    """(on, grade, minutes) of :data:`SUMS` over ``entries`` (FROM and WHERE) of the
    project."""
    stmt = text(SUMS.format(entries=f"{entries} AND e.project_id = :project")).columns(
        project_id=Integer, on=Date, grade=String, minutes=Integer)
    # PostgreSQL sums integers to Decimal, SQLite to int: int() either way.
    return [(on, grade, int(m)) for _, on, grade, m in s.execute(stmt, {"project": project_id})]


def refresh(s: Session) -> None:
    """Recompute the dirty dates' sums and clear them, in the caller's write transaction
    (storage.db.unit calls this before every commit). Nothing to do: one indexed read."""
    s.flush()
    if not s.execute(_ANY_DIRTY).scalar():
        return
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(f"SELECT {REFRESH_FUNCTION}()"))
        return
    for statement in REFRESH:
        s.execute(text(statement))


def store_clean(s: Session, project_id: int, sums: Sequence[DaySums]) -> None:
    """Store the sums of dates the caller summed itself, by model.rules.day_sums (the
    rule :data:`SUMS` is held equal to) over every entry of those dates, in its write
    transaction, and mark them clean: what :func:`refresh` would compute for them (an
    import on SQLite that knows every entry of the dates it alone wrote; ``verify``
    recomputes them as any other)."""
    dates = [d.on for d in sums]
    if not dates:
        return
    where = (DaySum.project_id == project_id, DaySum.on.in_(dates))
    s.execute(delete(DaySum).where(*where))
    s.execute(insert(DaySum), [
        {"project_id": project_id, "on": d.on, "grade": grade, "minutes": minutes}
        for d in sums
        for grade, minutes in (*d.by_grade.items(), (OVERTIME, d.beyond)) if minutes])
    s.execute(delete(DaySumDirty).where(DaySumDirty.project_id == project_id,
                                        DaySumDirty.on.in_(dates)))


def _stored(s: Session, project_id: int) -> tuple[set[date], list[tuple[date, str, int]]]:
    """The project's dirty dates, and its stored (on, grade, minutes) of the clean ones."""
    dirty = set(s.scalars(select(DaySumDirty.on).where(DaySumDirty.project_id == project_id)))
    return dirty, [(on, grade, int(m)) for on, grade, m in s.execute(
        select(DaySum.on, DaySum.grade, DaySum.minutes)
        .where(DaySum.project_id == project_id)) if on not in dirty]


def _read(s: Session, project_id: int) -> list[tuple[date, str, int]]:
    """(on, grade, minutes) of the project: stored for the clean dates, summed from the
    entries for the dirty ones. The one place that decides which."""
    dirty, rows = _stored(s, project_id)
    if dirty:
        rows += _sums(s, DIRTY_ENTRIES, project_id)
    return rows


def daily_sums(s: Session, project_id: int, grades: Sequence[str] = ()) -> list[DaySums]:
    """The project's entries summed per date, in date order.

    ``grades``: the order of each date's grades (the ladder's and the people's), any
    other grade after them in name order."""
    order = {g: i for i, g in enumerate(dict.fromkeys(grades))}
    by_date: dict[date, dict[str, int]] = defaultdict(dict)
    beyond: dict[date, int] = {}
    for on, grade, minutes in _read(s, project_id):
        if grade == OVERTIME:
            beyond[on] = minutes
        else:
            by_date[on][grade] = minutes
    return [DaySums(on, dict(sorted(minutes.items(),
                                    key=lambda gm: (order.get(gm[0], len(order)), gm[0]))),
                    beyond.get(on, 0))
            for on, minutes in sorted(by_date.items())]


def stored_sum_problems(s: Session) -> list[str]:
    """``verify``: every stored sum of a clean date recomputed from the entries; one line
    per sum that differs (a row edited, added or deleted behind the program's back)."""
    problems = []
    codes = dict(s.execute(select(Project.id, Project.code)).all())
    orphans = s.scalar(select(DaySum.project_id).where(DaySum.project_id.not_in(codes))
                       .limit(1))
    if orphans is not None:
        problems.append(_("day_sum: holds sums of project id {orphans}, which does not exist "
                          "(added behind the program's back)").format(orphans=orphans))
    for project_id, code in sorted(codes.items(), key=lambda pc: pc[1]):
        dirty, rows = _stored(s, project_id)
        stored = {(on, grade): m for on, grade, m in rows}
        computed = {(on, grade): m for on, grade, m
                    in _sums(s, "time_entry e WHERE true", project_id) if on not in dirty}
        for on, grade in sorted(stored.keys() | computed.keys()):
            held, given = stored.get((on, grade)), computed.get((on, grade))
            if held != given:
                what = (_("overtime") if grade == OVERTIME
                        else _("grade {grade!r}").format(grade=grade))
                problems.append(_("{code} day_sum {on} {what}: holds {held}, its entries give "
                                  "{given} (changed behind the program's back)").format(
                    code=code, on=on, what=what,
                    held=_("no row") if held is None else _("{n} minutes").format(n=held),
                    given=_("none") if given is None else given))
    return problems
