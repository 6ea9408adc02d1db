"""Commands: printed sheets: ``export KIND``, ``verify [FILE.pdf]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.errors import LedgerError
from model.i18n import N_, _, language
from model.sheet_kinds import SHEET_KINDS
from model.sheets import KINDS
from model.spreadsheet import FORMATS, SPREADSHEET_KINDS, export_format
from tui.commands.common import _err, _ledger, _out, ledger_protected, pinned_today
from tui.commands.language import Help

#: the sheets `export` prints (model.sheet_kinds), after ``sow``
SHEETS = KINDS
#: the spreadsheets only `export` writes (model.spreadsheet), after the sheets
TABLES = SPREADSHEET_KINDS


class _SheetTitles:
    """The sheets' titles (model.sheet_kinds) in the language spoken when --help is
    written: "acceptance report, …" / "验收报告、…"."""

    def __str__(self) -> str:
        if language() == "zh":
            return "、".join(info.title_zh for info in SHEET_KINDS.values())
        return ", ".join(info.title_en for info in SHEET_KINDS.values())


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "export", N_("write the SOW as TOML, or a printed sheet as PDF"),
            "sowtrack export sow --out sow.toml\n"
            "sowtrack export timesheet --from 2026-03-01 --to 2026-03-31 --out march.pdf\n"
            "sowtrack export cr --cr CR-002 --out CR-002.pdf\n"
            "sowtrack export acceptance --out acceptance.pdf\n"
            "sowtrack export entries --from 2026-03-01 --to 2026-03-31 --out march.xlsx\n"
            "sowtrack export summary --as-of 2026-03-31 --format csv --out summary.csv",
            do_export)
    p.add_argument("kind", choices=["sow", *SHEETS, *TABLES],
                   metavar="|".join(["sow", *SHEETS, *TABLES]),
                   help=Help(N_("sow (TOML) or a sheet: {sheets} (PDF); or a spreadsheet "
                                "(csv or xlsx): entries, summary, timesheet"),
                             sheets=_SheetTitles()))
    p.add_argument("--format", choices=FORMATS, metavar="csv|xlsx",
                   help=N_("entries, summary, timesheet: a spreadsheet in this format (default: "
                        "from FILE's suffix, .csv or .xlsx; a timesheet is a PDF otherwise)"))
    p.add_argument("--out", required=True, metavar="FILE",
                   help=N_("the file to write; refused if it exists, unless --force"))
    p.add_argument("--force", action="store_true",
                   help=N_("replace FILE if it exists (a regular file only, never the ledger)"))
    p.add_argument("--from", dest="first", metavar="D", help=N_("timesheet, entries: first date"))
    p.add_argument("--to", dest="last", metavar="D", help=N_("timesheet, entries: last date"))
    p.add_argument("--person", metavar="P", help=N_("timesheet, entries: only this person"))
    p.add_argument("--per-person", action="store_true",
                   help=N_("timesheet: one sheet per person, each a document of its own in "
                        "its own file (FILE with the person's id: march-liu.yang.pdf)"))
    p.add_argument("--cr", metavar="ID", help=N_("cr: the change request"))
    p.add_argument("--as-of", metavar="D",
                   help=N_("status, summary: as of this date (default today)"))
    p.add_argument("--lang", metavar="zh|en",
                   help=N_("a sheet: print it in this language; a spreadsheet: its headers "
                        "(default: the SOW's)"))

    p = cmd(sub, "verify", N_("check the audit chain and its witnessed head, every record of "
                           "every table against the audit log, every signature; or a printed "
                           "sheet against the ledger, page by page"),
            "sowtrack verify\nsowtrack verify CR-002.pdf", do_verify)
    p.add_argument("file", nargs="?", metavar="FILE.pdf",
                   help=N_("a sheet printed by sowtrack: is it still what the ledger holds, "
                        "does each page draw what the ledger prints, is the audit chain "
                        "head it was printed at still in the chain?"))


def sheet_options(args: argparse.Namespace) -> Any:
    """The options of `export KIND` as tui.sheets takes them (the app's form does too)."""
    from tui.sheets import SheetOptions

    return SheetOptions(args.kind, first=args.first, last=args.last, person=args.person,
                        per_person=args.per_person, cr=args.cr, as_of=args.as_of,
                        lang=getattr(args, "lang", None))


def do_export(args: argparse.Namespace) -> int:
    from storage.outfile import check_target, write_output
    from storage.sowfile import dump_sow

    fmt = export_format(args.kind, args.format, args.out)  # pdf, csv or xlsx
    if fmt in FORMATS:
        from tui.commands.spreadsheets import do_export_table

        return do_export_table(args, fmt)
    if args.kind != "sow":
        from tui.sheets import WriteRequest, sheet_request, write_sheet

        request = sheet_request(sheet_options(args))  # refused before the ledger is opened
        written = write_sheet(_ledger(args), WriteRequest(
            request, args.out, force=args.force, printed_on=pinned_today()))
        for message in written.warnings:
            _err(_("warning: {message}").format(message=message))
        for printed in written.files:
            meta = printed.sheet.meta
            _out(_("wrote {file} ({doc} revision {revision})").format(
                file=printed.path, doc=meta.doc_id, revision=meta.revision))
        return 0
    if args.lang:
        raise LedgerError(_("--lang: does not apply to `export sow` (only to a sheet)"))
    ledger = _ledger(args)
    protected = ledger_protected(ledger)
    check_target(args.out, force=args.force, protected=protected)
    text = dump_sow(ledger.export_sow())
    write_output(args.out, text.encode("utf-8"), force=args.force, protected=protected)
    _out(_("wrote {file}").format(file=args.out))
    return 0


def do_verify(args: argparse.Namespace) -> int:
    if args.file:
        from exports.render import render_pdf
        from storage.services import Ledger
        from storage.sheets import verify_pdf

        opened = _ledger(args)
        engine, actor = opened.engine, opened.actor
        report = verify_pdf(args.file, lambda code: Ledger(engine, code, actor), render_pdf)
        head = _("{file}: {doc} revision {revision}").format(
            file=args.file, doc=report.doc_id, revision=report.revision)
        if report.ok:
            _out(_("{head}: the ledger still holds exactly this content (sha256 {digest}…), "
                   "and every page is what it prints").format(
                head=head, digest=report.printed_digest[:16]))
            _out(_("signatures: {signed}").format(signed=report.signed))
            return 0
        if not report.matches:
            _err(_("{head}: the ledger no longer holds this content: printed sha256 "
                   "{printed}…, now {current}…").format(
                head=head, printed=report.printed_digest[:16],
                current=report.current_digest[:16]))
            if report.superseded:
                _err(f"{head}: {report.superseded}")
        for problem in report.problems:
            _err(f"{head}: {problem}")
        if report.note:
            _err(report.note)
        _err(_("signatures: {signed}").format(signed=report.signed))
        return 1
    count, problems = _ledger(args).verify()
    if problems:
        for p in problems:
            _err(p)
        _err(_("verify failed: {n} problem(s) in {count} audit rows").format(
            n=len(problems), count=count))
        return 1
    _out(_("ok: {count} audit rows chained, every record and signature matches").format(
        count=count))
    return 0
