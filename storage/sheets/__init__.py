"""Printed sheets, the ledger side: gather a sheet's figures, identify it, verify a print.

Each kind has a module here with ``build(ledger, request) -> SheetParts`` (the
figures, read through the Ledger's services only) and ``signed_status(ledger, request)
-> str`` (has the document been signed since?), registered in :data:`BUILDERS` under
its :class:`model.sheet_kinds.SheetKind`. :func:`build_sheet` wraps the parts
in a :class:`model.sheets.Sheet` with its document id, digest, revision and the audit
chain's head; :func:`export_sheets` records the revision of what it prints and writes
the files (one per person for a timesheet printed per person); :func:`verify_pdf`
reads those back from a PDF, checks the head is still in the chain, the revision is the
one recorded for the digest, compares the digest with the ledger now, prints the sheet
again with the parameters its metadata carries and compares what each page draws.
Each of them reads the ledger through one snapshot (``Ledger.snapshot``): a sheet's
figures all from one state; the revisions of new contents are written after it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from model.errors import FieldError, LedgerError, Ref
from model.i18n import _, parts
from model.sheet_kinds import SheetKind
from model.sheets import (
    PrintedIdentity,
    Sheet,
    SheetMeta,
    SheetRequest,
    contract_content,
    read_keywords,
    revision_of,
)
from storage.audit import GENESIS
from storage.services import Ledger
from storage.sheets import acceptance, change, plan, status, timesheet
from storage.sheets.parts import SheetParts, signatories

__all__ = ["BUILDERS", "Builder", "SheetParts", "signatories"]  # and the functions below


@dataclass(frozen=True)
class Builder:
    """The ledger side of one kind of sheet."""

    #: the figures of the sheet ``request`` asks for, read through the Ledger's services
    build: Callable[[Ledger, SheetRequest], SheetParts[Any]]
    #: what the ledger says of the document's signatures now (for ``verify FILE.pdf``)
    signed_status: Callable[[Ledger, SheetRequest], str]


#: each kind's builder, keyed by the registry (model.sheet_kinds); a test checks that
#: every kind has one
BUILDERS: dict[SheetKind, Builder] = {
    SheetKind.ACCEPTANCE: Builder(acceptance.build, acceptance.signed_status),
    SheetKind.TIMESHEET: Builder(timesheet.build, timesheet.signed_status),
    SheetKind.CR: Builder(change.build, change.signed_status),
    SheetKind.PLAN: Builder(plan.build, plan.signed_status),
    SheetKind.STATUS: Builder(status.build, status.signed_status),
}


def build_sheet(ledger: Ledger, request: SheetRequest,
                printed_on: date | None = None) -> Sheet[Any]:
    """The sheet ``request`` asks for, as the ledger holds it now, printed on
    ``printed_on`` (default: today in the project's time zone; a sheet counts up to it):
    every figure, its revision and the chain's head from one snapshot of the ledger."""
    if request.per_person:
        raise FieldError("per_person", _("each person's sheet is a document of its own; build "
                                         "them from per_person_requests()"))
    with ledger.snapshot():  # inside the caller's, when it holds one
        return _build_sheet(ledger, request, printed_on)


def _build_sheet(ledger: Ledger, request: SheetRequest, printed_on: date | None) -> Sheet[Any]:
    project = ledger.project()
    printed_on = printed_on or request.printed_on or ledger.today(project.timezone)
    request = replace(request, printed_on=printed_on,
                      language=request.language or project.language)
    if request.info.as_of and request.as_of is None:
        request = replace(request, as_of=printed_on)
    parts = BUILDERS[request.kind].build(ledger, request)
    # Every sheet's content names the contract (the signed documents' content, built by
    # the ledger, does already: this adds it to the others, and changes nothing there).
    terms = project.terms
    content = {**parts.content, **contract_content(terms.contract, terms.signed_on)}
    doc_id, digest = request.doc_id(project.code), Sheet.content_digest(content)
    meta = SheetMeta(
        doc_id=doc_id, revision=revision_of(ledger.printed_revisions(doc_id), digest),
        digest=digest, title=parts.title,
        language=request.language or project.language, project_code=project.code,
        project_title=project.title, client=project.client, vendor=project.vendor,
        printed_on=printed_on, signatories=parts.signatories, landscape=parts.landscape,
        head=ledger.chain_head() or (0, GENESIS),
        contract=terms.contract, contract_signed_on=terms.signed_on)
    return Sheet(meta, content, parts.data)


def per_person_requests(ledger: Ledger, request: SheetRequest) -> list[SheetRequest]:
    """A timesheet printed per person: one request per person, each its own document."""
    if not request.info.person or not request.per_person:
        return [request]
    if request.first is None or request.last is None:
        raise FieldError("period", _("a timesheet needs its period"))
    return [replace(request, per_person=False, person=key)
            for key in timesheet.team(ledger, request)]


def _new_contents(ledger: Ledger, sheets: list[Sheet]) -> list[bool]:
    """Whether each sheet's content is printed for the first time (not recorded yet)."""
    return [all(d != sheet.meta.digest for _, d, _ in ledger.printed_revisions(sheet.meta.doc_id))
            for sheet in sheets]


def _recorded(ledger: Ledger, sheets: list[Sheet], new: list[bool]) -> list[Sheet]:
    """``sheets``, built in one snapshot, as they are printed: the revision of each new
    content recorded (``Ledger.record_new_prints``, one write after the snapshot), and
    all at the audit chain's head after those records. When nothing is new nothing is
    written, and the sheets keep the revisions and the head they were built with."""
    prints = [(s.meta.doc_id, s.meta.digest, s.meta.printed_on)
              for s, fresh in zip(sheets, new, strict=True) if fresh]
    if not prints:
        return sheets
    revisions, head = ledger.record_new_prints(prints)
    recorded = iter(revisions)
    return [replace(s, meta=replace(s.meta, revision=next(recorded) if fresh
                                    else s.meta.revision, head=head or (0, GENESIS)))
            for s, fresh in zip(sheets, new, strict=True)]


def record_printed(ledger: Ledger, sheets: list[Sheet]) -> list[Sheet]:
    """``sheets`` as they are printed: each with the revision the ledger records for its
    content (``Ledger.record_printed``: a new content is recorded as the next revision),
    and all at the audit chain's head after those records."""
    with ledger.snapshot():
        new = _new_contents(ledger, sheets)
        head = ledger.chain_head() or (0, GENESIS)
    sheets = [replace(s, meta=replace(s.meta, head=head)) for s in sheets]
    return _recorded(ledger, sheets, new)


def print_sheets(ledger: Ledger, requests: list[SheetRequest],
                 printed_on: date | None = None) -> list[Sheet]:
    """The sheets ``requests`` ask for, as :func:`export_sheets` prints them: built from
    one snapshot of the ledger (every figure of every sheet from one state), then the
    revision of each content printed for the first time recorded, in one write after it."""
    with ledger.snapshot():
        sheets = [build_sheet(ledger, r, printed_on) for r in requests]
        new = _new_contents(ledger, sheets)
    return _recorded(ledger, sheets, new)


def print_sheet(ledger: Ledger, request: SheetRequest,
                printed_on: date | None = None) -> Sheet:
    """One sheet as :func:`export_sheets` prints it (its revision recorded), to draw."""
    return print_sheets(ledger, [request], printed_on)[0]


#: what may stand in a file name made from a person's id
_SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def person_path(out: str | Path, person: str) -> Path:
    """``march.pdf`` and ``liu.yang`` -> ``march-liu.yang.pdf``: the file of one person's
    sheet when a timesheet is printed per person (one file per document)."""
    if not person or not set(person) <= _SAFE_NAME or person.startswith("."):
        raise FieldError("per_person", *parts(_("the person id {person!r} cannot name a file; "
                                                "print that sheet with {person_input} and {out}"),
                                              person=person, person_input=Ref("person"),
                                              out=Ref("out")))
    out = Path(out)
    return out.with_name(f"{out.stem}-{person}{out.suffix or '.pdf'}")


@dataclass(frozen=True)
class Printed:
    """One file written by :func:`export_sheets`."""

    path: Path  # as named: ``out``, or ``person_path(out, person)``
    sheet: Sheet
    pages: bytes  # the PDF written


def export_sheets(ledger: Ledger, request: SheetRequest, out: str | Path,
                  render: Callable[[Sheet, str], bytes],
                  check: Callable[[Path], Path], write: Callable[[Path, bytes], Path],
                  printed_on: date | None = None,
                  progress: Callable[[Sheet], None] | None = None) -> list[Printed]:
    """Print ``request`` into ``out`` (a timesheet per person: one file per person,
    ``person_path``), recording each sheet's revision (``Ledger.record_printed``).

    ``check`` refuses a target (storage.outfile.check_target with the caller's rule) and
    is called on every file before any work; ``write`` writes one (write_output). Every
    sheet is drawn before the first file is written, so a refusal or a failed drawing
    writes nothing."""
    with ledger.snapshot():  # who gets a sheet and every sheet: one state of the ledger
        requests = per_person_requests(ledger, request)
        if not requests:
            raise FieldError("per_person", _("the vendor has nobody with a grade and nobody "
                                             "logged hours in the period: no sheet to print"))
        if request.per_person:
            targets = [check(person_path(out, r.person or "")) for r in requests]
        else:
            targets = [check(Path(out))]
        sheets = [build_sheet(ledger, r, printed_on) for r in requests]
        new = _new_contents(ledger, sheets)
    sheets = _recorded(ledger, sheets, new)  # the write, after the snapshot
    drawn = []
    for req, path, sheet in zip(requests, targets, sheets, strict=True):
        if progress:
            progress(sheet)
        drawn.append(Printed(path, sheet, render(sheet, req.kind)))
    for p in drawn:
        write(p.path, p.pages)
    return drawn


@dataclass(frozen=True)
class VerifyReport:
    path: str
    doc_id: str
    revision: str  # the revision the sheet prints
    printed_digest: str
    current_digest: str
    signed: str  # what the ledger says of its signatures now
    #: why the sheet is refused beside its digest: the audit chain no longer holds its
    #: head, or a page differs from what the ledger prints (one line each)
    problems: tuple[str, ...] = ()
    #: the audit row the sheet was printed at, and the chain's head now: when they
    #: differ, a changed page may be the ledger's doing (a signature, a withdrawal, an edit)
    printed_head: int | None = None
    current_head: int | None = None
    #: the revision of the content the ledger holds now for this document, and the day
    #: it was first printed
    current_revision: int | None = None
    current_printed_on: date | None = None  # None: that content is not printed yet

    @property
    def superseded(self) -> str | None:
        """When the ledger holds another content: which revision replaces this one."""
        if self.matches or self.current_revision is None:
            return None
        if self.current_printed_on is None:
            return _("revision {revision} is superseded: the ledger holds a content not "
                     "printed yet (it will be revision {current})"
                     ).format(revision=self.revision, current=self.current_revision)
        return _("revision {revision} is superseded by revision {current} (first printed "
                 "{on})").format(revision=self.revision, current=self.current_revision,
                                 on=self.current_printed_on)

    @property
    def matches(self) -> bool:
        """The ledger still holds the content the sheet's digest covers."""
        return self.printed_digest == self.current_digest

    @property
    def note(self) -> str | None:
        """Whether a page that differs may be the ledger's doing or the file's."""
        if not self.matches or not self.problems or self.printed_head is None:
            return None
        if self.current_head != self.printed_head:
            return _("the ledger changed after this sheet was printed (audit row {printed}, "
                     "now {current}): if a signature, a withdrawal or an edit since then "
                     "changed what it shows, print it again"
                     ).format(printed=self.printed_head, current=self.current_head)
        return _("the ledger has not changed since this sheet was printed (audit row "
                 "{printed}): the file was altered after it was printed"
                 ).format(printed=self.printed_head)

    @property
    def ok(self) -> bool:
        """The digest matches, the head is in the chain, and every page is what the
        ledger prints."""
        return self.matches and not self.problems


def read_pdf_identity(path: str | Path) -> dict[str, str]:
    """The id, digest, version and print parameters a sowtrack sheet carries."""
    fields, _ = _read_pdf(path)
    return fields


def _read_pdf(path: str | Path) -> tuple[dict[str, str], bytes]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its own complaints about a damaged file; ours is the one line the user sees.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        data = Path(path).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        keywords = str((reader.metadata or {}).get("/Keywords") or "")
    except OSError as exc:
        raise LedgerError(_("{path}: cannot read this PDF: {reason}")
                          .format(path=path, reason=exc.strerror or exc)) from None
    except (PdfReadError, ValueError) as exc:
        raise LedgerError(_("{path}: cannot read this PDF: {reason}")
                          .format(path=path, reason=exc)) from None
    finally:
        log.setLevel(level)
    fields = read_keywords(keywords)
    if "id" not in fields or "sha256" not in fields:
        raise LedgerError(_("{path}: not a sowtrack sheet (no document id in its metadata)")
                          .format(path=path))
    return fields, data


def head_problem(ledger: Ledger, head: tuple[int, str]) -> str | None:
    """Why the audit chain no longer holds ``head`` (row id, hash), or None if it does."""
    row, sha = head
    if row == 0 and sha == GENESIS:  # printed from an empty log: nothing to lose
        return None
    if ledger.audit_hash(row) != sha:
        return _("the ledger's audit chain no longer holds the head this sheet was printed "
                 "at (audit row {row}): rows were removed or rewritten").format(row=row)
    return None


def verify_pdf(path: str | Path, open_ledger: Callable[[str], Ledger],
               render: Callable[[Sheet, str], bytes]) -> VerifyReport:
    """Does the ledger still hold exactly what the sheet at ``path`` shows?

    The digest in its metadata is compared with the content the ledger holds now; the
    audit chain must still hold the head it was printed at; and the sheet is printed
    again (``render``: the caller passes sowtrack's renderer, exports.render.render_pdf,
    since storage never imports exports) with the parameters its metadata carries, and
    each page compared with the file's, whatever it draws.
    """
    from storage.sheets.pages import compare

    fields, data = _read_pdf(path)
    try:
        printed = PrintedIdentity.parse(fields)
    except ValueError as exc:
        raise LedgerError(f"{path}: {exc}") from None
    ledger = open_ledger(printed.project)
    request = printed.request
    with ledger.snapshot():  # the sheet, its revisions, signatures and chain: one state
        sheet = build_sheet(ledger, request)
        revisions = ledger.printed_revisions(sheet.meta.doc_id)
        report = VerifyReport(str(path), fields["id"], fields.get("revision", "?"),
                              printed.digest, sheet.meta.digest,
                              BUILDERS[request.kind].signed_status(ledger, request),
                              current_revision=sheet.meta.revision,
                              current_printed_on=next((on for _, d, on in revisions
                                                       if d == sheet.meta.digest), None))
        lost = head_problem(ledger, printed.head) if printed.head is not None else None
    if printed.head is None or printed.revision is None or request.printed_on is None:
        return replace(report, problems=(
            _("this sheet carries no audit chain head, revision or print parameters (printed "
              "by an older sowtrack): it cannot be printed again to compare; print it anew"),))
    problem = lost or revision_problem(
        revisions, printed.digest, printed.revision)
    if problem:
        return replace(report, problems=(problem,))
    if not report.matches:
        return report  # refused already; its pages cannot match
    fresh = render(replace(sheet, meta=replace(sheet.meta, head=printed.head)), request.kind)
    try:
        pages = compare(data, fresh)
    except ValueError as exc:
        raise LedgerError(f"{path}: {exc}") from None
    return replace(report, problems=tuple(pages), printed_head=printed.head[0],
                   current_head=sheet.meta.head[0])  # the chain's head in that state


def revision_problem(printed: list[tuple[int, str, date]], digest: str,
                     revision: int) -> str | None:
    """Why a sheet's revision is not the one the ledger records for its digest, or None."""
    known = {d: (n, on) for n, d, on in printed}
    if digest not in known:
        return _("the ledger records no printed revision with this content (it says "
                 "revision {revision}): it was not printed from this ledger, or the record "
                 "of its printing was removed").format(revision=revision)
    n, on = known[digest]
    if n != revision:
        return _("it says revision {revision}, but the ledger records this content as "
                 "revision {n} (first printed {on})").format(revision=revision, n=n, on=on)
    return None
