"""Commands on the ledger's files and settings: ``backup``, ``restore``, ``config``, ``db``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from model.errors import LedgerError
from model.i18n import N_, _
from tui.commands.common import _err, _out, said
from tui.text import pad


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "backup", N_("copy a SQLite ledger into FILE, consistently, while others go on "
                           "writing (PostgreSQL: pg_dump)"),
            "sowtrack backup ~/backups/sowtrack-2026-03-31.db\n"
            "sowtrack --db sqlite:///team-ledger.db backup ledger-copy.db --force",
            do_backup)
    p.add_argument("file", metavar="FILE", help=N_("the backup to write (a SQLite file)"))
    p.add_argument("--force", action="store_true", help=N_("overwrite FILE if it exists"))
    p = cmd(sub, "restore", N_("replace the SQLite ledger by a backup, in one transaction; "
                            "refused if the ledger holds audit rows the backup lacks "
                            "(PostgreSQL: pg_restore)"),
            "sowtrack restore ~/backups/sowtrack-2026-03-31.db\n"
            "sowtrack restore ~/backups/sowtrack-2026-03-31.db --force   # drops newer rows",
            do_restore)
    p.add_argument("file", metavar="FILE", help=N_("a backup written by `sowtrack backup`"))
    p.add_argument("--force", action="store_true",
                   help=N_("restore even if the ledger holds audit rows the backup lacks "
                        "(they are lost)"))

    cfg = group("config", N_("your settings file: the database, who you are, the project"),
                "sowtrack config set db postgresql://liu_yang:secret@ledger.example.com/sowtrack\n"
                "sowtrack config set person liu.yang\n"
                "sowtrack log --task T2 --hours 7.5")
    gsub = cfg.add_subparsers(dest="what", metavar="ACTION", required=True)
    keys_help = N_("db (the --db URL), person (the --as person), project (the --project code) "
                   "or language (zh or en)")
    p = cmd(gsub, "set", N_("set a key in the config file, keeping the others"),
            "sowtrack config set person liu.yang\n"
            "sowtrack config set db postgresql://liu_yang:secret@ledger.example.com/sowtrack",
            do_config_set)
    p.add_argument("key", metavar="KEY", help=keys_help)
    p.add_argument("value", metavar="VALUE")
    p = cmd(gsub, "get", N_("print one key's value, or every key and the file's path"),
            "sowtrack config get\nsowtrack config get person", do_config_get)
    p.add_argument("key", nargs="?", metavar="KEY", help=keys_help)
    p = cmd(gsub, "unset", N_("remove a key from the config file"),
            "sowtrack config unset project", do_config_unset)
    p.add_argument("key", metavar="KEY", help=keys_help)
    cmd(gsub, "path", N_("print where the config file is (SOWTRACK_CONFIG, else your config "
                      "directory)"), "sowtrack config path", do_config_path)

    dbp = group("db", N_("the ledger's database schema: status, upgrade"),
                "sowtrack db status\nsowtrack --db postgresql://sowtrack_owner@ledger.example.com/"
                "sowtrack db upgrade")
    dsub = dbp.add_subparsers(dest="what", metavar="ACTION", required=True)
    cmd(dsub, "status", N_("show the database, its schema revision and the pending migrations "
                        "(changes nothing)"), "sowtrack db status", do_db_status)
    cmd(dsub, "upgrade", N_("apply the pending migrations (on PostgreSQL, as the database owner)"),
        "sowtrack --db postgresql://sowtrack_owner@ledger.example.com/sowtrack db upgrade",
        do_db_upgrade)


def _shown_value(key: str, value: str) -> str:
    """A config value as printed in a listing: a db URL with its password hidden."""
    if key == "db":
        from sqlalchemy import make_url

        try:
            return make_url(value).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - shown as stored
            return value
    return value


def do_config_set(args: argparse.Namespace) -> int:
    from storage.config import set_value

    path = set_value(args.key, args.value)
    _out(_("{key} = {value}  (in {path})").format(
        key=args.key, value=_shown_value(args.key, args.value), path=path))
    _config_overridden(args.key)
    return 0


def _config_overridden(key: str) -> None:
    from storage.config import ENV

    if os.environ.get(ENV[key]):
        _err(_("note: {variable} is set in your environment and wins over the config file's "
               "{key}").format(variable=ENV[key], key=key))


def do_config_get(args: argparse.Namespace) -> int:
    from storage.config import KEYS, check_key, config_path, load_config

    path = config_path()
    if args.key:
        check_key(args.key)
        value = getattr(load_config(path), args.key)
        if value is None:
            raise LedgerError(_("config: {key} is not set (in {path})").format(
                key=args.key, path=path))
        _out(value)
        _config_overridden(args.key)
        return 0
    config = load_config(path)
    _out(f"# {path}" + ("" if path.exists() else _(" (does not exist yet)")))
    for key in KEYS:
        value = getattr(config, key)
        _out(f"{key} = {_shown_value(key, value)}" if value is not None
             else _("# {key} is not set").format(key=key))
    return 0


def do_config_unset(args: argparse.Namespace) -> int:
    from storage.config import config_path, unset_value

    if unset_value(args.key):
        _out(_("{key} removed from {path}").format(key=args.key, path=config_path()))
    else:
        _out(_("{key} was not set in {path}").format(key=args.key, path=config_path()))
    return 0


def do_config_path(args: argparse.Namespace) -> int:
    from storage.config import config_path

    _out(str(config_path()))
    return 0


def _db_url(args: argparse.Namespace) -> tuple[str, str]:
    """The ledger's URL and where it came from: a flag, the environment, the config file."""
    from model.errors import Ref
    from storage.config import setting
    from storage.db import default_url
    from tui.flags import flag_namer

    url, source = setting("db", args.db)
    if isinstance(source, Ref):
        source = flag_namer(None)(source.field)
    return (url, source) if url else (default_url(), _("the default"))


def do_db_status(args: argparse.Namespace) -> int:
    from storage.db import schema_status

    url, source = _db_url(args)
    st = schema_status(url)
    _out(_("database  {url}  (from {source})").format(url=st.url, source=source))
    _out(_("backend   {backend}").format(backend=st.backend))
    if st.newer:
        _out(_("schema    {revision}: newer than this sowtrack; upgrade sowtrack").format(
            revision=st.current))
    else:
        _out(_("schema    {revision}").format(revision=st.current or _("empty")))
    _out(_("sowtrack  {revision}").format(revision=st.head))
    if st.newer:
        return 0
    if not st.pending:
        _out(_("pending   none: up to date"))
        return 0
    label = said(N_("migrations|pending"))
    for i, (rev, message) in enumerate(st.pending):
        _out(f"{pad(label if i == 0 else '', 9)} {rev}  {message}")
    if st.current is None:
        _out(_("the first command creates the schema, or `sowtrack db upgrade`"))
    elif st.backend == "sqlite":
        _out(_("applied the next time sowtrack opens this file, or now with "
               "`sowtrack db upgrade`"))
    else:
        _out(_("apply them with `sowtrack db upgrade`, as the database owner"))
    return 0


def do_db_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError

    from storage.db import ledger_url, make_engine, migrate

    url = ledger_url(args.db, create=True)
    shown = make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        before, after = migrate(engine, upgrade=True)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise LedgerError(_("db upgrade: the login role {role!r} may not change the schema; "
                            "run it as the database owner ({problem})").format(
            role=make_url(url).username,
            problem=str(exc.orig).strip().splitlines()[0])) from None
    finally:
        engine.dispose()
    if before == after:
        _out(_("{url}: schema {revision}, up to date").format(url=shown, revision=after))
    else:
        _out(_("{url}: schema {before} → {after}").format(url=shown, before=before or _("empty"),
                                                         after=after))
    return 0


def do_backup(args: argparse.Namespace) -> int:
    from storage.backup import backup
    from storage.db import ledger_url

    r = backup(ledger_url(args.db, create=False), args.file, args.force)
    newest = _(", newest {at} UTC").format(at=f"{r.newest:%Y-%m-%d %H:%M}") if r.newest else ""
    _out(_("wrote {file}: {entries} entries, {audit_rows} audit rows{newest}").format(
        file=args.file, entries=r.entries, audit_rows=r.audit_rows, newest=newest))
    return 0


def do_restore(args: argparse.Namespace) -> int:
    from storage.backup import restore
    from storage.db import ledger_url

    r = restore(ledger_url(args.db, create=True), args.file, args.force)
    if r.lost:
        span = (_("on {day}").format(day=r.lost_first) if r.lost_first == r.lost_last
                else _("from {first} to {last}").format(first=r.lost_first, last=r.lost_last))
        _err(_("warning: --force: {n} audit row(s) written {span} were dropped").format(
            n=r.lost, span=span))
    _out(_("restored {file}: {entries} entries, {audit_rows} audit rows").format(
        file=args.file, entries=r.entries, audit_rows=r.audit_rows))
    return 0
