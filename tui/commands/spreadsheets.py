"""Commands: spreadsheets for finance: ``export entries|summary|timesheet --format
csv|xlsx`` (tui.commands.sheets hands them over once the format is known)."""

from __future__ import annotations

import argparse

from model.i18n import _
from tui.commands.common import _ledger, _out


def do_export_table(args: argparse.Namespace, fmt: str) -> int:
    from tui.sheets import SheetOptions
    from tui.spreadsheets import table_request, write_table

    request = table_request(SheetOptions(  # refused before the ledger is opened
        args.kind, first=args.first, last=args.last, person=args.person,
        per_person=args.per_person, cr=args.cr, as_of=args.as_of, lang=args.lang))
    written = write_table(_ledger(args), request, fmt, args.out, force=args.force)
    _out(_("wrote {file} ({format}, {rows} rows)").format(file=args.out, format=fmt,
                                                           rows=written.rows))
    return 0
