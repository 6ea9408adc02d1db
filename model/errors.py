"""The one exception type a user ever sees, and how it names what the user typed.

A refusal names the input at fault by a neutral field name (``hours``, ``person``,
``from``, ``db``...), never by a command-line flag or a form's label: the layers below
``tui/`` do not know how the user gave the value. A refusal of one input is a
:class:`FieldError`::

    raise FieldError("hours", f"{hours} is more than 24 hours")

and a message that mentions another input names it with :class:`Ref`::

    raise FieldError("to", f"{last} is before ", Ref("from"), f" {first}")
    raise LedgerError("restore: ... (add ", Ref("force"), " to restore anyway)")

``str(exc)`` words it with the neutral names (``to: 2026-03-01 is before from ...``).
Each interface words it with :meth:`LedgerError.worded`: the command line maps a field
to its flag (``tui.cli.FIELD_FLAGS``: ``error: --to: ... is before --from ...``), the
app to the label of the form field that holds it (``tui.text.refusal``). A new field
name gets its flag in ``FIELD_FLAGS`` (a test checks that every name used has one).
A function that names its input on error takes ``what: str | Ref``: a ``Ref`` for an
input, a plain string for anything else (a file, a row, an environment variable).

A refusal that points at the action that does what was refused names it with
:class:`Hint` (``Hint("obligation_done", "ENV-ACCESS")``), never with a command line: the
command line words it as its command (``tui.flags.HINTS``), the app as the keys that do it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """An input named inside a message: the interface words it (``--from``, "From")."""

    field: str


@dataclass(frozen=True)
class Hint(Ref):
    """An action the user can take instead (``field`` names it, ``arg`` is its argument):
    each interface words it, its words for ``field`` holding ``{}`` where ``arg`` goes."""

    arg: str = ""


Part = str | Ref
"""A piece of a message: text as is, or an input the interface names."""


def _neutral(field: str) -> str:
    return field


def _named(p: Ref, name: Callable[[str], str]) -> str:
    words = name(p.field)
    if not isinstance(p, Hint):
        return words
    return words.replace("{}", p.arg) if "{}" in words else f"{words} {p.arg}".strip()


def _joined(parts: "tuple[Part, ...]", name: Callable[[str], str]) -> str:
    return "".join(_named(p, name) if isinstance(p, Ref) else p for p in parts)


class LedgerError(Exception):
    """An action the ledger refuses.

    Its text is one line that names the field, row or document at fault; the
    command line prints it (worded with its flags) and exits with code 1. Nothing was
    written. ``parts`` are the message's pieces (:data:`Part`).
    """

    def __init__(self, *parts: Part | object):
        self.parts: tuple[Part, ...] = tuple(p if isinstance(p, Ref) else str(p) for p in parts)
        super().__init__(self.worded(_neutral))

    def worded(self, name: Callable[[str], str]) -> str:
        """The message with each input named by ``name(field)``."""
        return _joined(self.parts, name)


class LedgerErrors(LedgerError):
    """Several refusals at once (one per bad row of an import)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class FieldError(LedgerError):
    """A refusal of one input's value, e.g. ``note: must be one line ...``.

    ``field`` is the input's neutral name (``title``, ``note``, ``hours``, ``person``...);
    ``item`` narrows it to one of its values (``delta senior``: the senior grade's
    delta). The command line shows the field as its flag (``--note``), the app as the
    label of the form field that holds it, so neither has to parse the message.
    ``problem`` may mention other inputs (:class:`Ref`).
    """

    def __init__(self, field: str, *problem: Part, item: str = ""):
        self.field = field
        self.item = item
        self.problem_parts: tuple[Part, ...] = problem
        super().__init__(Ref(field), f" {item}" if item else "", ": ", *problem)

    @property
    def problem(self) -> str:
        """The problem without the field, its inputs named neutrally."""
        return _joined(self.problem_parts, _neutral)


def refused(what: "str | Ref", *problem: Part) -> LedgerError:
    """The refusal ``what: problem``: a :class:`FieldError` when ``what`` is an input
    (a :class:`Ref`), else a :class:`LedgerError` naming a file, row or variable."""
    if isinstance(what, Ref):
        return FieldError(what.field, *problem)
    return LedgerError(f"{what}: ", *problem)
