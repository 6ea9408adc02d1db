"""Count the transactions a block of code opens on an engine: reads and writes apart.

    with TxCount(ledger.engine) as tx:
        ledger.summary()
    assert (tx.reads, tx.writes) == (1, 0)

Every unit of work (storage.db.reading / writing) begins one transaction on its own
connection; the engine's ``begin`` event fires for each, in the thread that opens it, and
the connection says whether it is a writer (``conn.info``, set before the BEGIN). The
TUI's workers run in threads: ``threads`` tells which thread opened which transaction.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, event

from storage.db.engine import _WRITE


class TxCount:
    """The transactions opened on ``engine`` while the block runs (any thread)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        #: ("read" | "write", thread name) of each transaction, in the order opened
        self.opened: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _begin(self, conn: Connection) -> None:
        kind = "write" if conn.info.get(_WRITE) else "read"
        with self._lock:
            self.opened.append((kind, threading.current_thread().name))

    def __enter__(self) -> TxCount:
        event.listen(self.engine, "begin", self._begin)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "begin", self._begin)

    @property
    def reads(self) -> int:
        return sum(kind == "read" for kind, _ in self.opened)

    @property
    def writes(self) -> int:
        return sum(kind == "write" for kind, _ in self.opened)

    @property
    def kinds(self) -> list[str]:
        """"read"/"write" of each transaction, in the order opened."""
        return [kind for kind, _ in self.opened]

    def reset(self) -> None:
        with self._lock:
            self.opened.clear()


class Statements:
    """The SQL statements sent on ``engine`` while the block runs that contain every one
    of ``parts`` (e.g. "FROM time_entry"): which scans a read made.

        with Statements(ledger.engine, "GROUP BY", "time_entry") as sql:
            ledger.summary()
        assert len(sql.seen) == 1
    """

    def __init__(self, engine: Engine, *parts: str):
        self.engine, self.parts = engine, parts
        self.seen: list[str] = []

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if all(part in statement for part in self.parts):
            self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
