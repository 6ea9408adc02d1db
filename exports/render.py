"""Draw a sheet: pick the renderer of its kind, build the PDF with the common frame."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from exports import acceptance, change, plan, status, timesheet
from exports.base import SheetDocument
from model.sheet_kinds import SheetKind
from model.sheets import Sheet

#: a kind's renderer: the body of the sheet below the common heading (its flowables)
Renderer = Callable[[Sheet[Any], SheetDocument], list[Any]]

#: each kind's renderer, keyed by the registry (model.sheet_kinds); a test checks that
#: every kind has one
RENDERERS: dict[SheetKind, Renderer] = {
    SheetKind.ACCEPTANCE: acceptance.story,
    SheetKind.TIMESHEET: timesheet.story,
    SheetKind.CR: change.story,
    SheetKind.PLAN: plan.story,
    SheetKind.STATUS: status.story,
}


def render_pdf(sheet: Sheet[Any], kind: str) -> bytes:
    """``sheet`` drawn as a PDF's bytes: what ``export`` writes and what ``verify
    FILE.pdf`` prints again to compare page by page. Each kind's renderer
    (:data:`RENDERERS`) draws the body below the common heading."""
    doc = SheetDocument(sheet.meta)
    return doc.pdf(RENDERERS[SheetKind(kind)](sheet, doc))


def render_sheet(sheet: Sheet[Any], kind: str, out: str | Path) -> Path:
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
