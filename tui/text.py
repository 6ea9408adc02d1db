"""Text for people: plain tables for the command line, user text shown literally in the app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from rich.cells import cell_len

from model import rules
from model.errors import LedgerError
from model.formats import format_hours
from model.i18n import (  # noqa: F401 - in_context re-exported: tui.text.in_context
    N_,
    _,
    in_context,
    key_word,
    prose_date,
    word,
)
from model.rules import format_money, format_pd
from model.usertext import shown
from model.views import AwayView, PersonView, SignatureView

if TYPE_CHECKING:  # imported where used: a command line process needs no rich.text
    from rich.text import Text

V = TypeVar("V")


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[object]],
          right: Sequence[int] = ()) -> str:
    """A table with a header rule; columns listed in ``right`` are right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


fmt_pd = format_pd
fmt_money = format_money


fmt_hours = format_hours

#: the two parties as the views name them: the English word and the Chinese one (in
#: Chinese: the Chinese word alone, SPEC §2)
PARTY_LABELS = {"client": N_("client 甲方"), "vendor": N_("vendor 乙方")}


def party_label(party: str) -> str:
    """A party as the views name it, in the language spoken now (an unknown one as is)."""
    found = PARTY_LABELS.get(party)
    return party if found is None else _(found)


def grade_text(grade: str) -> str:
    """A grade key in a table or a list: the key in English (as the app has always shown
    it, ``senior_expert``), the grade's word otherwise (高级工程师, SPEC §2)."""
    return key_word("grade", grade)


def day_text(day: object) -> str:
    """A date in a sentence or a header: ISO 8601 in English (as the app has always
    written it), as the language writes it otherwise (2026年12月4日). Tables and inputs
    keep ISO 8601 in every language. None or a non-date is shown as is."""
    return prose_date(day) if isinstance(day, date) else str(day)

# ---------------------------------------------------------------- user text on screen

def literal(value: object, style: str = "", *, one_line: bool = False, **kwargs: Any) -> Text:
    """User text (a title, a note, a name...) for the screen, exactly as it was typed.

    Rich and Textual read ``[...]`` in a plain string as markup: ``[/oops]`` takes a view
    down, ``[WIP]`` vanishes, ``[@click=app.quit]`` is a link. A :class:`~rich.text.Text`
    is never read as markup, so every widget is given one. A control character (the
    ledger refuses them, but an older ledger or a plain SQL edit may hold one) is shown
    as its symbol, never sent to the terminal; a newline stays a line break unless
    ``one_line``. ``kwargs`` go to :class:`~rich.text.Text` (``justify``, ``no_wrap``...).
    """
    from rich.text import Text

    text = "" if value is None else str(value)
    return Text(shown(text, one_line), style=style, **kwargs)


def options(pairs: Iterable[tuple[object, V]]) -> list[tuple[Text, V]]:
    """(label, value) pairs for a Select or an OptionList, each label shown literally."""
    from rich.text import Text

    return [(label if isinstance(label, Text) else literal(label, one_line=True), value)
            for label, value in pairs]


#: how the app names a hint's action (model.errors.Hint): the keys that do it
HINT_LABELS: dict[str, str] = {
    "obligation_done": N_("Obligations (o), then Obligation done (d) on {}"),
}

#: how the app names the inputs no form holds, wherever a refusal comes from (the
#: command line's ``--as`` is, in the app, whom it acts as: ctrl+a changes it)
APP_LABELS: dict[str, str] = {
    "actor": N_("Acting as (ctrl+a)"),
}


def refusal(exc: LedgerError, labels: Mapping[str, str] | None = None) -> str:
    """The ledger's refusal as the app words it: a refused field, and any input the
    message mentions (model.errors.Ref), is named by the label of the form field that
    holds it (``Note: must be one line...``), never by its flag; one the form does not
    hold keeps its neutral name, but for those the app names everywhere (:data:`APP_LABELS`:
    the acting person). The labels are in the language spoken now (a label given
    in English, a marked message, is translated here)."""
    shown = {**APP_LABELS, **HINT_LABELS, **(labels or {})}
    return exc.worded(lambda field: _(shown[field]) if field in shown else field)


def days_away_text(p: PersonView) -> str:
    """A person's days away as the lists show them: ``first..last note``, a cancelled one
    marked ``(cancelled on D)``; the note is user text, shown as is."""
    days = p.days_away or tuple(AwayView(a, b) for a, b in p.away)
    return ", ".join(f"{d.first}..{d.last}" + (f" {d.note}" if d.note else "")
                     + (" " + _("(cancelled on {day})").format(day=d.cancelled_on)
                        if d.cancelled_on else "")
                     for d in days)


# ---------------------------------------------------------------- signatures and periods


def signed_parties(signatures: Iterable[SignatureView]) -> str:
    """``vendor ✓ client …``: which of the two required parties has signed."""
    sigs = list(signatures)
    marks = []
    for party in ("vendor", "client"):
        done = any(s.party == party and rules.may_sign(s.party, s.role) for s in sigs)
        marks.append(f"{word('party', party)} {'✓' if done else '…'}")
    return " ".join(marks)


#: the columns of :func:`signature_lines`
SIGNATURE_HEADERS = (N_("name"), N_("person"), N_("party"), N_("role"), N_("signed on"),
                     "sha-256")


def signature_lines(signatures: Sequence[SignatureView]) -> str:
    """One aligned line per signature: name, key, party, role, date, first 12 hex of the digest."""
    if not signatures:
        return "  " + _("no signature yet")
    rows = [(s.name, s.person, word("party", s.party), word("role", s.role), s.on.isoformat(),
             s.digest[:12]) for s in signatures]
    body = table([_(h) for h in SIGNATURE_HEADERS], rows)
    return "\n".join("  " + line for line in body.splitlines())


def previous_month(today: date) -> tuple[date, date]:
    """The calendar month before ``today``'s: (first day, last day); in January of
    the year 1, that month itself."""
    if today.replace(day=1) == date.min:
        return date.min, rules.month_end(date.min)
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
