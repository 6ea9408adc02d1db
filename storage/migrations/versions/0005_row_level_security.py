"""PostgreSQL enforces the permission matrix itself: privileges and row-level security.

Run by the database owner (`sowtrack db upgrade`). The owner, like a superuser, is
not subject to row-level security: it creates projects, binds people to login roles
and is the *operator*. Every other login role that may CONNECT to the database:

* reads every table (SELECT is granted to PUBLIC: who may connect is decided by the
  database's CONNECT privilege, so no role has to be created here, which would need
  CREATEROLE and would reach beyond this database);
* writes only what the permission matrix (``model/permissions.py``) lets the person
  bound to it do: a policy on each table asks whether the person whose ``db_role``
  is ``session_user`` (the role that logged in, so that ``SET ROLE`` cannot dodge
  it) in the row's project may do the action (``_MATRIX``, also the function
  ``sowtrack_may``). A login role bound to nobody may do nothing but read; a DELETE
  of rows it may not delete matches no row;
* may UPDATE only the columns the program changes (column privileges): never a
  person's ``db_role``, ``role`` or ``party``, only their ``grade``;
* appends to ``audit_event`` only rows whose ``actor`` is its bound person's key
  (the database decides the actor and refuses any other), and never updates or
  deletes one; appends to ``audit_witness`` only a head that is in the chain.

Rates, the baseline, the calendar and quota limits come from the signed SOW: no
login role writes them. Privileges granted before this revision to anyone but the
owner (the README's earlier recipe granted every write on every table) are revoked,
and so are the write privileges the owner's default privileges would give to the
tables of later migrations: a later migration that adds a table grants what it needs.

On SQLite this revision does nothing: whoever can write the file can write any row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every table of the schema at this revision.
TABLES = ("project", "calendar_day", "rate", "baseline", "person", "task", "assignment",
          "time_entry", "blocker", "change_request", "change_delta", "change_quota_delta",
          "period", "acceptance", "signature", "quota", "quota_use", "audit_event",
          "audit_witness")

#: What a login role other than the owner may write, beside SELECT on every table.
GRANTS = {
    "project": "UPDATE (accepted_on)",
    "person": "UPDATE (grade)",
    "task": "INSERT, UPDATE (title, estimate_milli, priority, status)",
    "assignment": "INSERT, UPDATE (planned_milli), DELETE",
    "time_entry": 'INSERT, UPDATE (task_id, "on", minutes, note), DELETE',
    "blocker": "INSERT, UPDATE (resolved_on)",
    "change_request": "INSERT, UPDATE (title, reason, new_end, status, effective_on)",
    "change_delta": "INSERT, DELETE",
    "change_quota_delta": "INSERT, DELETE",
    "period": "INSERT, UPDATE (status, effective_on)",
    "acceptance": "INSERT, UPDATE (status, effective_on)",
    "signature": "INSERT",
    "quota_use": "INSERT",
    "audit_event": "INSERT",
    "audit_witness": "INSERT",
}

# The matrix of model/permissions.py, by the Action names, for the bound person ``me``;
# a test checks that the two agree. Kinds as in Actor.kind: a vendor lead, a vendor
# signatory, any other vendor person (an engineer), a client signatory, any other
# client person.
_MATRIX = """CASE
        WHEN me.party = 'vendor' AND me.role = 'lead' THEN
            ARRAY['LOG_OWN', 'LOG_OTHERS', 'BLOCKER', 'CHANGE', 'SIGN', 'QUOTA', 'PLAN', 'BIND']
        WHEN me.party = 'vendor' AND me.role = 'signatory' THEN
            ARRAY['LOG_OWN', 'BLOCKER', 'CHANGE', 'SIGN']
        WHEN me.party = 'vendor' THEN ARRAY['LOG_OWN', 'BLOCKER']
        WHEN me.role = 'signatory' THEN ARRAY['BLOCKER', 'CHANGE', 'SIGN']
        ELSE ARRAY['BLOCKER', 'CHANGE']
    END"""


class _Sql:
    """The policies' building blocks, for the tables in schema ``s``.

    They are written into each policy's expression rather than called as functions: a
    policy is stored parsed, its tables and operators fixed when it is created, so no
    search_path or temporary table of a session can change what it means; and the
    server plans it with the statement, which keeps a 100,000-row import quick.
    ``project`` and ``person`` are SQL expressions of the row, qualified by its table
    (inside the subqueries ``me`` is the bound person)."""

    def __init__(self, s: str):
        self.s = s

    def _me(self, project: str, what: str) -> str:
        return (f"(SELECT {what} FROM {self.s}.person me "
                f"WHERE me.project_id = ({project}) AND me.db_role = session_user)")

    def may(self, project: str, action: str) -> str:
        """The person bound to this login in the row's project may do ``action``."""
        allowed = f"'{action}' = ANY ({_MATRIX})"
        return f"COALESCE({self._me(project, allowed)}, false)"

    def may_log(self, project: str, person: str) -> str:
        """... may log, edit or delete entries of ``person``: their own, or anyone's."""
        return ("COALESCE(" + self._me(
            project, f"(me.id = ({person}) AND 'LOG_OWN' = ANY ({_MATRIX})) "
                     f"OR 'LOG_OTHERS' = ANY ({_MATRIX})") + ", false)")

    def key(self, project: str) -> str:
        """The key of the person bound to this login in the row's project (else NULL)."""
        return self._me(project, "me.key")

    def me(self, project: str) -> str:
        return self._me(project, "me.id")

    def actor(self, code: str) -> str:
        """The key of the person bound to this login in the project of that code."""
        return (f"(SELECT me.key FROM {self.s}.person me JOIN {self.s}.project p "
                f"ON p.id = me.project_id WHERE p.code = ({code}) "
                f"AND me.db_role = session_user)")

    def bound(self) -> str:
        return f"EXISTS (SELECT 1 FROM {self.s}.person me WHERE me.db_role = session_user)"


def _policies(s: str) -> list[tuple[str, str, str | None, str | None]]:
    """(table, command, USING, WITH CHECK) of every write policy. Every table also has a
    read policy for all; a command with no policy is refused to every login role but the
    owner, whatever privileges it is granted. An UPDATE policy checks the new row only
    (USING true): the columns its check reads (the project, the person, the task) may
    not be updated, so the new row answers for the old one, and a refused UPDATE is an
    error rather than a statement that silently matches no row."""
    q = _Sql(s)
    task_project = f"(SELECT t.project_id FROM {s}.task t WHERE t.id = assignment.task_id)"
    quota_project = f"(SELECT q.project_id FROM {s}.quota q WHERE q.id = quota_use.quota_id)"
    task_in_project = (f"EXISTS (SELECT 1 FROM {s}.task t WHERE t.id = time_entry.task_id "
                       f"AND t.project_id = time_entry.project_id)")

    def person_of(table: str, also: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {s}.person p WHERE p.id = {table}.person_id "
                f"AND p.project_id = {table}.project_id AND {also})")

    def cr_open(table: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {s}.change_request c WHERE c.id = {table}.change_id "
                f"AND c.status = 'open' AND {q.may('c.project_id', 'CHANGE')})")

    docs = " ".join(
        f"WHEN '{kind}' THEN EXISTS (SELECT 1 FROM {s}.{table} d "
        f"WHERE d.id = signature.doc_id AND d.project_id = signature.project_id)"
        for kind, table in (("cr", "change_request"), ("period", "period"),
                            ("acceptance", "acceptance")))
    return [
        ("project", "UPDATE", "true", q.may("project.id", "SIGN")),
        ("person", "UPDATE", "true",
         f"{q.may('person.project_id', 'PLAN')} AND person.party = 'vendor'"),
        ("task", "INSERT", None, q.may("task.project_id", "PLAN")),
        ("task", "UPDATE", "true", q.may("task.project_id", "PLAN")),
        ("assignment", "INSERT", None,
         f"{q.may(task_project, 'PLAN')} AND EXISTS (SELECT 1 FROM {s}.person p "
         f"WHERE p.id = assignment.person_id AND p.project_id = {task_project})"),
        ("assignment", "UPDATE", "true", q.may(task_project, "PLAN")),
        ("assignment", "DELETE", q.may(task_project, "PLAN"), None),
        ("time_entry", "INSERT", None,
         f"{q.may_log('time_entry.project_id', 'time_entry.person_id')} AND "
         + person_of("time_entry", "p.party = 'vendor' AND p.grade = time_entry.grade")
         + f" AND {task_in_project}"),
        ("time_entry", "UPDATE", "true",
         f"{q.may_log('time_entry.project_id', 'time_entry.person_id')} AND {task_in_project}"),
        ("time_entry", "DELETE", q.may_log("time_entry.project_id", "time_entry.person_id"),
         None),
        ("blocker", "INSERT", None,
         f"{q.may('blocker.project_id', 'BLOCKER')} "
         f"AND blocker.raised_by = {q.key('blocker.project_id')}"),
        ("blocker", "UPDATE", "true", q.may("blocker.project_id", "BLOCKER")),
        ("change_request", "INSERT", None,
         f"{q.may('change_request.project_id', 'CHANGE')} "
         f"AND change_request.raised_by = {q.key('change_request.project_id')} "
         f"AND change_request.status = 'open' AND change_request.effective_on IS NULL"),
        ("change_request", "UPDATE", "true",
         f"{q.may('change_request.project_id', 'CHANGE')} "
         f"OR {q.may('change_request.project_id', 'SIGN')}"),
        ("change_delta", "INSERT", None, cr_open("change_delta")),
        ("change_delta", "DELETE", cr_open("change_delta"), None),
        ("change_quota_delta", "INSERT", None, cr_open("change_quota_delta")),
        ("change_quota_delta", "DELETE", cr_open("change_quota_delta"), None),
        ("period", "INSERT", None,
         f"{q.may('period.project_id', 'SIGN')} AND period.status = 'open'"),
        ("period", "UPDATE", "true", q.may("period.project_id", "SIGN")),
        ("acceptance", "INSERT", None,
         f"{q.may('acceptance.project_id', 'SIGN')} AND acceptance.status = 'open'"),
        ("acceptance", "UPDATE", "true", q.may("acceptance.project_id", "SIGN")),
        ("signature", "INSERT", None,
         f"{q.may('signature.project_id', 'SIGN')} "
         f"AND signature.person_id = {q.me('signature.project_id')} AND "
         + person_of("signature", "p.party = signature.party AND p.role = signature.role")
         + f" AND CASE signature.doc_kind {docs} ELSE false END"),
        ("quota_use", "INSERT", None,
         f"{q.may(quota_project, 'QUOTA')} AND quota_use.used_by = {q.key(quota_project)}"),
        ("audit_event", "INSERT", None,
         f"audit_event.actor = {q.actor('audit_event.project_code')}"),
        ("audit_witness", "INSERT", None,
         f"{q.bound()} AND EXISTS (SELECT 1 FROM {s}.audit_event e "
         f"WHERE e.id = audit_witness.audit_id AND e.hash = audit_witness.hash)"),
    ]


def _functions(s: str) -> str:
    """``sowtrack_may(project id, action)``: the matrix as the database holds it, for a
    person bound to this login (read by the test that compares it with MATRIX); and the
    trigger that lets a change request's status move only by a signature."""
    allowed = _Sql(s)._me("p_project", f"p_action = ANY ({_MATRIX})")
    return f"""
CREATE FUNCTION {s}.sowtrack_may(p_project integer, p_action text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, {s}, pg_temp AS $$
    SELECT COALESCE({allowed}, false)
$$;
CREATE FUNCTION {s}.sowtrack_change_status() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, {s}, pg_temp AS $$
BEGIN
    -- A change request's status and effective date move only by a signature, except
    -- that whoever may raise one may withdraw one that is not yet effective. The
    -- owner (to whom row-level security does not apply) is not checked.
    IF (NEW.status, NEW.effective_on) IS NOT DISTINCT FROM (OLD.status, OLD.effective_on)
       OR NOT row_security_active(TG_RELID)
       OR {s}.sowtrack_may(NEW.project_id, 'SIGN')
       OR (NEW.status = 'withdrawn' AND OLD.status <> 'effective'
           AND NEW.effective_on IS NOT DISTINCT FROM OLD.effective_on
           AND {s}.sowtrack_may(NEW.project_id, 'CHANGE')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'only a signer changes the status of change request %', OLD.number
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


_FUNCTION_NAMES = ("sowtrack_change_status()", "sowtrack_may(integer, text)")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(conn: sa.Connection) -> str:
    """The schema the tables are in (the owner's current schema when they were made)."""
    return str(conn.execute(sa.text(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass('audit_event')")).scalar())


def _sequences(conn: sa.Connection, s: str) -> dict[str, str]:
    """table -> the sequence that numbers its ids."""
    out = {}
    for table in TABLES:
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                           {"t": f"{_q(s)}.{_q(table)}"}).scalar()
        if seq:
            out[table] = str(seq)
    return out


def _revoke_others(conn: sa.Connection, s: str) -> None:
    """Take back every privilege on the tables and sequences from everyone but the owner,
    column privileges included, and the write privileges the owner's default privileges
    would grant on tables and sequences made later."""
    relations = [("TABLE", f"{_q(s)}.{_q(t)}") for t in (*TABLES, "alembic_version")]
    relations += [("SEQUENCE", seq) for seq in _sequences(conn, s).values()]
    for kind, rel in relations:
        grantees = conn.execute(sa.text("""
            SELECT DISTINCT a.grantee FROM pg_class c
            CROSS JOIN LATERAL aclexplode(c.relacl) a
            WHERE c.oid = CAST(:rel AS regclass) AND a.grantee <> c.relowner
            UNION
            SELECT DISTINCT a.grantee FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
            CROSS JOIN LATERAL aclexplode(t.attacl) a
            WHERE t.attrelid = CAST(:rel AS regclass) AND a.grantee <> c.relowner
            """), {"rel": rel}).scalars().all()
        op.execute(f"REVOKE ALL ON {kind} {rel} FROM PUBLIC")
        for oid in grantees:
            if oid != 0:  # 0 is PUBLIC
                name = conn.execute(sa.text("SELECT pg_get_userbyid(:o)"), {"o": oid}).scalar()
                op.execute(f"REVOKE ALL ON {kind} {rel} FROM {_q(str(name))}")
    owner = conn.execute(sa.text(
        "SELECT pg_get_userbyid(relowner) FROM pg_class "
        "WHERE oid = to_regclass('audit_event')")).scalar()
    defaults = conn.execute(sa.text("""
        SELECT d.defaclobjtype, a.grantee, n.nspname FROM pg_default_acl d
        LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
        CROSS JOIN LATERAL aclexplode(d.defaclacl) a
        WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = :owner)
          AND d.defaclobjtype IN ('r', 'S') AND a.grantee <> d.defaclrole
        """), {"owner": owner}).all()
    for objtype, oid, nsp in defaults:
        who = "PUBLIC" if oid == 0 else _q(str(conn.execute(
            sa.text("SELECT pg_get_userbyid(:o)"), {"o": oid}).scalar()))
        where = f" IN SCHEMA {_q(nsp)}" if nsp else ""
        what = ("INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES"
                if objtype == "r" else "UPDATE ON SEQUENCES")
        op.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {_q(str(owner))}{where} "
                   f"REVOKE {what} FROM {who}")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _schema(conn)
    _revoke_others(conn, s)
    op.execute(f"GRANT SELECT ON {_q(s)}.alembic_version TO PUBLIC")
    op.execute(_functions(_q(s)))
    for table in TABLES:
        t = f"{_q(s)}.{_q(table)}"
        op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
        if table in GRANTS:
            op.execute(f"GRANT {GRANTS[table]} ON {t} TO PUBLIC")
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    for table, command, using, check in _policies(_q(s)):
        name = f"sowtrack_{command.lower()}"
        sql = f"CREATE POLICY {name} ON {_q(s)}.{_q(table)} FOR {command}"
        if using:
            sql += f" USING ({using})"
        if check:
            sql += f" WITH CHECK ({check})"
        op.execute(sql)
    for table, seq in _sequences(conn, s).items():
        if "INSERT" in GRANTS.get(table, ""):
            op.execute(f"GRANT USAGE ON SEQUENCE {seq} TO PUBLIC")
    op.execute(f"CREATE TRIGGER sowtrack_change_status BEFORE UPDATE ON "
               f"{_q(s)}.change_request FOR EACH ROW "
               f"EXECUTE FUNCTION {_q(s)}.sowtrack_change_status()")


def downgrade() -> None:
    """Back to 0004 with login roles that only read: the policies go, so do the writes."""
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    s = _schema(conn)
    op.execute(f"DROP TRIGGER IF EXISTS sowtrack_change_status ON {_q(s)}.change_request")
    for table, command, _using, _check in _policies(_q(s)):
        op.execute(f"DROP POLICY IF EXISTS sowtrack_{command.lower()} ON {_q(s)}.{_q(table)}")
    for table in TABLES:
        t = f"{_q(s)}.{_q(table)}"
        op.execute(f"DROP POLICY IF EXISTS sowtrack_read ON {t}")
        op.execute(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
    for seq in _sequences(conn, s).values():
        op.execute(f"REVOKE ALL ON SEQUENCE {seq} FROM PUBLIC")
    for fn in _FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION IF EXISTS {_q(s)}.{fn}")
