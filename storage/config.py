"""The user's config file: where the ledger is, who is acting, which project.

A small TOML file, ``$SOWTRACK_CONFIG`` if set, else ``config.toml`` in the
platformdirs user config directory (``~/.config/sowtrack/`` on Linux,
``~/Library/Application Support/sowtrack/`` on macOS). Every value is looked up
in the same order: the command-line flag, then the environment variable, then
this file, then the built-in default (see :func:`setting`).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

import platformdirs

from model.errors import FieldError, LedgerError, Ref
from model.i18n import N_, _

APP_NAME = "sowtrack"
CONFIG_ENV = "SOWTRACK_CONFIG"


@dataclass(frozen=True)
class Config:
    """The settings a user keeps between commands; ``None`` is "not set"."""

    db: str | None = None
    """SQLAlchemy URL of the ledger, e.g. ``postgresql://liu_yang:…@host/sowtrack``
    (the default for ``--db``; ``SOWTRACK_DB`` wins over it)."""

    person: str | None = None
    """The acting person, a person id from the SOW such as ``liu.yang`` (the default for
    ``--as``; ``SOWTRACK_USER`` wins over it)."""

    project: str | None = None
    """The project code to use when the database holds several (the default for
    ``--project``; ``SOWTRACK_PROJECT`` wins over it)."""

    language: str | None = None
    """The language of the app, the command line and ``--help``: ``zh`` or ``en``
    (``SOWTRACK_LANGUAGE`` wins over it; unset: the SOW's language, model.i18n.choose)."""


KEYS: tuple[str, ...] = tuple(f.name for f in fields(Config))
#: tables of the file that other modules read: ``[remind]`` (storage.remind_config)
TABLES: tuple[str, ...] = ("remind",)
#: the input that gives each key on the command line (its flag: tui.cli.FIELD_FLAGS)
#: (``language`` has no flag: the environment or the file sets it)
INPUTS = {"db": Ref("db"), "person": Ref("actor"), "project": Ref("project")}
ENV = {"db": "SOWTRACK_DB", "person": "SOWTRACK_USER", "project": "SOWTRACK_PROJECT",
       "language": "SOWTRACK_LANGUAGE"}
_EMPTY = {"db": N_("name a ledger (e.g. sqlite:////path/to/ledger.db)"),
          "person": N_("name a person id"), "project": N_("name a project code"),
          "language": N_("name zh or en")}


def config_path() -> Path:
    """``$SOWTRACK_CONFIG``, else ``config.toml`` in the user config directory."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def check_key(key: str) -> str:
    """``key`` if it is a config key, else a LedgerError listing the known ones."""
    if key not in KEYS:
        raise LedgerError(_("config: unknown key {key!r} (known: {keys})")
                          .format(key=key, keys=', '.join(KEYS)))
    return key


def read_toml(path: Path) -> dict[str, object]:
    """The config file as TOML data; an absent file is empty. An unreadable file or
    invalid TOML is a LedgerError naming the file (and the line)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise LedgerError(_("config file {path}: cannot read it: {strerror}")
                          .format(path=path, strerror=exc.strerror)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise LedgerError(_("config file {path}: line {line}: not UTF-8 text")
                          .format(path=path, line=line)) from None
    except tomllib.TOMLDecodeError as exc:
        raise LedgerError(_("config file {path}: not valid TOML: {exc}")
                          .format(path=path, exc=exc)) from None


def load_config(path: Path | None = None, *, but: str | None = None) -> Config:
    """The config file's settings; an absent file is an empty config.

    An unreadable file, invalid TOML, an unknown key or a value that is not a
    non-empty string is a LedgerError naming the file (and the key or line). ``but``:
    that key is left out, unread (what ``config set`` or ``unset`` replaces may be wrong:
    that is how one repairs it).
    """
    path = path or config_path()
    data = read_toml(path)
    values: dict[str, str] = {}
    for key, value in data.items():
        if key in TABLES or key == but:  # tables: read by their own modules (remind_config)
            continue
        if key not in KEYS:
            raise LedgerError(_("config file {path}: unknown key {key!r} (known: {keys})")
                              .format(path=path, key=key, keys=', '.join(KEYS)))
        if not isinstance(value, str):
            raise LedgerError(_("config file {path}: {key}: must be a string, not {value}")
                              .format(path=path, key=key, value=_toml_type(value)))
        if not value.strip():
            raise LedgerError(_("config file {path}: {key}: is empty (remove it with `sowtrack "
                                "config unset {key}`)").format(path=path, key=key))
        values[key] = value
    return Config(**values)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` atomically (a temporary file in the same folder, then a rename).

    The folder is created if needed. The file is readable by its owner only, since
    ``db`` may hold a password. Comments in an existing file are not kept; its tables
    (``[remind]``) are.
    """
    path = path or config_path()
    data: dict[str, object] = {k: getattr(config, k) for k in KEYS
                               if getattr(config, k) is not None}
    # the file's tables (``[remind]``) are kept as they are
    data.update((k, v) for k, v in read_toml(path).items() if k in TABLES)
    import tomli_w  # here: only writing the config needs it

    text = tomli_w.dumps(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LedgerError(_("config file {path}: cannot write it: {strerror}")
                          .format(path=path, strerror=exc.strerror)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LedgerError(_("config file {path}: cannot write it: {strerror}")
                          .format(path=path, strerror=exc.strerror)) from None
    return path


def set_value(key: str, value: str, path: Path | None = None) -> Path:
    """Set one key, keeping the others; returns the file written."""
    check_key(key)
    if not value.strip():
        raise LedgerError(_("config: {key}: empty value (to remove it: `sowtrack config unset "
                            "{key}`)").format(key=key))
    if key == "db":
        check_db_url(value)
    if key == "language":
        check_language(value, "config")
    path = path or config_path()
    return save_config(replace(load_config(path, but=key), **{key: value}), path)


def unset_value(key: str, path: Path | None = None) -> bool:
    """Remove one key, keeping the others; False if it was not set (nothing written)."""
    check_key(key)
    path = path or config_path()
    if key not in read_toml(path):
        return False
    save_config(load_config(path, but=key), path)
    return True


def check_db_url(url: str) -> None:
    """Refuse a value that is not shaped like a SQLAlchemy URL; never connects."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # The value is not echoed: it may hold a password.
        raise LedgerError(_("config: db: not a database URL (e.g. "
                            "postgresql://user:password@host/sowtrack or "
                            "sqlite:////path/to/ledger.db)")) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(_("config: db: unsupported database {backend!r} (sowtrack supports "
                            "sqlite and postgresql)").format(backend=backend))


def setting(key: str, flag: str | None = None) -> tuple[str | None, str | Ref]:
    """The value of ``key`` and where it came from.

    The command-line flag (the source is then its input, a :class:`~model.errors.Ref`),
    else the environment variable, else the config file; ``(None, "")`` when none of
    them sets it. The file is read only when needed. An
    empty flag or environment variable is refused, naming it.
    """
    check_key(key)
    if flag is not None:
        if not flag.strip():
            raise FieldError(INPUTS[key].field, _("empty; {hint}").format(hint=_(_EMPTY[key])))
        return flag, INPUTS[key]
    env = os.environ.get(ENV[key])
    if env is not None:
        if not env.strip():
            # An empty value must not quietly mean "the config file's, or the default".
            raise LedgerError(_("{variable}: set but empty; {hint}, or unset it")
                              .format(variable=ENV[key], hint=_(_EMPTY[key])))
        return env, ENV[key]
    path = config_path()
    value = getattr(load_config(path), key)
    if value is not None:
        return value, _("config file {path}").format(path=path)
    return None, ""


def check_language(value: str, source: str) -> str:
    """``value`` (stripped) if sowtrack speaks it, else a LedgerError naming ``source``."""
    from model.i18n import LANGUAGES

    if value.strip() not in LANGUAGES:
        # the variable names the setting; a file or `config` names it by its key
        where = source if source == ENV["language"] else f"{source}: language"
        raise LedgerError(_("{where}: {value!r} is not one of {languages}")
                          .format(where=where, value=value.strip(),
                                  languages=", ".join(LANGUAGES)))
    return value.strip()


def configured_language() -> str | None:
    """The ``language`` setting (``SOWTRACK_LANGUAGE``, else the config file's key), checked;
    None when neither sets it (then the SOW's language is spoken: model.i18n.choose)."""
    value, source = setting("language")
    if value is None:
        return None
    return check_language(value, source if isinstance(source, str) else "language")


def _toml_type(value: object) -> str:
    names = {bool: N_("a boolean"), int: N_("an integer"), float: N_("a number"),
             list: N_("an array"), dict: N_("a table")}
    return _(next((n for t, n in names.items() if isinstance(value, t)), N_("a date or time")))
