"""How the app marks the blockers it lists (SPEC §3, §9).

A blocker is one recorded by hand (``B-001``) or a client obligation not done by its due
date (listed under the obligation's key, resolved when the obligation is done). Which
blockers there are, and which are open, is decided once, by
:meth:`storage.services.Ledger.blocker_list` (the Blockers view, the dashboard and the
piped status call it); :func:`blocker_title` is the one place that marks an obligation as
such.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from model.i18n import _
from model.views import BlockerList, BlockerView, blocker_order
from storage.services import Ledger
from tui.text import literal

__all__ = ["BlockerList", "blocker_order", "blocker_title", "read_blockers"]


def read_blockers(ledger: Ledger, as_of: date) -> BlockerList:
    """``ledger.blocker_list(as_of)`` (kept for callers of the old name)."""
    return ledger.blocker_list(as_of)


def blocker_title(b: BlockerView, obligations: frozenset[str]) -> Text:
    """The title as typed (user text, literal); a late obligation's marked as such."""
    if b.number not in obligations:
        return literal(b.title, one_line=True)
    text = Text(_("obligation") + " · ", style="italic magenta")
    text.append_text(literal(b.title, one_line=True))
    return text
