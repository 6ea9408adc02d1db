"""Draw a sheet: pick the renderer of its kind, build the PDF with the common frame."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from exports.base import SheetDocument
from model.sheet_kinds import SheetKind
from model.sheets import Sheet

#: a kind's renderer: the body of the sheet below the common heading (its flowables)
Renderer = Callable[[Sheet[Any], SheetDocument], list[Any]]


class _Renderers(Mapping[SheetKind, Renderer]):
    """Each kind's renderer (its module's ``story``), the module imported when a sheet of
    that kind is first drawn: printing a timesheet does not load the other kinds' code."""

    MODULES = {
        SheetKind.ACCEPTANCE: "exports.acceptance",
        SheetKind.TIMESHEET: "exports.timesheet",
        SheetKind.CR: "exports.change",
        SheetKind.PLAN: "exports.plan",
        SheetKind.STATUS: "exports.status",
    }

    def __getitem__(self, kind: SheetKind) -> Renderer:
        story: Renderer = importlib.import_module(self.MODULES[kind]).story
        return story

    def __iter__(self) -> Iterator[SheetKind]:
        return iter(self.MODULES)

    def __len__(self) -> int:
        return len(self.MODULES)


#: each kind's renderer, keyed by the registry (model.sheet_kinds); a test checks that
#: every kind has one
RENDERERS: Mapping[SheetKind, Renderer] = _Renderers()


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
