"""Printed revisions (SPEC §8): the revision a signatory sees on a sheet.

``printed_revision`` holds, for each document id, the contents printed under it: revision
1 is the first content printed, each new content (a new SHA-256) the next revision. A
row is written, with its audit row, when a sheet is exported; ``verify FILE.pdf`` checks
that the revision a sheet prints is the one recorded for its digest.

On PostgreSQL (as 0005 does for every table) every login role reads it; a login role
bound to a person in the row's project may append a row printed by that person, and
nobody but the owner updates or deletes one. Recording a printed revision is document
control, not a fact of the ledger: anybody who may print a sheet may record it, on an
accepted (read-only) ledger too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
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
        "printed_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(255), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("printed_on", sa.Date(), nullable=False),
        sa.Column("printed_by", sa.String(64), nullable=True),
        sa.CheckConstraint("revision > 0", name=op.f("ck_printed_revision_revision")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_printed_revision_project_id_project"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_printed_revision")),
        sa.UniqueConstraint("project_id", "doc_id", "revision",
                            name=op.f("uq_printed_revision_project_id_doc_id_revision")),
        sa.UniqueConstraint("project_id", "doc_id", "digest",
                            name=op.f("uq_printed_revision_project_id_doc_id_digest")),
    )
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    t = f"{s}.printed_revision"
    op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT ON {t} TO PUBLIC")
    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    # Any person bound to this login in the row's project, printing as themselves.
    op.execute(f"CREATE POLICY sowtrack_insert ON {t} FOR INSERT WITH CHECK ("
               f"printed_revision.printed_by = (SELECT me.key FROM {s}.person me "
               f"WHERE me.project_id = printed_revision.project_id "
               f"AND me.db_role = session_user))")
    seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                       {"t": f"{s}.printed_revision"}).scalar()
    if seq:
        op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
        op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")


def downgrade() -> None:
    op.drop_table("printed_revision")
