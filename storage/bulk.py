"""Many rows into one table straight through the driver: an import's million rows
without SQLAlchemy's per-row parameter processing (the statement is compiled once, each
column's bind processor looked up once). SQLite: executemany; PostgreSQL (psycopg 3):
COPY FROM STDIN, the server's bulk path, where row-level security does not apply."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select


class BulkInsert:
    """``INSERT INTO table (columns) VALUES (...)`` for many rows, on one connection."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]):
        self.conn, self.columns = conn, tuple(columns)
        dialect = conn.dialect
        stmt = insert(table).values({c: bindparam(c) for c in self.columns})
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        if self.positional:  # the statement's own order (the columns' order, checked)
            assert tuple(compiled.positiontup or ()) == self.columns
        procs = {c: table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
                 for c in self.columns}
        self.processors: dict[str, Callable[[Any], Any]] = {
            c: p for c, p in procs.items() if p is not None}
        # SQLite: multi-row statements (the compiled statement's VALUES tuple repeated)
        self.many: tuple[str, str] | None = None
        self._many: dict[int, str] = {}
        self.per = 1
        if dialect.name == "sqlite" and self.positional:
            head, values, one = self.sql.rpartition(" VALUES ")
            assert values and one.startswith("(") and one.endswith(")")
            self.many = (head + values, one)
            raw: Any = conn.connection.driver_connection
            self.per = max(1, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
                           // len(self.columns))
        # PostgreSQL through psycopg 3: COPY FROM STDIN, unless row-level security applies
        # to this login (COPY FROM is refused then: the INSERT's policies decide instead).
        self.copy: str | None = None
        if dialect.name == "postgresql" and dialect.driver == "psycopg" and not bool(
                conn.execute(select(func.row_security_active(table.fullname))).scalar()):
            prep = dialect.identifier_preparer
            self.copy = (f"COPY {prep.format_table(table)} "
                         f"({', '.join(prep.format_column(table.c[c]) for c in self.columns)})"
                         f" FROM STDIN")

    def value(self, column: str, value: Any) -> Any:
        """``value`` as the driver takes it for ``column`` (a date as text on SQLite):
        for the caller to convert each distinct value once."""
        proc = self.processors.get(column)
        return proc(value) if proc is not None and value is not None else value

    def run(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows``, each in the columns' order, values as :meth:`value` gives."""
        if not rows:
            return
        if self.copy is not None:
            raw: Any = self.conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if self.many is not None:
            self._run_flat(list(chain.from_iterable(rows)), len(rows))
            return
        params: Any = rows if self.positional else [dict(zip(self.columns, r, strict=True))
                                                     for r in rows]
        self.conn.exec_driver_sql(self.sql, params)

    def run_columns(self, columns: Sequence[Sequence[Any]]) -> None:
        """:meth:`run` of rows given column by column (each of the same length, in the
        columns' order): on SQLite the statements' parameters are laid out from the
        columns at once, no row built."""
        n = len(columns[0])
        if not n:
            return
        if self.many is None:
            self.run(list(zip(*columns, strict=True)))
            return
        width = len(self.columns)
        if len(columns) != width or any(len(c) != n for c in columns):
            raise ValueError("a column of the wrong length")
        flat: list[Any] = [None] * (width * n)
        for k, column in enumerate(columns):
            flat[k::width] = column
        self._run_flat(flat, n)

    def _run_flat(self, flat: list[Any], n: int) -> None:
        """SQLite: ``n`` rows, their values one after the other in ``flat``, as few
        multi-row ``VALUES (...), (...)`` statements as its limit of parameters allows,
        each one step of the DBAPI connection (not a step a row: fewer calls, and the
        interpreter's lock released for each statement's whole work, which a second
        thread uses: storage.sqlite_import.Lane)."""
        width = len(self.columns)
        if len(flat) != width * n:
            raise ValueError("a row of the wrong width")
        step = self.per * width
        for at in range(0, len(flat), step):
            part = tuple(flat[at:at + step])
            # through SQLAlchemy: its events fire, and a failure is its DBAPIError (the
            # unit of work words it in one line), whichever thread runs it
            self.conn.exec_driver_sql(self._many_sql(len(part) // width), part)

    def _many_sql(self, n: int) -> str:
        sql = self._many.get(n)
        if sql is None:
            assert self.many is not None
            sql = self._many[n] = self.many[0] + ", ".join([self.many[1]] * n)
        return sql
