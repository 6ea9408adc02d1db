"""Every page's frame: the document id, revision and audit head at the top and foot,
"page X of Y" (a canvas that knows the page count when it draws each footer)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from exports.styles import Styles
from model.sheets import SheetMeta


def numbered_canvas(meta: SheetMeta, styles: Styles) -> type[Canvas]:
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
