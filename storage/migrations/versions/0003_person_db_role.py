"""Bind a person to a database login role (a shared PostgreSQL ledger).

A connection whose login role is bound to a person acts as that person and no
one else. NULL means unbound; a role is bound to at most one person per project.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("db_role", sa.String(63), nullable=True))
        batch.create_unique_constraint("uq_person_project_id_db_role", ["project_id", "db_role"])


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("uq_person_project_id_db_role", type_="unique")
        batch.drop_column("db_role")
