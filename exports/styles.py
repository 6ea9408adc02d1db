"""The one stylesheet of every sheet, its tables' font, and text printed literally."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus import Table as _Table

from exports.fonts import cjk_font


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
