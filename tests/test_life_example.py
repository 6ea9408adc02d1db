"""The project-life worked example (tests/data/life): a person replaced mid-month, a client
obligation 4 working days late, a change request that changes an estimate after the scope
was signed. Played through the command line, command by command, on the day each is typed;
every figure checked is derived by hand in tests/data/life/README.md."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from storage.services import Ledger
from tui.cli import main

LIFE = Path(__file__).parent / "data" / "life"


def steps() -> list[tuple[str, bool, list[str]]]:
    """(today, refused, sowtrack arguments) for each command of commands.sh; the for loop
    of sun.li's five entries unrolled."""
    text = (LIFE / "commands.sh").read_text(encoding="utf-8").replace("\\\n", " ")
    today, out, loop = "", [], False
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if loop:  # the loop's body, played by the for line below
            loop = words != ["done"]
            continue
        if words[:1] == ["export"] and words[1].startswith("SOWTRACK_TODAY="):
            today = words[1].split("=", 1)[1]
        refused = words[:1] == ["!"]
        words = words[1:] if refused else words
        if words[:1] == ["sowtrack"]:
            out.append((today, refused, words[1:]))
        if words[:1] == ["for"]:  # for d in 16 .. 20; do sowtrack ... 2026-03-$d
            days = [d.rstrip(";") for d in words[3:] if d.rstrip(";").isdigit()]
            body = shlex.split(text.split("do\n", 1)[1].split("\n", 1)[0], comments=True)
            for d in days:
                out.append((today, False, [w.replace("$d", d) for w in body[1:]]))
            loop = True
    return out


def play(db_url: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Run every step; return the error line of each refused step, by its command."""
    monkeypatch.chdir(LIFE)
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    refusals = {}
    for today, refused, args in steps():
        monkeypatch.setenv("SOWTRACK_TODAY", today)
        capsys.readouterr()
        code = main(["--db", db_url, *args])
        err = capsys.readouterr().err.strip()
        assert code == (1 if refused else 0), (args, err)
        if refused:
            assert len(err.splitlines()) == 1, err
            refusals[" ".join(args)] = err
    return refusals


def test_the_life_example_on_each_backend(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    refusals = play(db_url, monkeypatch, capsys)
    # Each refusal names the input at fault, as the README derives.
    over = refusals["--as zhang.wei task allocate T3 sun.li 40"]
    assert "58" in over and "50" in over, over
    late = refusals["--as liu.yang log --task T2 --hours 8 --date 2026-03-16"]
    early = refusals["--as sun.li log --task T2 --hours 8 --date 2026-03-13"]
    assert late.startswith("error: --date: ") and "2026-03-13" in late, late
    assert early.startswith("error: --date: ") and "2026-03-16" in early, early
    assert refusals["--as zhang.wei task edit T2 --estimate 34"].startswith(
        "error: --estimate: "), refusals

    monkeypatch.setenv("SOWTRACK_TODAY", "2026-03-20")
    assert main(["--db", db_url, "report", "summary", "--as-of", "2026-03-20", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    expected = json.loads((LIFE / "expected-summary.json").read_text(encoding="utf-8"))
    assert summary == expected

    led = Ledger.open(db_url)
    # Allocations moved: liu.yang keeps what he consumed, sun.li gets the open part.
    alloc = {(t.code, who): milli or 0 for t in led.tasks() for who, milli in t.assignees}
    assert alloc.get(("T2", "liu.yang")) == 10_000
    assert alloc.get(("T2", "sun.li")) == 10_000
    assert alloc.get(("T4", "liu.yang"), 0) == 0
    assert alloc.get(("T4", "sun.li")) == 8_000
    # Capacity: active working days minus working days away.
    assert led.capacity("liu.yang") == 10
    assert led.capacity("sun.li") == 50
    # The estimate: 30 as signed, 34 once CR-001 took effect (03-19).
    estimates = {t.code: t.estimate_milli for t in led.tasks()}
    assert estimates["T2"] == 34_000
    # The short-notice replacement is alerted: 1 working day given, 3 asked.
    notices = [a.args for a in led.alerts(led.summary("2026-03-20")) if a.kind == "staff_notice"]
    assert notices == [("liu.yang", "replace", "2026-03-16", "1", "3")]
    # Nothing of it was written behind the program's back.
    assert main(["--db", db_url, "verify"]) == 0


def test_commands_sh_as_a_shell_script(tmp_path: Path) -> None:
    """Run commands.sh itself, with the installed console script on PATH: the refused
    lines are refused (the script stops otherwise) and the summary is the expected one."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "TMPDIR": str(tmp_path)}
    done = subprocess.run(["sh", "commands.sh"], cwd=LIFE, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout[done.stdout.rindex("\n{") + 1:])
    assert summary == json.loads((LIFE / "expected-summary.json").read_text(encoding="utf-8"))
    assert done.stderr.count("error: ") == 4, done.stderr
