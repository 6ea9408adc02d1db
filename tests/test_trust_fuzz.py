"""Hypothesis: any single-row SQL edit, deletion or insertion on any table is named by verify.

The ledger of tests/test_trust_verify.py (every kind of record, an accepted project)
is built once per backend; each example starts from a copy of it (a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), changes one row of one
table with plain SQL, and asks `verify`. A statement the database itself refuses
(a foreign key, a unique constraint) is no attack and is discarded.

What is left out, and why:
- surrogate ids (``rate.id``, ``person.id``, ...): no one reads them; a record is
  known by its key (a grade, a person id, a CR number). The ids of time entries and
  quota uses *are* their keys and are fuzzed;
- ``alembic_version``: the schema's revision, checked when the ledger is opened;
- on PostgreSQL, deleting or copying an ``audit_witness`` row: application login
  roles may only append to it (tests/test_pg_rls.py), and a copy of a true head
  witnesses nothing new. Its rows' heads are fuzzed (not the time a head was
  written, which proves nothing). On SQLite that table is empty and the witness is
  a file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    create_engine,
    delete,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from storage.services import Ledger
from storage.sowfile import load_sow
from tests.conftest import EXAMPLE_SOW, PG_URL, _no_pg, drop_database
from tests.test_trust_verify import build

EXAMPLES = int(os.environ.get("SOWTRACK_FUZZ_EXAMPLES", "40"))
SKIP_TABLES = {"alembic_version"}
KEYED_BY_ID = {"time_entry", "quota_use"}


class Copies:
    """Fresh copies of one built ledger."""

    def __init__(self, backend: str, root: Path):
        self.backend = backend
        self.root = root
        if backend == "sqlite":
            self.template = f"sqlite:///{root / 'template.db'}"
        else:
            if not PG_URL:
                _no_pg("SOWTRACK_TEST_PG is not set")
            self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            self.name = f"sowtrack_tmpl_{uuid.uuid4().hex[:10]}"
            with self.admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.template = make_url(PG_URL).set(database=self.name).render_as_string(
                hide_password=False)
        led = Ledger.open(self.template)
        led = led.for_project(led.init_project(load_sow(EXAMPLE_SOW)).code).acting_as(
            "zhang.wei")
        build(led)
        led.engine.dispose()

    def fresh(self) -> str:
        if self.backend == "sqlite":
            target = self.root / f"{uuid.uuid4().hex[:8]}.db"
            src = Path(make_url(self.template).database or "")
            shutil.copy(src, target)
            shutil.copy(src.with_name(src.name + ".head"), target.with_name(target.name + ".head"))
            return f"sqlite:///{target}"
        name = f"sowtrack_fz_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            path = Path(make_url(url).database or "")
            for p in (path, path.with_name(path.name + ".head")):
                p.unlink(missing_ok=True)
            return
        drop_database(self.admin, str(make_url(url).database))

    def close(self) -> None:
        if self.backend == "postgres":
            drop_database(self.admin, self.name)
            self.admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                               marks=pytest.mark.postgres)])
def copies(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    c = Copies(request.param, tmp_path_factory.mktemp("fuzz"))
    yield c
    c.close()


def _other(value: Any, column: Any, data: st.DataObject) -> Any:
    """A value of the column's type that differs from ``value``."""
    kind = column.type
    if isinstance(kind, DateTime):
        return (value or datetime(2026, 1, 1)) + timedelta(
            seconds=data.draw(st.integers(1, 10**6)))
    if isinstance(kind, Date):
        return (value or date(2026, 1, 1)) + timedelta(days=data.draw(
            st.integers(-400, 400).filter(bool)))
    if isinstance(kind, Integer):
        return data.draw(st.integers(-10**6, 10**7).filter(lambda v: v != value))
    length = getattr(kind, "length", None) or 40
    new = data.draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.",
                            max_size=min(length, 12)).filter(lambda v: v != value))
    return new


def _mutate(engine: Engine, backend: str, data: st.DataObject) -> str | None:
    """One single-row change by plain SQL; what it did, or None if the database refused."""
    meta = MetaData()
    meta.reflect(engine)
    tables = sorted(t for t in meta.tables if t not in SKIP_TABLES)
    with engine.connect() as conn:
        filled = [t for t in tables if conn.execute(select(func.count()).select_from(
            meta.tables[t])).scalar()]
    op = data.draw(st.sampled_from(["update", "delete", "insert"]), label="op")
    candidates = filled
    if backend == "postgres" and op in ("delete", "insert"):
        candidates = [t for t in filled if t != "audit_witness"]
    name = data.draw(st.sampled_from(candidates), label="table")
    table = meta.tables[name]
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    row = rows[data.draw(st.integers(0, len(rows) - 1), label="row")]
    pk = table.c.id
    try:
        with engine.begin() as conn:
            if op == "delete":
                conn.execute(delete(table).where(pk == row["id"]))
                return f"DELETE {name} id={row['id']}"
            if op == "insert":
                values = dict(row)
                values["id"] = conn.execute(select(func.max(pk))).scalar() + 1
                conn.execute(insert(table).values(**values))
                return f"INSERT copy of {name} id={row['id']}"
            columns = [c for c in table.columns
                       if (c.name != "id" or name in KEYED_BY_ID)
                       and (name, c.name) != ("audit_witness", "at")]
            column = data.draw(st.sampled_from(columns), label="column")
            if column.nullable and row[column.name] is not None and data.draw(st.booleans()):
                value = None
            else:
                value = _other(row[column.name], column, data)
            conn.execute(update(table).where(pk == row["id"]).values({column.name: value}))
            return f"UPDATE {name} id={row['id']} SET {column.name} = {value!r}"
    except DBAPIError:
        return None


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_row_edit_is_named_by_verify(copies: Copies, data: st.DataObject) -> None:
    url = copies.fresh()
    led = Ledger.open(url)
    try:
        assert led.verify()[1] == []
        done = _mutate(led.engine, copies.backend, data)
        if done is None:
            return  # the database refused the statement itself
        problems = led.verify()[1]
        assert problems, f"verify found nothing after: {done}"
    finally:
        led.engine.dispose()
        copies.drop(url)
