"""The command line's language (issue 15): ``--help``, usage errors and argparse's own
words in the language spoken (model.i18n).

argparse builds its help when it prints it, so the parsers are built in English (their
texts marked with ``N_``) and :class:`HelpFormatter` translates each text as it formats
it; argparse's own words ("usage:", "options", its error messages) are translated by
giving its module-level ``_`` and ``ngettext`` our catalogue (:func:`speak_argparse`).

Which language: the setting, chosen by ``tui.cli.main`` before anything else; with no
setting a command speaks the SOW's language once it opens the ledger
(``tui.commands.common._ledger``). ``--help`` and a usage error come before any ledger
is opened: they speak the SOW's language of the ledger that ``--db``, the environment or
the config file names (else the default file), read only then and cheaply
(:func:`ledger_language`: a SQLite file with the standard library's sqlite3; no
SQLAlchemy), else English.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from model import i18n
from model.i18n import N_, _, ngettext

#: argparse's own messages (Python 3.11's argparse.py), so that the catalogue holds them
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)
#: the heading of a command's examples (tui.cli._example); the examples stay as they are
EXAMPLE = N_("example:")


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        # marked here so that the catalogue holds it (argparse asks for it by this text)
        return ngettext("expected %s argument", "expected %s arguments", n)
    return ngettext(singular, plural, n)


def speak_argparse() -> None:
    """argparse's own words (usage:, its headings and error messages) in the language
    spoken when it writes them; English is argparse's text, unchanged."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


class Help(str):
    """A help text built of messages: ``template`` (a message, or a layout such as
    ``"{what}\n\n{rules}"``) filled with ``values`` (texts as they are, or Help). As a
    str it is the English text; :meth:`translated` is it in the language spoken."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Help:
        self = super().__new__(cls, template.format(**values))
        self.template, self.values = template, values
        return self

    def translated(self) -> str:
        return _(self.template).format(**{k: translated(v) if isinstance(v, Help) else v
                                          for k, v in self.values.items()})


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (descriptions kept as written), each text translated as it is
    formatted: descriptions, epilogs (their heading; the examples stay), headings and
    each option's help."""

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS:
            text = translated(text)
        super().add_text(text)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_(heading) if heading else heading)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return translated(action.help) if action.help else action.help

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if i18n.language() == "en":  # descriptions as they are written
            return super()._fill_text(text, width, indent)
        # the examples under their heading stay whole, as in English: a command cut in
        # two lines could not be copied
        head, examples = _(EXAMPLE) + "\n", ""
        if text.startswith(head):
            text, examples = head, text[len(head):]
        return "\n".join([*(indent + part for line in text.splitlines()
                            for part in (wrap_cells(line, width) if line.strip() else [""])),
                          *(indent + line for line in examples.splitlines())])

    def _split_lines(self, text: str, width: int) -> list[str]:
        if i18n.language() == "en":  # argparse's own wrapping, as it always was
            return super()._split_lines(text, width)
        return wrap_cells(self._whitespace_matcher.sub(" ", text).strip(), width)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (a Chinese character takes
    two): cut between words or between any two Chinese characters, never before a
    closing punctuation mark nor after an opening one."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for token in re.findall(r"\s+|[!-~]+|.", text):
        if line.strip() and cell_len(line + token.rstrip()) > width and token not in _NO_START:
            carried = ""
            while line and line[-1] in _NO_END:  # an opening bracket goes with what it opens
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip())
            line = carried + ("" if token.isspace() else token)
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


#: Chinese punctuation that never starts a line
_NO_START = frozenset("，。、；：？！）」』》〉】")
#: and that never ends one
_NO_END = frozenset("（「『《〈【")


def translated(text: str) -> str:
    """A description, an epilog or a help text in the language spoken: the message it
    is (a :class:`Help`: its messages), else (an epilog of examples) its heading
    translated and the examples as they are."""
    if isinstance(text, Help):
        return text.translated()
    head = EXAMPLE + "\n"
    if text.startswith(head):
        return _(EXAMPLE) + "\n" + text[len(head):]
    return _(text)


def speak_for_help() -> str:
    """Choose the language of ``--help`` or of a usage error when no command chose one
    yet (model.i18n.choose): the setting (main chose it already), else the SOW's of the
    ledger that ``--db``, the environment or the config file names, else English."""
    if not i18n.chosen():
        from model.errors import LedgerError
        from storage.config import configured_language

        try:
            setting = configured_language()
        except LedgerError:  # refused by main already; here help is printed in English
            setting = None
        i18n.set_language(i18n.choose(setting, None if setting else ledger_language()))
    return i18n.language()


#: the arguments tui.cli.main is parsing (None: the process's): --help and a usage error
#: read the ledger that a ``--db`` (``--project``) among them names
parsing: list[Sequence[str] | None] = []


def given(flag: str) -> str | None:
    """The value of ``flag`` (``--db URL`` or ``--db=URL``) among the arguments being
    parsed, None when it is not there."""
    argv = list(parsing[0] if parsing and parsing[0] is not None else sys.argv[1:])
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg[len(flag) + 1:]
    return None


_SQLITE = re.compile(r"^sqlite(\+\w+)?:///(?P<path>[^?]+)(\?.*)?$")


def sqlite_path(url: str | None) -> Path | None:
    """The file of a SQLite URL (None: the default file), read without SQLAlchemy; None
    for another backend, an in-memory database or a URI name."""
    if url is None:
        # the default ledger: storage.db.engine.default_url (a test keeps them the same)
        import platformdirs

        from storage.config import APP_NAME

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sowtrack.db"
    found = _SQLITE.match(url.strip())
    if found is None or found["path"] in (":memory:", "") or found["path"].startswith("file:"):
        return None
    return Path(found["path"]).expanduser()


def speak_sqlite_ledger(db: str | None, project: str | None) -> None:
    """Before a command runs, with no setting: speak the SOW's language of the SQLite
    ledger ``db`` (the ``--db`` flag, else the environment's...) names, read with sqlite3
    (a fraction of a millisecond), so that what the command refuses before it opens the
    ledger (a date, a port) is worded in it too. Another backend, or a ledger not there
    yet, leaves the choice to ``Ledger.speak`` when the command opens it."""
    if not i18n.chosen():
        found = ledger_language(db, project, sqlite_only=True)
        if found is not None:
            i18n.set_language(found)


def ledger_language(db: str | None = None, project: str | None = None, *,
                    sqlite_only: bool = False) -> str | None:
    """The SOW's language of the ledger that ``db`` (else ``--db`` among the arguments
    being parsed), the environment or the config file names (the project ``project``
    or they name, else its only one), None when there is none or it cannot be read.
    SQLite is read with sqlite3, read-only; another backend through SQLAlchemy (unless
    ``sqlite_only``), only when a person asks for help or mistyped a command."""
    try:
        from storage.config import setting

        url = setting("db", db if db is not None else given("--db"))[0]
        code = setting("project", project if project is not None else given("--project"))[0]
        path = sqlite_path(url)
        if path is not None:
            rows = _sqlite_languages(path)
        elif url is not None and not url.startswith("sqlite") and not sqlite_only:
            rows = _other_languages(url)
        else:
            rows = []
    except Exception:  # noqa: BLE001 - help is printed in English, the error comes later
        return None
    languages = [lang for c, lang in rows if code is None or c == code]
    return languages[0] if len(languages) == 1 and languages[0] in i18n.LANGUAGES else None


def _sqlite_languages(path: Path) -> list[tuple[str, str]]:
    import sqlite3

    if not path.is_file():
        return []
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    try:
        return list(db.execute("SELECT code, language FROM project"))
    finally:
        db.close()


#: how long ``--help`` waits for a PostgreSQL server to read the SOW's language (libpq's
#: least): a server that does not answer must not hang the help, which is then English
HELP_CONNECT_SECONDS = 2


def _other_languages(url: str) -> list[tuple[str, str]]:
    from sqlalchemy import event, text

    from storage.db import make_engine

    engine = make_engine(url)  # as every command makes it (postgresql:// is psycopg 3)

    @event.listens_for(engine, "do_connect")
    def _quickly(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        cparams.setdefault("connect_timeout", HELP_CONNECT_SECONDS)

    try:
        with engine.connect() as c:
            return [(r[0], r[1]) for r in c.execute(text("SELECT code, language FROM project"))]
    finally:
        engine.dispose()
