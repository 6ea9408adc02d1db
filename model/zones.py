"""Time zones by name: one lookup for the SOW's check of a zone, today's date in it, and
the history's clock times."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownZone(ValueError):
    """No time zone has this name."""


@cache
def zone(name: str) -> tzinfo:
    """The time zone ``name`` names: an IANA name read by zoneinfo (the system's or the
    tzdata package's database), else one of the few other spellings pendulum knows (e.g.
    ``utc``), imported only then; pendulum's zones are zoneinfo's, so both agree.
    Raises UnknownZone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    import pendulum  # here: rare spellings only; `log` and `report` start faster without it

    try:
        return pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several types
        raise UnknownZone(name) from None


def today_in(name: str) -> date:
    """Today's date in the time zone ``name``."""
    return datetime.now(zone(name)).date()
