"""The shared worked example, played through the command line, gives the hand-derived summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

from .conftest import WORKED, worked_commands


def _expected() -> dict:
    expected = json.loads((WORKED / "expected-summary.json").read_text(encoding="utf-8"))
    # SPEC.md §6 puts the currency in "cost"; the example's file leaves it out.
    expected["cost"]["currency"] = "CNY"
    return expected



def test_commands_sh_as_a_shell_script(worked_dir: Path) -> None:
    """Run commands.sh itself, with the installed console script on PATH."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SOWTRACK_USER", None)
    done = subprocess.run(["sh", "commands.sh"], cwd=worked_dir, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "CR-001" in lines and "CR-002" in lines and "B-001" in lines
    summary = json.loads(done.stdout[done.stdout.index("{"):])
    assert summary == _expected()


def test_worked_example_on_each_backend(db_url: str, worked_dir: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(worked_dir)
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    commands = worked_commands()
    assert len(commands) == 13
    for args in commands[:-1]:
        assert main(["--db", db_url, *args]) == 0, args
    capsys.readouterr()
    assert main(["--db", db_url, *commands[-1]]) == 0
    assert json.loads(capsys.readouterr().out) == _expected()
    # The ledger that produced these figures is intact.
    assert main(["--db", db_url, "verify"]) == 0


def test_summary_before_cr_001_took_effect(db_url: str, worked_dir: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """As of 03-05 only the vendor had signed CR-001: no +5 senior yet, limit 5 rounds."""
    monkeypatch.chdir(worked_dir)
    for args in worked_commands()[:-1]:
        assert main(["--db", db_url, *args]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "report", "summary", "--as-of", "2026-03-05", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["budget_pd"] == 90.0
    assert s["by_grade"]["senior"]["budget_pd"] == 40.0
    assert s["quotas"]["prompt-rounds"] == {"limit": 5, "used": 1}
    # CR-002 was raised on 03-09: it did not exist yet.
    assert s["change_requests"] == {"effective": [], "pending": ["CR-001"]}
    # Entries on 03-02..03-05: 8+8+4+4+8+8+10+8+6+8 = 72 h = 9 PD.
    assert s["consumed_pd"] == 9.0
    # B-001 raised 03-03, resolved 03-05: 03-03 and 03-04.
    assert s["blocked_days"] == {"client": 2, "vendor": 0}
