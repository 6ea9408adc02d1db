"""What the acting person may do, read with a view's data: a view refuses an action at
once, in the permission matrix's words, instead of opening a form that the ledger would
refuse on submit (the ledger still decides: it refuses the same whatever the view says)."""

from __future__ import annotations

from collections.abc import Mapping

from model.errors import LedgerError
from model.permissions import UNBOUND, Action, Actor, require
from storage.services import Ledger
from tui.text import refusal

#: how a refusal names the acting person (the ledger's ``actor`` field; ``--as`` on the
#: command line, ctrl+a in the app)
ACTOR_LABEL = {"actor": "Acting as (ctrl+a)"}


def acting(ledger: Ledger) -> Actor:
    """Who ``ledger`` acts as, as the matrix sees them (a read: call it in a view's load)."""
    kind, person, role = ledger.whoami()
    unbound = role if kind == UNBOUND else None
    if person is None:
        return Actor(None, unbound_role=unbound)
    return Actor(person.key, person.party, person.role, unbound_role=unbound)


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
