"""People come and go on PostgreSQL (migration 0009): the database enforces who changes the team.

The bound vendor lead adds, replaces, ends and sends away vendor people through the
command line; with plain SQL an engineer or a client signatory can neither add a person,
nor change a person's active days, nor add a day away, and the lead cannot add a client
person or bind a login role on insert.
"""

from __future__ import annotations

import pytest

from tests.life_support import pg_team
from tests.test_pg_rls import LI, LIU, ZHANG, Team, _ok, _refused, _sql

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

PROJECT = "(SELECT id FROM project)"
ADD_VENDOR = ("INSERT INTO person (project_id, key, name, party, role, grade) "
              f"VALUES ({PROJECT}, 'x.y', 'X', 'vendor', 'engineer', 'senior')")
ADD_CLIENT = ("INSERT INTO person (project_id, key, name, party, role) "
              f"VALUES ({PROJECT}, 'x.y', 'X', 'client', 'signatory')")
ADD_BOUND = ("INSERT INTO person (project_id, key, name, party, role, grade, db_role) "
             f"VALUES ({PROJECT}, 'x.y', 'X', 'vendor', 'engineer', 'senior', 'postgres')")
END_SOMEONE = "UPDATE person SET leave_on = '2026-03-31' WHERE key = 'chen.jing'"
AWAY = ("INSERT INTO person_away (project_id, person_id, first, last, note) "
        "SELECT project_id, id, '2026-04-08', '2026-04-09', '' FROM person "
        "WHERE key = 'chen.jing'")
MOVE_AWAY = "UPDATE person_away SET last = '2026-04-20'"


@pytest.fixture
def team(db_url: str, roles, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from pg_team(db_url, roles, monkeypatch, "2026-04-10")


def test_the_bound_lead_changes_the_team_through_the_program(
        team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    _ok(team, capsys, ZHANG, "person", "add", "wu.lei", "--name", "吴磊", "--party", "vendor",
        "--role", "engineer", "--grade", "senior", "--from", "2026-04-13")
    _ok(team, capsys, ZHANG, "person", "replace", "liu.yang", "--by", "wu.lei", "--on",
        "2026-04-13")
    _ok(team, capsys, ZHANG, "person", "replace", "wang.fang", "--by", "he.yu", "--name",
        "何雨", "--on", "2026-04-14")
    _ok(team, capsys, ZHANG, "person", "away", "chen.jing", "--from", "2026-04-08", "--to",
        "2026-04-09")
    _ok(team, capsys, ZHANG, "person", "leave", "chen.jing", "--on", "2026-05-15")
    people = {p.key: p for p in team.owner.people()}
    assert people["liu.yang"].last_day.isoformat() == "2026-04-10"
    assert people["he.yu"].replaces == "wang.fang" and people["he.yu"].login_role is None
    assert team.owner.verify()[1] == []
    err = _refused(team, capsys, LIU, "person", "away", "chen.jing", "--from", "2026-04-20",
                   "--to", "2026-04-21")
    assert "only the vendor lead plans" in err
    assert "client people are added" in _refused(
        team, capsys, ZHANG, "person", "add", "sun.hao", "--name", "孙浩", "--party", "client",
        "--role", "signatory")


def test_plain_sql_that_changes_the_team_is_refused_by_the_server(team: Team) -> None:
    lead, engineer, client = team.url[ZHANG], team.url[LIU], team.url[LI]
    for url in (engineer, client, team.nobody):
        for statement in (ADD_VENDOR, END_SOMEONE, AWAY):
            got = _sql(url, statement)
            # refused (42501), or an UPDATE whose row the policy hides from this role
            assert got in ("42501", 0), (url, statement, got)
    assert _sql(lead, ADD_CLIENT) == "42501"
    assert _sql(lead, ADD_BOUND) == "42501"  # only the owner binds a login role
    # what the program does as the lead, the lead may do
    assert _sql(lead, ADD_VENDOR) == 1 and _sql(lead, AWAY) == 1 and _sql(lead, END_SOMEONE) == 1
    team.owner.acting_as(None).away("chen.jing", "2026-04-08", "2026-04-09")
    assert _sql(lead, MOVE_AWAY) == "42501"  # nobody but the owner edits a day away
