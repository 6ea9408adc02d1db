"""What a signature locks (SPEC §5): a pure rule over the sign-off documents.

A period timesheet signed by one party (``signing``) or both (``effective``) locks its
days: no entry on them may be added, changed or removed. The acceptance, once signed by
one party, freezes the whole ledger (and once effective, the project is accepted and
read-only). A withdrawn, rejected or unsigned document locks nothing.

The functions take any document with a kind, number, status and span (the views the
app reads, :class:`Document` facts a service fetches); storage only fetches them, the
decision and its wording are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from model.errors import LedgerError, Ref, refused
from model.i18n import _
from model.rules.signoff import DOC_EFFECTIVE, DOC_SIGNING

#: the statuses of a document whose content is frozen by a signature
LOCKING: tuple[str, ...] = (DOC_SIGNING, DOC_EFFECTIVE)


class SignedDocument(Protocol):
    """What the lock rules read of a sign-off document (SignoffView, :class:`Document`)."""

    @property
    def kind(self) -> str: ...  # period | acceptance
    @property
    def number(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def first(self) -> date | None: ...
    @property
    def last(self) -> date | None: ...


@dataclass(frozen=True)
class Document:
    """A sign-off document as the lock rules need it (a service fetches these)."""

    kind: str  # period | acceptance
    number: str
    status: str
    first: date | None = None
    last: date | None = None


D = TypeVar("D", bound=SignedDocument)


def locks(status: str) -> bool:
    """Whether a document in ``status`` freezes what it covers."""
    return status in LOCKING


def lock_state(status: str) -> str:
    """How a locking document's state is said: "signed" (both parties) or "being signed"."""
    return "signed" if status == DOC_EFFECTIVE else "being signed"


def locking_period(signoffs: Iterable[D], on: date) -> D | None:
    """The period timesheet that locks the day ``on``, if one does."""
    for s in signoffs:  # a loop, not next(genexpr): an import asks once per row
        if (s.kind == "period" and locks(s.status) and s.first is not None
                and s.last is not None and s.first <= on <= s.last):
            return s
    return None


def freezing_acceptance(signoffs: Iterable[D]) -> D | None:
    """The acceptance that freezes the whole ledger (signed by a party), if one does."""
    return next((s for s in signoffs if s.kind == "acceptance" and locks(s.status)), None)


def check_day_open(signoffs: Iterable[SignedDocument], on: date, what: str | Ref) -> None:
    """Refuse the day ``on`` (named ``what``) when a period signed by a party covers it:
    its entries may not be added, changed or removed."""
    period = locking_period(signoffs, on)
    if period is not None:
        template = (_("{day} lies in period {number} ({first}..{last}), which is signed")
                    if period.status == DOC_EFFECTIVE else
                    _("{day} lies in period {number} ({first}..{last}), which is being signed"))
        raise refused(what, template.format(day=on, number=period.number, first=period.first,
                                            last=period.last))


def check_span_open(signoffs: Iterable[SignedDocument], first: date, last: date,
                    what: str | Ref) -> None:
    """Refuse the days ``first``..``last`` (named ``what``) when a period signed by a party
    overlaps them (a day away cancelled there would change what was signed)."""
    period = next((s for s in signoffs if s.kind == "period" and locks(s.status)
                   and s.first is not None and s.last is not None
                   and s.first <= last and first <= s.last), None)
    if period is not None:
        template = (_("{span} overlaps period {number} ({first}..{last}), which is signed")
                    if period.status == DOC_EFFECTIVE else
                    _("{span} overlaps period {number} ({first}..{last}), which is being "
                      "signed"))
        raise refused(what, template.format(span=f"{first}..{last}", number=period.number,
                                            first=period.first, last=period.last))


def check_not_accepted(project: str, accepted_on: date | None) -> None:
    """Refuse any change to an accepted project: its ledger is read-only for good."""
    if accepted_on is not None:
        raise LedgerError(_("project {project} was accepted on {day}; the ledger is "
                            "read-only").format(project=project, day=accepted_on))


def check_writable(project: str, accepted_on: date | None,
                   signoffs: Iterable[SignedDocument]) -> None:
    """Refuse a write to the ledger of ``project``: accepted (read-only), or frozen by an
    acceptance that carries a signature until it is fully signed or withdrawn."""
    check_not_accepted(project, accepted_on)
    acceptance = freezing_acceptance(signoffs)
    if acceptance is not None and acceptance.status == DOC_SIGNING:
        raise LedgerError(_("acceptance {number} carries a signature; the ledger is frozen "
                            "until it is fully signed or withdrawn").format(
            number=acceptance.number))
