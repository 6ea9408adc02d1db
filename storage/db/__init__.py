"""Engines, transactions and migrations.

Every user action runs in exactly one transaction: :func:`reading` for
queries, :func:`writing` for changes. Writers are serialised, so the audit
chain never forks and a check-then-write (the 24-hour rule, a quota limit)
cannot race:

* SQLite: write transactions open with ``BEGIN IMMEDIATE`` (a plain ``BEGIN``
  that later writes fails at once with "database is locked" under
  concurrency, whatever the busy timeout); WAL lets readers go on meanwhile.
* PostgreSQL: write transactions take a transaction-level advisory lock.

A busy ledger is waited for, never shown as "database is locked": getting a
connection, ``BEGIN IMMEDIATE`` and the advisory lock are retried with
exponential back-off and jitter (nothing has been done yet, so a retry is
safe) for at most :func:`busy_limit` seconds in all, and then the action is
refused with one line (:class:`LedgerBusy`). A busy error that reaches the
middle of a transaction (on PostgreSQL a deadlock, a serialization failure, or a
lock wait longer than the time left) rolls it back and is refused the same way;
it is not replayed, since only the caller knows what it was doing.

Split by subject into the modules of this package; every name is re-exported here,
so the old imports work as before.
"""

from storage.db.busy import (
    BUSY_LIMIT_S,
    LedgerBusy,
    _busy_limit_or_default,
    _sqlite_busy_ms,
    busy_kind,
    busy_limit,
    refusal,
    wait_while_busy,
)
from storage.db.engine import (
    APP_NAME,
    WRITE_LOCK_KEY,
    default_url,
    is_read_only,
    ledger_url,
    make_engine,
    resolve_url,
    sqlite_file,
)
from storage.db.schema import (
    HEAD_REVISION,
    SchemaStatus,
    _alembic_config,
    current_revision,
    migrate,
    open_engine,
    pending_migrations,
    run_alembic,
    schema_status,
)
from storage.db.unit import (
    committed_writes,
    connect,
    reading,
    refuse_read_only,
    writing,
)

__all__ = [
    "APP_NAME",
    "committed_writes",
    "BUSY_LIMIT_S",
    "HEAD_REVISION",
    "LedgerBusy",
    "SchemaStatus",
    "WRITE_LOCK_KEY",
    "_alembic_config",
    "_busy_limit_or_default",
    "_sqlite_busy_ms",
    "busy_kind",
    "busy_limit",
    "connect",
    "current_revision",
    "default_url",
    "is_read_only",
    "ledger_url",
    "make_engine",
    "migrate",
    "open_engine",
    "pending_migrations",
    "reading",
    "refusal",
    "refuse_read_only",
    "resolve_url",
    "run_alembic",
    "schema_status",
    "sqlite_file",
    "wait_while_busy",
    "writing",
]
