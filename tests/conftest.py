"""Fixtures: every storage test runs on a SQLite file and, when a server is named, PostgreSQL.

``SOWTRACK_TEST_PG`` is a SQLAlchemy URL of a PostgreSQL server whose role may
CREATE DATABASE; each test gets a fresh database, dropped afterwards. Without
it the PostgreSQL variants are skipped, unless ``SOWTRACK_REQUIRE_PG=1`` (CI),
which turns the skip into a failure.

Migrations run once per worker process (pytest-xdist), not once per test: a test that
uses the ``ledger`` fixture (``example`` too) gets a copy of a database migrated at
session start (the SQLite file copied; on PostgreSQL ``CREATE DATABASE ... TEMPLATE``).
A test that takes ``db_url`` alone still gets an empty database and runs the real
migrations from nothing when it opens it (test_config_db walks them up and down).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from storage.services import Ledger
from storage.sowfile import load_sow

SHARED = Path(__file__).resolve().parent / "data"
EXAMPLE_SOW = SHARED / "sow-example.toml"
WORKED = SHARED / "worked"

PG_URL = os.environ.get("SOWTRACK_TEST_PG")
REQUIRE_PG = os.environ.get("SOWTRACK_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's own config file."""
    path = tmp_path_factory.mktemp("config") / "config.toml"
    monkeypatch.setenv("SOWTRACK_CONFIG", str(path))
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A case marked ``pg_only`` exists on PostgreSQL alone: its SQLite variant is not a
    test (not a skipped one either)."""
    def sqlite_variant(item: pytest.Item) -> bool:
        callspec = getattr(item, "callspec", None)
        return callspec is not None and callspec.params.get("db_url") == "sqlite"

    keep = [i for i in items if not (i.get_closest_marker("pg_only") and sqlite_variant(i))]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def _no_pg(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (SOWTRACK_REQUIRE_PG=1): {reason}")
    pytest.skip(reason)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _migrated_sqlite_file(folder: Path) -> Path:
    """An empty ledger migrated to the head in ``folder``, its WAL folded into the file so
    that copying the one file copies the whole database."""
    path = folder / "migrated.db"
    led = Ledger.open(f"sqlite:///{path}")
    led.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _create_database(name: str, template: str | None = None) -> Engine:
    """CREATE DATABASE ``name`` on the server (a copy of ``template``); returns the engine
    on the server's own database that drops it afterwards (:func:`drop_database`). A server
    that cannot be reached or may not create databases skips the test (fails it in CI)."""
    if not PG_URL:
        _no_pg("SOWTRACK_TEST_PG is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        if template:  # the template was made a moment ago: this is a real failure
            raise
        _no_pg(f"cannot create a database on {PG_URL}: {exc}")
    return admin


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's migrated SQLite ledger, copied by every test that wants the schema."""
    return _migrated_sqlite_file(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    """The name of this worker's migrated PostgreSQL database, a template for the tests'
    databases. Nothing stays connected to it (CREATE DATABASE ... TEMPLATE needs that)."""
    name = f"sowtrack_tmpl_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = _create_database(name)
    try:
        Ledger.open(make_url(PG_URL).set(database=name)
                    .render_as_string(hide_password=False)).engine.dispose()
        with admin.connect() as conn:  # no one (autovacuum neither) may hold it open
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        yield name
    finally:
        drop_database(admin, name)
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh ledger URL on each backend: empty, or already migrated to the head when the
    test also uses the ``ledger`` fixture (which would migrate it at once anyway)."""
    migrated = "ledger" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "ledger.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = f"sowtrack_test_{uuid.uuid4().hex[:12]}"
    admin = _create_database(name, request.getfixturevalue("_pg_template") if migrated else None)
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(admin, name)
        admin.dispose()


def drop_database(admin: Engine, name: str) -> None:
    """DROP DATABASE ... WITH (FORCE), retried: an autovacuum worker on it runs as the
    superuser, whom a test role may not terminate (CI turns autovacuum off)."""
    for attempt in range(20):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.5)


@pytest.fixture
def ledger(db_url: str) -> Ledger:
    """An open ledger with no project."""
    led = Ledger.open(db_url)
    yield led
    led.engine.dispose()


@pytest.fixture
def example(ledger: Ledger) -> Ledger:
    """The example SOW loaded; acting as the vendor lead."""
    view = ledger.init_project(load_sow(EXAMPLE_SOW))
    return ledger.for_project(view.code).acting_as("zhang.wei")


def worked_commands() -> list[list[str]]:
    """The sowtrack invocations of the worked example's commands.sh, continuations joined."""
    import shlex

    text = (WORKED / "commands.sh").read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "sowtrack":
            out.append(words[1:])
    return out


def as_(led: Ledger, person: str) -> Ledger:
    """The same ledger acting as someone else."""
    return led.acting_as(person)


@pytest.fixture
def worked_dir(tmp_path: Path) -> Path:
    """A copy of the worked example next to its SOW, as in the shared examples."""
    root = tmp_path / "examples"
    shutil.copytree(WORKED, root / "worked")
    shutil.copy(EXAMPLE_SOW, root / "sow-example.toml")
    return root / "worked"


@pytest.fixture
def roles(db_url: str) -> Iterator[Callable[[str], str]]:
    """A function: name -> the URL of a new login role on the test's database (PostgreSQL).

    Made as README "A shared ledger on PostgreSQL" says: CONNECT on the database and
    nothing else. What it may read and write is what migration 0005 grants every login
    role, and what row-level security lets the person bound to it do."""
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    db = make_url(db_url).database
    made: list[str] = []

    def make(name: str) -> str:
        role = f"st_{name}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
            # Membership lets the test's own role end the new role's sessions at teardown
            # (the CLI's pooled connections), before the role and the database go.
            c.execute(text(f"GRANT {role} TO CURRENT_USER"))
            c.execute(text(f'GRANT CONNECT ON DATABASE "{db}" TO {role}'))
        made.append(role)
        return (make_url(db_url).set(username=role, password="pw")
                .render_as_string(hide_password=False))

    yield make
    with admin.connect() as c:
        for role in made:  # a role with privileges left cannot be dropped
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE usename = :r"), {"r": role})
            c.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
            c.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}"))
            c.execute(text(f"REVOKE ALL ON SCHEMA public FROM {role}"))
            c.execute(text(f'REVOKE ALL ON DATABASE "{db}" FROM {role}'))
    admin.dispose()
    # The database is dropped by db_url's teardown; the roles are cluster-wide.
    server = create_engine(make_url(db_url).set(database="postgres"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as c:
        for role in made:
            c.execute(text(f"DROP ROLE IF EXISTS {role}"))
    server.dispose()
