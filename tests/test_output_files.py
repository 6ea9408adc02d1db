"""Nothing the user did not name is overwritten (SPEC.md §7).

`export KIND --out FILE` (every kind), `backup FILE` and the app's Exports view share
one rule (storage.outfile): an existing file only with --force (the app: its overwrite
box), a regular file only (a FIFO, a device, a folder or a symbolic link at the path is
refused, looked at without following it), never the ledger or its -wal, -shm, -journal
and .head files, and the content goes through a temporary file created exclusively
beside the target, renamed into place. Each attack of issue 9 is reproduced here; each
succeeded before.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from model.errors import LedgerError
from storage.outfile import OutputExists, check_target, ledger_files, write_output
from tests.tui_support import demo_ledger, drive
from tui.cli import main
from tui.flags import flag_namer
from tui.screens.exports import ExportsScreen

from .conftest import EXAMPLE_SOW
from .test_tui_exports import _choose, _export, _open, settle

#: every kind `export` writes, with the options it needs on the example ledger
KINDS = {
    "sow": [],
    "acceptance": [],
    "timesheet": ["--from", "2026-03-01", "--to", "2026-03-31"],
    "cr": ["--cr", "CR-001"],
    "plan": [],
    "status": ["--as-of", "2026-03-10"],
}


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", url, "--as", "zhang.wei", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def refused(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> str:
    """Exit 1 and exactly one line on stderr, which is returned."""
    rc, out, err = run(capsys, url, *argv)
    assert rc == 1, (argv, rc, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture
def ledger_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example SOW in a SQLite ledger, one entry and one change request."""
    path = tmp_path / "ledger.db"
    url = f"sqlite:///{path}"
    assert run(capsys, url, "init", str(EXAMPLE_SOW))[0] == 0
    assert run(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "6",
               "--date", "2026-03-03")[0] == 0
    assert run(capsys, url, "cr", "new", "--title", "More OCR", "--delta", "senior=2",
               "--on", "2026-03-04")[0] == 0
    return path


def _verified(capsys: pytest.CaptureFixture[str], url: str) -> None:
    """The ledger is still a SQLite file holding its entry, and verifies."""
    path = Path(url.removeprefix("sqlite:///"))
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM time_entry").fetchone() == (1,)
    rc, out, err = run(capsys, url, "verify")
    assert rc == 0 and out.startswith("ok: "), err


# ---------------------------------------------------------------- the ledger itself


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_export_never_writes_the_ledger(ledger_path: Path, capsys: pytest.CaptureFixture[str],
                                        kind: str, force: bool) -> None:
    """`export acceptance --out LEDGER.db` replaced the ledger with a PDF, rc 0."""
    url = f"sqlite:///{ledger_path}"
    line = refused(capsys, url, "export", kind, *KINDS[kind], "--out", str(ledger_path),
                   *(["--force"] if force else []))
    assert line == f"error: --out: {ledger_path} is the ledger itself; name another file"
    _verified(capsys, url)


@pytest.mark.parametrize("name", ["-wal", "-shm", "-journal", ".head", ".lock"])
def test_export_never_writes_the_ledgers_companion_files(
        ledger_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """SQLite replays a -wal file into the ledger; .head is the chain's witness; .lock is
    the writers' queue."""
    url = f"sqlite:///{ledger_path}"
    companion = ledger_path.with_name(ledger_path.name + name)
    existed = companion.exists()
    line = refused(capsys, url, "export", "sow", "--out", str(companion), "--force")
    assert line == (f"error: --out: {companion} is the ledger's {name} file; "
                    "name another file")
    assert companion.exists() == existed
    _verified(capsys, url)


def test_export_never_writes_the_ledger_through_a_link_or_another_spelling(
        ledger_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{ledger_path}"
    soft = tmp_path / "soft.db"
    soft.symlink_to(ledger_path)
    hard = tmp_path / "hard.db"
    os.link(ledger_path, hard)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for out in (str(soft), str(hard), "../ledger.db", f"{tmp_path}/./sub/../ledger.db"):
        line = refused(capsys, url, "export", "acceptance", "--out", out, "--force")
        assert "is the ledger itself" in line, line
    assert soft.is_symlink() and os.path.samefile(hard, ledger_path)
    _verified(capsys, url)


# ---------------------------------------------------------------- what is at the path


def test_an_existing_file_is_kept_unless_force(ledger_path: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{ledger_path}"
    for kind, options in KINDS.items():
        out = tmp_path / f"mine-{kind}.out"
        out.write_text("my own notes\n", encoding="utf-8")
        line = refused(capsys, url, "export", kind, *options, "--out", str(out))
        assert line == f"error: --out: {out} exists; add --force to overwrite it"
        assert out.read_text(encoding="utf-8") == "my own notes\n"
        rc, stdout, err = run(capsys, url, "export", kind, *options, "--out", str(out),
                              "--force")
        assert rc == 0 and stdout.startswith(f"wrote {out}"), err
        head = out.read_bytes()[:5]
        assert head == (b"[proj" if kind == "sow" else b"%PDF-"), (kind, head)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_refuses_a_fifo_a_device_a_folder_and_a_link(
        ledger_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing FIFO at --out was replaced (or blocked the export on open)."""
    url = f"sqlite:///{ledger_path}"
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n", encoding="utf-8")
    link = tmp_path / "link.pdf"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "nowhere.pdf")
    cases = {
        str(fifo): f"{fifo} is not a regular file (a FIFO); name a file",
        "/dev/null": "/dev/null is not a regular file (a device); name a file",
        str(tmp_path): f"{tmp_path} is a folder; add a file name",
        str(link): f"{link} is a symbolic link; name the file itself",
        str(dangling): f"{dangling} is a symbolic link; name the file itself",
    }
    for kind in ("sow", "status"):
        for out, message in cases.items():
            line = refused(capsys, url, "export", kind, *KINDS[kind], "--out", out, "--force")
            assert line == f"error: --out: {message}", line
    import stat

    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert victim.read_text(encoding="utf-8") == "not yours\n"
    assert link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nowhere.pdf").exists()


@pytest.mark.parametrize("kind", ["sow", "status"])
def test_a_planted_link_at_the_old_temporary_name_redirects_nothing(
        ledger_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        kind: str) -> None:
    """The temporary file had a fixed name (OUT.part, OUT.tmp): a symbolic link planted
    there made the export write into the file it points to."""
    url = f"sqlite:///{ledger_path}"
    out = tmp_path / "report.out"
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n", encoding="utf-8")
    for suffix in (".part", ".tmp"):
        out.with_name(out.name + suffix).symlink_to(victim)
    rc, stdout, err = run(capsys, url, "export", kind, *KINDS[kind], "--out", str(out))
    assert rc == 0, err
    assert victim.read_text(encoding="utf-8") == "not yours\n"
    assert out.is_file() and not out.is_symlink() and out.stat().st_size > 100
    assert all(out.with_name(out.name + s).is_symlink() for s in (".part", ".tmp"))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_missing_folder_is_not_created(ledger_path: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{ledger_path}"
    out = tmp_path / "no" / "such" / "s.toml"
    line = refused(capsys, url, "export", "sow", "--out", str(out))
    assert line == f"error: --out: the folder {out.parent} does not exist"
    assert not (tmp_path / "no").exists()


def test_export_on_both_backends_keeps_an_existing_file(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "init", str(EXAMPLE_SOW))[0] == 0
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"keep")
    line = refused(capsys, db_url, "export", "plan", "--out", str(out))
    assert line == f"error: --out: {out} exists; add --force to overwrite it"
    assert out.read_bytes() == b"keep"
    assert run(capsys, db_url, "export", "plan", "--out", str(out), "--force")[0] == 0
    assert out.read_bytes().startswith(b"%PDF-")


# ---------------------------------------------------------------- the rule itself


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"the old sheet")

    def half_then_fail(f) -> None:  # type: ignore[no-untyped-def]
        f.write(b"%PDF-half")
        raise LedgerError("drawing failed")

    with pytest.raises(LedgerError, match="drawing failed"):
        write_output(out, half_then_fail, force=True)
    assert out.read_bytes() == b"the old sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf"]


def test_the_target_is_replaced_by_a_rename_not_written_in_place(tmp_path: Path) -> None:
    """A reader holding the old file keeps the old content: the new one is a new file."""
    out = tmp_path / "s.toml"
    out.write_bytes(b"old")
    old_inode = out.stat().st_ino
    with open(out, "rb") as reader:
        write_output(out, b"new", force=True)
        assert reader.read() == b"old"
    assert out.read_bytes() == b"new" and out.stat().st_ino != old_inode


def test_check_target_names_the_field_it_is_given(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    out.write_bytes(b"x")
    line = f"save to: {out} exists; tick the box"
    with pytest.raises(OutputExists, match=f"^{re.escape(line)}$"):
        check_target(out, force=False, field="save to", overwrite="tick the box")
    # by default the `out` input, which the command line names --out (tui.flags)
    with pytest.raises(LedgerError, match=r"^out: empty; name the file to write$") as empty:
        check_target("  ", force=True)
    assert empty.value.worded(flag_namer(None)) == "--out: empty; name the file to write"


def test_the_ledgers_files_from_its_url(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    names = [p.name for p in ledger_files(f"sqlite:///{db}")]
    assert names == ["l.db", "l.db-wal", "l.db-shm", "l.db-journal", "l.db.head", "l.db.lock"]
    assert [p.name for p in ledger_files(f"sqlite:///file:{db}?mode=ro&uri=true")] == names
    assert ledger_files("postgresql+psycopg://u@h/db") == ()
    assert ledger_files("sqlite://") == ()


# ---------------------------------------------------------------- backup


def test_backup_follows_the_same_rule(ledger_path: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{ledger_path}"
    wal = ledger_path.with_name("ledger.db-wal")
    line = refused(capsys, url, "backup", str(wal), "--force")
    assert line == f"error: {wal}: is the ledger's -wal file; name another file"
    line = refused(capsys, url, "backup", str(ledger_path), "--force")
    assert line == f"error: {ledger_path}: is the ledger itself; name another file"
    fifo = tmp_path / "b.fifo"
    os.mkfifo(fifo)
    assert refused(capsys, url, "backup", str(fifo), "--force") == (
        f"error: {fifo}: is not a regular file (a FIFO); name a file")
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n", encoding="utf-8")
    link = tmp_path / "b.db"
    link.symlink_to(victim)
    assert refused(capsys, url, "backup", str(link), "--force") == (
        f"error: {link}: is a symbolic link; name the file itself")
    assert victim.read_text(encoding="utf-8") == "not yours\n"
    _verified(capsys, url)
    good = tmp_path / "good.db"
    assert run(capsys, url, "backup", str(good))[0] == 0
    with sqlite3.connect(good) as conn:
        assert conn.execute("SELECT count(*) FROM time_entry").fetchone() == (1,)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- the app's Exports view


def test_the_view_never_overwrites_without_the_box_ticked(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"my plan")
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await _open(pilot)
        await _choose(pilot, screen, "plan")
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        seen["refused"] = str(screen.query_one("#ex-error", Static).render())
        seen["kept"] = out.read_bytes()
        screen.query_one("#ex-overwrite", Checkbox).value = True
        await settle(pilot)
        await _export(pilot, screen)
        seen["error after"] = str(screen.query_one("#ex-error", Static).render())
        seen["box after"] = screen.query_one("#ex-overwrite", Checkbox).value
        # The ledger's own file is refused even with the box ticked.
        db = Path(str(ledger.engine.url.database))
        screen.query_one("#ex-overwrite", Checkbox).value = True
        screen.query_one("#ex-out", Input).value = str(db)
        await settle(pilot)
        await _export(pilot, screen)
        seen["ledger"] = str(screen.query_one("#ex-error", Static).render())
        assert isinstance(screen, ExportsScreen)

    before = Path(str(ledger.engine.url.database)).read_bytes()
    drive(ledger, scenario)
    assert seen["refused"] == (f"refused: Save to: {out} exists; choose another name, or "
                               "tick “overwrite an existing file”")
    assert "--force" not in str(seen["refused"])
    assert seen["kept"] == b"my plan"
    assert seen["error after"] == ""
    assert out.read_bytes().startswith(b"%PDF-")
    assert seen["box after"] is False  # asked again for the next file
    assert "is the ledger itself" in str(seen["ledger"]), seen["ledger"]
    assert Path(str(ledger.engine.url.database)).read_bytes()[:16] == before[:16]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_every_file_a_ledger_keeps_beside_it_is_one_never_overwritten(sqlite_example) -> None:
    """The witness and the write queue's lock appear beside the ledger once it is written
    (a log, its WAL open): each is among the files no output may replace."""
    led = sqlite_example  # the lead, who logs too
    led.log("T1", "1", on="2026-03-03")
    path = Path(str(led.engine.url.database))
    beside = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    assert {"ledger.db.head", "ledger.db.lock", "ledger.db-wal"} <= set(beside)
    assert set(beside) <= {p.name for p in ledger_files(f"sqlite:///{path}")}
