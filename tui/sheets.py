"""Print a sheet to a file: the one pipeline the command line and the app's Exports view
share (``export KIND --out FILE`` and the view's ``x``).

:func:`sheet_request` checks the options as typed (flags or form fields) against the
registry of sheet kinds (model.sheet_kinds); :func:`write_sheet` builds the sheet from
the ledger (storage.sheets), draws it (exports.render) and writes it under the rules of
storage.outfile. No terminal here: the caller shows what it returns.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from model.errors import FieldError, Ref
from model.i18n import N_, _, parts
from model.rules import check_period
from model.sheet_kinds import SHEET_KINDS, KindInfo, SheetKind
from model.sheets import Sheet, SheetRequest, check_language
from storage.sheets import Printed


@dataclass(frozen=True)
class SheetOptions:
    """The options of a sheet as typed: on the command line or in the Exports form."""

    kind: str
    first: str | None = None  # --from
    last: str | None = None  # --to
    person: str | None = None  # --person
    per_person: bool = False  # --per-person
    cr: str | None = None  # --cr
    as_of: str | None = None  # --as-of
    lang: str | None = None  # --lang


#: each option's field (tui.flags names its flag, a form its label), and whether a kind
#: admits it
_OPTIONS: tuple[tuple[str, Callable[[KindInfo], bool]], ...] = (
    ("first", lambda k: k.period), ("last", lambda k: k.period),
    ("person", lambda k: k.person), ("per_person", lambda k: k.person),
    ("cr", lambda k: k.cr), ("as_of", lambda k: k.as_of))


def sheet_request(options: SheetOptions) -> SheetRequest:
    """The SheetRequest of ``options``; refuses missing or stray options, each by its
    field (:class:`~model.errors.FieldError`): the command line words it with its flag
    (``--from``), the Exports view with its form's label ("From")."""
    from storage.sowfile import parse_date

    kind = SheetKind(options.kind)
    info = SHEET_KINDS[kind]
    for name, admits in _OPTIONS:
        if getattr(options, name) and not admits(info):
            only = ", ".join(k for k, i in SHEET_KINDS.items() if admits(i))
            raise FieldError(name, _("does not apply to `export {kind}` (only to {only})")
                             .format(kind=kind, only=only))
    if options.person and options.per_person:
        raise FieldError("per_person", *parts(_("not with {person} (one sheet for one "
                                                "person)"), person=Ref("person")))
    language = options.lang
    check_language(language)
    if info.period:
        if not options.first or not options.last:
            raise FieldError("period", _("a timesheet needs its period"))
        first = parse_date(options.first, Ref("first"))
        last = parse_date(options.last, Ref("last"))
        check_period(first, last)
        request = SheetRequest(kind, first, last, person=options.person,
                               per_person=options.per_person)
    elif info.cr:
        if not options.cr:
            raise FieldError("cr", _("which change request? (e.g. CR-001)"))
        request = SheetRequest(kind, cr=options.cr.upper())
    elif info.as_of:
        request = SheetRequest(kind, as_of=parse_date(options.as_of, Ref("as_of"))
                               if options.as_of else None)
    else:
        request = SheetRequest(kind)
    return replace(request, language=language) if language else request


@dataclass(frozen=True)
class WriteRequest:
    """What to print, where, and how a refusal names the target (a flag or a form's
    field, and what the user can do about an existing file)."""

    sheet: SheetRequest
    out: str | Path
    force: bool = False  # replace an existing file
    printed_on: date | None = None  # None: today in the project's time zone
    field: str | Ref = "--out"  # the command line's flag, or the form's field (a Ref)
    #: a marked message, said in the language spoken when the file is refused
    overwrite: str = N_("add --force to overwrite it")


@dataclass(frozen=True)
class Written:
    """What :func:`write_sheet` wrote: one file, or one per person for a timesheet
    printed per person (the first is the first person's), and the drawing's warnings."""

    files: tuple[Printed, ...]
    warnings: tuple[str, ...] = ()


def write_sheet(ledger: Any, request: WriteRequest,
                progress: Callable[[Sheet[Any]], None] | None = None) -> Written:
    """Build and draw ``request.sheet`` into ``request.out`` (a timesheet per person: one
    file per person, ``out`` with the person's id before its suffix), each refused if it
    exists unless ``force``, never one of the ledger's files; records each sheet's
    revision. ``progress`` is told of each sheet before it is drawn."""
    from exports.render import render_pdf
    from storage.outfile import check_target, ledger_files, write_output
    from storage.sheets import export_sheets

    rule = {"force": request.force, "protected": ledger_files(ledger.engine.url),
            "field": request.field, "overwrite": _(request.overwrite)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = export_sheets(
            ledger, request.sheet, request.out, render_pdf,
            check=lambda path: check_target(path, **rule),
            write=lambda path, data: write_output(path, data, **rule),
            printed_on=request.printed_on, progress=progress)
    # the drawing's own warnings, not the garbage collector's
    notes = dict.fromkeys(str(w.message) for w in caught
                          if not issubclass(w.category, ResourceWarning))
    return Written(tuple(written), tuple(notes))
