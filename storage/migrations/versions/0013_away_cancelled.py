"""A day away may be cancelled (SPEC §9): ``person_away`` gets ``cancelled_on``, the day the
cancellation was recorded (NULL: the day away stands).

The row stays: a cancelled day away is still listed, marked, and its audit rows say who
cancelled it and when (``verify`` compares the column with them). On PostgreSQL a login
role whose person may plan (the vendor lead, ``PLAN``; 0009's rule for recording a day
away) may set that one column of a vendor person's day away, and nothing else of the row;
only the owner deletes a day away.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    with op.batch_alter_table("person_away") as batch:
        batch.add_column(sa.Column("cancelled_on", sa.Date(), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('person_away')")).scalar()))
    may = (f"{s}.sowtrack_may(person_away.project_id, 'PLAN') AND EXISTS (SELECT 1 FROM "
           f"{s}.person p WHERE p.id = person_away.person_id "
           f"AND p.project_id = person_away.project_id AND p.party = 'vendor')")
    op.execute(f"GRANT UPDATE (cancelled_on) ON {s}.person_away TO PUBLIC")
    op.execute(f"CREATE POLICY sowtrack_update ON {s}.person_away FOR UPDATE "
               f"USING ({may}) WITH CHECK ({may})")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(str(conn.execute(sa.text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('person_away')")).scalar()))
        op.execute(f"DROP POLICY IF EXISTS sowtrack_update ON {s}.person_away")
        op.execute(f"REVOKE UPDATE (cancelled_on) ON {s}.person_away FROM PUBLIC")
    with op.batch_alter_table("person_away") as batch:
        batch.drop_column("cancelled_on")
