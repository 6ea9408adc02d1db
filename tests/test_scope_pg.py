"""The scope sign-off on PostgreSQL (migration 0011): login roles bound to the lead and the
client's signatory sign the scope and change it by a change request through the program;
with plain SQL an engineer can neither raise nor sign a scope, and nobody writes a CR's
scope changes once it carries a signature."""

from __future__ import annotations

import pytest

from tests.life_support import pg_team
from tests.test_pg_rls import LI, LIU, ZHANG, Team, _ok, _refused, _sql

pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

PROJECT = "(SELECT id FROM project)"
RAISE = f"INSERT INTO scope (project_id, number, status) VALUES ({PROJECT}, 'SCOPE-009', 'open')"
SIGNED = "UPDATE scope SET status = 'effective'"
ADD_DELTA = ("INSERT INTO change_task_delta (change_id, task_code, pd_milli) "
             "SELECT id, 'T2', 9000 FROM change_request")


@pytest.fixture
def team(db_url: str, roles, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from pg_team(db_url, roles, monkeypatch, "2026-03-20")


def test_the_bound_signers_sign_and_change_the_scope(
        team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    assert _refused(team, capsys, LIU, "signoff", "scope").startswith("error: --as:")
    assert _sql(team.url[LIU], RAISE) == "42501"  # an engineer raises no scope
    assert _sql(team.url[ZHANG], RAISE) == 1
    _ok(team, capsys, ZHANG, "signoff", "scope", "--on", "2026-03-04")
    _ok(team, capsys, LI, "signoff", "scope", "--on", "2026-03-05")
    assert _sql(team.url[LIU], SIGNED) == "42501"  # only a signer moves its status
    _ok(team, capsys, ZHANG, "cr", "new", "--title", "OCR", "--estimate", "T2=+4",
        "--on", "2026-03-10")
    assert _sql(team.url[LIU], ADD_DELTA) == "42501"
    _ok(team, capsys, ZHANG, "cr", "sign", "CR-001", "--on", "2026-03-11")
    assert _sql(team.url[ZHANG], ADD_DELTA) == "42501"  # the CR carries a signature
    _ok(team, capsys, LI, "cr", "sign", "CR-001", "--on", "2026-03-12")
    assert {t.code: t.estimate_milli for t in team.owner.tasks()}["T2"] == 34000
    # the client's signatory applied it; any other task stays the lead's to plan
    assert _sql(team.url[LI], "UPDATE task SET estimate_milli = 1 WHERE code = 'T3'") == "42501"
    assert team.owner.verify()[1] == []
