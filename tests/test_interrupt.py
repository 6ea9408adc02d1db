"""Ctrl-C and the commit: an interrupt lands before a write's commit (nothing written, and
the user is told so) or after it is counted (the change stands, and the user is told
that), never between the two, where "nothing was written" would be untrue."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.db import committed_writes
from storage.services import Ledger

from .life_support import cli


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own Ctrl-C handler, as a command line process has it."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def _interrupt(when: str) -> object:
    """A Ctrl-C raised once, inside the next write's ``when`` (a Session event)."""
    fired: list[bool] = []

    def listener(*_: object) -> None:
        if not fired:
            fired.append(True)
            signal.raise_signal(signal.SIGINT)

    event.listen(Session, when, listener)
    return listener


def _log(capsys: pytest.CaptureFixture[str], led: Ledger) -> tuple[int, str, str]:
    return cli(capsys, led, "--project", led.project_code or "", "--as", "liu.yang", "log",
               "--task", "T2", "--hours", "2", "--date", "2026-03-02")


@pytest.mark.parametrize("when", ["before_commit", "after_commit"])
def test_an_interrupt_in_or_after_the_commit_says_the_change_stands(
        sqlite_example: Ledger, capsys: pytest.CaptureFixture[str],
        default_sigint: None, when: str) -> None:
    """Ctrl-C inside the commit itself is held until the commit has ended and is counted;
    one just after it finds it counted: either way the user is told the truth."""
    before = committed_writes()
    listener = _interrupt(when)
    try:
        rc, _out, err = _log(capsys, sqlite_example)
    finally:
        event.remove(Session, when, listener)
    assert rc == 130
    assert err.strip() == "interrupted; what was written before it stands (see sowtrack history)"
    assert sqlite_example.entry_count() == 1  # it stands indeed
    assert committed_writes() == before + 1
    assert sqlite_example.verify()[1] == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # given back


def test_an_interrupt_before_the_commit_writes_nothing_and_says_so(
        sqlite_example: Ledger, capsys: pytest.CaptureFixture[str],
        default_sigint: None) -> None:
    before = committed_writes()
    listener = _interrupt("before_flush")  # the entry about to be written
    try:
        rc, _out, err = _log(capsys, sqlite_example)
    finally:
        event.remove(Session, "before_flush", listener)
    assert rc == 130
    assert err.strip() == "interrupted; nothing was written by the unfinished action"
    assert sqlite_example.entry_count() == 0
    assert committed_writes() == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_the_lane_writes_waits_for_the_job(
        sqlite_example: Ledger, default_sigint: None) -> None:
    """A Ctrl-C while a batch is written on the lane's thread is noted, and raised by the
    next wait once the job has ended: the import never rolls back (and closes the
    connection) under a job still writing, whatever the user presses meanwhile."""
    import time

    from storage import sqlite_import
    from storage.db import writing

    done: list[bool] = []
    with writing(sqlite_example.engine) as s:
        lane = sqlite_import.Lane(s.connection())

        def job() -> None:
            time.sleep(0.3)
            done.append(True)

        lane.submit(job)
        signal.raise_signal(signal.SIGINT)  # noted, not raised here
        signal.raise_signal(signal.SIGINT)
        assert done == []  # the job still runs
        with pytest.raises(KeyboardInterrupt):
            lane.wait()
        assert done == [True]  # raised once the job had ended
        lane.close(failing=True)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_amid_the_first_imports_is_still_worded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The interrupted command's message imports nothing: a Ctrl-C that cut the import of
    storage short (a module half made) still gets its line, and counts no write."""
    import types

    from tui import cli as cli_module

    for name in ("storage.db", "storage.db.unit"):  # half made: no attributes yet
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    assert cli_module._written() == 0
    monkeypatch.delitem(sys.modules, "storage.db.unit")
    assert cli_module._written() == 0
