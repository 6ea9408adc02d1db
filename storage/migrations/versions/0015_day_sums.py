"""The entries' sums per date, kept by every write (issue 13): ``day_sum`` and
``day_sum_dirty``.

``day_sum`` holds per (project, date, grade) the minutes of the entries, and per
(project, date) the overtime on a row of grade '' (storage/figures.py); the figures read
these ~1,100 rows a project-year instead of its entries. ``day_sum_dirty`` holds the
dates whose entries changed since: triggers on ``time_entry`` add them (INSERT, DELETE,
an UPDATE of an entry's project, date, person, grade or minutes: its old date and its
new one), and so does a change of a project's day (``minutes_per_day``, on which the
overtime depends). Every write transaction of sowtrack ends by recomputing the dirty
dates' sums and clearing them; readers sum a date still dirty from its entries. So an
edit made outside sowtrack is never missed either. This revision fills the sums of the
existing ledgers.

PostgreSQL: login roles other than the owner only read both tables (SELECT to PUBLIC,
row-level security with a read policy and no write policy): the triggers and the
refresh are functions run as their owner (SECURITY DEFINER, search_path pinned), which
write only what the entries give. So no person can forge a sum, of their project or
another; the owner can, as it can write any table, and ``verify`` recomputes every sum.
The triggers are statement-level with transition tables (one INSERT for a whole import,
not one per row).

SQLite: row-level triggers (INSERT OR IGNORE into ``day_sum_dirty``). A later batch
migration that rebuilds ``time_entry`` or ``project`` by copy drops their triggers with
the old table: it must create them again (:func:`sqlite_triggers`).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.figures import REFRESH, REFRESH_FUNCTION

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the entry columns whose change moves a sum
_MOVES = ("project_id", '"on"', "person_id", "grade", "minutes")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _mark(row: str) -> str:
    return (f'INSERT OR IGNORE INTO day_sum_dirty (project_id, "on") '
            f'VALUES ({row}.project_id, {row}."on");')


def sqlite_triggers() -> list[str]:
    """The SQLite triggers that mark dates dirty."""
    return [
        f"CREATE TRIGGER day_sum_entry_insert AFTER INSERT ON time_entry "
        f"BEGIN {_mark('NEW')} END",
        f"CREATE TRIGGER day_sum_entry_update AFTER UPDATE OF {', '.join(_MOVES)} "
        f"ON time_entry BEGIN {_mark('OLD')} {_mark('NEW')} END",
        f"CREATE TRIGGER day_sum_entry_delete AFTER DELETE ON time_entry "
        f"BEGIN {_mark('OLD')} END",
        'CREATE TRIGGER day_sum_project_day AFTER UPDATE OF minutes_per_day ON project '
        'BEGIN INSERT OR IGNORE INTO day_sum_dirty (project_id, "on") '
        'SELECT DISTINCT project_id, "on" FROM day_sum WHERE project_id = NEW.id; END',
    ]


_SQLITE_TRIGGERS = ("day_sum_entry_insert", "day_sum_entry_update", "day_sum_entry_delete",
                    "day_sum_project_day")


def _pg_functions(s: str) -> list[str]:
    """The trigger functions and the refresh, run as their owner."""
    head = f"SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp"
    mark = 'INSERT INTO day_sum_dirty (project_id, "on") SELECT DISTINCT project_id, "on" FROM'
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _MOVES)
    refresh = ";\n".join(REFRESH)
    return [
        f"""CREATE FUNCTION {s}.sowtrack_day_sum_mark() RETURNS trigger
    LANGUAGE plpgsql {head} AS $$
BEGIN
    -- The dates of the entries a statement changed: inserted, deleted, or updated in a
    -- column a sum depends on (the old date and the new).
    IF TG_OP = 'INSERT' THEN
        {mark} new_rows ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        {mark} old_rows ON CONFLICT DO NOTHING;
    ELSE
        {mark} (SELECT o.project_id, o."on" FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE {changed}
                UNION ALL
                SELECT n.project_id, n."on" FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE {changed}) c
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$""",
        f"""CREATE FUNCTION {s}.sowtrack_day_sum_mark_all() RETURNS trigger
    LANGUAGE plpgsql {head} AS $$
BEGIN
    -- TRUNCATE of the entries, or a project's day changed (the overtime depends on it):
    -- every stored date of the project(s) again.
    IF TG_OP = 'TRUNCATE' THEN
        {mark} day_sum ON CONFLICT DO NOTHING;
    ELSE
        {mark} day_sum WHERE project_id = NEW.id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$""",
        f"""CREATE FUNCTION {s}.{REFRESH_FUNCTION}() RETURNS void
    LANGUAGE sql {head} AS $$
{refresh};
$$""",
    ]


_PG_FUNCTIONS = ("sowtrack_day_sum_mark()", "sowtrack_day_sum_mark_all()",
                 f"{REFRESH_FUNCTION}()")


def _pg_triggers(s: str) -> list[str]:
    entry, mark = f"{s}.time_entry", f"EXECUTE FUNCTION {s}.sowtrack_day_sum_mark()"
    return [
        f"CREATE TRIGGER sowtrack_day_sum_insert AFTER INSERT ON {entry} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {mark}",
        f"CREATE TRIGGER sowtrack_day_sum_update AFTER UPDATE ON {entry} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT {mark}",
        f"CREATE TRIGGER sowtrack_day_sum_delete AFTER DELETE ON {entry} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT {mark}",
        f"CREATE TRIGGER sowtrack_day_sum_truncate AFTER TRUNCATE ON {entry} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.sowtrack_day_sum_mark_all()",
        f"CREATE TRIGGER sowtrack_day_sum_project_day AFTER UPDATE OF minutes_per_day "
        f"ON {s}.project FOR EACH ROW EXECUTE FUNCTION {s}.sowtrack_day_sum_mark_all()",
    ]


_PG_TRIGGERS = (("time_entry", "sowtrack_day_sum_insert"),
                ("time_entry", "sowtrack_day_sum_update"),
                ("time_entry", "sowtrack_day_sum_delete"),
                ("time_entry", "sowtrack_day_sum_truncate"),
                ("project", "sowtrack_day_sum_project_day"))


def _schema(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('time_entry')")).scalar())


def upgrade() -> None:
    op.create_table(
        "day_sum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_sum")),
        sa.UniqueConstraint("project_id", "on", "grade",
                            name=op.f("uq_day_sum_project_id_on_grade")),
    )
    op.create_table(
        "day_sum_dirty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_sum_dirty")),
        sa.UniqueConstraint("project_id", "on", name=op.f("uq_day_sum_dirty_project_id_on")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(_schema(conn))
        for sql in (*_pg_functions(s), *_pg_triggers(s)):
            op.execute(sql)
        for table in ("day_sum", "day_sum_dirty"):
            t = f"{s}.{_q(table)}"
            op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
            op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    else:
        for sql in sqlite_triggers():
            op.execute(sql)
    # The existing ledgers' sums: every date with entries dirty, then one refresh.
    op.execute('INSERT INTO day_sum_dirty (project_id, "on") '
               'SELECT DISTINCT project_id, "on" FROM time_entry')
    for statement in REFRESH:
        op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(_schema(conn))
        for table, trigger in _PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {s}.{table}")
        for fn in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {s}.{fn}")
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("day_sum_dirty")
    op.drop_table("day_sum")
