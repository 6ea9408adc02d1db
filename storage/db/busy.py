"""A busy ledger is waited for: the time limit, what counts as busy or refused, the back-off."""

from __future__ import annotations

import math
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from model.errors import LedgerError
from model.i18n import _

_T = TypeVar("_T")


BUSY_LIMIT_S = 120.0  # how long an action waits for a busy ledger, in all (SOWTRACK_BUSY_TIMEOUT)
_SQLITE_BUSY_MS = 30_000  # one wait in SQLite's own busy handler, before our back-off
_BACKOFF_FIRST_S, _BACKOFF_MAX_S = 0.05, 2.0


class LedgerBusy(LedgerError):
    """The ledger stayed busy (locked by other writers, or no free connection) too long."""


def busy_limit() -> float:
    """Seconds an action waits for a busy ledger in all: $SOWTRACK_BUSY_TIMEOUT, else 120."""
    raw = os.environ.get("SOWTRACK_BUSY_TIMEOUT", "").strip()
    if not raw:
        return BUSY_LIMIT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise LedgerError(_("SOWTRACK_BUSY_TIMEOUT: {raw!r} is not a number of seconds (>= 0)")
                          .format(raw=raw))
    return value


def _busy_limit_or_default() -> float:
    try:
        return busy_limit()
    except LedgerError:
        return BUSY_LIMIT_S  # refused, in one line, by the transaction that follows


def _sqlite_busy_ms(remaining_s: float) -> int:
    return max(0, min(_SQLITE_BUSY_MS, int(remaining_s * 1000)))


_PG_LOCKED = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock timeout
_PG_NO_CONNECTION = {"53300", "57P03"}  # too many connections, cannot connect now
# A refused connection carries no SQLSTATE in psycopg, only the server's message.
_PG_NO_CONNECTION_TEXT = ("too many connections", "too many clients",
                          "remaining connection slots are reserved",
                          "the database system is starting up")


def busy_kind(exc: BaseException) -> str | None:
    """``"locked"`` or ``"connections"`` when ``exc`` is a transient busy error, else None."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return "locked" if code & 0xFF in (5, 6) else None  # SQLITE_BUSY, SQLITE_LOCKED
        return "locked" if "is locked" in str(orig) else None
    state = getattr(orig, "sqlstate", None)
    if state in _PG_LOCKED:
        return "locked"
    if state in _PG_NO_CONNECTION:
        return "connections"
    if type(orig).__module__.startswith("psycopg") and state is None:
        text_ = str(orig).lower()
        if any(t in text_ for t in _PG_NO_CONNECTION_TEXT):
            return "connections"
    return None


_PG_REFUSED = "42501"  # insufficient_privilege: a privilege, or a row-level security policy


def refusal(exc: BaseException) -> str | None:
    """The one line for a change the database server refused (PostgreSQL's privileges and
    row-level security, migration 0005), naming what was refused; None for other errors."""
    if isinstance(exc, StaleDataError):
        # An UPDATE or DELETE whose row a policy hides matches no row, without an error.
        found = re.search(r"on table '([^']+)'", str(exc))
        if found:
            return _("the database refused this change: no row of table {table} that this "
                     "login role may change matched; nothing was written"
                     ).format(table=found.group(1))
        return _("the database refused this change: no row that this login role may change "
                 "matched; nothing was written")
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != _PG_REFUSED:
        return None
    diag = getattr(orig, "diag", None)
    what = (getattr(diag, "message_primary", None) or _first_line(orig)).rstrip(".")
    return _("the database refused this change: {what}; nothing was written").format(what=what)


def _busy_message(kind: str, waited: float) -> str:
    if kind == "connections":
        return _("the ledger is busy: the database server has had no free connection for "
                 "{waited:.0f} s; try again").format(waited=waited)
    return _("the ledger is busy: another sowtrack has been writing for {waited:.0f} s; "
             "try again").format(waited=waited)


def _backoff(attempt: int) -> float:
    """Exponential back-off with jitter, so that waiting processes do not retry in step."""
    step = min(_BACKOFF_MAX_S, _BACKOFF_FIRST_S * 2 ** attempt)
    return step / 2 + random.uniform(0, step / 2)


def wait_while_busy(first: Callable[[float], _T], limit: float | None = None) -> _T:
    """``first(seconds left)``, retried on busy errors until :func:`busy_limit` (or what
    is left of it, ``limit``) is spent.

    Only for steps that have done nothing yet (connect, BEGIN, the write lock, a
    read-only copy): a retry cannot repeat a change. Raises :class:`LedgerBusy` once
    the time is spent.
    """
    limit = busy_limit() if limit is None else limit
    start = time.monotonic()
    attempt = 0
    while True:
        try:
            return first(max(0.0, limit - (time.monotonic() - start)))
        except (DBAPIError, sqlite3.OperationalError) as exc:
            kind = busy_kind(exc)
            if kind is None:
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                raise LedgerBusy(_busy_message(kind, waited)) from None
            time.sleep(min(_backoff(attempt), limit - waited))
            attempt += 1


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
