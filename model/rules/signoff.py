"""Dual sign-off: who may sign, a document's state from its signatures, acceptance conclusions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from model.errors import FieldError, LedgerError
from model.i18n import N_, _, word
from model.permissions import Action, Actor, allowed
from model.rules.facts import SignatureFact
from model.rules.vocabulary import PARTIES
from model.rules.workdays import month_end

DOC_OPEN = "open"  # no signature yet: content may change
DOC_SIGNING = "signing"  # one party signed: content frozen
DOC_EFFECTIVE = "effective"  # both parties signed
DOC_WITHDRAWN = "withdrawn"
DOC_REJECTED = "rejected"  # an acceptance whose client signature rejected it
DOC_CLOSED = (DOC_WITHDRAWN, DOC_REJECTED)  # no longer counts: its signatures bind nothing

# The acceptance's conclusion, recorded with the client's signature (SPEC §8).
CONCLUSIONS = ("accepted", "conditional", "rejected")


def may_sign(party: str, role: str) -> bool:
    """A vendor lead or signatory, or a client signatory: the permission matrix's SIGN."""
    return allowed(Actor("signer", party, role), Action.SIGN)


def waiting_parties(signatures: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The parties whose signature a document still needs, from the (party, role) of its
    signatures: a party with no valid signature (SPEC §3, dual sign-off), in the order
    of :data:`model.rules.PARTIES`."""
    signed = {party for party, role in signatures if may_sign(party, role)}
    return tuple(p for p in PARTIES if p not in signed)


def acceptance_conclusion(party: str, conclusion: str | None,
                          comment: str) -> tuple[str | None, str]:
    """(conclusion, comment) a signature of the acceptance records, or a refusal.

    Only the client's signature records a conclusion; without one it is ``accepted``.
    Accepting with conditions, or rejecting, says why in the comment."""
    if party != "client":
        if conclusion is not None or comment:
            field = "conclusion" if conclusion is not None else "comment"
            raise FieldError(field, _("only the client's signature records the acceptance's "
                                      "conclusion and comments"))
        return None, ""
    conclusion = conclusion or "accepted"
    if conclusion not in CONCLUSIONS:
        raise FieldError("conclusion", _("{value!r} is not one of {choices}").format(
            value=conclusion, choices=", ".join(CONCLUSIONS)))
    if conclusion != "accepted" and not comment.strip():
        raise FieldError("comment", _("a conditional acceptance says why: give the conditions")
                         if conclusion == "conditional"
                         else _("a rejected acceptance says why: give the reasons"))
    return conclusion, comment.strip()


#: a closed document's refusal of a signature, in words of its status
_CLOSED_WORDS = {DOC_WITHDRAWN: N_("{doc}: is withdrawn and cannot be signed"),
                 DOC_REJECTED: N_("{doc}: is rejected and cannot be signed")}


def check_signature(doc: str, status: str, existing: Sequence[SignatureFact],
                    new: SignatureFact, not_before: date | None = None) -> None:
    """Raise LedgerError when ``new`` may not sign the document ``doc``."""
    if status in DOC_CLOSED:
        template = _CLOSED_WORDS.get(status)
        raise LedgerError((_(template) if template else
                           _("{doc}: is {status} and cannot be signed")).format(
            doc=doc, status=status))
    if status == DOC_EFFECTIVE:
        raise LedgerError(_("{doc}: is already signed by both parties").format(doc=doc))
    if not may_sign(new.party, new.role):
        raise FieldError(
            "actor", _("{person} is a {party} {role}; only a vendor lead or signatory and a "
                       "client signatory can sign {doc}").format(
                person=new.person, party=word("party", new.party),
                role=word("role", new.role), doc=doc))
    if any(s.person == new.person for s in existing):
        raise FieldError("actor", _("{person} has already signed {doc}").format(
            person=new.person, doc=doc))
    if not_before is not None and new.on < not_before:
        raise FieldError("on", _("{day} is too early to sign {doc} (not before {first})").format(
            day=new.on, doc=doc, first=not_before))


def signoff_state(signatures: Sequence[SignatureFact]) -> tuple[str, date | None]:
    """(status, effective date) of a document from its signatures.

    Effective once one valid vendor and one valid client signature exist, on
    the date of the later of the two (the last required signature).
    """
    vendor = [s.on for s in signatures if s.party == "vendor" and may_sign(s.party, s.role)]
    client = [s.on for s in signatures if s.party == "client" and may_sign(s.party, s.role)]
    if vendor and client:
        return DOC_EFFECTIVE, max(min(vendor), min(client))
    if signatures:
        return DOC_SIGNING, None
    return DOC_OPEN, None


def check_change_editable(field: str, number: str, status: str,
                          effective_on: date | None) -> None:
    """Refuse an edit of change request ``number`` (its input ``field``) once it is
    decided: it carries a signature (content frozen), took effect or was withdrawn.
    Nobody has signed it yet (``open``): it may change."""
    if status == DOC_OPEN:
        return
    if status == DOC_SIGNING:
        raise FieldError(field, _("{number} carries a signature; its content is frozen "
                                  "(withdraw it and raise a new one)").format(number=number))
    if status == DOC_EFFECTIVE:
        raise FieldError(field, _("{number} is effective since {day}; its content is "
                                  "frozen (raise a new change request to change it)").format(
            number=number, day=effective_on))
    if status == DOC_WITHDRAWN:
        raise FieldError(field, _("{number} is withdrawn; its content is frozen (raise a new "
                                  "change request)").format(number=number))
    raise FieldError(field, _("{number} is {status}; its content is frozen (raise a new "
                              "change request)").format(number=number, status=status))


def first_unsigned_period(start: date, end: date,
                          periods: Sequence[tuple[date, date]]) -> tuple[date, date] | None:
    """The earliest period still to sign, or None when every day of the SOW
    (``start``..``end``, its current end) is in a period: from the first day that no
    period in ``periods`` covers (the live ones, first..last: signed, or being signed), to
    the end of its calendar month, cut before the next period and at the SOW's end. A gap
    between two signed months is found before the month after them."""
    spans = sorted(periods)
    day = start
    for first, last in spans:  # sorted by first day: each either covers ``day`` or not
        if first <= day <= last:
            day = last + timedelta(days=1)
    if day > end:
        return None
    last_day = min(month_end(day), end)
    following = [first for first, _ in spans if first > day]
    if following and min(following) - timedelta(days=1) < last_day:
        last_day = min(following) - timedelta(days=1)
    return day, last_day
