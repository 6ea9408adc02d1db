"""PostgreSQL enforces the permission matrix itself (SPEC §7, migration 0005).

Real login roles, made as the README's recipe says (the ``roles`` fixture: CONNECT
and nothing else), bound by the database owner. Connected as them, plain SQL that
the matrix forbids is refused by the server; the program's own writes, through the
command line, still work for each bound person; a role bound to nobody only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from model.permissions import MATRIX, OPERATOR, UNBOUND, Action, Actor
from model.rules import DaySums
from storage.db import HEAD_REVISION, make_engine, reading, run_alembic
from storage.orm import AuditEvent, ChangeRequest, Person, Project, Signature
from storage.services import Ledger
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW

# Login roles exist on PostgreSQL only: no SQLite variant here.
pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

CODE = "CLAIMS-AGENT-2026"
LIU, ZHANG, LI = "liu.yang", "zhang.wei", "li.na"  # engineer, lead, client signatory


def _role(url: str) -> str:
    return str(make_url(url).username)


class Team:
    """The example SOW with login roles bound by the owner to the engineer liu.yang, the
    lead zhang.wei and the client signatory li.na; one more role is bound to nobody."""

    def __init__(self, owner_url: str, roles: Callable[[str], str]):
        self.owner_url = owner_url
        self.owner = Ledger.open(owner_url)  # the operator: the database owner
        self.owner = self.owner.for_project(
            self.owner.init_project(load_sow(EXAMPLE_SOW)).code)
        self.url = {LIU: roles("liu"), ZHANG: roles("zhang"), LI: roles("li")}
        for key, url in self.url.items():
            self.owner.bind_role(key, _role(url))
        self.nobody = roles("nobody")  # a login role bound to no person

    def cli(self, who: str | None, *argv: str) -> int:
        return main(["--db", self.url[who] if who else self.nobody, *argv])

    def audit_rows(self) -> list[tuple[int, str, str, str]]:
        with reading(self.owner.engine) as s:
            return [(r.id, r.actor, r.action, r.entity) for r in
                    s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]


@pytest.fixture
def team(db_url: str, roles, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    t = Team(db_url, roles)
    yield t
    t.owner.engine.dispose()


def _ok(team: Team, capsys: pytest.CaptureFixture[str], who: str | None, *argv: str) -> str:
    rc = team.cli(who, *argv)
    out = capsys.readouterr()
    assert rc == 0, (argv, out.err)
    return out.out


def _refused(team: Team, capsys: pytest.CaptureFixture[str], who: str | None,
             *argv: str) -> str:
    rc = team.cli(who, *argv)
    err = capsys.readouterr().err
    assert rc == 1, argv
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def _sql(url: str, statement: str) -> int | str:
    """Try one statement as the login role of ``url``, then roll it back: the rows it
    affected, or the SQLSTATE of the server's refusal."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn, conn.begin() as tx:
            try:
                return conn.execute(text(statement)).rowcount
            finally:
                tx.rollback()
    except DBAPIError as exc:
        return str(getattr(exc.orig, "sqlstate", exc.orig))
    finally:
        engine.dispose()


def _history(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    """Something of everything, written by the bound lead and client: entries of others,
    an effective CR (two signatures), an open CR, a signed period, a quota use."""
    _ok(team, capsys, ZHANG, "log", "--task", "T1", "--hours", "8", "--date", "2026-03-02",
        "--person", "wang.fang")
    _ok(team, capsys, LIU, "log", "--task", "T2", "--hours", "8", "--date", "2026-03-02")
    _ok(team, capsys, ZHANG, "cr", "new", "--title", "OCR", "--delta", "expert=3", "--on",
        "2026-03-03")
    _ok(team, capsys, ZHANG, "cr", "sign", "CR-001", "--on", "2026-03-04")
    _ok(team, capsys, LI, "cr", "sign", "CR-001", "--on", "2026-03-05")
    _ok(team, capsys, ZHANG, "cr", "new", "--title", "Fraud hints", "--delta", "senior=5",
        "--on", "2026-03-05")
    _ok(team, capsys, ZHANG, "signoff", "period", "--from", "2026-03-02", "--to", "2026-03-06",
        "--on", "2026-03-09")
    _ok(team, capsys, ZHANG, "quota", "use", "research-meetings", "--on", "2026-03-05")
    _ok(team, capsys, ZHANG, "blocker", "add", "--title", "VPN", "--party", "client", "--on",
        "2026-03-05")
    engine = create_engine(team.owner_url, poolclass=NullPool)
    with engine.begin() as c:  # the chain's head witnessed (the program does this on commit)
        c.execute(text("INSERT INTO audit_witness (audit_id, hash) SELECT id, hash "
                       "FROM audit_event ORDER BY id DESC LIMIT 1"))
    engine.dispose()


def _person(key: str) -> str:
    return f"(SELECT id FROM person WHERE key = '{key}')"


def _sig(key: str, party: str, role: str, doc: str = "CR-002") -> str:
    return ("INSERT INTO signature (project_id, doc_kind, doc_id, person_id, party, role, "
            "signed_on, digest) SELECT c.project_id, 'cr', c.id, "
            f"{_person(key)}, '{party}', '{role}', DATE '2026-03-06', repeat('0', 64) "
            f"FROM change_request c WHERE c.number = '{doc}'")


def _audit(actor: str) -> str:
    return ("INSERT INTO audit_event (project_code, at, actor, action, entity, ref, prev_hash, "
            f"hash) VALUES ('{CODE}', now(), '{actor}', 'sign', 'signature', 'CR-002/x', "
            "repeat('0', 64), md5(random()::text) || md5(random()::text))")


#: What a bound engineer tries with plain SQL; the server refuses each with an error.
FORBIDDEN: dict[str, str] = {
    # bindings, roles and grades
    "bind himself to the lead": "UPDATE person SET db_role = session_user WHERE key = 'zhang.wei'",
    "unbind the lead": "UPDATE person SET db_role = NULL WHERE key = 'zhang.wei'",
    "unbind himself": "UPDATE person SET db_role = NULL WHERE key = 'liu.yang'",
    "bind the client elsewhere": "UPDATE person SET db_role = 'postgres' WHERE key = 'li.na'",
    "make himself the lead": "UPDATE person SET role = 'lead' WHERE key = 'liu.yang'",
    "change his party": "UPDATE person SET party = 'client' WHERE key = 'liu.yang'",
    "raise his own grade": "UPDATE person SET grade = 'expert' WHERE key = 'liu.yang'",
    "change another's grade": "UPDATE person SET grade = 'junior' WHERE key = 'wang.fang'",
    "add a person bound to himself": (
        "INSERT INTO person (project_id, key, name, party, role, grade, db_role) "
        "SELECT id, 'mallory', 'M', 'vendor', 'lead', 'expert', session_user FROM project"),
    # signatures
    "sign a CR himself": _sig("liu.yang", "vendor", "engineer"),
    "sign a CR as the lead": _sig("zhang.wei", "vendor", "lead"),
    "insert the client's signature": _sig("li.na", "client", "signatory"),
    "sign as himself with the lead's role": _sig("liu.yang", "vendor", "lead"),
    "edit a signature": "UPDATE signature SET signed_on = signed_on + 1",
    "re-date a signature's digest": "UPDATE signature SET digest = repeat('1', 64)",
    "delete a signature": "DELETE FROM signature",
    # audit rows and the witness
    "edit an audit row": "UPDATE audit_event SET actor = 'liu.yang'",
    "delete the newest audit rows": (
        "DELETE FROM audit_event WHERE id > (SELECT max(id) - 3 FROM audit_event)"),
    "truncate the audit log": "TRUNCATE audit_event",
    "append an audit row as the lead": _audit("zhang.wei"),
    "append an audit row as the client": _audit("li.na"),
    "append an audit row as a login role": _audit("db:postgres"),
    "delete the witness": "DELETE FROM audit_witness",
    "edit the witness": "UPDATE audit_witness SET hash = repeat('0', 64)",
    "plant a witness head not in the chain": (
        "INSERT INTO audit_witness (audit_id, hash) VALUES (999999, repeat('f', 64))"),
    # the signed SOW
    "change a rate": "UPDATE rate SET day_rate_minor = day_rate_minor * 10",
    "add a rate": (
        "INSERT INTO rate (project_id, grade, day_rate_minor) SELECT id, 'guru', 1 FROM project"),
    "change the baseline": "UPDATE baseline SET pd_milli = pd_milli + 100000",
    "change a quota limit": 'UPDATE quota SET "limit" = "limit" + 10',
    "change the calendar": "DELETE FROM calendar_day",
    "move the SOW's end": 'UPDATE project SET "end" = "end" + 30',
    "accept the project": "UPDATE project SET accepted_on = start",
    # change requests, periods, quota uses, tasks, blockers
    "delete a CR": "DELETE FROM change_request",
    "make a CR effective": ("UPDATE change_request SET status = 'effective', "
                            "effective_on = raised_on WHERE number = 'CR-002'"),
    "re-open an effective CR": "UPDATE change_request SET status = 'open' WHERE number = 'CR-001'",
    "raise a CR as the lead": (
        "INSERT INTO change_request (project_id, number, title, reason, raised_on, raised_by, "
        "status) SELECT id, 'CR-099', 'x', '', start, 'zhang.wei', 'open' FROM project"),
    "change a CR's delta": "UPDATE change_delta SET pd_milli = 90000",
    "withdraw a signed period": "UPDATE period SET status = 'withdrawn'",
    "record a quota use": ("INSERT INTO quota_use (quota_id, used_on, n, note, used_by) "
                           "SELECT id, DATE '2026-03-06', 1, '', 'liu.yang' FROM quota LIMIT 1"),
    "change a quota use": "UPDATE quota_use SET n = 100",
    "delete a quota use": "DELETE FROM quota_use",
    "change a task's estimate": "UPDATE task SET estimate_milli = 1",
    "add a task": ("INSERT INTO task (project_id, code, title, estimate_milli, priority, status) "
                   "SELECT id, 'T9', 'x', 1000, 'low', 'open' FROM project"),
    "delete a blocker": "DELETE FROM blocker",
    "raise a blocker as the lead": (
        "INSERT INTO blocker (project_id, number, title, party, raised_on, raised_by) "
        "SELECT id, 'B-099', 'x', 'client', start, 'zhang.wei' FROM project"),
    # entries of other people
    "edit another's entry": (
        f"UPDATE time_entry SET minutes = 1 WHERE person_id = {_person('wang.fang')}"),
    "take another's entry": (
        f"UPDATE time_entry SET person_id = {_person('liu.yang')} "
        f"WHERE person_id = {_person('wang.fang')}"),
    "re-grade his own entry": "UPDATE time_entry SET grade = 'expert'",
    "log for another": (
        "INSERT INTO time_entry (project_id, person_id, task_id, \"on\", minutes, grade, note) "
        f"SELECT t.project_id, {_person('wang.fang')}, t.id, DATE '2026-03-10', 60, "
        "'intermediate', '' FROM task t WHERE t.code = 'T2'"),
    # the sums kept per date for the figures (migration 0015): only the database's own
    # functions write them, from the entries
    "forge a day's sum": "UPDATE day_sum SET minutes = minutes + 600",
    "add a day's sum": ('INSERT INTO day_sum (project_id, "on", grade, minutes) '
                        "SELECT id, start, 'senior', 600 FROM project"),
    "delete the sums": "DELETE FROM day_sum",
    "clear the dirty dates": "DELETE FROM day_sum_dirty",
    "mark a date dirty": ('INSERT INTO day_sum_dirty (project_id, "on") '
                          "SELECT id, start FROM project"),
    # the intervals imported from other trackers (migration 0016): his own only, and
    # never changed or removed
    "record another's tracker interval": (
        'INSERT INTO tracker_piece (project_id, person_id, tool, key, "on", seconds) '
        f"SELECT id, {_person('wang.fang')}, 'timew', '20260302T010000Z', start, 3600 "
        "FROM project"),
    "change a tracker interval's seconds": "UPDATE tracker_piece SET seconds = 1",
    "forget the tracker intervals": "DELETE FROM tracker_piece",
    # the schema
    "turn row-level security off": "ALTER TABLE person DISABLE ROW LEVEL SECURITY",
    "drop a policy": "DROP POLICY sowtrack_insert ON audit_event",
}

#: What the same engineer may do with plain SQL, as the program does it.
ALLOWED: dict[str, str] = {
    "edit his own entry": (
        f"UPDATE time_entry SET minutes = 420 WHERE person_id = {_person('liu.yang')}"),
    "append an audit row as himself": _audit("liu.yang"),
    "raise a blocker as himself": (
        "INSERT INTO blocker (project_id, number, title, party, raised_on, raised_by) "
        "SELECT id, 'B-099', 'x', 'client', start, 'liu.yang' FROM project"),
    "record his own tracker interval": (
        'INSERT INTO tracker_piece (project_id, person_id, tool, key, "on", seconds) '
        f"SELECT id, {_person('liu.yang')}, 'timew', '20260302T010000Z', start, 3600 "
        "FROM project"),
    "witness the chain's head": (
        "INSERT INTO audit_witness (audit_id, hash) SELECT id, hash FROM audit_event "
        "ORDER BY id DESC LIMIT 1"),
}

#: DELETEs whose rows a policy hides from him: they match no row and delete nothing.
HIDDEN: dict[str, str] = {
    "delete another's entry": f"DELETE FROM time_entry WHERE person_id = {_person('wang.fang')}",
    "delete a CR's deltas": "DELETE FROM change_delta",
    "delete an allocation": "DELETE FROM assignment",
}


def test_each_forbidden_statement_is_refused_by_the_server(
        team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue: with the README's grants a bound engineer changed bindings, roles,
    grades, rates, signatures and audit rows with plain SQL. Now each is refused."""
    _history(team, capsys)
    before = team.audit_rows()
    engineer = team.url[LIU]
    outcomes = {name: _sql(engineer, sql) for name, sql in FORBIDDEN.items()}
    # 42501 insufficient_privilege: a missing privilege or a row-level security policy.
    assert {name: got for name, got in outcomes.items() if got != "42501"} == {}
    assert {name: _sql(engineer, sql) for name, sql in HIDDEN.items()} == dict.fromkeys(
        HIDDEN, 0)
    assert {name: _sql(engineer, sql) for name, sql in ALLOWED.items()} == dict.fromkeys(
        ALLOWED, 1)
    assert team.audit_rows() == before
    count, problems = team.owner.verify()
    assert problems == [] and count == len(before)
    people = {p.key: p.login_role for p in team.owner.people()}
    assert people[ZHANG] == _role(team.url[ZHANG]) and people[LIU] == _role(engineer)
    # The same statements as the owner (the operator, past row-level security) are not
    # refused: the refusals above are the policies', not a broken schema's.
    assert isinstance(_sql(team.owner_url, FORBIDDEN["raise his own grade"]), int)


def test_the_issues_rebinding_attack_fails(team: Team,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The issue: a bound engineer moved his binding to the lead with UPDATE person, raised
    and signed a CR as the lead, rebound the client and signed as the client; verify stayed
    ok with the lead and the client as actors. And an unbound login role was the operator,
    who may `person bind`, so no SQL was needed."""
    _history(team, capsys)
    before = team.audit_rows()
    liu, nobody = team.url[LIU], team.nobody
    # 1. With SQL: every step is refused by the server.
    for step in ("UPDATE person SET db_role = NULL WHERE key = 'liu.yang'",
                 "UPDATE person SET db_role = session_user WHERE key = 'zhang.wei'",
                 "UPDATE person SET db_role = session_user WHERE key = 'li.na'"):
        assert _sql(liu, step) == "42501", step
    # 2. Through the program: acting as the lead or the client is refused.
    for who in (ZHANG, LI):
        err = _refused(team, capsys, LIU, "--as", who, "cr", "new", "--title", "Mine",
                       "--delta", "expert=50", "--on", "2026-03-10")
        assert err == (f"error: --as: this connection's database login role {_role(liu)!r} "
                       f"is bound to liu.yang; it cannot act as {who}")
    assert "liu.yang (vendor engineer) may not sign" in _refused(
        team, capsys, LIU, "cr", "sign", "CR-002", "--on", "2026-03-10")
    # 3. A login role bound to nobody is not the operator: it may not bind, nor act.
    assert _refused(team, capsys, None, "person", "bind", ZHANG, _role(nobody)) == (
        "error: person bind: only the database owner binds people to login roles")
    assert _refused(team, capsys, None, "person", "unbind", ZHANG) == (
        "error: person unbind: only the database owner binds people to login roles")
    for argv in (["--as", "zhao.min", "cr", "sign", "CR-002", "--on", "2026-03-10"],
                 ["cr", "new", "--title", "Mine", "--delta", "expert=50"]):
        err = _refused(team, capsys, None, *argv)
        assert err.startswith(f"error: --as: the database login role {_role(nobody)!r}, "
                              f"bound to no person, may not "), err
        assert "it may only read" in err
    # ... and with SQL the server refuses it too.
    assert _sql(nobody, "UPDATE person SET db_role = session_user WHERE key = 'zhao.min'") == (
        "42501")
    assert _sql(nobody, _sig("zhao.min", "vendor", "signatory")) == "42501"
    # Nothing happened: no row by the lead or the client since, the CR is unsigned.
    assert team.audit_rows() == before
    assert team.owner.change_request("CR-002").signatures == ()
    assert team.owner.verify()[1] == []


def test_neither_set_role_nor_a_temporary_table_dodges_the_policies(team: Team) -> None:
    """The policies ask for session_user: a bound engineer who may SET ROLE to the lead's
    login role is still the engineer. And they name their tables with the schema, so a
    temporary table ``person`` in his session, binding him as the lead, changes nothing."""
    liu, zhang = _role(team.url[LIU]), _role(team.url[ZHANG])
    admin = create_engine(team.owner_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(text(f"GRANT {zhang} TO {liu}"))
    admin.dispose()
    for sql in ("UPDATE task SET estimate_milli = 1", _audit("zhang.wei"),
                "UPDATE person SET grade = 'junior' WHERE key = 'wang.fang'"):
        assert _sql(team.url[LIU], f"SET ROLE {zhang}; {sql}") == "42501", sql
    shadow = ("CREATE TEMP TABLE person AS SELECT * FROM public.person; "
              "UPDATE pg_temp.person SET db_role = session_user WHERE key = 'zhang.wei'; "
              "UPDATE pg_temp.person SET db_role = NULL WHERE key = 'liu.yang'; ")
    for sql in ("UPDATE task SET estimate_milli = 1", _audit("zhang.wei")):
        assert _sql(team.url[LIU], shadow + sql) == "42501", sql
        assert _sql(team.url[LIU], "SET search_path = pg_temp, public; " + shadow + sql) == (
            "42501"), sql


def test_the_bound_people_work_through_the_program(team: Team, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Every ordinary write, by a bound engineer, lead and client through the command line
    (sequences, RETURNING, the advisory lock and SET LOCAL under row-level security)."""
    first = len(team.audit_rows())
    # The engineer: his own entries, an import of them, blockers.
    assert "acting as liu.yang 刘洋, vendor engineer" in _ok(team, capsys, LIU, "whoami")
    _ok(team, capsys, LIU, "log", "--task", "T2", "--hours", "7.5", "--date", "2026-03-02")
    _ok(team, capsys, LIU, "log", "--task", "T4", "--hours", "1", "--date", "2026-03-03")
    _ok(team, capsys, LIU, "entry", "edit", "1", "--hours", "7", "--note", "parser")
    _ok(team, capsys, LIU, "entry", "delete", "2")
    mine = tmp_path / "mine.csv"
    mine.write_text("date,person,task,hours,note\n2026-03-03,liu.yang,T2,6,\n"
                    "2026-03-04,liu.yang,T4,2,eval\n", encoding="utf-8")
    assert "2" in _ok(team, capsys, LIU, "import", "entries", str(mine))
    _ok(team, capsys, LIU, "blocker", "add", "--title", "VPN down", "--party", "client",
        "--on", "2026-03-03")
    _ok(team, capsys, LIU, "blocker", "resolve", "B-001", "--on", "2026-03-04")
    # The lead: entries of others, an import, CRs, a quota use, a grade, tasks.
    _ok(team, capsys, ZHANG, "log", "--task", "T1", "--hours", "8", "--date", "2026-03-02",
        "--person", "wang.fang")
    _ok(team, capsys, ZHANG, "entry", "edit", "5", "--hours", "6")
    others = tmp_path / "others.csv"
    others.write_text("date,person,task,hours,note\n2026-03-03,wang.fang,T3,4,\n"
                      "2026-03-03,chen.jing,T3,8,\n2026-03-04,zhang.wei,T1,8,\n",
                      encoding="utf-8")
    _ok(team, capsys, ZHANG, "import", "entries", str(others))
    _ok(team, capsys, ZHANG, "entry", "delete", "6")
    _ok(team, capsys, ZHANG, "cr", "new", "--title", "OCR", "--delta", "expert=3",
        "--quota", "prompt-rounds=2", "--on", "2026-03-04")
    _ok(team, capsys, ZHANG, "cr", "edit", "CR-001", "--reason", "handwritten forms",
        "--delta", "expert=4")
    _ok(team, capsys, ZHANG, "cr", "new", "--title", "Spare", "--delta", "senior=1", "--on",
        "2026-03-04")
    _ok(team, capsys, ZHANG, "cr", "withdraw", "CR-002")
    _ok(team, capsys, ZHANG, "cr", "sign", "CR-001", "--on", "2026-03-05")
    _ok(team, capsys, ZHANG, "quota", "use", "research-meetings", "--on", "2026-03-05")
    _ok(team, capsys, ZHANG, "person", "grade", "wang.fang", "senior")
    lead = Ledger(make_engine(team.url[ZHANG]), CODE)  # tasks: the app's actions
    lead.add_task("T9", "Load test", "3", assignees=["wang.fang"])
    lead.edit_task("T1", priority="low", estimate="7")
    lead.set_allocation("T2", "liu.yang", "12")
    lead.set_allocation("T9", "wang.fang", None)
    lead.engine.dispose()
    # The client: signs the CR (effective), raises one, raises a blocker.
    assert "effective" in _ok(team, capsys, LI, "cr", "sign", "CR-001", "--on", "2026-03-06")
    _ok(team, capsys, LI, "cr", "new", "--title", "Client idea", "--delta", "junior=1",
        "--on", "2026-03-06")
    _ok(team, capsys, LI, "blocker", "add", "--title", "Data late", "--party", "client",
        "--on", "2026-03-06")
    # A period, then the acceptance, signed by both parties.
    _ok(team, capsys, ZHANG, "signoff", "period", "--from", "2026-03-02", "--to",
        "2026-03-06", "--on", "2026-03-09")
    _ok(team, capsys, ZHANG, "signoff", "withdraw", "TS-001")
    _ok(team, capsys, ZHANG, "signoff", "period", "--from", "2026-03-02", "--to",
        "2026-03-06", "--on", "2026-03-09")
    _ok(team, capsys, LI, "signoff", "period", "--from", "2026-03-02", "--to", "2026-03-06",
        "--on", "2026-03-10")
    _ok(team, capsys, ZHANG, "signoff", "acceptance", "--on", "2026-03-11")
    _ok(team, capsys, LI, "signoff", "acceptance", "--on", "2026-03-12")
    assert team.owner.project().accepted_on is not None

    rows = team.audit_rows()[first:]
    assert {actor for _, actor, _, _ in rows} == {LIU, ZHANG, LI}
    assert {(a, e) for _, _, a, e in rows} >= {
        ("log", "entry"), ("edit", "entry"), ("delete", "entry"), ("import", "entries"),
        ("add", "blocker"), ("resolve", "blocker"), ("raise", "cr"), ("edit", "cr"),
        ("withdraw", "cr"), ("sign", "signature"), ("use", "quota_use"), ("grade", "person"),
        ("add", "task"), ("edit", "task"), ("allocate", "task"), ("withdraw", "period"),
        ("accept", "project")}
    assert team.owner.verify()[1] == []
    with reading(team.owner.engine) as s:
        signers = {(k, p) for k, p in s.execute(
            select(Person.key, Signature.party).join(Person, Person.id == Signature.person_id))}
        assert signers == {(ZHANG, "vendor"), (LI, "client")}
        assert s.execute(select(func.count()).select_from(ChangeRequest)).scalar() == 3


def test_an_unbound_login_role_only_reads(team: Team,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _history(team, capsys)
    before = team.audit_rows()
    nobody = _role(team.nobody)
    assert "acting as nobody, read only: this login role is bound to no person" in _ok(
        team, capsys, None, "whoami")
    assert "CLAIMS-AGENT-2026" in _ok(team, capsys, None, "report", "summary")
    assert "ok:" in _ok(team, capsys, None, "verify")
    assert "wang.fang" in _ok(team, capsys, None, "entries")
    refusals = {
        "log": ["--as", "wang.fang", "log", "--task", "T1", "--hours", "1", "--date",
                "2026-03-10"],
        "blocker": ["blocker", "add", "--title", "x", "--party", "client", "--on",
                    "2026-03-10"],
        "quota": ["quota", "use", "research-meetings", "--on", "2026-03-10"],
        "sign": ["--as", "zhao.min", "signoff", "period", "--from", "2026-03-09", "--to",
                 "2026-03-13", "--on", "2026-03-16"],
    }
    for name, argv in refusals.items():
        err = _refused(team, capsys, None, *argv)
        assert err.startswith(f"error: --as: the database login role {nobody!r}, bound to no "
                              f"person, may not "), (name, err)
        assert err.endswith(f"it may only read (the database owner binds it: `sowtrack person "
                            f"bind PERSON {nobody}`)"), (name, err)
    assert _refused(team, capsys, None, "init", str(EXAMPLE_SOW)) == (
        "error: init: only the database owner creates projects in a shared PostgreSQL ledger")
    # The server refuses its writes too, whatever the program would do.
    for sql in ("INSERT INTO blocker (project_id, number, title, party, raised_on, raised_by) "
                "SELECT id, 'B-099', 'x', 'client', start, NULL FROM project",
                _audit("wang.fang"), _audit(f"db:{nobody}"),
                "INSERT INTO audit_witness (audit_id, hash) SELECT id, hash FROM audit_event "
                "ORDER BY id DESC LIMIT 1",
                "UPDATE task SET estimate_milli = 1"):
        assert _sql(team.nobody, sql) == "42501", sql
    assert team.audit_rows() == before


def test_a_server_refusal_is_one_line(team: Team) -> None:
    """When the program would write what the server refuses (here: its own check is
    skipped), the refusal is one line naming what was refused, and nothing is written."""
    from model.errors import LedgerError

    class ThinksHimTheLead(Ledger):
        """A ledger whose own check is skipped: whoever connects, it acts as the lead."""

        def _actor(self, s: Session, project: Project) -> tuple[Actor, Person | None]:
            return Actor(ZHANG, "vendor", "lead"), self._person(s, project, ZHANG)

    engine = make_engine(team.url[LIU])
    assert Ledger(engine, CODE).whoami()[1].key == LIU  # the program knows him as himself
    engineer = ThinksHimTheLead(engine, CODE)  # as if the program thought him the lead
    before = team.audit_rows()
    with pytest.raises(LedgerError, match=r'^the database refused this change: new row '
                                          r'violates row-level security policy for table '
                                          r'"person"; nothing was written$'):
        engineer.change_grade("wang.fang", "junior")
    with pytest.raises(LedgerError, match=r'^the database refused this change: new row '
                                          r'violates row-level security policy for table '
                                          r'"blocker"; nothing was written$'):
        engineer.add_blocker("x", "client", on="2026-03-05")  # raised_by: not his key
    engineer.engine.dispose()
    assert team.audit_rows() == before


def test_the_databases_matrix_is_the_programs(team: Team) -> None:
    """Migration 0005 holds a copy of model/permissions.MATRIX in sowtrack_may(): bound to
    a person of each kind in turn, a login role is allowed exactly that kind's actions."""
    probe = team.url[LIU]
    engine = create_engine(probe, poolclass=NullPool)
    team.owner.bind_role(LIU, None)
    admin = create_engine(team.owner_url, poolclass=NullPool)
    with admin.begin() as c:  # a client person who is not a signatory, as a SOW cannot say
        c.execute(text("INSERT INTO person (project_id, key, name, party, role) "
                       "SELECT id, 'sun.hao', 'S', 'client', 'lead' FROM project"))
    admin.dispose()
    kinds = set()
    for p in team.owner.people():
        team.owner.bind_role(p.key, _role(probe))
        kind = Actor(p.key, p.party, p.role).kind
        kinds.add(kind)
        with engine.connect() as c:
            may = {a for a in Action if c.execute(text(
                "SELECT sowtrack_may((SELECT id FROM project), :a)"), {"a": a.name}).scalar()}
        assert may == set(MATRIX[kind]), kind
        team.owner.bind_role(p.key, None)
    assert kinds == set(MATRIX) - {OPERATOR, UNBOUND}  # every kind a person can be
    with engine.connect() as c:  # bound to nobody: nothing, as MATRIX[UNBOUND]
        assert not any(c.execute(text("SELECT sowtrack_may((SELECT id FROM project), :a)"),
                                 {"a": a.name}).scalar() for a in Action)
    engine.dispose()


def test_the_upgrade_revokes_the_old_readme_grants(db_url: str, roles,  # type: ignore[no-untyped-def]
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A ledger set up with the README's earlier recipe (every write on every table, also
    by default on later tables) is safe after `db upgrade`: those grants are gone."""
    owner = make_url(db_url).username
    led = Ledger.open(db_url)
    led.init_project(load_sow(EXAMPLE_SOW))
    liu = roles("liu")
    assert main(["--db", db_url, "person", "bind", LIU, _role(liu)]) == 0
    run_alembic(led.engine, "downgrade", "0004")
    led.engine.dispose()
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    old_recipe = (
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {_role(liu)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_role(liu)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {_role(liu)}")
    try:
        with admin.connect() as c:
            for sql in old_recipe:
                c.execute(text(sql))
        # At 0004 the attack of the issue works: that is what the upgrade must end.
        assert _sql(liu, "UPDATE person SET db_role = NULL WHERE key = 'liu.yang'") == 1
        capsys.readouterr()
        assert main(["--db", db_url, "db", "upgrade"]) == 0
        assert f"0004 → {HEAD_REVISION}" in capsys.readouterr().out
        assert _sql(liu, "UPDATE person SET db_role = NULL WHERE key = 'liu.yang'") == "42501"
        assert _sql(liu, "DELETE FROM audit_event") == "42501"
        with admin.connect() as c:
            writes = c.execute(text(
                "SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a "
                "WHERE a.grantee = CAST(:r AS regrole) AND a.privilege_type <> 'SELECT'"),
                {"r": _role(liu)}).scalar()
        assert writes == 0
        assert main(["--db", liu, "log", "--task", "T2", "--hours", "2", "--date",
                     "2026-03-02"]) == 0
    finally:
        with admin.connect() as c:  # a role named in default privileges cannot be dropped
            c.execute(text(f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                           f"REVOKE ALL ON TABLES FROM {_role(liu)}"))
        admin.dispose()


def test_the_bound_peoples_writes_keep_the_sums(team: Team,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Entries logged by bound login roles (who may not write the sums' tables): their
    dates are marked and recomputed by the database's functions, as the owner, at the end
    of each write; what a role may do to an entry by plain SQL marks its date too."""
    from storage.figures import daily_sums, stored_sum_problems
    from storage.orm import DaySum, DaySumDirty

    _history(team, capsys)
    with reading(team.owner.engine) as s:
        project_id = s.execute(select(Project.id)).scalar_one()
        assert s.execute(select(func.count()).select_from(DaySumDirty)).scalar() == 0
        assert stored_sum_problems(s) == []
        kept = {(r.on.isoformat(), r.grade, r.minutes) for r in s.scalars(select(DaySum))}
        assert daily_sums(s, project_id)[0].by_grade == {"intermediate": 480, "senior": 480}
    assert kept == {("2026-03-02", "intermediate", 480), ("2026-03-02", "senior", 480)}
    engine = create_engine(team.url[LIU], poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE time_entry SET minutes = 600 "
                              f"WHERE person_id = {_person('liu.yang')}"))
            assert conn.execute(text('SELECT "on" FROM day_sum_dirty')).scalars().all() == [
                date(2026, 3, 2)]
            conn.execute(text("SELECT sowtrack_refresh_day_sums()"))  # recomputes, no more
    finally:
        engine.dispose()
    with reading(team.owner.engine) as s:
        assert s.execute(select(func.count()).select_from(DaySumDirty)).scalar() == 0
        assert daily_sums(s, project_id) == [
            DaySums(date(2026, 3, 2), {"intermediate": 480, "senior": 600}, 120)]
        assert stored_sum_problems(s) == []


def test_the_refresh_function_is_the_programs_refresh(db_url: str) -> None:
    """PostgreSQL's refresh (migration 0015) runs the statements SQLite runs
    (storage.figures.REFRESH): a change of those needs a migration that replaces it."""
    from storage.figures import REFRESH, REFRESH_FUNCTION

    led = Ledger.open(db_url)
    try:
        with reading(led.engine) as s:
            body = s.execute(text("SELECT prosrc FROM pg_proc WHERE proname = :f"),
                             {"f": REFRESH_FUNCTION}).scalar_one()
            definer = s.execute(text("SELECT prosecdef FROM pg_proc WHERE proname = :f"),
                                {"f": REFRESH_FUNCTION}).scalar_one()
    finally:
        led.engine.dispose()
    assert body.strip() == ";\n".join(REFRESH) + ";"
    assert definer is True


def test_a_bound_engineer_imports_his_tracker_and_a_reimport_adds_nothing(
        team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``import timew`` as the bound engineer: his entries and his intervals' keys are
    written under the policies (migration 0016), and the keys make a re-import a no-op;
    importing for another is refused."""
    f = tmp_path / "week.json"
    f.write_text('[{"start":"20260302T010000Z","end":"20260302T043000Z","tags":["t2"]}]',
                 encoding="utf-8")
    assert "1 new, 0 already imported" in _ok(team, capsys, LIU, "import", "timew", str(f))
    assert "0 new, 1 already imported" in _ok(team, capsys, LIU, "import", "timew", str(f))
    assert team.cli(LIU, "import", "timew", str(f), "--person", "wang.fang") == 1
    assert [(e.person, e.minutes) for e in team.owner.entries()] == [(LIU, 210)]
