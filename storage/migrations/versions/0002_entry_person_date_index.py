"""Index time entries by person and date (the 24-hour check, timesheets).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("time_entry") as batch:
        batch.create_index("ix_time_entry_person_on", ["person_id", "on"])


def downgrade() -> None:
    with op.batch_alter_table("time_entry") as batch:
        batch.drop_index("ix_time_entry_person_on")
