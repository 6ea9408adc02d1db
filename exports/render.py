"""Draw a sheet: pick the renderer of its kind, build the PDF with the common frame."""

from __future__ import annotations

import importlib
import os
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


def render_pdf(sheet: Sheet, kind: str) -> bytes:
    """``sheet`` drawn as a PDF's bytes: what ``export`` writes and what ``verify
    FILE.pdf`` prints again to compare page by page. Each renderer module has
    ``story(sheet, doc) -> list[Flowable]`` (the body below the common heading)."""
    module = importlib.import_module(RENDERERS[kind])
    doc = SheetDocument(sheet.meta)
    return doc.pdf(module.story(sheet, doc))


def render_sheet(sheet: Sheet, kind: str, out: str | Path) -> Path:
    """Write ``sheet`` as a PDF at ``out`` (tests and tools), replacing a regular file.

    The file is created exclusively (a link, a FIFO or a device at ``out`` is an error,
    never written through). A path a user names goes through ``storage.outfile``
    instead: no overwrite without --force, never the ledger, an atomic rename.
    """
    data = render_pdf(sheet, kind)
    out = Path(out)
    if out.is_file() and not out.is_symlink():
        out.unlink()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out
