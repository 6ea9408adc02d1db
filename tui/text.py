"""Plain-text tables for the command line, aligned for wide (CJK) characters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.cells import cell_len

from model.rules import format_money, format_pd, plain_decimal


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


fmt_pd = format_pd
fmt_money = format_money


def fmt_hours(minutes: int) -> str:
    """Hours, exactly, without trailing zeros (480 -> 8, 450 -> 7.5)."""
    return plain_decimal(Decimal(minutes) / 60)
