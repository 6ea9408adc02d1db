"""Draw a sheet: pick the renderer of its kind, build the PDF with the common frame."""

from __future__ import annotations

import importlib
from pathlib import Path

from exports.base import SheetDocument
from model.sheets import Sheet

RENDERERS = {
    "acceptance": "exports.acceptance",
    "timesheet": "exports.timesheet",
    "cr": "exports.change",
    "plan": "exports.plan",
    "status": "exports.status",
}


def render_sheet(sheet: Sheet, kind: str, out: str | Path) -> Path:
    """Write ``sheet`` as a PDF at ``out``. Each renderer module has
    ``story(sheet, doc) -> list[Flowable]`` (the body below the common heading)."""
    module = importlib.import_module(RENDERERS[kind])
    doc = SheetDocument(sheet.meta)
    return doc.build(module.story(sheet, doc), out)


def render_pdf(sheet: Sheet, kind: str) -> bytes:
    """The bytes :func:`render_sheet` writes: ``verify FILE.pdf`` prints the sheet again
    with them and compares what each page draws."""
    module = importlib.import_module(RENDERERS[kind])
    doc = SheetDocument(sheet.meta)
    return doc.pdf(module.story(sheet, doc))
