"""The blockers the app lists, read one way for every view (SPEC §3, §9).

A blocker is one recorded by hand (``B-001``) or a client obligation not done by its due
date (listed under the obligation's key, resolved when the obligation is done). The
Blockers view lists them all; the dashboard's "Open blockers" lists the open ones of the
same list: :func:`read_blockers` is the one place that puts the two kinds together, and
:func:`blocker_title` the one place that marks an obligation as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text

from model.views import BlockerView
from storage.services import Ledger
from tui.text import literal

__all__ = ["BlockerList", "blocker_order", "blocker_title", "read_blockers"]


def blocker_order(b: BlockerView) -> tuple[int, int]:
    """Open ones first, oldest first; then resolved ones, latest resolution first."""
    if b.resolved_on is None:
        return (0, b.raised_on.toordinal())
    return (1, -b.resolved_on.toordinal())


@dataclass(frozen=True)
class BlockerList:
    """Every blocker as of a day, in :func:`blocker_order`."""

    blockers: tuple[BlockerView, ...]
    #: the numbers of the blockers that are late client obligations (their keys)
    obligations: frozenset[str] = frozenset()

    def open(self) -> list[BlockerView]:
        """The blockers not resolved on that day, oldest first."""
        return [b for b in self.blockers if b.resolved_on is None]


def read_blockers(ledger: Ledger, as_of: date) -> BlockerList:
    """The blockers recorded and those late client obligations count as, as of ``as_of``.
    Call it inside a view's load (one snapshot)."""
    late = ledger.obligation_blockers(as_of)
    return BlockerList(tuple(sorted([*ledger.blockers(as_of), *late], key=blocker_order)),
                       frozenset(b.number for b in late))


def blocker_title(b: BlockerView, obligations: frozenset[str]) -> Text:
    """The title as typed (user text, literal); a late obligation's marked as such."""
    if b.number not in obligations:
        return literal(b.title, one_line=True)
    text = Text("obligation · ", style="italic magenta")
    text.append_text(literal(b.title, one_line=True))
    return text
