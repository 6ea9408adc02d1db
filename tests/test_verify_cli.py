"""Tamper evidence through the command line: `sowtrack verify` on both backends.

A ledger is built with `sowtrack` itself (entries, a change request signed by
both parties, a period timesheet signed by both), then edited with plain SQL
through a separate engine, as someone with database access but not the
program would. `verify` must exit 1 and name the changed row first: the entry
and its id, the change request's number, the signature by its document and
signer, the audit row by its id, and say what changed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from tui.cli import main

from .conftest import EXAMPLE_SOW

CODE = "CLAIMS-AGENT-2026"
BEHIND = "differs from its last audit row (edited behind the program's back)"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.delenv("SOWTRACK_DB", raising=False)


class Cli:
    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]):
        self.url, self.capsys = url, capsys

    def __call__(self, *args: str, rc: int = 0) -> tuple[str, list[str]]:
        self.capsys.readouterr()
        got = main(["--db", self.url, *args])
        out, err = self.capsys.readouterr()
        assert got == rc, (args, out, err)
        assert "Traceback" not in err
        return out, err.splitlines()

    def log(self, person: str, task: str, hours: str, on: str) -> int:
        out, _ = self("--as", person, "log", "--task", task, "--hours", hours, "--date", on)
        found = re.search(r"\(entry (\d+), ", out)
        assert found, out
        return int(found.group(1))

    def verify_fails(self) -> list[str]:
        """`sowtrack verify` refuses: its problem lines (the closing count checked)."""
        _, lines = self("verify", rc=1)
        assert re.fullmatch(rf"verify failed: {len(lines) - 1} problem\(s\) in \d+ audit rows",
                            lines[-1]), lines
        return lines[:-1]

    def sql(self, statement: str, **params: object) -> None:
        """An edit behind the program's back: its own engine, one committed statement."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                assert conn.execute(text(statement), params).rowcount >= 1
        finally:
            engine.dispose()

    def scalar(self, statement: str, **params: object) -> int:
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(statement), params).scalar_one()
        finally:
            engine.dispose()


@pytest.fixture
def signed(db_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[Cli, dict[str, int]]:
    """Three entries in a period signed by both parties, one after it, and CR-001 signed by
    both; `verify` is clean."""
    cli = Cli(db_url, capsys)
    cli("init", str(EXAMPLE_SOW))
    ids = {"liu-0302": cli.log("liu.yang", "T2", "8", "2026-03-02"),
           "liu-0303": cli.log("liu.yang", "T2", "7.5", "2026-03-03"),
           "chen-0303": cli.log("chen.jing", "T3", "6", "2026-03-03")}
    out, _ = cli("--as", "zhang.wei", "cr", "new", "--title", "Second OCR engine",
                 "--delta", "senior=5", "--on", "2026-03-04")
    assert out.strip() == "CR-001"
    cli("--as", "zhang.wei", "cr", "sign", "CR-001", "--on", "2026-03-05")
    out, _ = cli("--as", "li.na", "cr", "sign", "CR-001", "--on", "2026-03-06")
    assert out.strip() == "CR-001: effective since 2026-03-06"
    for who in ("zhang.wei", "li.na"):
        out, _ = cli("--as", who, "signoff", "period", "--from", "2026-03-02", "--to",
                     "2026-03-06", "--on", "2026-03-09")
    assert out.strip() == "TS-001 2026-03-02..2026-03-06: signed by both parties, " \
                          "effective 2026-03-09"
    ids["liu-0310"] = cli.log("liu.yang", "T2", "8", "2026-03-10")
    out, lines = cli("verify")
    assert re.fullmatch(r"ok: \d+ audit rows chained, every record and signature matches\n",
                        out) and lines == []
    return cli, ids


def test_an_untouched_ledger_verifies(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = signed
    out, lines = cli("verify")
    rows = cli.scalar("SELECT count(*) FROM audit_event")
    assert out == f"ok: {rows} audit rows chained, every record and signature matches\n"
    assert lines == []


def test_an_entry_edited_with_sql_is_named_first(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, ids = signed
    entry = ids["chen-0303"]  # inside the signed period: its signatures no longer match
    cli.sql("UPDATE time_entry SET minutes = 600 WHERE id = :id", id=entry)
    problems = cli.verify_fails()
    assert problems[0] == f"{CODE} entry {entry}: {BEHIND}: minutes was 360, is 600"
    assert problems[1:] == [
        f"{CODE} TS-001 signature of {who}: the document no longer matches what was signed "
        f"on 2026-03-09" for who in ("zhang.wei", "li.na")]


def test_an_entry_moved_with_sql_outside_a_period_is_the_one_problem(
        signed: tuple[Cli, dict[str, int]]) -> None:
    cli, ids = signed
    entry = ids["liu-0310"]
    cli.sql('UPDATE time_entry SET "on" = :d, note = :n WHERE id = :id',
            d=date(2026, 3, 11), n="moved", id=entry)
    assert cli.verify_fails() == [
        f"{CODE} entry {entry}: {BEHIND}: date was 2026-03-10, is 2026-03-11; "
        f"note was \"\", is moved"]


def test_an_entry_deleted_with_sql_is_named(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, ids = signed
    cli.sql("DELETE FROM time_entry WHERE id = :id", id=ids["liu-0310"])
    assert cli.verify_fails() == [
        f"{CODE} entry {ids['liu-0310']}: deleted behind the program's back"]


def test_an_entry_added_with_sql_is_named(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, ids = signed
    cli.sql('INSERT INTO time_entry (project_id, person_id, task_id, "on", minutes, grade, '
            'note) SELECT project_id, person_id, task_id, :d, 480, grade, \'ghost\' '
            'FROM time_entry WHERE id = :id', d=date(2026, 3, 12), id=ids["liu-0302"])
    ghost = cli.scalar("SELECT id FROM time_entry WHERE note = 'ghost'")
    assert cli.verify_fails() == [
        f"{CODE} entry {ghost}: not in the audit log (added behind the program's back)"]


def test_a_cr_delta_edited_with_sql_is_named_first(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = signed
    cli.sql("UPDATE change_delta SET pd_milli = 50000 WHERE grade = 'senior'")
    problems = cli.verify_fails()
    assert problems[0] == (f"{CODE} CR-001: {BEHIND}: deltas was [[\"senior\",5000]], "
                           f"is [[\"senior\",50000]]")
    assert problems[1:] == [
        f"{CODE} CR-001 signature of zhang.wei: the document no longer matches what was "
        f"signed on 2026-03-05",
        f"{CODE} CR-001 signature of li.na: the document no longer matches what was signed "
        f"on 2026-03-06"]


def test_a_signature_date_edited_with_sql_is_named(signed: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = signed
    cli.sql("UPDATE signature SET signed_on = :d WHERE doc_kind = 'cr' AND party = 'client'",
            d=date(2026, 3, 1))
    assert cli.verify_fails() == [
        f"{CODE} CR-001 signature of li.na: {BEHIND}: on was 2026-03-06, is 2026-03-01"]


def test_a_signature_digest_edited_with_sql_is_named(
        signed: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = signed
    signer = cli.scalar("SELECT id FROM person WHERE key = 'zhang.wei'")
    old = cli.scalar("SELECT digest FROM signature WHERE doc_kind = 'period' "
                     "AND person_id = :p", p=signer)
    cli.sql("UPDATE signature SET digest = :d WHERE doc_kind = 'period' AND person_id = :p",
            d="0" * 64, p=signer)
    assert cli.verify_fails() == [
        f"{CODE} TS-001 signature of zhang.wei: {BEHIND}: digest was {old[:16]}…, "
        f"is {'0' * 16}…",
        f"{CODE} TS-001 signature of zhang.wei: its digest does not match the document"]


def test_an_audit_row_edited_or_removed_with_sql_is_named_by_its_id(
        signed: tuple[Cli, dict[str, int]]) -> None:
    cli, ids = signed
    row = cli.scalar("SELECT id FROM audit_event WHERE entity = 'entry' AND ref = :ref",
                     ref=str(ids["liu-0303"]))
    cli.sql("UPDATE audit_event SET actor = 'mallory' WHERE id = :id", id=row)
    assert cli.verify_fails() == [
        f"audit row {row}: content was edited (log entry {ids['liu-0303']})"]
    cli.sql("UPDATE audit_event SET actor = 'liu.yang' WHERE id = :id", id=row)
    cli("verify")
    cli.sql("DELETE FROM audit_event WHERE id = :id", id=row)
    problems = cli.verify_fails()
    following = cli.scalar("SELECT min(id) FROM audit_event WHERE id > :id", id=row)
    assert problems[0] == (f"audit row {following}: does not follow the previous row (a row "
                           f"was removed or reordered)")
    # The entry it recorded is now unknown to the log.
    assert f"{CODE} entry {ids['liu-0303']}: not in the audit log (added behind the " \
           f"program's back)" in problems
