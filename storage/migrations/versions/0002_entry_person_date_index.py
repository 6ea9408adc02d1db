"""Index time entries by person and date, and by project, date and id.

The first serves the 24-hour check and timesheets; the second the journal's keyset
paging and date ranges over a million entries, and replaces the single-column indexes
on project_id and on.

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
        batch.create_index("ix_time_entry_project_on_id", ["project_id", "on", "id"])
        batch.drop_index("ix_time_entry_project_id")
        batch.drop_index("ix_time_entry_on")


def downgrade() -> None:
    with op.batch_alter_table("time_entry") as batch:
        batch.create_index("ix_time_entry_on", ["on"])
        batch.create_index("ix_time_entry_project_id", ["project_id"])
        batch.drop_index("ix_time_entry_project_on_id")
        batch.drop_index("ix_time_entry_person_on")
