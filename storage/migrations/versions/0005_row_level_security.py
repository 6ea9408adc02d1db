"""PostgreSQL enforces the permission matrix itself: privileges and row-level security.

Run by the database owner (`sowtrack db upgrade`). The owner, like a superuser, is
not subject to row-level security: it creates projects, binds people to login roles
and is the *operator*. Every other login role that may CONNECT to the database:

* reads every table (SELECT is granted to PUBLIC: who may connect is decided by the
  database's CONNECT privilege, so no role has to be created here, which would need
  CREATEROLE and would reach beyond this database);
* writes only what the permission matrix (``model/permissions.py``) lets the person
  bound to it do: a policy on each table asks :func:`sowtrack_may` whether the
  person whose ``db_role`` is ``session_user`` (the role that logged in, so that
  ``SET ROLE`` cannot dodge it) in the row's project may do the action. A login role
  bound to nobody may do nothing but read;
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

# The matrix of model/permissions.py, by the Action names; a test checks that the two
# agree. Kinds as in Actor.kind: a vendor lead, a vendor signatory, any other vendor
# person (an engineer), a client signatory, any other client person.
_MATRIX = """
    CASE
        WHEN me.party = 'vendor' AND me.role = 'lead' THEN
            ARRAY['LOG_OWN', 'LOG_OTHERS', 'BLOCKER', 'CHANGE', 'SIGN', 'QUOTA', 'PLAN', 'BIND']
        WHEN me.party = 'vendor' AND me.role = 'signatory' THEN
            ARRAY['LOG_OWN', 'BLOCKER', 'CHANGE', 'SIGN']
        WHEN me.party = 'vendor' THEN ARRAY['LOG_OWN', 'BLOCKER']
        WHEN me.role = 'signatory' THEN ARRAY['BLOCKER', 'CHANGE', 'SIGN']
        ELSE ARRAY['BLOCKER', 'CHANGE']
    END"""

# Helper functions. SECURITY DEFINER: they read person as the owner, so a policy on
# person that calls them does not recurse, and a fixed search_path keeps them safe.
_FUNCTIONS = """
CREATE FUNCTION {s}.sowtrack_me(p_project integer) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT id FROM person WHERE project_id = p_project AND db_role = session_user
$$;
CREATE FUNCTION {s}.sowtrack_key(p_project integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT key FROM person WHERE project_id = p_project AND db_role = session_user
$$;
CREATE FUNCTION {s}.sowtrack_actor(p_code text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT me.key FROM person me JOIN project p ON p.id = me.project_id
    WHERE p.code = p_code AND me.db_role = session_user
$$;
CREATE FUNCTION {s}.sowtrack_bound() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM person WHERE db_role = session_user)
$$;
CREATE FUNCTION {s}.sowtrack_may(p_project integer, p_action text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT COALESCE((SELECT p_action = ANY ({matrix})
                     FROM person me
                     WHERE me.project_id = p_project AND me.db_role = session_user), false)
$$;
CREATE FUNCTION {s}.sowtrack_may_log(p_project integer, p_person integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT (p_person = sowtrack_me(p_project) AND sowtrack_may(p_project, 'LOG_OWN'))
           OR sowtrack_may(p_project, 'LOG_OTHERS')
$$;
CREATE FUNCTION {s}.sowtrack_change_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
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

_FUNCTION_NAMES = ("sowtrack_change_status()", "sowtrack_may_log(integer, integer)",
                   "sowtrack_may(integer, text)", "sowtrack_bound()", "sowtrack_actor(text)",
                   "sowtrack_key(integer)", "sowtrack_me(integer)")

_PERSON_OF_ROW = ("EXISTS (SELECT 1 FROM person p WHERE p.id = {t}.person_id "
                  "AND p.project_id = {t}.project_id")
_TASK_IN_PROJECT = ("EXISTS (SELECT 1 FROM task t WHERE t.id = time_entry.task_id "
                    "AND t.project_id = time_entry.project_id)")
_TASK_PROJECT = "(SELECT t.project_id FROM task t WHERE t.id = assignment.task_id)"
_CR_OPEN = ("EXISTS (SELECT 1 FROM change_request c WHERE c.id = {t}.change_id "
            "AND c.status = 'open' AND sowtrack_may(c.project_id, 'CHANGE'))")
_QUOTA_PROJECT = "(SELECT q.project_id FROM quota q WHERE q.id = quota_use.quota_id)"
_DOC_IN_PROJECT = """CASE signature.doc_kind
    WHEN 'cr' THEN EXISTS (SELECT 1 FROM change_request d WHERE d.id = signature.doc_id
                           AND d.project_id = signature.project_id)
    WHEN 'period' THEN EXISTS (SELECT 1 FROM period d WHERE d.id = signature.doc_id
                               AND d.project_id = signature.project_id)
    WHEN 'acceptance' THEN EXISTS (SELECT 1 FROM acceptance d WHERE d.id = signature.doc_id
                                   AND d.project_id = signature.project_id)
    ELSE false END"""

#: (table, command, USING, WITH CHECK) of every write policy; every table also has a
#: read policy for all. A command with no policy is refused to every login role but
#: the owner, whatever privileges it is granted. An UPDATE policy checks the new row
#: only (USING true): the columns its check reads (the project, the person) may not be
#: updated, so the new row answers for the old one, and a refused UPDATE is an error
#: rather than a statement that silently matches no row.
POLICIES: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("project", "UPDATE", "true", "sowtrack_may(id, 'SIGN')"),
    ("person", "UPDATE", "true",
     "sowtrack_may(project_id, 'PLAN') AND party = 'vendor'"),
    ("task", "INSERT", None, "sowtrack_may(project_id, 'PLAN')"),
    ("task", "UPDATE", "true", "sowtrack_may(project_id, 'PLAN')"),
    ("assignment", "INSERT", None,
     f"sowtrack_may({_TASK_PROJECT}, 'PLAN') AND EXISTS (SELECT 1 FROM person p "
     f"WHERE p.id = assignment.person_id AND p.project_id = {_TASK_PROJECT})"),
    ("assignment", "UPDATE", "true", f"sowtrack_may({_TASK_PROJECT}, 'PLAN')"),
    ("assignment", "DELETE", f"sowtrack_may({_TASK_PROJECT}, 'PLAN')", None),
    ("time_entry", "INSERT", None,
     "sowtrack_may_log(project_id, person_id) AND "
     + _PERSON_OF_ROW.format(t="time_entry")
     + " AND p.party = 'vendor' AND p.grade IS NOT NULL AND p.grade = time_entry.grade) AND "
     + _TASK_IN_PROJECT),
    ("time_entry", "UPDATE", "true",
     "sowtrack_may_log(project_id, person_id) AND " + _TASK_IN_PROJECT),
    ("time_entry", "DELETE", "sowtrack_may_log(project_id, person_id)", None),
    ("blocker", "INSERT", None,
     "sowtrack_may(project_id, 'BLOCKER') AND raised_by = sowtrack_key(project_id)"),
    ("blocker", "UPDATE", "true", "sowtrack_may(project_id, 'BLOCKER')"),
    ("change_request", "INSERT", None,
     "sowtrack_may(project_id, 'CHANGE') AND raised_by = sowtrack_key(project_id) "
     "AND status = 'open' AND effective_on IS NULL"),
    ("change_request", "UPDATE", "true",
     "sowtrack_may(project_id, 'CHANGE') OR sowtrack_may(project_id, 'SIGN')"),
    ("change_delta", "INSERT", None, _CR_OPEN.format(t="change_delta")),
    ("change_delta", "DELETE", _CR_OPEN.format(t="change_delta"), None),
    ("change_quota_delta", "INSERT", None, _CR_OPEN.format(t="change_quota_delta")),
    ("change_quota_delta", "DELETE", _CR_OPEN.format(t="change_quota_delta"), None),
    ("period", "INSERT", None, "sowtrack_may(project_id, 'SIGN') AND status = 'open'"),
    ("period", "UPDATE", "true", "sowtrack_may(project_id, 'SIGN')"),
    ("acceptance", "INSERT", None, "sowtrack_may(project_id, 'SIGN') AND status = 'open'"),
    ("acceptance", "UPDATE", "true", "sowtrack_may(project_id, 'SIGN')"),
    ("signature", "INSERT", None,
     "sowtrack_may(project_id, 'SIGN') AND person_id = sowtrack_me(project_id) AND "
     + _PERSON_OF_ROW.format(t="signature")
     + " AND p.party = signature.party AND p.role = signature.role) AND " + _DOC_IN_PROJECT),
    ("quota_use", "INSERT", None,
     f"sowtrack_may({_QUOTA_PROJECT}, 'QUOTA') AND used_by = sowtrack_key({_QUOTA_PROJECT})"),
    ("audit_event", "INSERT", None, "actor = sowtrack_actor(project_code)"),
    ("audit_witness", "INSERT", None,
     "sowtrack_bound() AND EXISTS (SELECT 1 FROM audit_event e "
     "WHERE e.id = audit_witness.audit_id AND e.hash = audit_witness.hash)"),
)


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
    op.execute(_FUNCTIONS.format(s=_q(s), matrix=_MATRIX))
    for table in TABLES:
        t = f"{_q(s)}.{_q(table)}"
        op.execute(f"GRANT SELECT ON {t} TO PUBLIC")
        if table in GRANTS:
            op.execute(f"GRANT {GRANTS[table]} ON {t} TO PUBLIC")
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY sowtrack_read ON {t} FOR SELECT USING (true)")
    for table, command, using, check in POLICIES:
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
    for table, command, _using, _check in POLICIES:
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
