"""Spreadsheets for finance: ``export entries|summary|timesheet --format csv|xlsx``, the
pipeline the command line and the app's Exports view share.

:func:`table_request` checks the options as typed (the same :class:`tui.sheets.
SheetOptions` a printed sheet takes); :func:`write_table` reads the figures
(storage.spreadsheets), lays them out and writes them (exports.spreadsheet) under the
rules of storage.outfile (never a file the user did not name, nothing half-written).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.errors import FieldError, Ref
from model.i18n import _
from model.rules import check_period
from model.sheets import check_language
from model.spreadsheet import TABLE_KINDS, check_fits, check_format, check_timesheet_days
from storage.outfile import OUT, OVERWRITE
from storage.spreadsheets import TableRequest
from tui.sheets import SheetOptions, sheet_request

#: the options each table admits (the others are refused, each by its field)
_ADMITS = {"entries": ("first", "last", "person"), "summary": ("as_of",),
           "timesheet": ("first", "last", "person")}
_OPTIONS = ("first", "last", "person", "per_person", "cr", "as_of")


def table_request(options: SheetOptions) -> TableRequest:
    """The TableRequest of ``options``; refuses a stray or bad option by its field."""
    from storage.sowfile import parse_date

    kind = options.kind
    if kind not in TABLE_KINDS:
        raise FieldError("format", _("csv and xlsx are for {kinds}, not `export {kind}`")
                         .format(kinds=", ".join(TABLE_KINDS), kind=kind))
    for name in _OPTIONS:
        if getattr(options, name) and name not in _ADMITS[kind]:
            only = ", ".join(k for k, admits in _ADMITS.items() if name in admits)
            raise FieldError(name, (_("does not apply to a spreadsheet of `export {kind}` "
                                      "(only to {only})") if only else
                                    _("does not apply to a spreadsheet of `export {kind}`"))
                             .format(kind=kind, only=only))
    check_language(options.lang)
    if kind == "timesheet":  # the printed sheet's rules: a period, last not before first
        sheet = sheet_request(options)
        check_timesheet_days(sheet.first, sheet.last)
        return TableRequest(kind, sheet.first, sheet.last, person=sheet.person,
                            language=options.lang)
    first = parse_date(options.first, Ref("first")) if options.first else None
    last = parse_date(options.last, Ref("last")) if options.last else None
    check_period(first, last)
    as_of = parse_date(options.as_of, Ref("as_of")) if options.as_of else None
    return TableRequest(kind, first, last, person=options.person, as_of=as_of,
                        language=options.lang)


@dataclass(frozen=True)
class TableWritten:
    path: Path
    rows: int  # the table's rows, totals and notes left out


def write_table(ledger: Any, request: TableRequest, fmt: str, out: str | Path, *,
                force: bool = False, field: str | Ref = OUT,
                overwrite: Any = OVERWRITE) -> TableWritten:
    """Write the table ``request`` asks for to ``out`` as ``fmt`` (csv or xlsx): refused
    if ``out`` exists unless ``force``, never one of the ledger's files, written to a
    temporary file and renamed."""
    from exports.spreadsheet import build_table, csv_bytes, xlsx_bytes
    from storage.outfile import check_target, ledger_files, write_output
    from storage.spreadsheets import table_source

    check_format(fmt)
    rule = {"force": force, "protected": ledger_files(ledger.engine.url), "field": field,
            "overwrite": overwrite}
    check_target(out, **rule)  # refused before the ledger is read
    table = build_table(request.kind, table_source(ledger, request))
    check_fits(table, fmt)
    data = csv_bytes(table) if fmt == "csv" else xlsx_bytes(table)
    return TableWritten(write_output(out, data, **rule), len(table.rows))
