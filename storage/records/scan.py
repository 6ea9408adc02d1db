"""Reading millions of rows for ``verify`` at the driver's speed: a query's raw tuples,
a chunk at a time, straight from the database's cursor (no ORM or Row objects), and the
conversion the ORM would apply to a column, once per distinct value.

On PostgreSQL the cursor is a server-side one, so memory holds one chunk whatever the
table's size; SQLite's cursor steps through the table as it is fetched."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Column, Select
from sqlalchemy.orm import Session

CHUNK = 20_000  # rows fetched at a time
_names = itertools.count(1)


def raw_chunks(s: Session, query: Select[Any], chunk: int = CHUNK) -> Iterator[list[Any]]:
    """Every row of ``query`` as the driver returns it (a tuple of raw values, in the
    order of its columns), ``chunk`` rows at a time, in the session's transaction."""
    conn = s.connection()
    dialect = conn.dialect
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.construct_params()
    # each parameter as the ORM would send it (a date as SQLite's stored text)
    processors = getattr(compiled, "_bind_processors", {})
    params = {k: processors[k](v) if k in processors and v is not None else v
              for k, v in params.items()}
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if dialect.name == "postgresql":  # a server-side cursor: one chunk in memory
        cur = dbapi.cursor(name=f"sowtrack_scan_{next(_names)}")
    else:
        cur = dbapi.cursor()
    try:
        cur.execute(str(compiled), params)
        while rows := cur.fetchmany(chunk):
            yield rows
    finally:
        cur.close()


def converter(s: Session, column: Column[Any],
              then: Callable[[Any], Any] = lambda v: v) -> Callable[[Any], Any]:
    """``then`` of the value the ORM reads from ``column`` for a raw value (e.g. a date's
    ISO text from SQLite's stored text), computed once per distinct raw value."""
    dialect = s.connection().dialect
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    cache: dict[Any, Any] = {}

    def convert(raw: Any) -> Any:
        try:
            return cache[raw]
        except KeyError:
            if len(cache) >= 65_536:  # a ledger logged a second at a time: stay bounded
                cache.clear()
            value = cache[raw] = then(process(raw) if process is not None else raw)
            return value
    return convert
