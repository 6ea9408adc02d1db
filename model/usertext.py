"""Text from users is data: the one rule on what it may hold (SPEC §7).

Every piece of text a person types or a file brings in (titles, notes, names, a
change request's reason, the SOW's strings, a CSV's fields) is checked by
:func:`text_problem` before it is stored: the SOW loader, the CSV reader, the unit
of work (``storage.db``, on every flush) and the import (whose Core inserts bypass
the flush) all call it, so there is one rule.

- No NUL, anywhere (PostgreSQL cannot store one).
- One-line text holds no control character: no ESC (terminal escape sequences),
  no line break (newline, carriage return, U+2028/U+2029), no tab, no other C0 or
  C1 control, no DEL.
- Multi-line text (only a change request's reason) may hold newlines (``\\n``)
  and nothing else of the above.
"""

from __future__ import annotations

import unicodedata

from model.errors import FieldError
from model.i18n import _

#: Unicode categories refused: controls (C0, DEL, C1), line and paragraph separators
_REFUSED = ("Cc", "Zl", "Zp")


def control_character(text: str, multiline: bool = False) -> str | None:
    """The first control character (or line break) in ``text`` that it may not hold, if any.

    ``multiline`` allows ``\\n`` (and only that).
    """
    return next((c for c in text if unicodedata.category(c) in _REFUSED
                 and not (multiline and c == "\n")), None)


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Why ``text`` may not be stored as user text, in words, or None when it may.

    The caller names the field: ``f"{field}: {problem}"``.
    """
    if text.isprintable():  # no character of a refused category (a fast path: imports)
        return None
    if "\x00" in text:
        return _("contains a NUL character")
    bad = control_character(text, multiline)
    if bad is None:
        return None
    if multiline:
        return _("may hold line breaks but no other control character (it holds "
                 "{char!r})").format(char=bad)
    return _("must be one line without control characters (it holds {char!r})").format(
        char=bad)


def check_text(text: str, field: str, multiline: bool = False) -> None:
    """Refuse ``text`` for ``field`` unless :func:`text_problem` allows it."""
    problem = text_problem(text, multiline)
    if problem is not None:
        raise FieldError(field, problem)


#: what a control character looks like on screen: its Unicode "control picture" (␛, ␊, ␡)
_PICTURES = {chr(c): chr(0x2400 + c) for c in range(0x20)} | {"\x7f": "\u2421"}


def shown(text: str, one_line: bool = True) -> str:
    """User text as it may reach a screen: each control character (the ledger refuses
    them, but an older ledger or a plain SQL edit may hold one) as its symbol (␛, ␊), so
    none is ever sent to a terminal; a newline stays a line break unless ``one_line``."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or (c == "\n" and not one_line)
        else _PICTURES.get(c, "\N{REPLACEMENT CHARACTER}") if unicodedata.category(c) in _REFUSED
        else c
        for c in text)
