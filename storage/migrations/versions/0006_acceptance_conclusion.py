"""The acceptance's conclusion (SPEC §8): accepted, accepted with conditions or rejected,
and the comments, recorded with the client's signature.

On PostgreSQL the signers who may update an acceptance's status (0005) may set these
two columns too.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("acceptance") as batch:
        batch.add_column(sa.Column("conclusion", sa.String(16), nullable=True))
        batch.add_column(sa.Column("comment", sa.Text(), nullable=False, server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("GRANT UPDATE (conclusion, comment) ON acceptance TO PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("REVOKE UPDATE (conclusion, comment) ON acceptance FROM PUBLIC")
    with op.batch_alter_table("acceptance") as batch:
        batch.drop_column("comment")
        batch.drop_column("conclusion")
