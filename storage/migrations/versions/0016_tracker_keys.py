"""Intervals imported from other trackers (issue 15): ``tracker_piece``.

One row per part, on one date, of an interval that ``sowtrack import timew|timeclock|
timedot|klog|kimai`` imported: the person, the tool, the interval's key (its start time,
or its date and account...), the date and the seconds. A re-import skips the keys it
finds; a later import of the same person-day rounds on from the seconds already there
(model/trackers/days.py). Written in the transaction of the import's entries.

PostgreSQL (as 0005 does for every table): every login role reads it, and inserts only
what its bound person may log: their own pieces (LOG_OWN), or anyone's (LOG_OTHERS,
the vendor lead); nobody but the owner updates or deletes one.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
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
        "tracker_piece",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tool", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_tracker_piece_project_id_project")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE",
                                name=op.f("fk_tracker_piece_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracker_piece")),
        sa.UniqueConstraint("project_id", "person_id", "tool", "key", "on",
                            name=op.f("uq_tracker_piece_project_id_person_id_tool_key_on")),
    )
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    t = f"{s}.tracker_piece"
    me = (f"(SELECT me.id FROM {s}.person me WHERE me.project_id = tracker_piece.project_id "
          f"AND me.db_role = session_user)")
    op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT ON {t} TO PUBLIC")
    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    op.execute(f"CREATE POLICY sowtrack_insert ON {t} FOR INSERT WITH CHECK ("
               f"{s}.sowtrack_may(tracker_piece.project_id, 'LOG_OTHERS') OR "
               f"({s}.sowtrack_may(tracker_piece.project_id, 'LOG_OWN') "
               f"AND tracker_piece.person_id = {me}))")
    seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                       {"t": t}).scalar()
    if seq:
        op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
        op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")


def downgrade() -> None:
    op.drop_table("tracker_piece")
