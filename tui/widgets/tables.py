"""A table's rows replaced at once, with its columns sized to them and to the terminal.

Textual's DataTable sizes an auto-width column when it is next idle, after it may have
drawn (and cached) the new cells at the column's old width: a value wider than any
before it (a last working day, a day away, a date done) then stays cut until something
else redraws the table. :func:`refill` gives each column the width of its widest cell
as it adds the rows, so what a view shows never depends on when the table is idle.

A :class:`FitTable` never scrolls sideways: given each column's :class:`Fit`, a table
wider than its place drops the columns that may go (highest ``drop`` first) and cuts
those that may shrink, with an ellipsis, down to their ``shrink`` width; it fits itself
again when the terminal is resized. Its view shows the selected row whole elsewhere (a
detail line), so nothing is out of reach at 80×24.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from model.i18n import _

Cell = str | Text

#: terminal columns kept free for the vertical scroll bar
SCROLLBAR = 2


@dataclass(frozen=True)
class Fit:
    """How a column gives way to a narrow terminal. ``drop``: 0 never, else the column
    goes at that rank; ``shrink``: 0 never, else it may be cut (…) down to that many
    terminal columns, at rank ``cut`` (0: after every drop). Higher ranks give way first,
    and only as far as needed."""

    drop: int = 0
    shrink: int = 0
    cut: int = 0
    items: str = ""
    """A list's separator (``", "``): a cut keeps whole items (``liu.yang 55, …``), never
    half of one (``chen.jing 3…`` read as 3 PD)."""


def width(cell: Cell) -> int:
    """The terminal columns ``cell`` takes (its widest line)."""
    plain = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def fit_widths(natural: Sequence[int], fits: Sequence[Fit], room: int,
               pad: int = 2) -> list[int | None]:
    """Each column's width in ``room`` terminal columns (``pad`` around each cell), or
    None for a column dropped. Columns give way by rank (a drop or a cut), highest first,
    until the rest fits; what room is left goes back to the cut ones, first come first
    served."""
    n = len(natural)
    widths = list(natural)
    kept = [True] * n
    steps = sorted([(fits[i].drop, 1, i) for i in range(n) if fits[i].drop]
                   + [(fits[i].cut, 0, i) for i in range(n) if fits[i].shrink],
                   key=lambda s: -s[0])

    def need() -> int:
        return sum(widths[i] + pad for i in range(n) if kept[i])

    for _rank, drop, i in steps:
        if need() <= room:
            break
        if drop:
            kept[i] = False
        else:
            widths[i] = min(natural[i], fits[i].shrink)
    spare = room - need()
    out: list[int | None] = []
    for i in range(n):
        if not kept[i]:
            out.append(None)
            continue
        grow = max(0, min(natural[i] - widths[i], spare))
        spare -= grow
        out.append(widths[i] + grow)
    return out


def _cut(cell: Cell, columns: int, items: str = "") -> Cell:
    if width(cell) <= columns:
        return cell
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    if items:
        # The whole items that fit with the ellipsis after them; none: the ellipsis alone.
        plain, end = text.plain, 0
        while (found := plain.find(items, end)) >= 0 \
                and cell_len(plain[:found + len(items)]) + 1 <= columns:
            end = found + len(items)
        text = text[:end]
        text.append("…")
        return text
    text.truncate(columns, overflow="ellipsis")
    return text


def columns(marked: Sequence[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    """A table's columns ``(key, label)`` whose labels are marked constants (``N_``),
    with the labels in the language spoken now (the keys stay: fits, tests and the
    cursor go by them)."""
    return [(key, Text(_(label.plain), justify=label.justify) if isinstance(label, Text)
             else _(label)) for key, label in marked]


def refill(table: DataTable[Any], columns: Sequence[tuple[str, Cell]],
           rows: Sequence[tuple[Sequence[Cell], str]]) -> None:
    """Replace the columns (``(key, label)``) and rows (``(cells, row key)``) of
    ``table``, each column as wide as its label or its widest cell (a :class:`FitTable`:
    as wide as the terminal allows). The cursor goes back to the first row (the caller
    moves it)."""
    # A label given as a str would be read as markup: ours are Text or plain words.
    headers = [label if isinstance(label, Text) else Text(label) for _, label in columns]
    natural = [max([width(headers[i]), *(width(cells[i]) for cells, _ in rows)])
               for i in range(len(columns))]
    widths: list[int | None] = list(natural)
    fits = [Fit()] * len(columns)
    if isinstance(table, FitTable):
        table.remember(columns, rows)
        room = table.size.width - SCROLLBAR
        fits = [table.fits.get(k, Fit()) for k, _ in columns]
        if room > 0:
            widths = fit_widths(natural, fits, room, 2 * table.cell_padding)
        table.dropped = {k for (k, _), w in zip(columns, widths, strict=True) if w is None}
        table.cut = {k for (k, _), w, n in zip(columns, widths, natural, strict=True)
                     if w is not None and w < n}
    table.clear(columns=True)
    keep = [i for i, w in enumerate(widths) if w is not None]
    for i in keep:
        w = widths[i] or 0
        table.add_column(_cut(headers[i], w), key=columns[i][0], width=w)
    for cells, key in rows:
        table.add_row(*(_cut(cells[i], widths[i] or 0, fits[i].items) for i in keep),
                      key=key)


class FitTable(DataTable[Any]):
    """A DataTable that fits the terminal's width (see the module's docstring)."""

    def __init__(self, *args: Any, fits: Mapping[str, Fit] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fits: Mapping[str, Fit] = fits or {}
        self._shown: tuple[Sequence[tuple[str, Cell]],
                           Sequence[tuple[Sequence[Cell], str]]] | None = None
        self._fitted_width = 0
        #: the keys of the columns left out, and of those cut short (…), at this width
        self.dropped: set[str] = set()
        self.cut: set[str] = set()

    def remember(self, columns: Sequence[tuple[str, Cell]],
                 rows: Sequence[tuple[Sequence[Cell], str]]) -> None:
        """What :func:`refill` put in, to fit it again on a resize."""
        self._shown = (columns, rows)
        self._fitted_width = self.size.width

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is None or event.size.width == self._fitted_width:
            return
        row = self.cursor_row
        refill(self, *self._shown)
        if 0 <= row < self.row_count:
            self.move_cursor(row=row)
