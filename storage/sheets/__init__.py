"""Printed sheets, the ledger side: gather a sheet's figures, identify it, verify a print.

Each kind has a module here with ``build(ledger, request) -> SheetParts`` (the
figures, read through the Ledger's services only) and ``signed_status(ledger, request)
-> str`` (has the document been signed since?). :func:`build_sheet` wraps the parts
in a :class:`model.sheets.Sheet` with its document id, version and digest;
:func:`verify_pdf` reads those back from a PDF and compares with the ledger now.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from model.errors import LedgerError
from model.sheets import Sheet, SheetMeta, SheetRequest, Signatory, read_keywords
from model.views import SignatureView
from storage.services import Ledger

MODULES = {
    "acceptance": "storage.sheets.acceptance",
    "timesheet": "storage.sheets.timesheet",
    "cr": "storage.sheets.change",
    "plan": "storage.sheets.plan",
    "status": "storage.sheets.status",
}


@dataclass(frozen=True)
class SheetParts:
    """What a kind's builder returns: the rest is common to every sheet."""

    title: str
    content: dict[str, Any]  # canonical, JSON-able: its SHA-256 identifies the sheet
    data: Any  # the typed figures the renderer draws
    signatories: tuple[Signatory, ...] = ()
    landscape: bool = False


def signatories(ledger: Ledger, signed: tuple[SignatureView, ...] = ()) -> tuple[Signatory, ...]:
    """Who signs for each party (the vendor lead and signatories, the client signatories),
    with the date of their signature where the ledger has one."""
    on = {s.person: s.on for s in signed}
    out = []
    for p in ledger.people():
        if (p.party == "vendor" and p.role in ("lead", "signatory")) or (
                p.party == "client" and p.role == "signatory"):
            out.append(Signatory(p.party, p.name, p.title or p.role, on.get(p.key)))
    signed_people = [s for s in out if s.signed_on]
    # When signatures are on record, print those who signed; else everyone who may.
    for party in ("vendor", "client"):
        if any(s.party == party for s in signed_people):
            out = [s for s in out if s.party != party or s.signed_on]
    return tuple(out)


def build_sheet(ledger: Ledger, request: SheetRequest, printed_on: date | None = None) -> Sheet:
    """The sheet ``request`` asks for, as the ledger holds it now."""
    if request.kind not in MODULES:
        raise LedgerError(f"export: {request.kind!r} is not a sheet "
                          f"({', '.join(MODULES)})")
    project = ledger.project()
    if request.kind == "status" and request.as_of is None:
        request = replace(request, as_of=ledger.today(project.timezone))
    module = importlib.import_module(MODULES[request.kind])
    parts: SheetParts = module.build(ledger, request)
    meta = SheetMeta(
        doc_id=request.doc_id(project.code), version=ledger.ledger_version(),
        digest=Sheet.content_digest(parts.content), title=parts.title,
        language=project.language, project_code=project.code,
        project_title=project.title, client=project.client, vendor=project.vendor,
        printed_on=printed_on or ledger.today(project.timezone),
        signatories=parts.signatories, landscape=parts.landscape)
    return Sheet(meta, parts.content, parts.data)


@dataclass(frozen=True)
class VerifyReport:
    path: str
    doc_id: str
    version: str
    printed_digest: str
    current_digest: str
    signed: str  # what the ledger says of its signatures now

    @property
    def matches(self) -> bool:
        return self.printed_digest == self.current_digest


def read_pdf_identity(path: str | Path) -> dict[str, str]:
    """The id, digest and version a sowtrack sheet carries in its metadata."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its own complaints about a damaged file; ours is the one line the user sees.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(str(path))
        keywords = str((reader.metadata or {}).get("/Keywords") or "")
    except (OSError, PdfReadError, ValueError) as exc:
        raise LedgerError(f"{path}: cannot read this PDF: {exc}") from None
    finally:
        log.setLevel(level)
    fields = read_keywords(keywords)
    if "id" not in fields or "sha256" not in fields:
        raise LedgerError(f"{path}: not a sowtrack sheet (no document id in its metadata)")
    return fields


def verify_pdf(path: str | Path, open_ledger: Callable[[str], Ledger]) -> VerifyReport:
    """Does the ledger still hold exactly what the sheet at ``path`` printed?"""
    fields = read_pdf_identity(path)
    try:
        project, request = SheetRequest.parse(fields["id"])
    except (ValueError, IndexError):
        raise LedgerError(f"{path}: {fields['id']!r} is not a sowtrack document id") from None
    ledger = open_ledger(project)
    sheet = build_sheet(ledger, request)
    module = importlib.import_module(MODULES[request.kind])
    return VerifyReport(str(path), fields["id"], fields.get("version", "?"), fields["sha256"],
                        sheet.meta.digest, module.signed_status(ledger, request))
