"""What every command uses: the ledger the flags name, the pinned today, output."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tui.collector import collector_paused


def _ledger(args: argparse.Namespace, create: bool = False):  # type: ignore[no-untyped-def]
    """The ledger named by the flags, else the environment, else the config file; from
    then on the command speaks its SOW's language unless the setting chose one.

    A SQLite file named by them that does not exist is refused, unless ``create``
    (`init`, `demo`): only the default file is created by any command."""
    with collector_paused("storage.services"):
        from storage.config import setting
        from storage.services import Ledger

    ledger = Ledger.open(args.db, setting("project", args.project)[0],
                         setting("person", args.actor)[0], create=create)
    from model import i18n

    if not i18n.chosen():  # main chose it already from the setting or a SQLite ledger's SOW
        ledger.speak()  # else (PostgreSQL, a ledger made just now): the SOW's language
    return ledger


def pinned_today() -> date | None:
    """``SOWTRACK_TODAY`` as a date (the app's today and the sheets' printed-on date),
    None when unset; a value that is not a date is refused, naming the variable."""
    from storage.sowfile import parse_date

    raw = os.environ.get("SOWTRACK_TODAY")
    return None if raw is None else parse_date(raw, "SOWTRACK_TODAY")


def said(message: str) -> str:
    """A word that means different things in different places (a blocker is "open" until
    resolved, a task until started): its msgid names its sense before a ``|``
    (``N_("unresolved|open")``), so that each sense has its own translation; English is
    the word after the ``|``."""
    from model.i18n import _, in_context

    return in_context(_(message))


def heads(*names: str) -> list[str]:
    """A human table's column headers (each marked ``N_``) in the language spoken."""
    from model.i18n import _

    return [_(n) for n in names]


def _out(text: str = "") -> None:
    print(_terminal(text))


def _err(text: str) -> None:
    print(_terminal(text), file=sys.stderr)


def _terminal(text: str) -> str:
    """What the command line prints: its lines with each control character shown as its
    symbol (model.usertext.shown), so none reaches the terminal, also from text the user
    typed that no rule checks (a file's name in `wrote FILE`, `imported … from FILE`).
    Line by line: a line without one is printed as it is, at once."""
    from model.usertext import shown

    return "\n".join(shown(line) for line in text.split("\n"))


def ledger_protected(ledger: Any) -> tuple[Path, ...]:
    """The files of ``ledger`` that no export or backup may write (see storage.outfile)."""
    from storage.outfile import ledger_files

    return ledger_files(ledger.engine.url)
