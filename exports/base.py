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
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from exports.canvas import numbered_canvas
from exports.fonts import cjk_font
from exports.styles import Styles, Table, p
from exports.tables import (  # noqa: F401 - the sheets import them from here
    CELL_PAD,
    LONG_WORD,
    cell_text,
    data_table,
    fit_widths,
    key_values,
    min_width,
    whole_words,
)
from model.formats import grade_title  # noqa: F401  (the sheets' name for it)
from model.rules import (
    format_money,
    format_pd,
    format_signed_pd,
    round_money,
)
from model.sheets import METADATA_PREFIX, SheetMeta, Signatory, read_keywords  # noqa: F401

# ---------------------------------------------------------------- helpers


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
    # The widget's shapes, made once: its bounds and its drawing both come from them (the
    # widget itself would encode the payload again for each).
    shapes = QrCodeWidget(payload).draw()
    x1, y1, x2, y2 = shapes.getBounds()
    drawing = new_drawing(size, size,
                          transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(shapes)
    return drawing


# ---------------------------------------------------------------- the document


class SheetDocument:
    """A4 (portrait or landscape) with a QR code on the first page; builds to a file."""

    MARGIN = 15 * mm
    TOP = 16 * mm
    BOTTOM = 16 * mm

    def __init__(self, meta: SheetMeta):
        self.meta = meta
        self.styles = Styles()
        self.pagesize = landscape(A4) if meta.landscape else A4

    @property
    def width(self) -> float:
        """The width between the margins: what a story's tables and drawings may take."""
        return self.pagesize[0] - 2 * self.MARGIN

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
        width = self.width
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
                  canvasmaker=numbered_canvas(m, self.styles))  # type: ignore[arg-type]
        return buffer.getvalue()
