"""`sowtrack export KIND --out FILE.pdf` and `sowtrack verify FILE.pdf` on the demo ledger."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from model.sheets import read_keywords
from storage.demo import build_demo
from storage.services import Ledger
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 21)

#: every sheet kind: (CLI options, the document id it must carry)
KINDS = {
    "acceptance": ([], "DEMO-AGENT/ACC"),
    "timesheet": (["--from", "2026-09-01", "--to", "2026-09-30"],
                  "DEMO-AGENT/TS/2026-09-01..2026-09-30"),
    "cr": (["--cr", "CR-001"], "DEMO-AGENT/CR/CR-001"),
    "plan": ([], "DEMO-AGENT/PLAN"),
    "status": (["--as-of", "2026-11-21"], "DEMO-AGENT/STATUS/2026-11-21"),
}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built once per module; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    led = Ledger.open(f"sqlite:///{path}")
    build_demo(led, TODAY)
    led.engine.dispose()
    return path


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo ledger (the SQLite backup API: WAL-safe)."""
    dst = tmp_path / "ledger.db"
    src_conn, dst_conn = sqlite3.connect(demo_template), sqlite3.connect(dst)
    with dst_conn:
        src_conn.backup(dst_conn)
    src_conn.close()
    dst_conn.close()
    return f"sqlite:///{dst}"


def run(db: str, *argv: str) -> int:
    return main(["--db", db, "--as", "zhang.wei", *argv])


def keywords(path: Path) -> dict[str, str]:
    from pypdf import PdfReader

    return read_keywords(str(PdfReader(str(path)).metadata.get("/Keywords") or ""))


def err_lines(capsys: pytest.CaptureFixture[str]) -> tuple[list[str], list[str]]:
    out, err = capsys.readouterr()
    return out.splitlines(), err.splitlines()


def cli(db: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real program, in a process of its own: what a user sees on the terminal."""
    return subprocess.run([sys.executable, "-m", "tui.cli", "--db", db, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------- export, then verify


def test_export_the_cr_form_then_verify_it(db, tmp_path, capsys):
    out = tmp_path / "CR-002.pdf"
    assert run(db, "export", "cr", "--cr", "CR-002", "--out", str(out)) == 0
    assert err_lines(capsys)[0] == [f"wrote {out} (DEMO-AGENT/CR/CR-002 revision 1)"]
    fields = keywords(out)
    assert fields["id"] == "DEMO-AGENT/CR/CR-002" and len(fields["sha256"]) == 64
    assert fields["revision"] == "1"  # the first content printed under this id

    assert run(db, "verify", str(out)) == 0
    lines, err = err_lines(capsys)
    assert err == []
    assert "DEMO-AGENT/CR/CR-002" in lines[0] and "still holds exactly" in lines[0]
    assert f"sha256 {fields['sha256'][:16]}" in lines[0]
    assert lines[1] == "signatures: CR-002 is pending: signed by 赵敏 (vendor) 2026-11-05"

    # Withdrawing leaves the content its digest covers, but the form the ledger prints
    # now says "withdrawn": the old print no longer shows what the ledger shows.
    assert run(db, "cr", "withdraw", "CR-002") == 0
    capsys.readouterr()
    assert run(db, "verify", str(out)) == 1
    lines, err = err_lines(capsys)
    assert lines == []
    assert err[0].endswith("page 1 differs from what the ledger prints: it reads "
                           "'待签字（一方已签）' where the ledger prints '已撤回'"), err
    assert err[1].startswith("the ledger changed after this sheet was printed (audit row "
                             f"{keywords(out)['head'].split(':')[0]}, now "), err
    assert "withdrawn" in err[2] and len(err) == 3, err
    again = tmp_path / "CR-002-withdrawn.pdf"
    assert run(db, "export", "cr", "--cr", "CR-002", "--out", str(again)) == 0
    assert keywords(again)["sha256"] == fields["sha256"]
    assert run(db, "verify", str(again)) == 0


def test_verify_a_print_the_ledger_no_longer_holds(db, tmp_path, capsys):
    assert run(db, "cr", "new", "--title", "Extra dashboards", "--reason", "client asked",
               "--delta", "senior=2", "--on", "2026-11-20") == 0
    assert err_lines(capsys)[0] == ["CR-003"]
    out = tmp_path / "CR-003.pdf"
    assert run(db, "export", "cr", "--cr", "cr-003", "--out", str(out)) == 0
    printed = keywords(out)
    assert printed["id"] == "DEMO-AGENT/CR/CR-003"
    assert run(db, "verify", str(out)) == 0
    capsys.readouterr()

    assert run(db, "cr", "edit", "CR-003", "--delta", "expert=9") == 0
    capsys.readouterr()
    assert run(db, "verify", str(out)) == 1
    lines, err = err_lines(capsys)
    assert lines == []
    assert "DEMO-AGENT/CR/CR-003" in err[0] and "no longer holds" in err[0], err
    assert f"printed sha256 {printed['sha256'][:16]}" in err[0]
    assert err[1].endswith("DEMO-AGENT/CR/CR-003 revision 1: revision 1 is superseded: the "
                           "ledger holds a content not printed yet (it will be revision 2)"), err
    assert err[2].startswith("signatures: CR-003 is pending"), err
    assert len(err) == 3

    # A new print of the edited CR holds again, with another digest.
    again = tmp_path / "CR-003-v2.pdf"
    assert run(db, "export", "cr", "--cr", "CR-003", "--out", str(again)) == 0
    assert keywords(again)["sha256"] != printed["sha256"]
    assert run(db, "verify", str(again)) == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_sheet_exports_with_its_document_id(kind, db, tmp_path, capsys):
    options, doc_id = KINDS[kind]
    out = tmp_path / f"{kind}.pdf"
    assert run(db, "export", kind, *options, "--out", str(out)) == 0, capsys.readouterr()
    lines, err = err_lines(capsys)
    assert lines == [f"wrote {out} ({doc_id} revision 1)"]
    assert not [e for e in err if "warning" in e], err  # the CJK font is embedded
    assert out.read_bytes().startswith(b"%PDF")
    assert keywords(out)["id"] == doc_id
    assert not list(tmp_path.glob("*.part"))
    # Built twice from an unchanged ledger, a sheet has the same content: verify holds.
    assert run(db, "verify", str(out)) == 0, capsys.readouterr()
    assert "still holds exactly" in capsys.readouterr().out


@pytest.mark.parametrize("options, doc_id, name", [
    (["--person", "liu.yang"], "DEMO-AGENT/TS/2026-10-01..2026-10-31/liu.yang", "ts.pdf"),
    (["--per-person"], "DEMO-AGENT/TS/2026-10-01..2026-10-31/liu.yang", "ts-liu.yang.pdf"),
])
def test_timesheet_options(options, doc_id, name, db, tmp_path, capsys):
    out = tmp_path / "ts.pdf"
    assert run(db, "export", "timesheet", "--from", "2026-10-01", "--to", "2026-10-31",
               *options, "--out", str(out)) == 0, capsys.readouterr()
    assert keywords(tmp_path / name)["id"] == doc_id
    assert run(db, "verify", str(tmp_path / name)) == 0, capsys.readouterr()


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("argv, names", [
    (["export", "timesheet"], "--from/--to"),
    (["export", "timesheet", "--from", "2026-10-01"], "--from/--to"),
    (["export", "timesheet", "--from", "2026-10-31", "--to", "2026-10-01"], "--to"),
    (["export", "timesheet", "--from", "2026-10-32", "--to", "2026-10-31"], "--from"),
    (["export", "cr"], "--cr"),
    (["export", "cr", "--cr", "CR-999"], "CR-999"),
    (["export", "status", "--as-of", "someday"], "--as-of"),
])
def test_refused_exports_write_nothing(argv, names, db, tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    assert run(db, *argv, "--out", str(out)) == 1
    lines, err = err_lines(capsys)
    assert lines == []
    assert len(err) == 1 and err[0].startswith("error: ") and names in err[0], err
    assert not list(tmp_path.glob("sheet.pdf*"))


def test_out_into_a_missing_folder(db, tmp_path, capsys):
    out = tmp_path / "nowhere" / "cr.pdf"
    assert run(db, "export", "cr", "--cr", "CR-002", "--out", str(out)) == 1
    lines, err = err_lines(capsys)
    assert lines == [] and len(err) == 1 and "--out" in err[0], err
    assert not out.parent.exists()


def test_verify_a_file_that_is_not_a_pdf(db, tmp_path, capsys):
    bogus = tmp_path / "notes.pdf"
    bogus.write_text("not a PDF at all\n", encoding="utf-8")
    assert run(db, "verify", str(bogus)) == 1
    lines, err = err_lines(capsys)
    assert lines == [] and len(err) == 1 and "cannot read this PDF" in err[0], err


def test_verify_a_pdf_not_made_by_sowtrack(db, tmp_path, capsys):
    from reportlab.pdfgen.canvas import Canvas

    other = tmp_path / "invoice.pdf"
    canvas = Canvas(str(other))
    canvas.drawString(100, 750, "Invoice 42")
    canvas.save()
    assert run(db, "verify", str(other)) == 1
    lines, err = err_lines(capsys)
    assert lines == [] and len(err) == 1 and "not a sowtrack sheet" in err[0], err


def test_verify_a_missing_file(db, tmp_path, capsys):
    assert run(db, "verify", str(tmp_path / "gone.pdf")) == 1
    lines, err = err_lines(capsys)
    assert lines == [] and len(err) == 1 and "gone.pdf" in err[0], err


@pytest.mark.parametrize("keywords_text, what", [
    ("sowtrack-id=FOO sowtrack-sha256=00 sowtrack-revision=1", "not a sowtrack document id"),
    ("sowtrack-id=DEMO-AGENT/TS sowtrack-sha256=00 sowtrack-revision=1",
     "not a sowtrack document id"),
    ("sowtrack-id=DEMO-AGENT/CR/CR-999 sowtrack-sha256=00 sowtrack-revision=1", "CR-999"),
])
def test_verify_a_pdf_with_a_bad_identity(keywords_text, what, db, tmp_path, capsys):
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "odd.pdf"
    canvas = Canvas(str(pdf))
    canvas.setKeywords(keywords_text)
    canvas.drawString(100, 750, "odd")
    canvas.save()
    assert run(db, "verify", str(pdf)) == 1
    lines, err = err_lines(capsys)
    assert lines == [] and len(err) == 1 and what in err[0], err


@pytest.mark.parametrize("content", [b"not a PDF at all\n", b"%PDF-1.4\n%garbage"])
def test_verify_a_broken_file_prints_one_line_no_traceback(content, db, tmp_path):
    """As the user sees it: the real program's stderr, not pytest's log capture."""
    bogus = tmp_path / "broken.pdf"
    bogus.write_bytes(content)
    done = cli(db, "verify", str(bogus))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        line for line in done.stderr.splitlines() if line.startswith("error: ")], done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


@pytest.mark.parametrize("args", [
    ["export", "acceptance", "--as-of", "2026-11-21"],
    ["export", "cr", "--cr", "CR-001", "--from", "2026-09-01"],
    ["export", "plan", "--person", "liu.yang"],
    ["export", "timesheet", "--from", "2026-09-01", "--to", "2026-09-30", "--person",
     "liu.yang", "--per-person"],
])
def test_export_refuses_options_that_do_not_apply(tmp_path: Path, args: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "never.db"
    out = tmp_path / "x.pdf"
    assert main(["--db", f"sqlite:///{db}", *args, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --")
    assert not out.exists() and not db.exists()  # refused before the ledger was opened


def test_a_pinned_today_is_the_printed_on_date(db, tmp_path, capsys, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setenv("SOWTRACK_TODAY", "2026-11-23")
    out = tmp_path / "plan.pdf"
    assert run(db, "export", "plan", "--out", str(out)) == 0, capsys.readouterr()
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "2026-11-23" in text
