"""The ``sowtrack`` command line (SPEC.md §6): the parser, and how an error is printed.

Each group of commands (its parsers and its ``do_*`` functions) is a module of
:mod:`tui.commands`; this module puts them together in the order of ``--help``.

Exit codes: 0 done, 1 refused input (one line per problem on stderr, nothing
written), 2 usage error.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from model import i18n
from model.errors import LedgerError, LedgerErrors
from model.i18n import N_, _
from tui.commands import (
    admin,
    blockers,
    changes,
    deliverables,
    entries,
    history,
    language,
    obligations,
    people,
    remind,
    reports,
    serve,
    setup,
    sheets,
    signoffs,
    tasks,
)
from tui.commands.common import (  # noqa: F401 - re-exported: tui.cli.pinned_today, ...
    _err,
    _ledger,
    _out,
    ledger_protected,
    pinned_today,
)
from tui.commands.language import EXAMPLE, HelpFormatter, speak_argparse, speak_for_help
from tui.commands.reports import do_status, render_summary  # noqa: F401 - re-exported
from tui.flags import flag_namer

PROG = "sowtrack"


def _example(text: str) -> str:
    return EXAMPLE + "\n  " + "\n  ".join(text.strip().splitlines())


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def print_help(self, file: Any = None) -> None:
        speak_for_help()
        super().print_help(file)

    def error(self, message: str) -> Any:  # type: ignore[override]
        if not i18n.chosen() and speak_for_help() != "en" and language.parsing:
            # the message was worded before the language was known: parse again, now in
            # it (the same arguments, so the same error, which exits)
            argv = language.parsing.pop()
            build_parser().parse_args(argv)
        super().error(message)


def _globals(parser: argparse.ArgumentParser, top: bool) -> None:
    # Accepted before or after the command; the sub-parsers must not reset them.
    d = (lambda v: v) if top else (lambda v: argparse.SUPPRESS)
    g = parser.add_argument_group(N_("global options"))
    # Unset flags stay None: _ledger() falls back to the environment, then the config file.
    g.add_argument("--db", metavar="URL", default=d(None),
                   help=N_("SQLAlchemy URL of the ledger (env SOWTRACK_DB, config key db; "
                        "default: a SQLite file in your data directory)"))
    g.add_argument("--project", metavar="CODE", default=d(None),
                   help=N_("project code, when the database holds more than one (env "
                        "SOWTRACK_PROJECT, config key project)"))
    g.add_argument("--as", dest="actor", metavar="PERSON", default=d(None),
                   help=N_("the acting person (env SOWTRACK_USER, config key person)"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=N_("Track a professional-services project sold by the person-day (人天) "
                    "under a Statement of Work.\nWith no command, opens the full-screen app "
                    "(or, when output is piped, prints the project's status)."),
        epilog=_example("""
sowtrack init sow.toml
sowtrack --as liu.yang log --task T2 --hours 7.5 --note "parsing pipeline"
sowtrack report summary --as-of 2026-03-10"""))
    _globals(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def group(name: str, help: str, example: str) -> Any:
        g = sub.add_parser(name, help=help, description=help, epilog=_example(example))
        _globals(g, top=False)
        return g

    def cmd(parent: Any, name: str, help: str, example: str,
            func: Callable[..., int]) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help, epilog=_example(example))
        _globals(p, top=False)
        p.set_defaults(func=func, command_parser=p)
        return p

    setup.add_parsers(sub, group, cmd)
    entries.add_parsers(sub, group, cmd)
    tasks.add_parsers(sub, group, cmd)
    blockers.add_parsers(sub, group, cmd)
    changes.add_parsers(sub, group, cmd)
    signoffs.add_parsers(sub, group, cmd)
    obligations.add_parsers(sub, group, cmd)
    deliverables.add_parsers(sub, group, cmd)
    people.add_parsers(sub, group, cmd)
    reports.add_parsers(sub, group, cmd)
    history.add_parsers(sub, group, cmd)
    remind.add_parsers(sub, group, cmd)
    sheets.add_parsers(sub, group, cmd)
    admin.add_parsers(sub, group, cmd)
    serve.add_parsers(sub, group, cmd)
    return parser


#: the global options that take a value (build_parser's "global options")
_GLOBAL_VALUES = ("--db", "--project", "--as")


def _command(argv: Sequence[str] | None) -> str | None:
    """The command named in ``argv`` (the process's arguments when None), before
    argparse reads them: the first word that is neither an option nor a global
    option's value; None for none."""
    args = list(sys.argv[1:] if argv is None else argv)
    i = 0
    while i < len(args):
        if args[i] in _GLOBAL_VALUES:
            i += 2
        elif args[i].startswith("-"):
            i += 1
        else:
            return args[i]
    return None


def _writable_anywhere() -> None:
    """A character the output's encoding cannot write (Chinese to an ASCII-only stream:
    ``PYTHONIOENCODING=ascii``, an old terminal) is written as its escape (``\\u5df2``),
    not a traceback halfway through a report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.errors or "strict") == "strict":
            reconfigure(errors="backslashreplace")


def _written() -> int:
    """The write units this process committed so far (storage.db.committed_writes),
    importing nothing: not when no command has yet (``--help`` stays light), nor when a
    Ctrl-C cut an import short (importing again would fail halfway)."""
    unit = sys.modules.get("storage.db.unit")
    count = getattr(unit, "committed_writes", None)
    return count() if callable(count) else 0


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):
        # `sowtrack report burndown | head` should end quietly, like any Unix tool.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _writable_anywhere()
    speak_argparse()
    try:
        # the setting chooses the language at once; else the SOW's, when a command opens
        # the ledger (tui.commands.common._ledger), or --help (tui.commands.language)
        from storage.config import configured_language

        setting = configured_language()
    except LedgerError as exc:  # SOWTRACK_LANGUAGE=fr: one line
        if _command(argv) != "config":
            _err(_("error: {problem}").format(problem=exc))
            return 1
        # `sowtrack config set|unset language` repairs the file: it runs, in English
        setting = "en"
    i18n.set_language(setting)  # None: not chosen yet (the SOW's, once it is read)
    parser = build_parser()
    language.parsing[:] = [argv]
    try:
        args = parser.parse_args(argv)
    finally:
        language.parsing.clear()
    func = getattr(args, "func", do_status)
    written = _written()
    try:
        if setting is None:
            language.speak_sqlite_ledger(args.db, args.project)
        pinned_today()  # a bad SOWTRACK_TODAY is refused whatever the command
        return func(args)
    except LedgerErrors as exc:
        for p in exc.problems:
            _err(_("error: {problem}").format(problem=p))
        return 1
    except LedgerError as exc:  # its inputs named by their flags (tui.flags)
        _err(_("error: {problem}").format(
            problem=exc.worded(flag_namer(getattr(args, 'command_parser', None)))))
        return 1
    except KeyboardInterrupt:
        if _written() > written:  # the interrupt came once the change was written
            _err(_("interrupted; what was written before it stands (see sowtrack history)"))
        else:
            _err(_("interrupted; nothing was written by the unfinished action"))
        return 130
    except Exception as exc:  # noqa: BLE001
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            first = str(exc).strip().splitlines()[0]
            _err(_("error: database: {problem}").format(problem=first))
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
