"""Every sheet's tables: columns sized so that no header or value breaks inside a word."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, TableStyle

from exports.fonts import cjk_font
from exports.styles import Styles, Table, p

#: ReportLab's default cell padding, each side
CELL_PAD = 6
#: a word wider than this (a sentence written without spaces) may still wrap inside
LONG_WORD = 70 * mm


def whole_words(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` wrapping at spaces and line breaks only: a Chinese run (预算人天, 高级技术专家)
    or an English word is never cut. A table sized by :func:`fit_widths` always has the
    room for its widest word."""
    if style.wordWrap is None:
        return style
    return ParagraphStyle(f"{style.name}_words", parent=style, wordWrap=None)


def cell_text(value: object, style: ParagraphStyle) -> Paragraph:
    """A table cell that breaks only between words (:func:`whole_words`), unless one of
    its words is too long for any column (:data:`LONG_WORD`): then it wraps as Chinese
    prose does, anywhere."""
    cell = p(value, whole_words(style))
    return cell if cell.minWidth() <= LONG_WORD else p(value, style)


def min_width(cell: object) -> float:
    """The narrowest a column may be for ``cell``: its widest unbreakable word (as it is
    drawn, in its font and size) and the cell's padding."""
    if isinstance(cell, Paragraph):
        word = cell.minWidth() if cell.style.wordWrap is None else 0.0
    elif isinstance(cell, str):
        word = max((stringWidth(line, cjk_font().regular, 8) for line in cell.split("\n")),
                   default=0.0)
    else:
        word = 0.0
    return word + 2 * CELL_PAD + 0.5 if word else 0.0


def fit_widths(rows: Sequence[Sequence[object]],
               widths: Sequence[float] | None) -> list[float] | None:
    """Column widths no narrower than any word of their cells, the table as wide as asked.

    Each column gets at least its widest unbreakable word (:func:`min_width`); what a
    column gains is taken from the columns with room to spare, in proportion to that
    room. A table whose words do not fit at all gets wider than asked (never a word cut).
    This is the one rule of every sheet's tables: no header or value breaks inside a word.
    """
    if widths is None:
        return None
    n = len(widths)
    need = [0.0] * n
    for row in rows:
        for i, cell in enumerate(row[:n]):
            need[i] = max(need[i], min_width(cell))
    out = [max(w, m) for w, m in zip(widths, need, strict=True)]
    extra = sum(out) - sum(widths)
    if extra <= 0:
        return out
    room = [w - m if w > m else 0.0 for w, m in zip(widths, need, strict=True)]
    spare = sum(room)
    if spare <= 0:
        return out
    take = min(extra, spare)
    return [o - r * take / spare for o, r in zip(out, room, strict=True)]


def _header(text: str, style: ParagraphStyle, width: float | None) -> Paragraph:
    """A header cell; a Chinese header too wide for its column breaks before its unit in
    full-width brackets (已消耗金额 / （CNY）), a chosen break point, not inside a word."""
    cell = cell_text(text, style)
    if width is not None and min_width(cell) > width and "（" in text[1:]:
        at = text.index("（", 1)
        cell = cell_text(f"{text[:at]}\n{text[at:]}", style)
    return cell


def data_table(header: Sequence[str], rows: Sequence[Sequence[object]], styles: Styles,
               widths: Sequence[float] | None = None, right: Sequence[int] = (),
               total_rows: int = 0, shade: Sequence[tuple[int, int]] = (),
               repeat: bool = True) -> Table:
    """A ruled table with a bold header; ``right`` columns right-aligned; the last
    ``total_rows`` rows bold; ``shade`` cells (col, row) greyed (0-based, body rows).
    Columns are sized so that no header or value breaks inside a word (:func:`fit_widths`)."""
    body = [[_header(h, styles.head_right if i in right else styles.head,
                     widths[i] if widths else None) for i, h in enumerate(header)]]
    n = len(rows)
    for r, row in enumerate(rows):
        is_total = r >= n - total_rows
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, Paragraph):
                cells.append(value)
                continue
            style = (styles.head_right if i in right else styles.head) if is_total else (
                styles.cell_right if i in right else styles.cell)
            cells.append(cell_text(value, style))
        body.append(cells)
    table = Table(body, colWidths=fit_widths(body, widths), repeatRows=1 if repeat else 0)
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a94a6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_rows:
        commands.append(("BACKGROUND", (0, n - total_rows + 1), (-1, n),
                         colors.HexColor("#f2f2f2")))
    for col, row in shade:
        commands.append(("BACKGROUND", (col, row + 1), (col, row + 1),
                         colors.HexColor("#d9d9d9")))
    table.setStyle(TableStyle(commands))
    return table


def key_values(pairs: Sequence[tuple[str, object]], styles: Styles,
               widths: tuple[float, float] = (35 * mm, 135 * mm)) -> Table:
    """Label: value lines (the parties, the SOW, the dates)."""
    rows = [[cell_text(k, styles.head), p(v, styles.cell)] for k, v in pairs]
    table = Table(rows, colWidths=fit_widths(rows, widths))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table
