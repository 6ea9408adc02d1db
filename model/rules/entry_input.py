"""An entry's fields as people type them: hours, a date, a task code. One parser per field,
used by the command line (``sowtrack log``, ``entry edit``) and by the app's entry forms
alike, so that both take ``1h30m``, ``yesterday`` and ``t2`` and refuse the same things
with the same words (naming the field, never a flag or a label).

Hours: ``7.5`` (decimal hours), ``1h30m``, ``1h``, ``1.5h``, ``90m``, ``1:30``
(hours:minutes). Always whole minutes, more than 0 and at most 24 hours. After hours the
minutes are below 60 (``1h90m`` and ``1:75`` are refused: a typo for ``1h09m`` or
``1:57`` must not become 2.5 hours; ``90m`` says 90 minutes plainly).

Dates: ``today``, ``yesterday``, ``-N`` (N days before today), a day of the week
(``mon`` .. ``sun`` or ``monday`` .. ``sunday``: the most recent such day, today
included, like Timewarrior's "previous named day": time is logged for days that have
been, so on a Friday ``fri`` is today and ``thu`` yesterday), or ``YYYY-MM-DD``.
"Today" is the caller's: the person's today in their time zone (or ``SOWTRACK_TODAY``).

Task codes: matched without regard to case (``t2`` is ``T2``); when the project has
two codes that differ only in case, the exact one wins, and a code matching several
of them with none exactly is refused as ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from model.errors import Ref, refused
from model.i18n import _
from model.rules.amounts import _NUMBER, hours_to_minutes
from model.rules.vocabulary import MAX_MINUTES_PER_DAY

HOURS, DATE, TASK = Ref("hours"), Ref("date"), Ref("task")

#: how hours may be typed, for messages and help texts
HOURS_FORMS = "7.5, 1h30m, 90m or 1:30"
#: how a date may be typed, for messages and help texts
DATE_FORMS = "today, yesterday, -N, mon..sun or YYYY-MM-DD"

_CLOCK = re.compile(r"(\d+):(\d+)")
_UNITS = re.compile(r"(?:(\d+(?:\.\d+)?|\.\d+)\s*h)?\s*(?:(\d+(?:\.\d+)?|\.\d+)\s*m)?")
_DAYS_AGO = re.compile(r"-(\d+)")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _show(value: object) -> str:
    """Typed text as a message quotes it: one line, not a screenful."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _ascii(text: str) -> str:
    """Full-width forms as a Chinese input method types them (０７：３０, １ｈ) as ASCII."""
    return text.translate(_FULL_WIDTH)


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _whole(value: Decimal, per: int) -> int | None:
    """value × per as whole minutes, or None when it is a fraction of a minute."""
    scaled = value * per
    return int(scaled) if scaled == scaled.to_integral_value() else None


def parse_hours(text: str | Decimal | int, what: str | Ref = HOURS) -> int:
    """Hours as typed (``7.5``, ``1h30m``, ``90m``, ``1:30``) to whole minutes.

    Refused, naming ``what``: anything else, 0 or less, more than 24 hours, a fraction
    of a minute, and minutes of 60 or more after hours (``1:75``, ``1h90m``).
    """
    if not isinstance(text, str):
        return hours_to_minutes(text, what)
    clean = _ascii(text).strip().lower()
    negative = clean.startswith("-")
    body = clean[1:].strip() if negative else clean
    if (clock := _CLOCK.fullmatch(body)) is not None:
        h, m = clock.groups()
        if len(h) > 5:
            raise refused(what, _("{value} is more than 24 hours").format(value=_show(text)))
        if len(m) != 2 or int(m) >= 60:
            raise refused(what, _("{value}: the minutes after ':' are 00..59 "
                                  "(1:30 is an hour and a half)").format(value=_show(text)))
        minutes: int | None = int(h) * 60 + int(m)
    elif body and any(c.isalpha() for c in body) and (units := _UNITS.fullmatch(body)):
        h_text, m_text = units.groups()
        if h_text is not None and m_text is not None and "." in h_text:
            raise refused(what, _("{value}: write hours with a decimal (1.5h) or "
                                  "hours and minutes (1h30m), not both").format(
                value=_show(text)))
        if h_text is not None and len(h_text) > 5 or m_text is not None and len(m_text) > 7:
            raise refused(what, _("{value} is more than 24 hours").format(value=_show(text)))
        h_min = 0 if h_text is None else _whole(Decimal(h_text), 60)
        m_min = 0 if m_text is None else _whole(Decimal(m_text), 1)
        if h_text is not None and m_text is not None and (m_min or 0) >= 60:
            raise refused(what, _("{value}: the minutes after hours are below 60 "
                                  "(write {hm} or {m}m)").format(
                value=_show(text), hm=_hm(int(Decimal(h_text)) * 60 + (m_min or 0)),
                m=int(Decimal(h_text)) * 60 + (m_min or 0)))
        minutes = None if h_min is None or m_min is None else h_min + m_min
    else:
        if not _NUMBER.fullmatch(clean):
            raise refused(what, _("{value} is not a number of hours (e.g. {forms})").format(
                value=_show(text), forms=HOURS_FORMS))
        return hours_to_minutes(clean, what)  # decimal hours: the rule the files use too
    return _checked(minutes, negative, text, what)


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes % 60 else f"{minutes // 60}h"


def _checked(minutes: int | None, negative: bool, text: str, what: str | Ref) -> int:
    """The limits every form of hours shares (those of :func:`hours_to_minutes`)."""
    if negative or minutes == 0:
        raise refused(what, _("must be more than 0, got {value}").format(value=_show(text)))
    if minutes is None:
        raise refused(what, _("{value} is not a whole number of minutes").format(value=_show(text)))
    if minutes > MAX_MINUTES_PER_DAY:
        raise refused(what, _("{value} is more than 24 hours").format(value=_show(text)))
    return minutes


def parse_date(text: str, what: str | Ref = "date") -> date:
    """An ISO date typed by a user: exactly ``YYYY-MM-DD`` (Python 3.11 would also take
    ``20260301`` and week dates such as ``2026-W10-1``; a typo must not become a date).
    ``what`` names the input (a :class:`~model.errors.Ref`) or the text's place."""
    clean = text.strip() if isinstance(text, str) else ""
    try:
        if not _ISO.fullmatch(clean):
            raise ValueError(clean)
        return date.fromisoformat(clean)
    except ValueError:
        raise refused(what, _("{value} is not a date (YYYY-MM-DD)").format(
            value=_show(text))) from None


def parse_day(text: str | date, today: date, what: str | Ref = DATE) -> date:
    """A date as typed: ``today``, ``yesterday``, ``-N``, ``mon``..``sun`` (the most recent
    such day, today included), ``monday``..``sunday``, or ``YYYY-MM-DD``; ``today`` is
    the person's. Whether the date may hold an entry is the admission's rule, not this."""
    if isinstance(text, date):
        return text
    word = _ascii(text).strip().lower() if isinstance(text, str) else ""
    if word == "today":
        return today
    if word == "yesterday":
        return _back(today, 1, text, what)
    if (ago := _DAYS_AGO.fullmatch(word)) is not None:
        return _back(today, int(ago.group(1)) if len(ago.group(1)) < 8 else 10**8, text, what)
    for number, name in enumerate(WEEKDAYS):
        if word in (name, name[:3]):
            return today - timedelta(days=(today.weekday() - number) % 7)
    if not word[:1].isdigit():  # a word: say which words are dates
        raise refused(what, _("{value} is not a date ({forms})").format(
            value=_show(text), forms=DATE_FORMS))
    return parse_date(word, what) if _ISO.fullmatch(word) else parse_date(text, what)


def _back(today: date, days: int, text: str, what: str | Ref) -> date:
    try:
        return today - timedelta(days=days)
    except OverflowError:
        raise refused(what, _("{value} is before the year 1").format(value=_show(text))) from None


def match_task(typed: str, codes: Iterable[str], what: str | Ref = TASK) -> str | None:
    """The project's task code that ``typed`` names: the exact code, else the one code
    equal to it without regard to case; None when none is (the admission refuses an
    unknown task); refused, naming ``what``, when several are and none exactly."""
    clean = typed.strip()
    folded = clean.casefold()
    alike = []
    for code in codes:
        if code == clean:
            return code
        if code.casefold() == folded:
            alike.append(code)
    if len(alike) > 1:
        raise refused(what, _("{value} is ambiguous: the project has tasks {codes}; "
                              "type the code exactly").format(
            value=_show(typed), codes=", ".join(sorted(alike))))
    return alike[0] if alike else None
