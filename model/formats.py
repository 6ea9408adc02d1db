"""How a figure or a name is printed: one rule for each, the same on a sheet, in the app
and on the command line. Pure functions over model values (no terminal, no PDF)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from model.rules import DEFAULT_LADDER, Ladder, plain_decimal


def format_hours(minutes: int, places: int = 2) -> str:
    """Minutes as hours, at most ``places`` decimals (half to even), no trailing zeros:
    480 -> "8", 450 -> "7.5", 66 -> "1.1", 10 -> "0.17". Hours anyone can log (whole
    minutes given as a decimal of hours) never need more than 2 decimals."""
    units = round(Fraction(minutes, 60) * 10 ** places)
    return plain_decimal(Decimal(units).scaleb(-places))


def grade_title(grade: str, lang: str, ladder: Ladder = DEFAULT_LADDER) -> str:
    """A grade as people read it: its title in ``lang`` (高级工程师, Senior engineer) on
    the project's ``ladder``, never its key; a grade without a title keeps its key, no
    grade is ""."""
    return ladder.label(grade, lang)
