"""A printed sheet's content comes from one snapshot of the ledger: exporting it opens
one read transaction (who gets a sheet, every figure, its revision, the chain's head),
then, when the content is printed for the first time, one write recording its revision
after it; ``verify FILE.pdf`` reads the ledger in one transaction too. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, print_sheet, verify_pdf
from tui.sheets import SheetOptions, WriteRequest, sheet_request, write_sheet

from .conftest import as_
from .txcount import TxCount

PRINTED_ON = date(2026, 3, 20)


@pytest.fixture
def week(example: Ledger) -> Ledger:
    for day in range(2, 7):
        as_(example, "chen.jing").log("T2", "8", on=date(2026, 3, day))
        as_(example, "liu.yang").log("T2", "6.5", on=date(2026, 3, day))
    return example


def _export(led: Ledger, out: Path, **options: str | bool) -> list:
    request = sheet_request(SheetOptions(**options))  # type: ignore[arg-type]
    return list(write_sheet(led, WriteRequest(request, out, force=True,
                                              printed_on=PRINTED_ON)).files)


@pytest.mark.parametrize("options", [
    {"kind": "timesheet", "first": "2026-03-02", "last": "2026-03-06"},
    {"kind": "status"},
    {"kind": "plan"},
    {"kind": "acceptance"},
], ids=lambda o: str(o["kind"]))
def test_export_reads_one_snapshot_then_records_its_revision(
        week: Ledger, tmp_path: Path, options: dict[str, str]) -> None:
    out = tmp_path / "sheet.pdf"
    with TxCount(week.engine) as tx:
        first = _export(week, out, **options)
    assert tx.kinds == ["read", "write"]  # the content, then its revision recorded
    assert first[0].sheet.meta.revision == 1
    with TxCount(week.engine) as tx:
        again = _export(week, out, **options)
    assert tx.kinds == ["read"]  # printed before: nothing to record
    assert again[0].sheet.meta == first[0].sheet.meta  # same revision, same head
    # The head a sheet carries is the chain's head after its revision's record.
    assert first[0].sheet.meta.head == week.chain_head()


def test_a_timesheet_per_person_reads_one_snapshot_and_records_in_one_write(
        week: Ledger, tmp_path: Path) -> None:
    with TxCount(week.engine) as tx:
        files = _export(week, tmp_path / "week.pdf", kind="timesheet", first="2026-03-02",
                        last="2026-03-06", per_person=True)
    assert tx.kinds == ["read", "write"]
    people = [f.sheet.meta.doc_id.rsplit("/", 1)[-1] for f in files]
    assert len(files) >= 2 and "chen.jing" in people and "liu.yang" in people
    assert {f.sheet.meta.revision for f in files} == {1}
    assert {f.sheet.meta.head for f in files} == {week.chain_head()}


def test_a_new_content_gets_the_next_revision(week: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "ts.pdf"
    options = {"kind": "timesheet", "first": "2026-03-02", "last": "2026-03-06"}
    assert _export(week, out, **options)[0].sheet.meta.revision == 1
    as_(week, "chen.jing").log("T2", "1", on=date(2026, 3, 6))
    with TxCount(week.engine) as tx:
        second = _export(week, out, **options)[0].sheet.meta
    assert tx.kinds == ["read", "write"]
    assert second.revision == 2 and second.head == week.chain_head()


def test_build_and_print_sheet_read_one_snapshot(week: Ledger) -> None:
    request = SheetRequest("status", as_of=PRINTED_ON)  # type: ignore[arg-type]
    with TxCount(week.engine) as tx:
        built = build_sheet(week, request, PRINTED_ON)
    assert tx.kinds == ["read"]
    with TxCount(week.engine) as tx:
        printed = print_sheet(week, request, PRINTED_ON)
    assert tx.kinds == ["read", "write"]
    assert (printed.meta.digest, printed.meta.revision) == (built.meta.digest, 1)


def test_verify_reads_the_ledger_in_one_transaction(week: Ledger, tmp_path: Path) -> None:
    from exports.render import render_pdf

    out = tmp_path / "status.pdf"
    _export(week, out, kind="status")
    with TxCount(week.engine) as tx:
        report = verify_pdf(out, lambda code: Ledger(week.engine, code, "zhang.wei"),
                            render_pdf)
    assert report.ok, report.problems
    assert tx.kinds == ["read"]
    assert report.current_head == report.printed_head == week.chain_head()[0]
