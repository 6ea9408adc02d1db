"""PostgreSQL: a person bound to a database login role, and that role acting as no one else.

Creates real login roles (the test server's role has CREATEROLE) as README "A
shared ledger on PostgreSQL" tells an administrator to (the ``roles`` fixture),
connects as them and drives the command line.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, make_url, text

from storage.services import Ledger
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW

# Login roles exist on PostgreSQL only: no SQLite variant here.
pytestmark = [pytest.mark.postgres,
              pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]


@pytest.fixture
def pg_url(db_url: str) -> str:
    return db_url


@pytest.fixture
def project(pg_url: str) -> str:
    led = Ledger.open(pg_url, actor="zhang.wei")
    code = led.init_project(load_sow(EXAMPLE_SOW)).code
    led.engine.dispose()
    return code


def _role(url: str) -> str:
    return str(make_url(url).username)


def test_a_bound_role_acts_as_its_person_and_no_one_else(
        pg_url: str, project: str, roles, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    liu = roles("liu")
    # The administrator (the database owner, unbound) binds liu.yang to the new role.
    assert main(["--db", pg_url, "--as", "zhang.wei", "person", "bind", "liu.yang",
                 _role(liu)]) == 0
    capsys.readouterr()

    # Connected as that role, liu.yang types no --as at all.
    assert main(["--db", liu, "whoami"]) == 0
    assert "acting as liu.yang" in capsys.readouterr().out
    assert main(["--db", liu, "log", "--task", "T2", "--hours", "7.5",
                 "--date", "2026-03-02"]) == 0
    assert "for liu.yang" in capsys.readouterr().out

    # ... and cannot act as anyone else on that connection, even the lead.
    for who in ("zhang.wei", "wang.fang"):
        assert main(["--db", liu, "--as", who, "log", "--task", "T2", "--hours", "1",
                     "--date", "2026-03-03", "--person", "wang.fang"]) == 1
        err = capsys.readouterr().err.strip()
        assert err == (f"error: --as: this connection's database login role {_role(liu)!r} is "
                       f"bound to liu.yang; it cannot act as {who}")
    # As himself, an engineer still may not log for someone else.
    assert main(["--db", liu, "log", "--task", "T2", "--hours", "1", "--date", "2026-03-03",
                 "--person", "wang.fang"]) == 1
    assert "may not log, edit, delete or import entries of other people" in capsys.readouterr().err

    # Another connection may not pretend to be liu.yang: the binding is his alone.
    assert main(["--db", pg_url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "1",
                 "--date", "2026-03-03"]) == 1
    assert (f"liu.yang is bound to the database login role {_role(liu)!r}; connect as that "
            f"role") in capsys.readouterr().err

    led = Ledger.open(pg_url, project, "zhang.wei")
    assert [(e.person, e.minutes) for e in led.entries()] == [("liu.yang", 450)]
    assert led.verify()[1] == []
    led.engine.dispose()


def test_a_bound_client_signatory_signs_as_herself_only(
        pg_url: str, project: str, roles, capsys: pytest.CaptureFixture[str]) -> None:
    li = roles("li")
    assert main(["--db", pg_url, "--as", "zhang.wei", "person", "bind", "li.na",
                 _role(li)]) == 0
    assert main(["--db", pg_url, "--as", "zhang.wei", "cr", "new", "--title", "OCR",
                 "--delta", "expert=3", "--on", "2026-03-04"]) == 0
    assert main(["--db", pg_url, "--as", "zhang.wei", "cr", "sign", "CR-001",
                 "--on", "2026-03-05"]) == 0
    capsys.readouterr()
    assert main(["--db", li, "--as", "zhao.min", "cr", "sign", "CR-001"]) == 1
    assert "bound to li.na; it cannot act as zhao.min" in capsys.readouterr().err
    assert main(["--db", li, "cr", "sign", "CR-001", "--on", "2026-03-06"]) == 0
    assert "effective" in capsys.readouterr().out
    # She never logs hours, bound or not.
    assert main(["--db", li, "log", "--task", "T2", "--hours", "1", "--date",
                 "2026-03-06"]) == 1
    assert "li.na (client signatory) may not log" in capsys.readouterr().err


def test_binding_rules(pg_url: str, project: str, roles,
                      capsys: pytest.CaptureFixture[str]) -> None:
    a = roles("a")
    base = ["--db", pg_url, "--as", "zhang.wei", "person"]
    assert main([*base, "bind", "liu.yang", "no_such_role_here"]) == 1
    assert "ROLE: there is no database login role 'no_such_role_here'" in capsys.readouterr().err
    assert main([*base, "bind", "liu.yang", _role(a)]) == 0
    assert main([*base, "bind", "wang.fang", _role(a)]) == 1
    assert f"ROLE: {_role(a)!r} is already bound to liu.yang" in capsys.readouterr().err
    # A login role other than the database owner, even bound, may not bind or unbind anyone.
    assert main(["--db", a, "person", "unbind", "liu.yang"]) == 1
    assert capsys.readouterr().err == ("error: person unbind: only the database owner binds "
                                       "people to login roles\n")
    assert main(["--db", pg_url, "--as", "zhang.wei", "person", "list"]) == 0
    listing = capsys.readouterr().out
    assert "login role" in listing and _role(a) in listing
    assert main([*base, "unbind", "liu.yang"]) == 0
    capsys.readouterr()
    # Unbound again: the role may name liu.yang, but only reads (tests/test_pg_rls.py).
    assert main(["--db", a, "--as", "liu.yang", "whoami"]) == 0
    assert ("acting as liu.yang 刘洋, read only: this login role is bound to no person"
            in capsys.readouterr().out)


def test_the_app_opens_as_the_bound_person_and_acts_as_no_one_else(
        pg_url: str, project: str, roles) -> None:
    from .tui_support import drive

    liu = roles("liu")
    assert main(["--db", pg_url, "person", "bind", "liu.yang", _role(liu)]) == 0
    led = Ledger.open(liu, project)  # no --as: the binding decides
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        seen["first"] = pilot.app.ledger.actor
        pilot.app.set_actor("zhang.wei")  # what ctrl+a's dialog does on a choice
        await pilot.pause()
        seen["after"] = pilot.app.ledger.actor
        seen["notes"] = [n.message for n in pilot.app._notifications]

    drive(led, scenario)
    led.engine.dispose()
    assert seen["first"] == "liu.yang" and seen["after"] == "liu.yang"
    assert any("bound to liu.yang; it cannot act as zhang.wei" in str(m)
               for m in seen["notes"])  # type: ignore[union-attr]


def test_the_app_does_not_open_as_a_lead_bound_to_another_role(
        pg_url: str, project: str, roles) -> None:
    from .tui_support import drive

    lead = roles("zhang")
    assert main(["--db", pg_url, "person", "bind", "zhang.wei", _role(lead)]) == 0
    led = Ledger.open(pg_url, project)  # the owner's connection, no one named
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        seen["actor"] = pilot.app.ledger.actor
        seen["label"] = pilot.app.acting_label

    drive(led, scenario)
    led.engine.dispose()
    assert seen["actor"] is None and "nobody" in str(seen["label"])


def test_set_role_in_the_url_does_not_unbind_a_login(pg_url: str, project: str, roles,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The login role decides, not a role switched to with SET ROLE (URL ``options``)."""
    liu = roles("liu")
    other = roles("other")
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"GRANT {_role(other)} TO {_role(liu)}"))  # liu may SET ROLE other
    admin.dispose()
    assert main(["--db", pg_url, "person", "bind", "liu.yang", _role(liu)]) == 0
    switched = (make_url(liu).update_query_dict({"options": f"-c role={_role(other)}"})
                .render_as_string(hide_password=False))
    capsys.readouterr()
    assert main(["--db", switched, "--as", "zhang.wei", "whoami"]) == 1
    assert "is bound to liu.yang; it cannot act as zhang.wei" in capsys.readouterr().err
    assert main(["--db", switched, "whoami"]) == 0
    assert "acting as liu.yang" in capsys.readouterr().out


def test_a_binding_removed_with_sql_is_named_by_verify(pg_url: str, project: str, roles,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    liu = roles("liu")
    assert main(["--db", pg_url, "person", "bind", "liu.yang", _role(liu)]) == 0
    assert main(["--db", pg_url, "verify"]) == 0
    engine = create_engine(pg_url)
    with engine.begin() as c:  # the owner, past row-level security, unbinds him by hand
        c.execute(text("UPDATE person SET db_role = NULL WHERE key = 'liu.yang'"))
    engine.dispose()
    capsys.readouterr()
    assert main(["--db", pg_url, "verify"]) == 1
    assert (f"person liu.yang: differs from the SOW and its audit rows (edited behind the "
            f"program's back): db_role was {_role(liu)}, is null") in capsys.readouterr().err
