"""The audit chain's head, witnessed outside the audit log (PostgreSQL).

Deleting the newest audit rows together with the records they describe leaves a
shorter chain that is still well formed. So every commit that appends audit rows
also appends the new head (audit id and hash) to ``audit_witness``, a table that
application login roles may only append to (see 0005). ``verify`` fails when the
chain ends before the newest witnessed head. A SQLite ledger has the table too
(one schema for both) but leaves it empty: its witness is a small file beside the
ledger (``storage/witness.py``), since whoever can write the database file can
write any table of it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_witness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False,
                  server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_witness")),
    )


def downgrade() -> None:
    op.drop_table("audit_witness")
