"""`sowtrack backup` and `sowtrack restore`.

A backup taken while another process keeps logging is a consistent ledger; a restore
is all or nothing, refuses files that are not good sowtrack ledgers before touching
anything, and never drops history silently ("newer" is defined by the audit chain:
see storage/backup.py). PostgreSQL is pointed at pg_dump / pg_restore.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.orm import AuditEvent, TimeEntry
from storage.services import Ledger
from tui.cli import main

from .conftest import EXAMPLE_SOW
from .processes import SOWTRACK, children, cli_env

CODE = "CLAIMS-AGENT-2026"


def _count(url: str, model: type = TimeEntry) -> int:
    led = Ledger.open(url)
    try:
        with led.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        led.engine.dispose()


def _verified(url: str) -> int:
    """The audit rows of the ledger at ``url``, which must verify."""
    led = Ledger.open(url)
    try:
        count, problems = led.verify()
    finally:
        led.engine.dispose()
    assert problems == []
    return count


def _keep_logging(url: str, person: str, stop: Any, results: Any) -> None:
    """Another member of the team, logging as fast as they can until told to stop."""
    errors: list[str] = []
    n = 0
    try:
        led = Ledger.open(url, CODE, person)
        while not stop.is_set() and n < 5000:
            try:
                led.log("T2", "0.05", on=date(2026, 3, 2) + timedelta(days=n % 80),
                        note=f"{person} {n}")
                n += 1
            except Exception as exc:  # noqa: BLE001 - any error here reached a user
                errors.append(f"{type(exc).__name__}: {exc}")
                break
        led.engine.dispose()
    except Exception as exc:  # noqa: BLE001
        errors.append(f"setup: {type(exc).__name__}: {exc}")
    results.put((n, errors))


def _start_logging(started: list[Any], url: str, person: str, at_least: int) -> tuple[Any, Any]:
    ctx = multiprocessing.get_context("spawn")
    stop, results = ctx.Event(), ctx.Queue()
    p = ctx.Process(target=_keep_logging, args=(url, person, stop, results), daemon=True)
    p.start()
    started.append(p)
    deadline = time.monotonic() + 120
    while _count(url) < at_least:  # the other process is up and writing
        assert p.is_alive() and time.monotonic() < deadline, "the logging process stopped"
        time.sleep(0.05)
    return stop, results


def _cli(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOWTRACK), "--db", url, *argv], capture_output=True, text=True,
                          env=cli_env(), timeout=180)


def test_a_backup_taken_while_another_process_logs_is_consistent(example: Ledger, db_url: str,
                                                                 tmp_path: Path) -> None:
    """SQLite: the backup opens and verifies and holds between the entries before and after
    it; restoring it (--force: the ledger moved on) while a process logs switches that
    process over to the restored ledger, one unbroken chain. PostgreSQL: one line each,
    pointing at pg_dump / pg_restore."""
    out = tmp_path / "backup.db"
    if db_url.startswith("postgresql"):
        for argv, tool in ((("backup", str(out)), "pg_dump"), (("restore", str(out)),
                                                               "pg_restore")):
            done = _cli(db_url, *argv)
            assert done.returncode == 1, done
            [line] = done.stderr.splitlines()
            assert line.startswith(f"error: {argv[0]}: for PostgreSQL use {tool}"), line
            assert "(see README, Backups)" in line
        assert not out.exists()
        return
    with children() as started:
        stop, results = _start_logging(started, db_url, "liu.yang", at_least=20)
        before = _count(db_url)
        done = _cli(db_url, "backup", str(out))
        after = _count(db_url)
        stop.set()
        logged, errors = results.get(timeout=60)
    assert errors == []
    assert (done.returncode, done.stderr) == (0, ""), done
    assert before < after  # the other process went on writing during the backup
    in_backup = _count(f"sqlite:///{out}")
    assert before <= in_backup <= after
    assert done.stdout.startswith(f"wrote {out}: {in_backup} entries, ")
    assert _verified(f"sqlite:///{out}") == 1 + in_backup  # init + one row per entry
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    with children() as started:
        stop, results = _start_logging(started, db_url, "chen.jing", at_least=after + 20)
        done = _cli(db_url, "restore", str(out), "--force")
        time.sleep(1)  # the other process goes on logging, now on the restored ledger
        stop.set()
        _, errors = results.get(timeout=60)
    assert errors == []
    assert done.returncode == 0, done
    assert done.stdout == f"restored {out}: {in_backup} entries, {1 + in_backup} audit rows\n"
    assert done.stderr.startswith("warning: --force: ") and "were dropped" in done.stderr
    final = _count(db_url)
    assert _verified(db_url) == 1 + final
    with sqlite3.connect(out) as bak:  # the restored ledger continues the backup's chain
        backup_hashes = [h for (h,) in bak.execute("SELECT hash FROM audit_event ORDER BY id")]
    led = Ledger.open(db_url)
    try:
        with led.engine.connect() as conn:
            hashes = list(conn.execute(select(AuditEvent.hash).order_by(AuditEvent.id))
                          .scalars())
    finally:
        led.engine.dispose()
    assert hashes[:len(backup_hashes)] == backup_hashes and len(hashes) > len(backup_hashes)


# ---------------------------------------------------------------- SQLite details, in-process


@pytest.fixture
def team(tmp_path: Path) -> str:
    """A SQLite ledger with the example SOW and one entry."""
    (tmp_path / "team").mkdir()  # a named ledger's folder is never created
    url = f"sqlite:///{tmp_path / 'team' / 'ledger.db'}"
    assert main(["--db", url, "init", str(EXAMPLE_SOW)]) == 0
    _log(url, "2026-03-02")
    return url


def _log(url: str, on: str) -> None:
    assert main(["--db", url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "1",
                 "--date", on]) == 0


def _run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _state(url: str) -> tuple[int, int]:
    return _count(url), _count(url, AuditEvent)


def test_backup_never_overwrites_by_accident_nor_leaves_half_a_file(
        team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.db"
    out.write_bytes(b"keep me")
    assert _run(capsys, team, "backup", str(out)) == (
        1, "", f"error: {out}: exists; add --force to overwrite it\n")
    assert out.read_bytes() == b"keep me"
    code, stdout, err = _run(capsys, team, "backup", str(out), "--force")
    assert (code, err) == (0, "") and stdout.startswith(f"wrote {out}: 1 entries, 2 audit rows")
    assert _verified(f"sqlite:///{out}") == 2

    junk = tmp_path / "junk.db"
    junk.write_text("not a database", encoding="utf-8")
    assert _run(capsys, f"sqlite:///{junk}", "backup", str(tmp_path / "x.db"))[::2] == (
        1, "error: --db: not a sowtrack ledger (file is not a database)\n")
    missing = tmp_path / "nowhere" / "l.db"
    assert _run(capsys, f"sqlite:///{missing}", "backup", str(tmp_path / "x.db"))[::2] == (
        1, f"error: --db: folder {missing.parent} does not exist\n")
    missing.parent.mkdir()
    assert _run(capsys, f"sqlite:///{missing}", "backup", str(tmp_path / "x.db"))[::2] == (
        1, f"error: --db: no ledger at {missing}; create one with `sowtrack init FILE.toml` "
           "(or `sowtrack demo`)\n")
    assert not missing.exists()  # a backup never creates the ledger it copies
    assert _run(capsys, team, "backup", str(tmp_path / "no" / "b.db"))[::2] == (
        1, f"error: {tmp_path / 'no' / 'b.db'}: the folder {tmp_path / 'no'} does not exist\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db", "junk.db", "nowhere", "team"]


def test_restore_refuses_an_older_backup_naming_the_rows_it_would_lose(
        team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"Newer": the ledger's newest audit row is not in the backup. Same or ahead: fine."""
    b1, b2 = tmp_path / "b1.db", tmp_path / "b2.db"
    assert _run(capsys, team, "backup", str(b1))[0] == 0
    assert _run(capsys, team, "restore", str(b1)) == (  # the same: nothing to lose
        0, f"restored {b1}: 1 entries, 2 audit rows\n", "")
    _log(team, "2026-03-03")
    _log(team, "2026-03-04")
    assert _run(capsys, team, "backup", str(b2))[0] == 0
    today = datetime.now(UTC).date()
    assert _run(capsys, team, "restore", str(b1)) == (
        1, "", f"error: restore: the ledger holds 2 audit row(s) written on {today} that "
               f"{b1} does not have; restoring it would lose them (add --force to restore "
               f"anyway)\n")
    assert _state(team) == (3, 4)  # untouched
    assert _run(capsys, team, "restore", str(b1), "--force") == (
        0, f"restored {b1}: 1 entries, 2 audit rows\n",
        f"warning: --force: 2 audit row(s) written on {today} were dropped\n")
    assert _state(team) == (1, 2) and _verified(team) == 2
    assert _run(capsys, team, "restore", str(b2)) == (  # ahead of the ledger: fine
        0, f"restored {b2}: 3 entries, 4 audit rows\n", "")
    assert _state(team) == (3, 4) and _verified(team) == 4
    _log(team, "2026-03-05")  # and the ledger goes on from there
    assert _verified(team) == 5


def test_restore_refuses_what_is_not_a_good_backup_before_touching_the_ledger(
        team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.db"
    assert _run(capsys, team, "backup", str(good))[0] == 0
    _log(team, "2026-03-03")
    state = _state(team)

    def bad(name: str, make: Any) -> Path:
        path = tmp_path / name
        make(path)
        return path

    def edited(sql: str) -> Any:
        def make(path: Path) -> None:
            shutil.copy(good, path)
            with sqlite3.connect(path) as conn:
                conn.execute(sql)
            conn.close()
        return make

    cases = {
        bad("text.db", lambda p: p.write_text("date,person\n", encoding="utf-8")):
            "not a sowtrack ledger (file is not a database)",
        bad("other.db", lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)")):
            "not a sowtrack ledger (no sowtrack tables)",
        bad("half.db", lambda p: p.write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2])):
            "the database is damaged (database disk image is malformed)",
        bad("entry.db", edited("UPDATE time_entry SET minutes = 600")):
            "its audit log does not verify (",
        bad("audit.db", edited("DELETE FROM audit_event WHERE id = 1")):
            "its audit log does not verify (",
        bad("future.db", edited("UPDATE alembic_version SET version_num = '9999'")):
            "written by a newer sowtrack (schema 9999); upgrade sowtrack",
    }
    for path, reason in cases.items():
        before = path.read_bytes()
        code, out, err = _run(capsys, team, "restore", str(path), "--force")
        assert (code, out) == (1, ""), (path.name, err)
        [line] = err.splitlines()
        assert line.startswith(f"error: {path}: ") and reason in line, line
        assert _state(team) == state, path.name
        assert path.read_bytes() == before  # read only: the backup is never changed
    assert _verified(team) == state[1]
    leftovers = [p.name for p in (tmp_path / "team").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert _run(capsys, team, "restore", str(tmp_path / "none.db")) == (
        1, "", f"error: {tmp_path / 'none.db'}: no such file\n")


def test_restore_into_a_missing_ledger_ignores_its_stale_wal(
        team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A -wal and -shm left next to a ledger file that is gone: the new ledger is the
    backup's, with nothing of the stale WAL in it (SQLite drops a WAL found next to an
    empty database; the restore swaps no files, so no other WAL can meet a new file)."""
    backup = tmp_path / "b.db"
    assert _run(capsys, team, "backup", str(backup))[0] == 0
    other = tmp_path / "other.db"  # a live WAL full of another ledger's pages
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE audit_event (id INTEGER PRIMARY KEY, hash TEXT)")
    conn.executemany("INSERT INTO audit_event (hash) VALUES (?)", [("x" * 64,)] * 500)
    target = tmp_path / "new" / "ledger.db"
    target.parent.mkdir()
    shutil.copy(other.with_name("other.db-wal"), target.with_name("ledger.db-wal"))
    shutil.copy(other.with_name("other.db-shm"), target.with_name("ledger.db-shm"))
    conn.close()
    url = f"sqlite:///{target}"
    assert _run(capsys, url, "restore", str(backup)) == (
        0, f"restored {backup}: 1 entries, 2 audit rows\n", "")
    assert _verified(url) == 2 and _count(url) == 1


def test_backup_and_restore_have_help_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("backup", "restore"):
        with pytest.raises(SystemExit, match=r"^0?$"):  # help: exit 0
            main([command, "--help"])
        out = capsys.readouterr().out
        assert f"example:\n  sowtrack {command} " in out and "--force" in out
