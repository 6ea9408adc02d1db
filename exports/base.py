"""What every printed sheet shares: page, styles, header and footer, QR code, signatures.

A sheet is built from a :class:`SheetMeta` (who, which document, which content) and a
story of flowables. Every page carries the document id and its revision, the audit chain's
head it was printed at and "page X of Y"; the first page carries a QR code with the id
and the SHA-256 of the sheet's content; the PDF's metadata carries them too, with the
parameters it was printed with, so that ``sowtrack verify FILE.pdf`` can read them back
and print it again. No Textual, no database: sheets take views.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as _Table

from exports.fonts import cjk_font
from model.formats import grade_title  # noqa: F401  (the sheets' name for it)
from model.rules import (
    format_money,
    format_pd,
    format_signed_pd,
    round_money,
)
from model.sheets import METADATA_PREFIX, SheetMeta, Signatory, read_keywords  # noqa: F401

# ---------------------------------------------------------------- styles and helpers


class Table(_Table):
    """Every sheet's table: its cells start in the sheet's font. ReportLab's default is
    Helvetica, which a PDF then declares without embedding it (SPEC §8: nothing a
    reader may lack)."""

    def __init__(self, data: Any, *args: Any, **kwargs: Any):
        super().__init__(data, *args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font().regular)]))


class Styles:
    """The one stylesheet of every sheet (CJK font throughout: it has Latin glyphs too)."""

    def __init__(self) -> None:
        font = cjk_font()
        self.font, self.bold = font.regular, font.bold
        base = dict(fontName=self.font, fontSize=9, leading=12, wordWrap="CJK")
        self.body = ParagraphStyle("body", **base)
        self.small = ParagraphStyle("small", **{**base, "fontSize": 7.5, "leading": 9.5})
        self.cell = ParagraphStyle("cell", **{**base, "fontSize": 8, "leading": 10})
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        self.head = ParagraphStyle("head", **{**base, "fontName": self.bold, "fontSize": 8,
                                               "leading": 10})
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        # an id or a key where one must be printed at all: small print under the name
        self.id = ParagraphStyle("id", **{**base, "fontSize": 6.5, "leading": 8,
                                          "textColor": colors.HexColor("#4a5568")})
        self.h1 = ParagraphStyle("h1", **{**base, "fontName": self.bold, "fontSize": 16,
                                          "leading": 21, "spaceAfter": 4})
        self.h2 = ParagraphStyle("h2", **{**base, "fontName": self.bold, "fontSize": 11,
                                          "leading": 15, "spaceBefore": 8, "spaceAfter": 3,
                                          "textColor": colors.HexColor("#1f3b63")})


def p(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text, printed literally (SPEC §7).

    A Paragraph reads its text as markup (``<b>``, ``<font size=40>``, ``&amp;``; an
    unknown tag fails the whole build), so every piece of text a sheet prints goes
    through here and is escaped: a ``<`` in a task title stays a ``<``. A line break
    (only a change request's reason may hold one) stays a line break.
    """
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def name_with_id(name: str, key: str, style: ParagraphStyle, lang: str,
                 after: str = "") -> Paragraph:
    """A person by name, the id after it in small print (SPEC §8: people by name, the id
    only as small print): 张伟（zhang.wei）, Zhang Wei (zhang.wei)."""
    small = f'<font size="6.5">{escape(f"（{key}）" if lang == "zh" else f" ({key})")}</font>'
    return Paragraph(f"{escape(name)}{small if key and key != name else ''}{escape(after)}",
                     style)


def unit(label: str, what: str, lang: str) -> str:
    """A header with its unit: 单价（CNY）in Chinese (全角), Day rate (CNY) in English."""
    return f"{label}（{what}）" if lang == "zh" else f"{label} ({what})"


def joined(items: Sequence[str], lang: str) -> str:
    """A list in a sentence: 、 between Chinese items, a comma between English ones."""
    return ("、" if lang == "zh" else ", ").join(items)


fmt_pd = format_pd
fmt_money = format_money
signed_pd = format_signed_pd


#: a title written in both languages, Chinese first: "场景调研会 Scenario research meetings"
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+(?P<en>[A-Za-z].*)$")


def quota_title(title: str, lang: str) -> str:
    """A quota as a sheet names it: its title, never its key. A title the SOW writes in
    both languages, Chinese first and English after ("场景调研会 Scenario research
    meetings"), is printed in the sheet's language; any other title as written."""
    both = _BILINGUAL.match(title.strip())
    if both is None:
        return title
    return both["zh"].strip() if lang == "zh" else both["en"].strip()


def money_capitals(value: Fraction | int | Decimal) -> str:
    """An amount in Chinese capital numerals (大写), e.g. 肆万柒仟壹佰叁拾柒元伍角."""
    import cn2an

    amount = round_money(Fraction(value))
    if amount == 0:
        return "零元整"
    sign = "负" if amount < 0 else ""
    text = cn2an.an2cn(f"{abs(amount):f}", "rmb")
    if not text.endswith(("角", "分", "整")):
        text += "整"
    return sign + text


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


def signature_block(meta: SheetMeta, styles: Styles,
                    keep: bool = True) -> KeepTogether | list[Any]:
    """One column per party, the client (甲方) first and the vendor (乙方) second: name,
    title, date, signature line and a seal box for each.

    Kept together on one page; with ``keep=False``, the bare flowables, for a caller
    that keeps them together with what precedes them (a KeepTogether nested in another
    one always breaks the page).
    """
    cols = []
    colon = "：" if meta.language == "zh" else ": "  # 全角 in Chinese
    for party in ("client", "vendor"):
        people = [s for s in meta.signatories if s.party == party] or [Signatory(party, "")]
        company = meta.vendor if party == "vendor" else meta.client
        lines: list[list[object]] = [[p(f"{meta.label(party)}{colon}{company}", styles.head)]]
        for s in people:
            lines.append([p(f"{meta.label('name')}{colon}{s.name}", styles.cell)])
            lines.append([p(f"{meta.label('title')}{colon}{s.title}", styles.cell)])
            recorded = meta.label("signed_in_ledger")
            on = ((f"{s.signed_on}（{recorded}）" if meta.language == "zh"
                   else f"{s.signed_on}  ({recorded})") if s.signed_on
                  else "________________")
            lines.append([p(f"{meta.label('date')}{colon}{on}", styles.cell)])
            lines.append([p(f"{meta.label('signature')}{colon}______________________",
                            styles.cell)])
            lines.append([Spacer(1, 3 * mm)])
        seal = Table([[p(meta.label("seal"), styles.small)]], colWidths=[32 * mm],
                     rowHeights=[26 * mm])
        seal.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        lines.append([seal])
        inner = Table(lines, colWidths=[82 * mm])
        inner.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 2),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        cols.append(inner)
    outer = Table([cols], colWidths=[88 * mm, 88 * mm])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#8a94a6")),
                               ("LINEAFTER", (0, 0), (0, 0), 0.4, colors.HexColor("#8a94a6"))]))
    parts: list[Any] = [Spacer(1, 6 * mm), outer]
    return KeepTogether(parts) if keep else parts


def contract_line(meta: SheetMeta) -> str | None:
    """The contract number and its date as a sheet's heading names them (SPEC §8):
    合同编号：HT-2026-0117　签订日期：2026-02-20, or Contract no. HT-2026-0117, signed
    2026-02-20; None when the SOW has neither."""
    number, on = meta.contract, meta.contract_signed_on
    if number is None and on is None:
        return None
    if meta.language == "zh":
        parts = [f"{meta.label('contract')}：{number}" if number is not None else "",
                 f"{meta.label('contract_signed_on')}：{on}" if on is not None else ""]
        return "\u3000".join(x for x in parts if x)
    if number is None:
        return f"Contract {meta.label('contract_signed_on')} {on}"
    signed = f", {meta.label('contract_signed_on')} {on}" if on is not None else ""
    return f"{meta.label('contract')} {number}{signed}"


def new_drawing(width: float, height: float, **kwargs: Any) -> Drawing:
    """A Drawing that starts in the sheet's font: reportlab.graphics would otherwise set
    its default Helvetica, which every PDF then declares without embedding it."""
    drawing = Drawing(width, height, **kwargs)
    drawing.initialFontName = cjk_font().regular
    return drawing


def qr_drawing(payload: str, size: float = 24 * mm) -> Drawing:
    widget = QrCodeWidget(payload)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = new_drawing(size, size,
                          transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


# ---------------------------------------------------------------- the document


def _numbered_canvas(meta: SheetMeta, styles: Styles) -> type[Canvas]:
    """A canvas that knows the page count when it draws each page's footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            # Start in the sheet's font, so no unused (non-embedded) Helvetica is declared.
            # (BaseDocTemplate passes initialFontName=None explicitly.)
            kwargs["initialFontName"] = kwargs.get("initialFontName") or styles.font
            super().__init__(*args, **kwargs)
            # Dated the day it was printed, not ReportLab's invariant 2000-01-01: the same
            # sheet printed the same day still gives the same bytes.
            stamp = f"D:{meta.printed_on:%Y%m%d}000000+00'00'"
            self.setDateFormatter(lambda *_: stamp)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont(styles.font, 7.5)
            self.setFillColor(colors.HexColor("#4a5568"))
            left = 15 * mm
            self.drawString(left, height - 10 * mm, f"{meta.project_code} · {meta.title}")
            self.drawRightString(width - 15 * mm, height - 10 * mm,
                                 f"{meta.label('doc_id')} {meta.doc_id} · "
                                 f"{meta.label('revision', n=meta.revision)}")
            self.line(left, 12 * mm, width - 15 * mm, 12 * mm)
            # The chain's head in short (the metadata holds it in full): `verify FILE.pdf`
            # checks the ledger still holds that audit row with that hash.
            self.drawString(left, 8 * mm, f"{meta.label('sha')} {meta.digest[:32]}…  ·  "
                                          f"{meta.label('printed')} {meta.printed_on}  ·  "
                                          f"{meta.label('head')} #{meta.head[0]} "
                                          f"{meta.head[1][:12]}")
            self.drawRightString(width - 15 * mm, 8 * mm,
                                 meta.label("page", n=self._pageNumber, total=total))
            self.restoreState()

    return NumberedCanvas


class SheetDocument:
    """A4 (portrait or landscape) with a QR code on the first page; builds to a file."""

    MARGIN = 15 * mm
    TOP = 16 * mm
    BOTTOM = 16 * mm

    def __init__(self, meta: SheetMeta):
        self.meta = meta
        self.styles = Styles()
        self.pagesize = landscape(A4) if meta.landscape else A4

    def heading(self) -> list[Any]:
        """Title and parties at the top of the first page, the QR code at the right."""
        m, s = self.meta, self.styles
        qr = qr_drawing(m.qr_payload)
        colon = "：" if m.language == "zh" else ": "
        left = [p(m.title, s.h1), p(f"{m.project_code} · {m.project_title}", s.body),
                p(f"{m.label('client')}{colon}{m.client}    "
                  f"{m.label('vendor')}{colon}{m.vendor}", s.body),
                *([p(line, s.body)] if (line := contract_line(m)) else []),
                p(f"{m.label('doc_id')}{colon}{m.doc_id}   {m.label('revision', n=m.revision)}",
                  s.small)]
        width = self.pagesize[0] - 2 * self.MARGIN
        table = Table([[left, qr]], colWidths=[width - 28 * mm, 28 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [table, Spacer(1, 4 * mm)]

    def pdf(self, story: list[Any]) -> bytes:
        """The PDF's bytes: the same sheet gives the same bytes (``invariant``), whether
        it is written to a file (where it lands is the caller's business: see
        storage.outfile for files a user names) or printed again by ``verify FILE.pdf``
        to compare."""
        m = self.meta
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=self.pagesize, leftMargin=self.MARGIN,
            rightMargin=self.MARGIN, topMargin=self.TOP, bottomMargin=self.BOTTOM,
            title=m.title, author=m.vendor, subject=m.doc_id, creator="sowtrack",
            keywords=m.keywords, invariant=1)
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(self.heading() + story,
                  canvasmaker=_numbered_canvas(m, self.styles))  # type: ignore[arg-type]
        return buffer.getvalue()
