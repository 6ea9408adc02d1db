"""A read-only ledger is still readable (SPEC.md §7, issue 9).

A SQLite ledger this process may not write (the file, or its folder) is opened
read-only: reports, `entries`, `whoami`, `verify` and exports work; a write is
refused in one line; a schema that would need upgrading is refused in one line.

Making a file read-only has to be real for the test to mean anything, and root
ignores file modes: as a normal user the file or folder is chmod'ed; as root (CI),
it gets the immutable attribute (``chattr +i``), which the kernel enforces for root
too. Either way the test first checks that the file really cannot be written.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from model.sheets import SheetRequest
from storage.db import HEAD_REVISION, is_read_only, make_engine, run_alembic
from storage.services import Ledger
from storage.sheets import print_sheet
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW

READS = [
    ["verify"],
    ["report", "summary", "--as-of", "2026-03-10"],
    ["report", "summary", "--as-of", "2026-03-10", "--json"],
    ["report", "burndown", "--as-of", "2026-03-10"],
    ["entries"],
    ["whoami"],
    ["blocker", "list"],
    ["cr", "list"],
    ["quota", "list"],
    ["person", "list"],
    ["db", "status"],
]


#: what the system says to a write where read_only() holds (mode bits, or chattr +i as root)
DENIED = r"Permission denied|Operation not permitted|Read-only file system"


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) cannot be written by this process meanwhile."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root, and this file system has no immutable attribute "
                    f"(chattr +i: {done.stderr.strip()})")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _make(tmp_path: Path) -> tuple[Path, str]:
    """A closed ledger (no -wal, no -shm left) with the example SOW and one entry."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "ledger.db"
    url = f"sqlite:///{path}"
    led = Ledger.open(url)
    code = led.init_project(load_sow(EXAMPLE_SOW)).code
    Ledger(led.engine, code, "liu.yang").log("T2", "6", "2026-03-03")
    # printed once while it could be written: its revision is recorded
    print_sheet(Ledger(led.engine, code), SheetRequest("status", as_of=date(2026, 3, 10)))
    led.engine.dispose()
    assert not path.with_name("ledger.db-wal").exists()
    return path, url


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def _reads_work_and_writes_are_refused(capsys: pytest.CaptureFixture[str], url: str,
                                       path: Path, why: str, out_dir: Path) -> None:
    for argv in READS:
        rc, out, err = run(capsys, url, *argv)
        assert (rc, err) == (0, ""), (argv, err)
    assert "ok: " in run(capsys, url, "verify")[1]
    assert "1 entries, 6 h" in run(capsys, url, "entries")[1]
    for kind, extra in (("sow", []), ("status", ["--as-of", "2026-03-10"])):
        out = out_dir / f"{kind}.out"
        rc, stdout, err = run(capsys, url, "export", kind, *extra, "--out", str(out))
        assert (rc, err) == (0, ""), err
        assert out.stat().st_size > 100
    refusal = f"error: the ledger {path} is read-only ({why}); nothing was written\n"
    # a content never printed: its revision cannot be recorded, so it is not printed
    plan = out_dir / "plan.pdf"
    assert run(capsys, url, "export", "plan", "--out", str(plan)) == (
        1, "", "error: export: CLAIMS-AGENT-2026/PLAN holds content not printed before, "
               "whose revision cannot be recorded: " + refusal.removeprefix("error: "))
    assert not plan.exists()
    for argv in (["--as", "liu.yang", "log", "--task", "T2", "--hours", "1", "--date",
                  "2026-03-04"],
                 ["--as", "zhang.wei", "blocker", "add", "--title", "x", "--party", "client",
                  "--on", "2026-03-04"],
                 ["--as", "liu.yang", "entry", "delete", "1"]):
        assert run(capsys, url, *argv) == (1, "", refusal), argv
    assert "1 entries, 6 h" in run(capsys, url, "entries")[1]


def test_a_read_only_ledger_file_is_read_and_never_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, url = _make(tmp_path)
    with read_only(path):
        assert not os.access(path, os.W_OK)
        with pytest.raises(OSError, match=DENIED):
            open(path, "r+b").close()  # really read-only, whoever runs the test
        engine = make_engine(url)
        assert is_read_only(engine)
        engine.dispose()
        _reads_work_and_writes_are_refused(capsys, url, path,
                                           "no write permission on the file", tmp_path)


def test_a_ledger_in_a_read_only_folder_is_read_and_never_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite needs its -wal and -shm files beside a WAL ledger: none can be created."""
    path, url = _make(tmp_path)
    # the ledger, the witness of its audit chain's head and the writers' queue file
    left = sorted(p.name for p in path.parent.iterdir())
    assert left == ["ledger.db", "ledger.db.head", "ledger.db.lock"]
    with read_only(path.parent):
        with pytest.raises(OSError, match=DENIED):
            (path.parent / "probe").touch()
        _reads_work_and_writes_are_refused(
            capsys, url, path, f"no write permission on its folder {path.parent}", tmp_path)
        # An export into that folder is refused in one line too.
        rc, out, err = run(capsys, url, "export", "sow", "--out", str(path.parent / "s.toml"))
        assert rc == 1 and len(err.splitlines()) == 1
        assert err.startswith(f"error: --out: cannot write in {path.parent}: "), err
    assert sorted(p.name for p in path.parent.iterdir()) == left  # as _make left them


def test_a_read_only_ledger_whose_schema_is_behind_is_refused_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, url = _make(tmp_path)
    engine = make_engine(url)
    run_alembic(engine, "downgrade", "0003")
    engine.dispose()
    with read_only(path):
        rc, out, err = run(capsys, url, "report", "summary")
    assert (rc, out) == (1, "")
    assert err == ("error: the ledger's schema is at 0003, this sowtrack needs "
                   f"{HEAD_REVISION}, and the "
                   "ledger is read-only, so it cannot be upgraded: open it once with write "
                   "access\n")
    with sqlite3.connect(path) as conn:  # untouched: still at 0003
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
