"""A table's rows replaced at once, with its columns sized to them.

Textual's DataTable sizes an auto-width column when it is next idle, after it may have
drawn (and cached) the new cells at the column's old width: a value wider than any
before it (a last working day, a day away, a date done) then stays cut until something
else redraws the table. :func:`refill` gives each column the width of its widest cell
as it adds the rows, so what a view shows never depends on when the table is idle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def width(cell: Cell) -> int:
    """The terminal columns ``cell`` takes (its widest line)."""
    plain = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def refill(table: DataTable[Any], columns: Sequence[tuple[str, Cell]],
           rows: Sequence[tuple[Sequence[Cell], str]]) -> None:
    """Replace the columns (``(key, label)``) and rows (``(cells, row key)``) of
    ``table``, each column as wide as its label or its widest cell. The cursor goes back
    to the first row (the caller moves it)."""
    table.clear(columns=True)
    for i, (key, label) in enumerate(columns):
        # A label given as a str would be read as markup: ours are Text or plain words.
        header = label if isinstance(label, Text) else Text(label)
        table.add_column(header, key=key,
                         width=max([width(header), *(width(cells[i]) for cells, _ in rows)]))
    for cells, key in rows:
        table.add_row(*cells, key=key)
