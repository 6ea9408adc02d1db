"""People come and go (SPEC §9): a person's active days, replacements, days away, and the
notice a staff change should give.

``person`` gets ``active_from`` (the first day; NULL: the SOW's start), ``leave_on`` (the
last working day; NULL: to the end) and ``replaces`` (the key of the person this one
replaced); ``project`` gets ``staff_change_notice`` (working days, from the SOW file,
default 0); a ``person_away`` table holds days away (请假), first..last.

On PostgreSQL (as 0005 does for every table) every login role reads them, and a login
role writes only what the permission matrix lets its bound person do: the person who may
plan (the vendor lead, ``PLAN``) adds vendor people (never with a login role binding:
the policy takes a NULL ``db_role`` only), records their active days and replacements (column privileges
on ``active_from``, ``leave_on``, ``replaces``; 0005's UPDATE policy on ``person`` already
asks for PLAN and a vendor person) and their days away. Nobody but the owner updates or
deletes a day away, or changes ``staff_change_notice``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the person columns a login role may set when it adds a person: ``db_role`` too, as the
#: program writes every column, but the policy takes NULL only (only the owner binds)
_PERSON_INSERT = ("project_id, key, name, party, role, grade, location, timezone, title, "
                  "db_role, active_from, leave_on, replaces")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_event')")).scalar())


def _may_plan(s: str, project: str) -> str:
    """The person bound to this login in the row's project may plan: 0005's own matrix
    (``sowtrack_may``, schema-qualified, its search_path fixed), so that the two agree."""
    return f"{s}.sowtrack_may({project}, 'PLAN')"


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("active_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("leave_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("replaces", sa.String(64), nullable=True))
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("staff_change_notice", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.create_check_constraint(op.f("ck_project_staff_change_notice"),
                                      "staff_change_notice >= 0")
    op.create_table(
        "person_away",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("first <= last", name=op.f("ck_person_away_dates")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_person_away_project_id_project")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE",
                                name=op.f("fk_person_away_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_away")),
    )
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    person, away = f"{s}.person", f"{s}.person_away"
    op.execute(f"GRANT INSERT ({_PERSON_INSERT}) ON {person} TO PUBLIC")
    op.execute(f"GRANT UPDATE (active_from, leave_on, replaces) ON {person} TO PUBLIC")
    op.execute(f"CREATE POLICY sowtrack_insert ON {person} FOR INSERT WITH CHECK ("
               f"{_may_plan(s, 'person.project_id')} AND person.party = 'vendor' "
               f"AND person.db_role IS NULL)")
    op.execute(f"REVOKE ALL ON {away} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT ON {away} TO PUBLIC")
    op.execute(f"ALTER TABLE {away} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY sowtrack_read ON {away} FOR SELECT USING (true)")
    op.execute(f"CREATE POLICY sowtrack_insert ON {away} FOR INSERT WITH CHECK ("
               f"{_may_plan(s, 'person_away.project_id')} AND EXISTS (SELECT 1 FROM "
               f"{s}.person p WHERE p.id = person_away.person_id "
               f"AND p.project_id = person_away.project_id AND p.party = 'vendor'))")
    for table in ("person", "person_away"):
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                           {"t": f"{s}.{table}"}).scalar()
        if seq:
            op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
            op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(_schema(conn))
        op.execute(f"DROP POLICY IF EXISTS sowtrack_insert ON {s}.person")
        op.execute(f"REVOKE INSERT ON {s}.person FROM PUBLIC")
        op.execute(f"REVOKE UPDATE (active_from, leave_on, replaces) ON {s}.person FROM PUBLIC")
    op.drop_table("person_away")
    with op.batch_alter_table("project") as batch:
        batch.drop_constraint(op.f("ck_project_staff_change_notice"), type_="check")
        batch.drop_column("staff_change_notice")
    with op.batch_alter_table("person") as batch:
        for column in ("replaces", "leave_on", "active_from"):
            batch.drop_column(column)
