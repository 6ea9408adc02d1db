"""The SOW's contract terms and deliverables (SPEC §8): the contract number and its
date, billing (actual or fixed, with the fixed price), the tax rate and whether prices
include tax, on the project; and a ``deliverable`` table.

Both come from the signed SOW at ``init`` and nothing changes them afterwards: on
PostgreSQL no login role but the owner writes them (no privilege on the new project
columns; the deliverable table gets SELECT and row-level security with the read policy
only, as migration 0005 gives every table).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("contract", sa.String(128), nullable=True))
        batch.add_column(sa.Column("signed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("billing", sa.String(8), nullable=False,
                                   server_default="actual"))
        batch.add_column(sa.Column("price_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("tax_rate_ppm", sa.Integer(), nullable=True))
        batch.add_column(sa.Column(
            "prices_include_tax",
            sa.Boolean(create_constraint=True, name=op.f("ck_project_prices_include_tax")),
            nullable=False, server_default=sa.text("true")))
    op.create_table(
        "deliverable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.CheckConstraint("kind in ('training')", name=op.f("ck_deliverable_kind")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_deliverable_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_deliverable_project_id_key")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # As 0005 does for every table: everyone reads, row-level security on, and with
        # the read policy alone no login role but the owner writes a row.
        schema = conn.execute(sa.text(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass('deliverable')")).scalar()
        t = f"{_q(str(schema))}.deliverable"
        op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")


def downgrade() -> None:
    op.drop_table("deliverable")
    with op.batch_alter_table("project") as batch:
        if op.get_bind().dialect.name != "postgresql":  # a native boolean there, no CHECK
            batch.drop_constraint(op.f("ck_project_prices_include_tax"), type_="check")
        for column in ("prices_include_tax", "tax_rate_ppm", "price_minor", "billing",
                       "signed_on", "contract"):
            batch.drop_column(column)
