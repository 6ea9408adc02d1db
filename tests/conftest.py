"""Fixtures: every storage test runs on a SQLite file and, when a server is named, PostgreSQL.

``SOWTRACK_TEST_PG`` is a SQLAlchemy URL of a PostgreSQL server whose role may
CREATE DATABASE; each test gets a fresh database, dropped afterwards. Without
it the PostgreSQL variants are skipped, unless ``SOWTRACK_REQUIRE_PG=1`` (CI),
which turns the skip into a failure.

Migrations run once per worker process (pytest-xdist), not once per test: a test that
uses the ``ledger`` fixture (``example`` too) gets a copy of a database migrated at
session start (the SQLite file copied; on PostgreSQL ``CREATE DATABASE ... TEMPLATE``).
A test that takes ``db_url`` alone (and is not marked ``migrated``, see MIGRATED) still
gets an empty database and runs the real
migrations from nothing when it opens it (test_config_db walks them up and down).

The ``example`` fixture's project is likewise loaded once per worker: a test that uses it
gets a copy of a migrated database in which ``init_project`` already ran on the example
SOW (with its SQLite witness file beside it), byte for byte what loading it in the test
would leave, without paying for the load (hundreds of inserts and audit rows) each time.
"""

from __future__ import annotations

import functools
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


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test speaks English (the demo SOW is Chinese) unless it sets the language
    itself (``monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")`` or ``delenv`` to follow the
    SOW); the language a test chose does not leak into the next one."""
    from model import i18n

    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    i18n.set_language(None)
    yield
    i18n.set_language(None)


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
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rsplit(".", 1)[-1] in MIGRATED:
            item.add_marker(pytest.mark.migrated)


#: Modules whose every ``db_url`` test opens the ledger at once (``init`` or Ledger.open
#: first): they are marked ``migrated`` and get a database already at the head, copied
#: from the worker's template, instead of running every migration from nothing in each
#: test (seconds on PostgreSQL). Migrating an empty ledger on open is tested where it is
#: the subject (test_config_db, test_storage), which stay unmarked.
MIGRATED = frozenset({"test_control_characters", "test_fuzz", "test_odd_input",
                      "test_people_life", "test_plausible", "test_tasks_capacity",
                      "test_verify_cli"})


def _no_pg(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (SOWTRACK_REQUIRE_PG=1): {reason}")
    pytest.skip(reason)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _migrated_sqlite_file(folder: Path, *, with_example: bool = False) -> Path:
    """An empty ledger migrated to the head in ``folder`` (the example SOW loaded in it when
    ``with_example``), its WAL folded into the file so that copying the one file (and its
    witness, :func:`_copy_sqlite`) copies the whole database."""
    path = folder / "migrated.db"
    led = Ledger.open(f"sqlite:///{path}")
    if with_example:
        led.init_project(load_sow(EXAMPLE_SOW))
    led.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _witness(path: Path) -> Path:
    """The audit head's witness file beside a SQLite ledger (storage/witness.py)."""
    return path.with_name(path.name + ".head")


def _copy_sqlite(template: Path, path: Path) -> None:
    """A template ledger copied to ``path``, with its witness file when it has one."""
    shutil.copyfile(template, path)
    if _witness(template).exists():
        shutil.copyfile(_witness(template), _witness(path))


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
def _sqlite_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's migrated SQLite ledger with the example SOW loaded, copied by every
    test that uses the ``example`` fixture."""
    return _migrated_sqlite_file(tmp_path_factory.mktemp("example"), with_example=True)


def _pg_template_database(template: str | None, *, with_example: bool) -> Iterator[str]:
    """A migrated PostgreSQL database of this worker (a copy of ``template`` if given, the
    example SOW loaded in it when ``with_example``), a template for the tests' databases.
    Nothing stays connected to it (CREATE DATABASE ... TEMPLATE needs that)."""
    kind = "example" if with_example else "tmpl"
    name = f"sowtrack_{kind}_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = _create_database(name, template)
    try:
        led = Ledger.open(make_url(PG_URL).set(database=name)
                          .render_as_string(hide_password=False))
        if with_example:
            led.init_project(load_sow(EXAMPLE_SOW))
        led.engine.dispose()
        with admin.connect() as conn:  # no one (autovacuum neither) may hold it open
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        yield name
    finally:
        drop_database(admin, name)
        admin.dispose()


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    """The name of this worker's migrated PostgreSQL database (see above)."""
    yield from _pg_template_database(None, with_example=False)


@pytest.fixture(scope="session")
def _pg_example(_pg_template: str) -> Iterator[str]:
    """The name of this worker's PostgreSQL database with the example SOW loaded."""
    yield from _pg_template_database(_pg_template, with_example=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh ledger URL on each backend: empty, or already migrated to the head when the
    test also uses the ``ledger`` fixture or is marked ``migrated`` (it would migrate it at
    once anyway), with the example SOW loaded too when it uses ``example`` (which would
    load it at once)."""
    migrated = ("ledger" in request.fixturenames
                or request.node.get_closest_marker("migrated") is not None)
    loaded = "example" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "ledger.db"
        if migrated or loaded:
            _copy_sqlite(request.getfixturevalue(
                "_sqlite_example" if loaded else "_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = f"sowtrack_test_{uuid.uuid4().hex[:12]}"
    template = (request.getfixturevalue("_pg_example") if loaded
                else request.getfixturevalue("_pg_template") if migrated else None)
    admin = _create_database(name, template)
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
    """The example SOW loaded (by ``db_url``: the database is a copy of the worker's loaded
    one); acting as the vendor lead."""
    return ledger.for_project(_example_code()).acting_as("zhang.wei")


@pytest.fixture
def sqlite_example(_sqlite_example: Path, tmp_path: Path) -> Iterator[Ledger]:
    """The example SOW on SQLite alone, acting as the vendor lead: for what only SQLite
    does (deferred indexes, values its column types would refuse elsewhere), without a
    PostgreSQL variant to skip."""
    path = tmp_path / "ledger.db"
    _copy_sqlite(_sqlite_example, path)  # with its witness file
    led = Ledger.open(f"sqlite:///{path}")
    yield led.for_project(_example_code()).acting_as("zhang.wei")
    led.engine.dispose()


@functools.cache
def _example_code() -> str:
    """The example SOW's project code, read once."""
    return load_sow(EXAMPLE_SOW).code


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
