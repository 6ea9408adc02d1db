"""The command line's words for the ledger's inputs: a field name to its flag.

The layers below ``tui/`` name an input by a neutral field name (``model.errors``:
``FieldError("hours", ...)``, ``Ref("first")``); the command line says ``--hours`` and
``--from``. This table is the one place that knows which flag sets which input. A
field that is not an input (a text field checked wherever it comes from, ``title``,
``note``: model.usertext) is shown as the refused command's own option for it (its
argparse ``dest``: ``note`` -> ``--note``), else as it is: a field of a file (``title``
in a SOW file) or a positional argument is never named by a flag.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from model.errors import LedgerError

#: field name -> the flag that sets it (the field names are argparse's ``dest`` where one
#: exists, and the form field's name in the app)
FIELD_FLAGS: dict[str, str] = {
    "actor": "--as",
    "add_tasks": "--add-task",
    "again": "--again",
    "as_of": "--as-of",
    "by": "--by",
    "cr": "--cr",
    "date": "--date",
    "db": "--db",
    "deltas": "--delta",
    "end": "--end",
    "estimates": "--estimate",
    "first": "--from",
    "force": "--force",
    "grade": "--grade",
    "hours": "--hours",
    "last": "--to",
    "location": "--location",
    "n": "--n",
    "name": "--name",
    "on": "--on",
    "out": "--out",
    "party": "--party",
    "per_person": "--per-person",
    "period": "--from/--to",
    "person": "--person",
    "project": "--project",
    "role": "--role",
    "quotas": "--quota",
    "record": "--record",
    "task": "--task",
    "timezone": "--timezone",
    "today": "--today",
}


#: a hint's action (model.errors.Hint) -> the command that does it, ``{}`` its argument
HINTS: dict[str, str] = {
    "obligation_done": "`sowtrack obligation done {}`",
}


def flag_namer(command: argparse.ArgumentParser | None) -> Callable[[str], str]:
    """How the command line names a field in a refusal of ``command`` (the sub-command's
    parser, None before one is chosen)."""

    actions = {a.dest: a for a in (command._actions if command is not None else ())}

    def name(field: str) -> str:
        if field in HINTS:
            return HINTS[field]
        action = actions.get(field)
        if action is not None and not action.option_strings:
            return field  # the command's positional argument: named as it is
        if field in FIELD_FLAGS:
            return FIELD_FLAGS[field]
        return action.option_strings[0] if action is not None else field

    return name


def worded(exc: LedgerError, command: argparse.ArgumentParser | None = None) -> str:
    """A refusal as the command line prints it after ``error: ``."""
    return exc.worded(flag_namer(command))
