"""The scope sign-off (SPEC §9): a ``scope`` document (SCOPE-001) both parties sign, the
estimate changes and added tasks of a change request (``change_task_delta``), and the
project's ``plan_confirm_days``. A signature may now be of kind ``scope``.

On PostgreSQL, as 0005 does for every table: everyone reads, row-level security is on,
and a login role writes only what the permission matrix lets its bound person do. A
signer (SIGN) raises a scope document and moves its status, effective date and signed
content; a signature on a scope follows the rule of every signature (its own person, a
document of the same project). A change request's task deltas are written, like its
grade deltas, only while the change request is open, by whoever may raise one (CHANGE).
``plan_confirm_days`` comes from the signed SOW: only the owner writes it. A change
request takes effect with the last signature, which may be the client's: a signer may then
update or add a task, but only one that an effective change request's scope change names.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS_OLD = "doc_kind in ('cr', 'period', 'acceptance')"
_KINDS_NEW = "doc_kind in ('cr', 'period', 'acceptance', 'scope')"
_DOCS_OLD = (("cr", "change_request"), ("period", "period"), ("acceptance", "acceptance"))
_DOCS_NEW = (*_DOCS_OLD, ("scope", "scope"))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(conn: sa.Connection) -> str:
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_event')")).scalar())


def _may(s: str, project: str, action: str) -> str:
    """As 0005's policies: the database's copy of the matrix (``sowtrack_may``, 0010)."""
    return f"{s}.sowtrack_may({project}, '{action}')"


def _signature_insert(s: str, docs: tuple[tuple[str, str], ...]) -> str:
    """0005's signature INSERT policy, for the document kinds ``docs``."""
    cases = " ".join(
        f"WHEN '{kind}' THEN EXISTS (SELECT 1 FROM {s}.{table} d "
        f"WHERE d.id = signature.doc_id AND d.project_id = signature.project_id)"
        for kind, table in docs)
    me = (f"(SELECT me.id FROM {s}.person me WHERE me.project_id = (signature.project_id) "
          f"AND me.db_role = session_user)")
    return (f"CREATE POLICY sowtrack_insert ON {s}.signature FOR INSERT WITH CHECK ("
            f"{_may(s, 'signature.project_id', 'SIGN')} AND signature.person_id = {me} "
            f"AND EXISTS (SELECT 1 FROM {s}.person p WHERE p.id = signature.person_id "
            f"AND p.project_id = signature.project_id AND p.party = signature.party "
            f"AND p.role = signature.role) AND CASE signature.doc_kind {cases} ELSE false END)")


def _task_policies(s: str, new: bool) -> list[str]:
    """The task table's INSERT and UPDATE policies: 0005's (whoever may PLAN), and since
    0011 also a signer applying an effective change request's scope change to that task."""
    plan = _may(s, "task.project_id", "PLAN")
    applied = (f"({_may(s, 'task.project_id', 'SIGN')} AND EXISTS (SELECT 1 FROM "
               f"{s}.change_task_delta d JOIN {s}.change_request c ON c.id = d.change_id "
               f"WHERE c.project_id = task.project_id AND c.status = 'effective' "
               f"AND d.task_code = task.code))")
    check = f"{plan} OR {applied}" if new else plan
    return [f"DROP POLICY IF EXISTS sowtrack_insert ON {s}.task",
            f"DROP POLICY IF EXISTS sowtrack_update ON {s}.task",
            f"CREATE POLICY sowtrack_insert ON {s}.task FOR INSERT WITH CHECK ({check})",
            f"CREATE POLICY sowtrack_update ON {s}.task FOR UPDATE USING (true) "
            f"WITH CHECK ({check})"]


def _grant_sequence(conn: sa.Connection, table: str) -> None:
    seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                       {"t": table}).scalar()
    if seq:
        op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
        op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")


def upgrade() -> None:
    op.create_table(
        "scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE",
                                name=op.f("fk_scope_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_scope_project_id_number")),
    )
    op.create_table(
        "change_task_delta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("task_code", sa.String(64), nullable=False),
        sa.Column("pd_milli", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["change_id"], ["change_request.id"], ondelete="CASCADE",
                                name=op.f("fk_change_task_delta_change_id_change_request")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_task_delta")),
    )
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("plan_confirm_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("signature") as batch:
        batch.drop_constraint(op.f("ck_signature_doc_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_signature_doc_kind"), _KINDS_NEW)
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _q(_schema(conn))
    for table, grant in (("scope", "INSERT, UPDATE (status, effective_on, content)"),
                         ("change_task_delta", "INSERT, DELETE")):
        t = f"{s}.{table}"
        op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
        op.execute(f"GRANT SELECT, {grant} ON {t} TO PUBLIC")
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
        _grant_sequence(conn, t)
    op.execute(f"CREATE POLICY sowtrack_insert ON {s}.scope FOR INSERT WITH CHECK ("
               f"{_may(s, 'scope.project_id', 'SIGN')} AND scope.status = 'open')")
    op.execute(f"CREATE POLICY sowtrack_update ON {s}.scope FOR UPDATE USING (true) "
               f"WITH CHECK ({_may(s, 'scope.project_id', 'SIGN')})")
    cr_open = (f"EXISTS (SELECT 1 FROM {s}.change_request c "
               f"WHERE c.id = change_task_delta.change_id AND c.status = 'open' "
               f"AND {_may(s, 'c.project_id', 'CHANGE')})")
    op.execute(f"CREATE POLICY sowtrack_insert ON {s}.change_task_delta FOR INSERT "
               f"WITH CHECK ({cr_open})")
    op.execute(f"CREATE POLICY sowtrack_delete ON {s}.change_task_delta FOR DELETE "
               f"USING ({cr_open})")
    op.execute(f"DROP POLICY sowtrack_insert ON {s}.signature")
    op.execute(_signature_insert(s, _DOCS_NEW))
    for statement in _task_policies(s, new=True):
        op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = _q(_schema(conn))
        op.execute(f"DROP POLICY IF EXISTS sowtrack_insert ON {s}.signature")
        op.execute(_signature_insert(s, _DOCS_OLD))
        for statement in _task_policies(s, new=False):
            op.execute(statement)
    op.execute(sa.text("DELETE FROM signature WHERE doc_kind = 'scope'"))
    with op.batch_alter_table("signature") as batch:
        batch.drop_constraint(op.f("ck_signature_doc_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_signature_doc_kind"), _KINDS_OLD)
    with op.batch_alter_table("project") as batch:
        batch.drop_column("plan_confirm_days")
    op.drop_table("change_task_delta")
    op.drop_table("scope")
