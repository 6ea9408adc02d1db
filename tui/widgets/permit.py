"""What the acting person may do, read with a view's data: a view refuses an action at
once, in the permission matrix's words, instead of opening a form that the ledger would
refuse on submit (the ledger still decides: it refuses the same whatever the view says)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from model.errors import LedgerError
from model.permissions import UNBOUND, Action, Actor, allowed, require
from model.rules import SignatureFact, check_signature
from model.views import PersonView, SignatureView
from storage.services import Ledger
from tui.text import APP_LABELS, refusal

#: how a refusal names the acting person (the ledger's ``actor`` field; ``--as`` on the
#: command line, ctrl+a in the app): tui.text.APP_LABELS's
ACTOR_LABEL = {"actor": APP_LABELS["actor"]}


def acting(ledger: Ledger) -> Actor:
    """Who ``ledger`` acts as, as the matrix sees them (a read: call it in a view's load)."""
    kind, person, role = ledger.whoami()
    unbound = role if kind == UNBOUND else None
    if person is None:
        return Actor(None, unbound_role=unbound)
    return Actor(person.key, person.party, person.role, unbound_role=unbound)


def actor_of(person: PersonView | None, key: str | None,
             unbound_role: str | None = None) -> Actor:
    """The acting person ``key`` (``person``, their view, when they are one of the
    project's people), or the operator (``key`` None), as the matrix sees them."""
    if person is None:
        return Actor(key, unbound_role=unbound_role)
    return Actor(person.key, person.party, person.role, unbound_role=unbound_role)


def permits(actor: Actor | None, needs: Iterable[Action]) -> bool:
    """Whether ``actor`` may do an action that needs any one of ``needs`` (nothing: a
    read, open to all); the matrix's own :func:`~model.permissions.allowed`, the one the
    ledger refuses with. An actor not known yet may (the ledger decides on submit)."""
    needs = tuple(needs)
    return actor is None or not needs or any(allowed(actor, a) for a in needs)


def refused(actor: Actor | None, action: Action,
            labels: Mapping[str, str] | None = None) -> str | None:
    """The refusal of ``action`` by ``actor`` as the app words it, or None if allowed
    (or if the actor is not known yet: then the ledger decides on submit)."""
    if actor is None:
        return None
    try:
        require(actor, action)
    except LedgerError as exc:
        return refusal(exc, {**ACTOR_LABEL, **(labels or {})})
    return None


def sign_refused(actor: Actor, doc: str, status: str, signatures: Sequence[SignatureView],
                 on: date) -> str | None:
    """Why ``actor`` may not sign ``doc`` now (its ``status`` and ``signatures`` as the
    view read them), as the app words it, or None: the ledger's own rule
    (:func:`model.rules.check_signature`: closed, already signed by both parties, already
    signed by this person), asked before a sign dialog opens rather than after it."""
    if actor.key is None or actor.party is None or actor.role is None:
        return refused(actor, Action.SIGN)
    facts = [SignatureFact(s.person, s.party, s.role, s.on) for s in signatures]
    try:
        check_signature(doc, status, facts, SignatureFact(actor.key, actor.party, actor.role,
                                                          on))
    except LedgerError as exc:
        return refusal(exc, ACTOR_LABEL)
    return None
