"""Reminders sent (``sowtrack remind``, issue 15): ``reminder_sent`` holds one row per
project, day, channel and subject, so that a reminder goes out once a day per channel,
also when two machines run ``remind`` from cron on one shared PostgreSQL ledger (the
unique key refuses the second claim).

On PostgreSQL (as 0005 does for every table) every login role reads it; a login role
bound to a person in the row's project may add, and remove, rows sent in that person's
name (``sent_by``): removing is how a send that failed is released for the next run.
Nobody but the owner updates a row. A row is not a fact of the contract: it has no
audit row and ``verify`` does not cover it.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_event')")).scalar())


def upgrade() -> None:
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("sent_by", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_reminder_sent_project_id_project"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint("project_id", "day", "channel", "subject",
                            name=op.f("uq_reminder_sent_project_id_day_channel_subject")),
    )
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    t = f"{s}.reminder_sent"
    mine = (f"reminder_sent.sent_by = (SELECT me.key FROM {s}.person me "
            f"WHERE me.project_id = reminder_sent.project_id AND me.db_role = session_user)")
    op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON {t} TO PUBLIC")
    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    # Any person bound to this login in the row's project, in their own name.
    op.execute(f"CREATE POLICY sowtrack_insert ON {t} FOR INSERT WITH CHECK ({mine})")
    op.execute(f"CREATE POLICY sowtrack_delete ON {t} FOR DELETE USING ({mine})")
    seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                       {"t": t}).scalar()
    if seq:
        op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
        op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")


def downgrade() -> None:
    op.drop_table("reminder_sent")
