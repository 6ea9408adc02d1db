"""Numbers as people type and read them: hours, PD, money and tax rates, exact or refused."""

from __future__ import annotations

import re
from decimal import Decimal, Inexact, localcontext
from fractions import Fraction

from model.errors import Ref, refused
from model.i18n import _
from model.rules.numbers import round_money, round_pd
from model.rules.vocabulary import MAX_MINUTES_PER_DAY

#: the largest PD amount (budget, delta, estimate) and day rate a ledger holds: stored as
#: thousandths and hundredths, they stay well inside PostgreSQL's 32-bit ``integer``
MAX_PD = 1_000_000
MAX_MONEY = 10_000_000
#: a number as a person types it: ``7.5``, ``-2``, ``.5``, ``1e3`` (no ``1_000``, ``nan``)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _shown(value: object, quote: bool = False) -> str:
    """A value as quoted in a message: one line, not a screenful."""
    text = str(value)
    if quote or not text.isprintable():
        text = repr(value) if isinstance(value, str) else repr(text)
    return text if len(text) <= 40 else text[:39] + "…"


def _not_a_number(text: object) -> str:
    return _("{value} is not a number").format(value=_shown(text, quote=True))


def _decimals(value: object, places: int) -> str:
    return _("{value} has more than {n} decimals").format(value=_shown(value), n=places)


def parse_decimal(text: str, what: str | Ref) -> Decimal:
    """A decimal number typed by a user; the error names ``what``."""
    clean = str(text).strip()
    if not _NUMBER.fullmatch(clean):
        raise refused(what, _not_a_number(text))
    try:
        value = Decimal(clean)
    except ArithmeticError:
        raise refused(what, _not_a_number(text)) from None
    if not value.is_finite():
        raise refused(what, _not_a_number(text))
    return value


def _exact(value: Decimal, scale: int) -> int | None:
    """value × scale if that is a whole number, computed without rounding, else None."""
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            ctx.traps[Inexact] = True  # a digit lost (or an underflow to 0) is an error
            scaled = value * scale
    except ArithmeticError:
        return None
    return int(scaled) if scaled == scaled.to_integral_value() else None


def hours_to_minutes(text: str | Decimal | int, what: str | Ref = "hours") -> int:
    """Hours as typed (``7.5``) to whole minutes; refuses <= 0 and fractions of a minute."""
    value = text if isinstance(text, Decimal) else parse_decimal(str(text), what)
    if not value.is_finite():
        raise refused(what, _not_a_number(text))
    if value <= 0:
        raise refused(what, _("must be more than 0, got {value}").format(value=_shown(text)))
    # 1e999999999999999999 × 60 overflows: a huge value is compared, not multiplied.
    minutes = _exact(value, 60) if value <= MAX_MINUTES_PER_DAY else MAX_MINUTES_PER_DAY + 1
    if not minutes:  # None: a fraction of a minute; 0: 1e-999999999999 underflowed
        raise refused(what, _("{value} is not a whole number of minutes").format(
            value=_shown(text)))
    if minutes > MAX_MINUTES_PER_DAY:
        raise refused(what, _("{value} is more than 24 hours").format(value=_shown(text)))
    return minutes


def pd_to_milli(value: str | Decimal | int | float, what: str | Ref) -> int:
    """A PD amount (budget, delta, estimate) to integer thousandths of a PD."""
    dec = parse_decimal(str(value), what)
    if dec > MAX_PD or dec < -MAX_PD:
        raise refused(what, _("{value} is too large (at most {maximum} PD)").format(
            value=_shown(value), maximum=MAX_PD))
    milli = _exact(dec, 1000)
    if milli is None:
        raise refused(what, _decimals(value, 3))
    return milli


def money_to_minor(value: str | Decimal | int | float, what: str | Ref,
                   maximum: int = MAX_MONEY) -> int:
    """An amount of money to integer hundredths."""
    dec = parse_decimal(str(value), what)
    if dec < 0:
        raise refused(what, _("must not be negative, got {value}").format(value=_shown(value)))
    if dec > maximum:
        raise refused(what, _("{value} is too large (at most {maximum})").format(
            value=_shown(value), maximum=maximum))
    minor = _exact(dec, 100)
    if minor is None:
        raise refused(what, _decimals(value, 2))
    return minor


def tax_rate_to_ppm(value: str | Decimal | int | float, what: str | Ref) -> int:
    """A tax rate as a fraction (``0.06``) to integer parts per million, exactly:
    0 <= rate < 1 with at most 6 decimals (a rate of 6% is written 0.06, not 6)."""
    dec = parse_decimal(str(value), what)
    if not 0 <= dec < 1:
        raise refused(what, _("must be at least 0 and below 1 (0.06 for 6%), got {value}").format(
            value=_shown(value)))
    ppm = _exact(dec, 1_000_000)
    if ppm is None:
        raise refused(what, _decimals(value, 6))
    return ppm


def tax_rate_of_ppm(ppm: int | None) -> Fraction | None:
    """A stored tax rate back to the exact fraction it is (60000 ppm is 6/100)."""
    return None if ppm is None else Fraction(ppm, 1_000_000)


def format_tax_rate(rate: Fraction) -> str:
    """A tax rate as the SOW file writes it: ``0.06``, exactly."""
    text = f"{Decimal(rate.numerator) / Decimal(rate.denominator):f}"
    return text if "." in text else text + ".0"


def plain_decimal(value: Decimal) -> str:
    """A decimal without trailing zeros (8.500 -> 8.5, -0.000 -> 0)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_pd(value: Fraction | int | None) -> str:
    """A PD figure as people read it: 3 decimals at most, no trailing zeros (13.438, 95)."""
    return "" if value is None else plain_decimal(round_pd(value))


def format_signed_pd(value: Fraction | int) -> str:
    """A PD change with its sign: +10, -2.5, 0."""
    text = format_pd(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def format_money(value: Fraction | int | Decimal | float) -> str:
    """An amount with thousands separators and 2 decimals: 1,396,000.00."""
    return f"{round_money(Fraction(value)):,.2f}"
