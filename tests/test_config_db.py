"""The user's config file, where settings come from, and `sowtrack db status|upgrade`.

Every value is looked up in one order: the command-line flag, the environment,
the config file, the built-in default. The schema policy on open: an empty
database is created at the head revision, an older SQLite file is upgraded in
place, an older PostgreSQL database waits for `sowtrack db upgrade`, and a
schema newer than this program is always refused.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text

from model.errors import LedgerError
from storage.config import Config, config_path, load_config, set_value, setting, unset_value
from storage.db import (
    HEAD_REVISION,
    _alembic_config,
    current_revision,
    default_url,
    make_engine,
    run_alembic,
)
from storage.services import Ledger
from tui.cli import main

from .conftest import EXAMPLE_SOW

CODE = "CLAIMS-AGENT-2026"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOWTRACK_DB", "SOWTRACK_USER", "SOWTRACK_PROJECT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cfg() -> Path:
    """The test's own config file (set by conftest through SOWTRACK_CONFIG); not yet there."""
    path = Path(os.environ["SOWTRACK_CONFIG"])
    assert not path.exists()
    return path


class Run:
    def __init__(self, rc: int, out: str, err: str):
        self.rc, self.out, self.err = rc, out, err


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    rc = main(list(args))
    done = capsys.readouterr()
    assert "Traceback" not in done.err
    return Run(rc, done.out, done.err)


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    r = run(capsys, *args)
    assert r.rc == 0, (args, r.err)
    return r.out


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Exit 1 with exactly one line on stderr; returns that line."""
    r = run(capsys, *args)
    assert r.rc == 1, (args, r.rc, r.out, r.err)
    lines = r.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.err
    return lines[0]


def pending_after(revision: str | None) -> list[str]:
    """Alembic's own answer: the revisions after ``revision``, oldest first."""
    walked = [r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()]
    return walked[:walked.index(revision)][::-1] if revision else walked[::-1]


def older_ledger(db_url: str) -> None:
    """A ledger with one project and one entry, then taken back to the first schema."""
    led = Ledger.open(db_url, actor="zhang.wei")
    led = led.for_project(led.init_project(load_example()).code)
    led.log("T1", "8", on="2026-03-02")
    run_alembic(led.engine, "downgrade", "0001")
    assert current_revision(led.engine) == "0001"
    led.engine.dispose()


def load_example():  # type: ignore[no-untyped-def]
    from storage.sowfile import load_sow

    return load_sow(EXAMPLE_SOW)


def revision_of(db_url: str) -> str | None:
    engine = make_engine(db_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the config file


def test_config_file_round_trip(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ok(capsys, "config", "path").strip() == str(cfg)
    out = ok(capsys, "config", "get")
    assert str(cfg) in out and "does not exist yet" in out
    assert not cfg.exists()  # reading creates nothing

    ok(capsys, "config", "set", "db", "postgresql://liu_yang:s3cret@ledger.example.com/sowtrack")
    ok(capsys, "config", "set", "person", "liu.yang")
    ok(capsys, "config", "set", "project", CODE)
    with cfg.open("rb") as f:
        assert tomllib.load(f) == {"db": "postgresql://liu_yang:s3cret@ledger.example.com/sowtrack",
                                   "person": "liu.yang", "project": CODE}
    assert load_config() == Config("postgresql://liu_yang:s3cret@ledger.example.com/sowtrack",
                                   "liu.yang", CODE)
    assert cfg.stat().st_mode & 0o077 == 0  # it may hold a password: the owner's only

    assert ok(capsys, "config", "get", "person") == "liu.yang\n"
    assert ok(capsys, "config", "get", "db") == \
        "postgresql://liu_yang:s3cret@ledger.example.com/sowtrack\n"
    listing = ok(capsys, "config", "get")
    assert str(cfg) in listing
    assert "db = postgresql://liu_yang:***@ledger.example.com/sowtrack" in listing
    assert "s3cret" not in listing
    assert "person = liu.yang" in listing and f"project = {CODE}" in listing

    assert "removed" in ok(capsys, "config", "unset", "project")
    assert "was not set" in ok(capsys, "config", "unset", "project")
    assert refused(capsys, "config", "get", "project") == \
        f"error: config: project is not set (in {cfg})"
    assert "# project is not set" in ok(capsys, "config", "get")
    with cfg.open("rb") as f:
        assert set(tomllib.load(f)) == {"db", "person"}


@pytest.mark.parametrize("argv", [["config", "set", "colour", "red"], ["config", "get", "colour"],
                                  ["config", "unset", "colour"]])
def test_an_unknown_key_is_refused(cfg: Path, argv: list[str],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(capsys, *argv) == \
        "error: config: unknown key 'colour' (known: db, person, project, language)"
    assert not cfg.exists()


def test_setting_db_checks_the_url_shape_without_connecting(
        cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Nothing listens there: a connection attempt would fail, a shape check passes.
    ok(capsys, "config", "set", "db", "postgresql://nobody:pw@127.0.0.1:1/nowhere")
    assert load_config().db == "postgresql://nobody:pw@127.0.0.1:1/nowhere"
    line = refused(capsys, "config", "set", "db", "not a url:secret")
    assert line.startswith("error: config: db: not a database URL") and "secret" not in line
    assert "unsupported database 'mysql'" in refused(capsys, "config", "set", "db",
                                                     "mysql://u@h/d")
    assert "empty value" in refused(capsys, "config", "set", "person", " ")
    assert load_config().db == "postgresql://nobody:pw@127.0.0.1:1/nowhere"  # untouched


@pytest.mark.parametrize("content, names", [
    pytest.param('db = "sqlite:///x.db"\nperson = liu.yang\n', ("not valid TOML", "line 2"),
                 id="invalid-toml"),
    pytest.param('person = "liu.yang"\ncolour = "red"\n',
                 ("unknown key 'colour'", "known: db, person, project"), id="unknown-key"),
    pytest.param('person = 42\n', ("person: must be a string, not an integer",), id="int"),
    pytest.param('[db]\nurl = "x"\n', ("db: must be a string, not a table",), id="table"),
    pytest.param('project = ""\n', ("project: is empty",), id="empty"),
    pytest.param(b'person = "\xff"\n', ("line 1", "not UTF-8"), id="not-utf8"),
])
def test_a_bad_config_file_is_one_line_naming_it(
        cfg: Path, tmp_path: Path, content: str | bytes, names: tuple[str, ...],
        capsys: pytest.CaptureFixture[str]) -> None:
    cfg.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        cfg.write_bytes(content)
    else:
        cfg.write_text(content, encoding="utf-8")
    before = cfg.read_bytes()
    url = f"sqlite:///{tmp_path / 'x.db'}"
    for argv in (["--db", url, "entries"], ["config", "get"], ["config", "set", "language", "en"]):
        line = refused(capsys, *argv)
        assert line.startswith(f"error: config file {cfg}: "), line
        for name in names:
            assert name in line, (line, name)
    assert cfg.read_bytes() == before  # a set never overwrites a file it cannot read
    # Every value given on the command line: the file is not needed, so not read.
    ok(capsys, "--db", url, "--as", "zhang.wei", "--project", CODE, "db", "status")


@pytest.mark.parametrize("content", ['person = 42\n', 'person = ""\n', '[person]\nx = 1\n'])
def test_the_key_a_refusal_names_is_repaired_by_config_set_or_unset(
        cfg: Path, content: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value is refused naming its key ("remove it with `sowtrack config unset
    person`"): setting or unsetting that key replaces it, keeping the others."""
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('project = "P-1"\n' + content, encoding="utf-8")
    assert "person" in refused(capsys, "config", "get")
    ok(capsys, "config", "unset", "person")
    assert load_config() == Config(None, None, "P-1")
    cfg.write_text('project = "P-1"\n' + content, encoding="utf-8")
    ok(capsys, "config", "set", "person", "liu.yang")
    assert load_config() == Config(None, "liu.yang", "P-1")


def test_an_unreadable_config_file(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg.mkdir(parents=True)  # a folder where the file should be: unreadable as a file
    line = refused(capsys, "config", "get")
    assert line.startswith(f"error: config file {cfg}: cannot read it")


def test_writes_are_atomic_and_keep_the_other_keys(cfg: Path) -> None:
    nested = cfg.parent / "deeper" / "still" / "config.toml"
    assert set_value("person", "liu.yang", nested) == nested  # creates the folders
    nested.write_text('project = "P-1"\n# a comment\nperson = "liu.yang"\n', encoding="utf-8")
    set_value("db", "sqlite:///ledger.db", nested)
    assert load_config(nested) == Config("sqlite:///ledger.db", "liu.yang", "P-1")
    set_value("person", "chen.jing", nested)
    assert load_config(nested) == Config("sqlite:///ledger.db", "chen.jing", "P-1")
    assert unset_value("db", nested) is True
    assert load_config(nested) == Config(None, "chen.jing", "P-1")
    assert unset_value("db", nested) is False
    # The file was always replaced whole: no temporary file is left next to it.
    assert sorted(p.name for p in nested.parent.iterdir()) == ["config.toml"]


def test_config_path_defaults_to_the_user_config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("SOWTRACK_CONFIG")
    assert config_path() == Path(platformdirs.user_config_dir("sowtrack", appauthor=False),
                                 "config.toml")


# ---------------------------------------------------------------- precedence


def test_db_precedence_flag_env_config_default(tmp_path: Path, cfg: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`db status` names the URL it uses and where it came from, and creates nothing."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    flag, env, conf = (f"sqlite:///{tmp_path / name}.db" for name in ("flag", "env", "conf"))

    out = ok(capsys, "db", "status")
    assert f"database  {default_url()}  (from the default)" in out
    assert not Path(make_url(default_url()).database).exists()

    set_value("db", conf)
    assert f"database  {conf}  (from config file {cfg})" in ok(capsys, "db", "status")
    monkeypatch.setenv("SOWTRACK_DB", env)
    assert f"database  {env}  (from SOWTRACK_DB)" in ok(capsys, "db", "status")
    assert f"database  {flag}  (from --db)" in ok(capsys, "--db", flag, "db", "status")
    assert f"database  {flag}  (from --db)" in ok(capsys, "db", "status", "--db", flag)
    assert not list(tmp_path.glob("*.db"))
    assert setting("db") == (env, "SOWTRACK_DB")


def test_person_precedence_flag_env_config(db_url: str, cfg: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "--db", db_url, "init", str(EXAMPLE_SOW))
    set_value("db", db_url)  # from here on, no --db: the config file names the ledger
    log = ("log", "--task", "T2", "--hours", "1", "--date", "2026-03-10")

    assert "--as" in refused(capsys, *log)  # nobody acting yet
    ok(capsys, "config", "set", "person", "liu.yang")
    ok(capsys, *log)  # the engineer's everyday command, no option at all
    monkeypatch.setenv("SOWTRACK_USER", "chen.jing")
    ok(capsys, *log)
    ok(capsys, "--as", "wang.fang", *log)
    ok(capsys, *log, "--as", "zhang.wei")

    led = Ledger.open(db_url, CODE)
    try:
        assert [e.person for e in led.entries()] == ["liu.yang", "chen.jing", "wang.fang",
                                                     "zhang.wei"]
    finally:
        led.engine.dispose()


def test_project_precedence_flag_env_config(db_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE_SOW.read_text(encoding="utf-8").replace(
        f'code = "{CODE}"', 'code = "OTHER-2026"'), encoding="utf-8")
    monkeypatch.setenv("SOWTRACK_DB", db_url)
    ok(capsys, "init", str(EXAMPLE_SOW))
    ok(capsys, "init", str(other))
    summary = ("report", "summary", "--as-of", "2026-03-10")

    assert "several projects" in refused(capsys, *summary)
    ok(capsys, "config", "set", "project", "OTHER-2026")
    assert "OTHER-2026" in ok(capsys, *summary)
    monkeypatch.setenv("SOWTRACK_PROJECT", "NOPE")
    assert "no project 'NOPE'" in refused(capsys, *summary)
    out = ok(capsys, "--project", CODE, *summary)
    assert CODE in out and "OTHER-2026" not in out


# ---------------------------------------------------------------- db status, db upgrade


def test_db_status_on_a_fresh_ledger_creates_nothing(db_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, "--db", db_url, "db", "status")
    backend = make_url(db_url).get_backend_name()
    assert f"backend   {backend}\n" in out
    assert "schema    empty\n" in out
    assert f"sowtrack  {HEAD_REVISION}\n" in out
    for rev in pending_after(None):
        assert f" {rev}  " in out
    if backend == "sqlite":
        assert not Path(make_url(db_url).database).exists()
    else:
        engine = make_engine(db_url)
        try:
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
        password = make_url(db_url).password
        assert f":{password}@" not in out and ":***@" in out

    Ledger.open(db_url).engine.dispose()  # the first use creates the schema at the head
    out = ok(capsys, "--db", db_url, "db", "status")
    assert f"schema    {HEAD_REVISION}\n" in out
    assert "pending   none: up to date" in out


def test_db_status_and_upgrade_on_an_older_ledger(db_url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    older_ledger(db_url)
    out = ok(capsys, "--db", db_url, "db", "status")
    assert "schema    0001\n" in out
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("pending"))
    pending = pending_after("0001")
    assert pending
    assert [line[10:].split()[0] for line in lines[first:first + len(pending)]] == pending, out
    assert "sowtrack db upgrade" in out
    assert revision_of(db_url) == "0001"  # status changed nothing

    out = ok(capsys, "--db", db_url, "db", "upgrade")
    assert f"schema 0001 → {HEAD_REVISION}" in out
    assert revision_of(db_url) == HEAD_REVISION
    assert "up to date" in ok(capsys, "--db", db_url, "db", "upgrade")
    assert "pending   none: up to date" in ok(capsys, "--db", db_url, "db", "status")

    led = Ledger.open(db_url, CODE, "zhang.wei")
    try:
        assert [(e.person, e.minutes) for e in led.entries()] == [("zhang.wei", 480)]
        assert led.verify()[1] == []
    finally:
        led.engine.dispose()


def test_db_upgrade_creates_an_empty_ledger(db_url: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert f"schema empty → {HEAD_REVISION}" in ok(capsys, "--db", db_url, "db", "upgrade")
    assert revision_of(db_url) == HEAD_REVISION


def test_an_older_ledger_on_open(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite (one user's file) is upgraded in place; PostgreSQL waits for its owner."""
    older_ledger(db_url)
    if make_url(db_url).get_backend_name() == "sqlite":
        out = ok(capsys, "--db", db_url, "entries")
        assert "zhang.wei" in out
        assert revision_of(db_url) == HEAD_REVISION
        return
    line = refused(capsys, "--db", db_url, "entries")
    assert line == (f"error: database schema is at 0001, this sowtrack needs {HEAD_REVISION}: "
                    "run `sowtrack db upgrade` (as the database owner)")
    assert revision_of(db_url) == "0001"
    with pytest.raises(LedgerError, match="run `sowtrack db upgrade`"):
        Ledger.open(db_url)
    ok(capsys, "--db", db_url, "db", "upgrade")
    assert "zhang.wei" in ok(capsys, "--db", db_url, "entries")


def test_a_newer_schema_is_refused(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = Ledger.open(db_url).engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    message = (f"error: the ledger's schema (9999) is newer than this sowtrack "
               f"({HEAD_REVISION}): upgrade sowtrack")
    assert refused(capsys, "--db", db_url, "entries") == message
    assert refused(capsys, "--db", db_url, "db", "upgrade") == message
    out = ok(capsys, "--db", db_url, "db", "status")
    assert "schema    9999: newer than this sowtrack; upgrade sowtrack" in out
    assert revision_of(db_url) == "9999"


# ---------------------------------------------------------------- a shared PostgreSQL ledger


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # login roles: PostgreSQL only
def test_the_readme_grants_suffice_for_an_engineer(db_url: str, cfg: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The README's recipe: the owner migrates, creates the project and binds; a login role
    in the group logs entries through the config file but may not change the schema."""
    import gc
    import uuid

    from sqlalchemy import create_engine

    suffix = uuid.uuid4().hex[:8]
    group, person = f"sowtrack_users_{suffix}", f"liu_yang_{suffix}"
    owner_url = make_url(db_url)
    owner, database = owner_url.username, owner_url.database
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # step 1 (the database exists already)
            conn.execute(text(f"CREATE ROLE {group} NOLOGIN"))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {group}'))
            conn.execute(text(f"CREATE ROLE {person} LOGIN PASSWORD 'pw' IN ROLE {group}"))
        ok(capsys, "--db", db_url, "db", "upgrade")  # step 2, as the owner
        ok(capsys, "--db", db_url, "init", str(EXAMPLE_SOW))  # step 3, as the owner
        ok(capsys, "--db", db_url, "person", "bind", "liu.yang", person)
        mine = owner_url.set(username=person, password="pw").render_as_string(
            hide_password=False)

        ok(capsys, "config", "set", "db", mine)  # step 4, on the engineer's machine
        assert "acting as liu.yang" in ok(capsys, "whoami")
        ok(capsys, "log", "--task", "T2", "--hours", "7.5", "--date", "2026-03-10")
        ok(capsys, "entry", "edit", "1", "--hours", "7")
        assert "ok:" in ok(capsys, "verify")
        assert "up to date" in ok(capsys, "db", "upgrade")  # nothing to do: no DDL needed
        assert "only the database owner creates projects" in refused(
            capsys, "init", str(EXAMPLE_SOW))

        older = make_engine(db_url)  # a new sowtrack, the database not yet upgraded
        run_alembic(older, "downgrade", "0004")
        older.dispose()
        assert "run `sowtrack db upgrade` (as the database owner)" in refused(capsys, "entries")
        line = refused(capsys, "db", "upgrade")
        assert line.startswith(f"error: db upgrade: the login role '{person}' may not change "
                               "the schema; run it as the database owner"), line
        assert revision_of(db_url) == "0004"
        ok(capsys, "--db", db_url, "db", "upgrade")  # the owner
        ok(capsys, "log", "--task", "T2", "--hours", "1", "--date", "2026-03-11")
        assert "2 entries" in ok(capsys, "entries")
    finally:
        gc.collect()  # the command line's engines, and their connections as the person
        with admin.connect() as conn:  # roles are the cluster's: take back every grant
            for sql in (
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                    f"REVOKE ALL ON TABLES FROM {group}",
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                    f"REVOKE ALL ON SEQUENCES FROM {group}",
                    f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {group}",
                    f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {group}",
                    f"REVOKE ALL ON SCHEMA public FROM {group}",
                    f'REVOKE ALL ON DATABASE "{database}" FROM {group}',
                    f"DROP ROLE IF EXISTS {person}",
                    f"DROP ROLE IF EXISTS {group}"):
                conn.execute(text(sql))
        admin.dispose()
