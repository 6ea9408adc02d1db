"""A project's own grade ladder (SPEC §9): a ``grade`` table, one row per ``[[grade]]`` of
the SOW (its key, its position on the ladder, 0 the most junior, and its zh/en labels).
A project without rows has the default ladder of SPEC §2.

The ladder comes from the signed SOW at ``init`` and nothing changes it afterwards: on
PostgreSQL, as 0005 does for every table and 0007 for ``deliverable``, everyone reads,
row-level security is on, and with the read policy alone no login role but the owner
writes a row.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    op.create_table(
        "grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("zh", sa.Text(), nullable=False),
        sa.Column("en", sa.Text(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_grade_position")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_grade_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_grade_project_id_key")),
        sa.UniqueConstraint("project_id", "position",
                            name=op.f("uq_grade_project_id_position")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = conn.execute(sa.text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('grade')")).scalar()
        t = f"{_q(str(schema))}.grade"
        op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")


def downgrade() -> None:
    op.drop_table("grade")
