"""Plain-text tables for the command line, aligned for wide (CJK) characters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from rich.cells import cell_len

from model.rules import round_money, round_pd


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[object]],
          right: Sequence[int] = ()) -> str:
    """A table with a header rule; columns listed in ``right`` are right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def fmt_pd(value: Fraction | int | None) -> str:
    """PD for display: 3 decimals, trailing zeros dropped (13.438, 95, 0.75)."""
    if value is None:
        return ""
    d = round_pd(value)
    return _trim(d)


def fmt_money(value: Fraction | int) -> str:
    return f"{round_money(value):,.2f}"


def fmt_hours(minutes: int) -> str:
    return _trim(Decimal(minutes) / 60)


def _trim(d: Decimal) -> str:
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
