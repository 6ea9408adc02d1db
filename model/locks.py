"""What a signature locks (SPEC §5): a pure rule over the sign-off documents.

A period timesheet signed by one party (``signing``) or both (``effective``) locks its
days: no entry on them may be added, changed or removed. The acceptance, once signed by
one party, freezes the whole ledger (and once effective, the project is accepted and
read-only). A withdrawn, rejected or unsigned document locks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from model.rules import DOC_EFFECTIVE, DOC_SIGNING
from model.views import SignoffView

#: the statuses of a document whose content is frozen by a signature
LOCKING: tuple[str, ...] = (DOC_SIGNING, DOC_EFFECTIVE)


def locks(status: str) -> bool:
    """Whether a document in ``status`` freezes what it covers."""
    return status in LOCKING


def lock_state(status: str) -> str:
    """How a locking document's state is said: "signed" (both parties) or "being signed"."""
    return "signed" if status == DOC_EFFECTIVE else "being signed"


def locking_period(signoffs: Iterable[SignoffView], on: date) -> SignoffView | None:
    """The period timesheet that locks the day ``on``, if one does."""
    return next((s for s in signoffs if s.kind == "period" and locks(s.status)
                 and s.first is not None and s.last is not None and s.first <= on <= s.last),
                None)


def freezing_acceptance(signoffs: Iterable[SignoffView]) -> SignoffView | None:
    """The acceptance that freezes the whole ledger (signed by a party), if one does."""
    return next((s for s in signoffs if s.kind == "acceptance" and locks(s.status)), None)
