"""What the tests of a project's whole life (SPEC §9) set up alike: a SOW written to a
file, a project started from it as the lead on a pinned today, the command line run
against its database, SQL behind the program's back, and PostgreSQL's team of bound
login roles. Plain functions: each test file keeps its own small fixtures over them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.services import Ledger
from storage.sowfile import load_sow
from tests.conftest import EXAMPLE_SOW
from tests.test_pg_rls import Team
from tui.cli import main

#: the client's and the vendor's obligation of the life tests: ENV-ACCESS due Friday
#: 2026-03-06, CV-NDA 3 working days after the SOW's start (Thursday 03-05)
OBLIGATIONS = """
[[obligation]]
key = "ENV-ACCESS"
title = "Test environment and VPN accounts"
party = "client"
due = 2026-03-06

[[obligation]]
key = "CV-NDA"
title = "Engineers' CVs and signed NDAs"
party = "vendor"
due_days = 3
"""


def training(title: str) -> str:
    """The SOW's training deliverable KT (the knowledge transfer) on T4, due 2026-05-29."""
    return f"""
[[deliverable]]
key = "KT"
title = "{title}"
tasks = ["T4"]
criteria = "Two training sessions; the operations manual handed over."
due = 2026-05-29
kind = "training"
"""


def example_sow(project: str = "", extra: str = "") -> str:
    """The example SOW's text, with ``project`` lines added to its ``[project]`` table and
    ``extra`` (more tables) after it."""
    text_ = EXAMPLE_SOW.read_text(encoding="utf-8")
    if project:
        text_ = text_.replace("[project]\n", f"[project]\n{project}\n", 1)
    return text_ + extra


def write_sow(tmp_path: Path, text_: str) -> Path:
    """``text_`` as the file sow.toml in ``tmp_path``."""
    p = tmp_path / "sow.toml"
    p.write_text(text_, encoding="utf-8")
    return p


def start(ledger: Ledger, sow: Path, monkeypatch: pytest.MonkeyPatch, today: str,
          lead: str = "zhang.wei") -> Ledger:
    """The project of ``sow`` created in ``ledger``'s database, on ``today``
    ($SOWTRACK_TODAY, and no $SOWTRACK_USER), as ``lead``."""
    monkeypatch.setenv("SOWTRACK_TODAY", today)
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    code = ledger.init_project(load_sow(sow)).code
    return ledger.for_project(code).acting_as(lead)


def cli(capsys: pytest.CaptureFixture[str], led: Ledger, *argv: str) -> tuple[int, str, str]:
    """``sowtrack --db URL ARGV`` on ``led``'s database: (exit code, stdout, stderr)."""
    capsys.readouterr()
    rc = main(["--db", led.engine.url.render_as_string(hide_password=False), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def sql(led: Ledger, statement: str) -> None:
    """``statement`` committed behind the program's back."""
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def example_cli(db_url: str, capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch, today: str,
                actor: str = "zhang.wei") -> Callable[..., tuple[int, str, str]]:
    """The example SOW initialised at ``db_url`` on ``today``, and a function that runs
    ``sowtrack --db URL --as ACTOR ARGV``: (exit code, stdout, stderr)."""
    monkeypatch.setenv("SOWTRACK_TODAY", today)
    assert main(["--db", db_url, "init", str(EXAMPLE_SOW)]) == 0
    capsys.readouterr()

    def run(*argv: str) -> tuple[int, str, str]:
        rc = main(["--db", db_url, "--as", actor, *argv])
        out = capsys.readouterr()
        return rc, out.out, out.err
    return run


def refused_and_unchanged(run: Callable[..., tuple[int, str, str]], argv: tuple[str, ...],
                          err: str, listing: tuple[str, ...]) -> None:
    """``run(*argv)`` exits 1 with the one line ``err``, and ``run(*listing)`` prints the
    same before and after: nothing was written."""
    before = run(*listing)[1]
    assert run(*argv)[0::2] == (1, err)
    assert run(*listing)[1] == before


def help_texts(capsys: pytest.CaptureFixture[str], command: str,
               actions: tuple[str, ...]) -> dict[str, str]:
    """``sowtrack COMMAND ACTION --help`` of each action, its whitespace folded."""
    said = {}
    for action in actions:
        with pytest.raises(SystemExit, match="0"):
            main([command, action, "--help"])
        said[action] = " ".join(capsys.readouterr().out.split())
    return said


def pg_team(db_url: str, roles: Callable[[str], str], monkeypatch: pytest.MonkeyPatch,
            today: str) -> Iterator[Team]:
    """The example SOW on PostgreSQL with login roles bound to liu.yang, zhang.wei and
    li.na (tests.test_pg_rls.Team), on ``today``; its owner's engine disposed after."""
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.setenv("SOWTRACK_TODAY", today)
    t = Team(db_url, roles)
    yield t
    t.owner.engine.dispose()
