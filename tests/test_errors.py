"""Errors name inputs by field, never by flag: the command line maps a field to its flag
(tui.flags.FIELD_FLAGS), the app to its form's label (tui.text.refusal)."""

import argparse
import ast
import re
from pathlib import Path

import pytest

from model.errors import FieldError, LedgerError, Ref, refused
from tui.cli import build_parser
from tui.flags import FIELD_FLAGS, flag_namer
from tui.text import refusal

ROOT = Path(__file__).resolve().parent.parent
LOWER = ("model", "storage", "exports")
# Files still allowed to hold flag text below the tui: none (the ledger's services were the
# last; they raise FieldError / Ref, model.errors).
NOT_YET: tuple[str, ...] = ()
# Another program's options, quoted in a hint (pg_restore's, not sowtrack's).
OTHER_PROGRAMS = ("pg_restore --clean --if-exists",)
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _docstrings(tree: ast.AST) -> set[int]:
    """The string constants that document (module, class, function and attribute
    docstrings: a string standing as a statement): never shown to a user."""
    docs = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            docs.add(id(node.value))
    return docs


def _lower_sources() -> list[Path]:
    files = [p for pkg in LOWER for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files
            if not any(p.relative_to(ROOT).as_posix().startswith(n) for n in NOT_YET)]


def _flag_texts(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docs):
            text = node.value
            for other in OTHER_PROGRAMS:
                text = text.replace(other, "")
            if FLAG.search(text):
                found.append((node.lineno, node.value))
    return found


def test_the_scan_sees_literals_not_comments() -> None:
    source = ('"""Docs may say --db."""\n'
              'x = 1  # a comment may say --db\n'
              'def f():\n    """--as too."""\n    raise E(f"--hours: {x}")\n'
              'y = "e.g. `pg_restore --clean --if-exists -d DB`"\n')
    assert [line for line, _ in _flag_texts(source)] == [5]


def test_no_flag_text_below_the_tui() -> None:
    found = [f"{p.relative_to(ROOT)}:{line}: {text[:60]!r}"
             for p in _lower_sources() for line, text in _flag_texts(p.read_text())]
    assert found == []


def _field_names() -> set[str]:
    """The field names given as literals to FieldError(...) and Ref(...) below the tui."""
    names = set()
    for p in [p for pkg in LOWER for p in (ROOT / pkg).rglob("*.py")]:
        for node in ast.walk(ast.parse(p.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("FieldError", "Ref") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names


def _options() -> dict[str, str]:
    """Every option of the command line and its dest, through every sub-command."""
    found: dict[str, str] = {}
    todo = [build_parser()]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            for option in action.option_strings:
                found[option] = action.dest
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
    return found


def _positionals() -> set[str]:
    """The dests of every positional argument (``person grade PERSON GRADE``): the command
    line names those as they are, never by a flag."""
    found: set[str] = set()
    todo = [build_parser()]
    while todo:
        parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
            elif not action.option_strings:
                found.add(action.dest)
    return found


def test_every_field_named_below_the_tui_has_a_flag() -> None:
    dests = set(_options().values()) | _positionals()
    names = _field_names()
    assert {"actor", "db", "first", "last", "period", "person", "deltas"} <= names
    assert sorted(n for n in names if n not in FIELD_FLAGS and n not in dests) == []


def test_the_table_names_real_options() -> None:
    options = _options()
    for field, flag in FIELD_FLAGS.items():
        for one in flag.split("/"):
            assert one in options, (field, one)
    # the field name is the option's dest wherever that can be so
    assert {f: options[fl] for f, fl in FIELD_FLAGS.items() if "/" not in fl
            and options[fl] != f} == {"deltas": "delta", "quotas": "quota",
                                      # cr new --estimate T=±PD (a list) beside task edit's
                                      "estimates": "estimate"}


def test_the_command_line_words_a_refusal_with_its_flags() -> None:
    exc = FieldError("last", "2026-03-01 is before ", Ref("first"), " 2026-03-02")
    assert str(exc) == "last: 2026-03-01 is before first 2026-03-02"
    assert exc.field == "last" and exc.problem == "2026-03-01 is before first 2026-03-02"
    assert exc.worded(flag_namer(None)) == "--to: 2026-03-01 is before --from 2026-03-02"
    grade = FieldError("deltas", "would make it -1 PD", item="senior")
    assert grade.worded(flag_namer(None)) == "--delta senior: would make it -1 PD"
    hint = LedgerError("restore: ... (add ", Ref("force"), " to restore anyway)")
    assert hint.worded(flag_namer(None)) == "restore: ... (add --force to restore anyway)"


def test_a_positional_argument_is_never_named_by_a_flag() -> None:
    parser = build_parser()
    args = parser.parse_args(["person", "grade", "liu.yang", "senior"])
    name = flag_namer(args.command_parser)
    assert name("person") == "person" and name("grade") == "grade"
    assert name("actor") == "--as"
    log = parser.parse_args(["log", "--task", "T1", "--hours", "8"]).command_parser
    assert flag_namer(log)("note") == "--note"  # not an input of the table: its dest
    assert flag_namer(None)("title") == "title"


def test_the_app_words_a_refusal_with_its_labels() -> None:
    exc = FieldError("last", "2026-03-01 is before ", Ref("first"), " 2026-03-02")
    assert refusal(exc, {"first": "From", "last": "To"}) == (
        "To: 2026-03-01 is before From 2026-03-02")
    assert refusal(exc, {"last": "To"}) == "To: 2026-03-01 is before first 2026-03-02"
    assert refusal(exc) == str(exc)


@pytest.mark.parametrize("what,shown", [(Ref("on"), "--on: x"), ("row 3", "row 3: x")])
def test_refused_names_an_input_or_a_place(what: "str | Ref", shown: str) -> None:
    exc = refused(what, "x")
    assert isinstance(exc, FieldError) == isinstance(what, Ref)
    assert exc.worded(flag_namer(None)) == shown
