"""Reading one TOML table strictly: unknown, missing or bad keys named in one line; dates, zones."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from model.errors import LedgerError
from model.i18n import _
from model.rules.entry_input import parse_date  # noqa: F401 - the one ISO date rule, re-exported
from model.usertext import control_character, text_problem
from model.zones import UnknownZone, zone
from storage.sowfile.spec import MAX_QUOTA


def _show(value: Any) -> str:
    """A TOML value as a message shows it: one line, in TOML's terms, never a Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _("the date-time {value}").format(value=value.isoformat())
    if isinstance(value, time):
        return _("the time {value}").format(value=value.isoformat())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return _("an array")
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _key(key: str) -> str:
    """A key as a message names it: bare when it is a plain word, else quoted on one line."""
    return key if re.fullmatch(r"[A-Za-z0-9_.-]+", key) else _show(key)


def _max_length(table: str, column: str) -> int | None:
    """The length of a VARCHAR column: PostgreSQL refuses longer strings, SQLite does not."""
    from storage import orm

    found = orm.Base.metadata.tables[table].c[column].type
    return getattr(found, "length", None)


class _Table:
    """One TOML table being read: tracks which keys were used, names itself in errors."""

    def __init__(self, where: str, data: Any):
        if not isinstance(data, dict):
            raise LedgerError(_("{where}: expected a table").format(where=where))
        self.where = where
        self.data = data

    def _fail(self, key: str, problem: str) -> LedgerError:
        return LedgerError(f"{self.where} {_key(key)}: {problem}")

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self._fail(key, _("unknown key (known: {known})")
                                      .format(known=', '.join(sorted(allowed))))

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                raise self._fail(key, _("missing"))
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str | None = None,
             column: tuple[str, str] | None = None, multiline: bool = False) -> str | None:
        value = self.get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, _("expected a non-empty string, got {value}")
                                  .format(value=_show(value)))
        if multiline:
            problem = text_problem(value, multiline=True)
            if problem is not None:
                raise self._fail(key, problem)
        bad = None if multiline else control_character(value)
        if bad is not None:
            raise self._fail(key, _("must be one line without control characters, got {value} "
                                    "(it holds {bad!r})").format(value=_show(value), bad=bad))
        longest = _max_length(*column) if column else None
        if longest is not None and len(value) > longest:
            raise self._fail(key, _("at most {longest} characters, got {n}")
                                  .format(longest=longest, n=len(value)))
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(key, required, default)
        if value is not None and value not in choices:
            raise self._fail(key, _("{value} is not one of {choices}")
                                  .format(value=_show(value), choices=', '.join(choices)))
        return value

    def day(self, key: str) -> date:
        value = self.get(key)
        return _as_date(value, lambda p: self._fail(key, p))

    def optional_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, _("expected true or false, got {value}")
                                  .format(value=_show(value)))
        return value

    def number(self, key: str, required: bool = True) -> Any:
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, _("expected a number, got {value}")
                                  .format(value=_show(value)))
        return value

    def integer(self, key: str, minimum: int = 0, maximum: int = MAX_QUOTA) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, _("expected a whole number, got {value}")
                                  .format(value=_show(value)))
        if value < minimum:
            raise self._fail(key, _("must be at least {minimum}, got {value}")
                                  .format(minimum=minimum, value=_show(value)))
        if value > maximum:
            raise self._fail(key, _("must be at most {maximum}, got {value}")
                                  .format(maximum=maximum, value=_show(value)))
        return value

    def dates(self, key: str) -> list[date]:
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, _("expected a list of dates"))
        return [_as_date(v, lambda p: self._fail(key, p)) for v in value]

    def tables(self, key: str) -> list[Any]:
        """An array of tables (``[[person]]``), or none."""
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, _("expected an array of tables ([[{key}]]), got {value}")
                                  .format(key=key, value=_show(value)))
        return value

    def wrap(self, key: str, fn: Any, value: Any) -> Any:
        try:
            return fn(value, key)
        except LedgerError as exc:
            raise self._fail(key, str(exc).split(": ", 1)[-1]) from None


def _as_date(value: Any, fail: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return parse_date(value)
        except LedgerError:
            pass
    raise fail(_("expected a date (YYYY-MM-DD), got {value}").format(value=_show(value)))


def _check_timezone(name: str, fail: Any) -> str:
    try:
        zone(name)
    except UnknownZone:
        raise fail(_("{name} is not a known time zone").format(name=_show(name))) from None
    return name
