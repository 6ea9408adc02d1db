"""Obligations and deliveries (SPEC §9): an ``obligation`` table (what one party must
provide, due on a date or a number of working days after the start, and when it was
done) and the delivery of a deliverable as columns of ``deliverable`` (``delivered_on``,
``delivery_note``, ``delivered_by``: a deliverable is delivered once, so no table).

On PostgreSQL, as 0005 does for every table: everyone reads, row-level security is on,
and a login role writes only what the permission matrix lets its bound person do. The
obligations come from the signed SOW at ``init`` (the owner writes them); a login role
may only UPDATE ``done_on``/``done_by`` of an obligation, and ``delivered_on``,
``delivery_note``/``delivered_by`` of a deliverable, as a person allowed OBLIGATION
(``model/permissions.py``) recording in their own name. ``sowtrack_may()``, the
database's copy of the matrix, learns the new action.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: model/permissions.MATRIX by kind, as 0005's copy with OBLIGATION added (a test compares)
_MATRIX = """CASE
        WHEN me.party = 'vendor' AND me.role = 'lead' THEN
            ARRAY['LOG_OWN', 'LOG_OTHERS', 'BLOCKER', 'CHANGE', 'SIGN', 'QUOTA', 'PLAN', 'BIND',
                  'OBLIGATION']
        WHEN me.party = 'vendor' AND me.role = 'signatory' THEN
            ARRAY['LOG_OWN', 'BLOCKER', 'CHANGE', 'SIGN', 'OBLIGATION']
        WHEN me.party = 'vendor' THEN ARRAY['LOG_OWN', 'BLOCKER']
        WHEN me.role = 'signatory' THEN ARRAY['BLOCKER', 'CHANGE', 'SIGN', 'OBLIGATION']
        ELSE ARRAY['BLOCKER', 'CHANGE', 'OBLIGATION']
    END"""
#: 0005's matrix, for the downgrade
_MATRIX_0005 = """CASE
        WHEN me.party = 'vendor' AND me.role = 'lead' THEN
            ARRAY['LOG_OWN', 'LOG_OTHERS', 'BLOCKER', 'CHANGE', 'SIGN', 'QUOTA', 'PLAN', 'BIND']
        WHEN me.party = 'vendor' AND me.role = 'signatory' THEN
            ARRAY['LOG_OWN', 'BLOCKER', 'CHANGE', 'SIGN']
        WHEN me.party = 'vendor' THEN ARRAY['LOG_OWN', 'BLOCKER']
        WHEN me.role = 'signatory' THEN ARRAY['BLOCKER', 'CHANGE', 'SIGN']
        ELSE ARRAY['BLOCKER', 'CHANGE']
    END"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_event')")).scalar())


def _may_function(s: str, matrix: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {s}.sowtrack_may(p_project integer, p_action text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, {s}, pg_temp AS $$
    SELECT COALESCE((SELECT p_action = ANY ({matrix}) FROM {s}.person me
                     WHERE me.project_id = p_project AND me.db_role = session_user), false)
$$;
"""


def _recorder(s: str, table: str, column: str) -> str:
    """The row's recorder is the person bound to this login in the row's project, who may
    record obligations and deliveries (written out, as 0005's policies are)."""
    return (f"COALESCE((SELECT 'OBLIGATION' = ANY ({_MATRIX}) "
            f"AND me.key = {table}.{column} FROM {s}.person me "
            f"WHERE me.project_id = {table}.project_id AND me.db_role = session_user), false)")


def upgrade() -> None:
    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(64), nullable=True),
        sa.CheckConstraint("party in ('vendor', 'client')", name=op.f("ck_obligation_party")),
        sa.CheckConstraint("(due IS NULL) <> (due_days IS NULL)", name=op.f("ck_obligation_due")),
        sa.CheckConstraint("due_days IS NULL OR due_days >= 0",
                           name=op.f("ck_obligation_due_days")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_obligation_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligation")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_obligation_project_id_key")),
    )
    with op.batch_alter_table("deliverable") as batch:
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delivery_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("delivered_by", sa.String(64), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    op.execute(_may_function(s, _MATRIX))
    t = f"{s}.obligation"
    op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
    op.execute(f"GRANT SELECT, UPDATE (done_on, done_by) ON {t} TO PUBLIC")
    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    op.execute(f"CREATE POLICY sowtrack_update ON {t} FOR UPDATE USING (true) "
               f"WITH CHECK ({_recorder(s, 'obligation', 'done_by')})")
    d = f"{s}.deliverable"  # SELECT and the read policy since 0007
    op.execute(f"GRANT UPDATE (delivered_on, delivery_note, delivered_by) ON {d} TO PUBLIC")
    op.execute(f"CREATE POLICY sowtrack_update ON {d} FOR UPDATE USING (true) "
               f"WITH CHECK ({_recorder(s, 'deliverable', 'delivered_by')})")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(_schema(conn))
        op.execute(f"DROP POLICY IF EXISTS sowtrack_update ON {s}.deliverable")
        op.execute(f"REVOKE UPDATE ON {s}.deliverable FROM PUBLIC")
        op.execute(_may_function(s, _MATRIX_0005))
    with op.batch_alter_table("deliverable") as batch:
        for column in ("delivered_by", "delivery_note", "delivered_on"):
            batch.drop_column(column)
    op.drop_table("obligation")
