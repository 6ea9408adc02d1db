"""Ledger.snapshot(): one read transaction for every read inside it, on SQLite and
PostgreSQL, and the transaction counter (tests/txcount.py) the other snapshot tests use."""

from __future__ import annotations

import pytest

from storage.services import Ledger

from .txcount import TxCount

AS_OF = "2026-03-31"


def test_the_counter_tells_reads_from_writes(example: Ledger) -> None:
    with TxCount(example.engine) as tx:
        example.entry_count()
        example.log("T1", "8", on="2026-03-02")
        example.summary(AS_OF)
    assert tx.kinds == ["read", "write", "read"]
    example.entry_count()  # after the block: no longer counted
    assert (tx.reads, tx.writes) == (2, 1)


def test_reads_inside_a_snapshot_are_one_transaction(example: Ledger) -> None:
    with TxCount(example.engine) as tx:
        example.summary(AS_OF)
        example.people()
        example.entries()
    assert tx.kinds == ["read"] * 3  # one per read, outside a snapshot
    with TxCount(example.engine) as tx:
        with example.snapshot():
            example.summary(AS_OF)
            example.people()
            example.entries()
            example.change_requests()
            example.burndown(AS_OF)
    assert tx.kinds == ["read"]


def test_a_snapshot_does_not_see_what_another_ledger_commits_meanwhile(
        example: Ledger, db_url: str) -> None:
    """Another engine (another process, as far as the database knows) commits an entry
    while the snapshot is open: no read inside sees it, the first read after does."""
    other = Ledger.open(db_url, example.project_code, "liu.yang")
    try:
        before = example.entry_count()
        with TxCount(example.engine) as tx, example.snapshot():
            first = (example.entry_count(), example.summary(AS_OF),
                     [e.id for e in example.entries()])
            added = other.log("T2", "8", on="2026-03-02")
            assert other.entry_count() == before + 1  # committed, for everybody else
            again = (example.entry_count(), example.summary(AS_OF),
                     [e.id for e in example.entries()])
            assert again == first
            assert first[0] == before and added.id not in first[2]
        assert tx.kinds == ["read"]  # the other ledger's engine is not counted
        assert example.entry_count() == before + 1
        assert added.id in [e.id for e in example.entries()]
        assert example.summary(AS_OF).consumed_pd == first[1].consumed_pd + 1
    finally:
        other.engine.dispose()


def test_a_write_inside_a_snapshot_is_refused_and_writes_nothing(example: Ledger) -> None:
    before = example.entry_count()
    with TxCount(example.engine) as tx, example.snapshot():
        with pytest.raises(RuntimeError, match="a write inside snapshot"):
            example.log("T1", "1", on="2026-03-03")
    assert tx.kinds == ["read"]
    assert example.entry_count() == before


@pytest.mark.parametrize("argv", [
    ["report", "summary", "--as-of", AS_OF], ["report", "summary", "--as-of", AS_OF, "--json"],
    ["report", "burndown", "--as-of", AS_OF], ["report", "burndown", "--json"], []],
    ids=["summary", "summary-json", "burndown", "burndown-json", "status"])
def test_a_report_reads_one_snapshot(example: Ledger, argv: list[str],
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`report summary|burndown` and the piped status: every figure from one state. The
    command runs on the test's ledger (its engine is the one counted)."""
    import tui.commands.reports as reports
    from tui.cli import main

    example.log("T1", "8", on="2026-03-02")
    monkeypatch.setattr(reports, "_ledger", lambda _args: example)
    monkeypatch.setenv("SOWTRACK_TODAY", AS_OF)
    capsys.readouterr()
    with TxCount(example.engine) as tx:
        assert main(argv) == 0
    out = capsys.readouterr().out
    assert tx.kinds == ["read"]
    assert out.strip()  # it printed its report
