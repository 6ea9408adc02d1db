"""Who may do what: the permission matrix, enforced by the service layer.

The matrix is data (:data:`MATRIX`) so that the README's table, the tests and
the checks all read the same thing. A *kind* of actor is a party and a role
from the SOW (``vendor lead``, ``client signatory``, ...), or the *operator*:
whoever runs sowtrack without naming a person (the owner of a SQLite file, the
database owner of a shared PostgreSQL ledger). The operator may set a ledger up
and keep it (import, tasks, blockers) but anything signed or raised in somebody's
name needs that somebody.

On PostgreSQL a login role that is not the database owner is its bound person
and no one else; bound to nobody, it is an *unbound login role*, which only reads,
whoever ``--as`` names. The database enforces the same matrix itself (migration
0005's policies, whose copy of this matrix a test compares with :data:`MATRIX`).

Rules that are not about *who* (a date in a signed period, the 24-hour day,
a client person's hours, the read-only accepted project) stay in the services
and in :mod:`model.rules`; they apply to everyone, the operator included.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from model.errors import FieldError, Ref


class Action(Enum):
    """What the matrix decides. The value is how a refusal names it."""

    LOG_OWN = "log, edit or delete their own entries"
    LOG_OTHERS = "log, edit, delete or import entries of other people"
    BLOCKER = "raise or resolve a blocker"
    CHANGE = "raise, edit or withdraw a change request"
    SIGN = ("sign (or withdraw) a change request, a period timesheet, the acceptance or the "
            "scope")
    QUOTA = "record a quota use"
    PLAN = "change the team, tasks, allocations and grades"
    OBLIGATION = "record an obligation done or a deliverable delivered"
    BIND = "bind a person to a database login role (PostgreSQL, as the database owner)"


OPERATOR = "operator"
VENDOR_LEAD = "vendor lead"
VENDOR_ENGINEER = "vendor engineer"
VENDOR_SIGNATORY = "vendor signatory"
CLIENT_SIGNATORY = "client signatory"
CLIENT_OTHER = "client lead or engineer"
UNBOUND = "unbound login role"

KINDS: tuple[str, ...] = (VENDOR_LEAD, VENDOR_ENGINEER, VENDOR_SIGNATORY, CLIENT_SIGNATORY,
                          CLIENT_OTHER, OPERATOR, UNBOUND)

_ALL = frozenset(Action)

#: kind of actor -> what it may do. Reading (reports, exports, verify) is open to all.
MATRIX: dict[str, frozenset[Action]] = {
    VENDOR_LEAD: _ALL,
    VENDOR_ENGINEER: frozenset({Action.LOG_OWN, Action.BLOCKER}),
    VENDOR_SIGNATORY: frozenset({Action.LOG_OWN, Action.BLOCKER, Action.CHANGE, Action.SIGN,
                                 Action.OBLIGATION}),
    CLIENT_SIGNATORY: frozenset({Action.BLOCKER, Action.CHANGE, Action.SIGN,
                                 Action.OBLIGATION}),
    CLIENT_OTHER: frozenset({Action.BLOCKER, Action.CHANGE, Action.OBLIGATION}),
    OPERATOR: frozenset({Action.LOG_OTHERS, Action.BLOCKER, Action.QUOTA, Action.PLAN,
                         Action.BIND}),
    UNBOUND: frozenset(),
}

#: Who may, in words, for refusals.
_WHO = {
    Action.LOG_OWN: "vendor people log their own hours; client people never log hours",
    Action.LOG_OTHERS: "only the vendor lead logs for other people",
    Action.BLOCKER: "any person of the project may",
    Action.CHANGE: "the vendor lead or signatory, or a client person, raises change requests",
    Action.SIGN: "only a vendor lead or signatory and a client signatory sign",
    Action.QUOTA: "only the vendor lead records quota uses",
    Action.PLAN: "only the vendor lead plans tasks, allocations and grades",
    # Either party's: the party that receives what is provided usually confirms it, and
    # a late client obligation moves the client's blocked days, so an engineer may not.
    Action.OBLIGATION: "the vendor lead or signatory, or a client person, records either "
                       "party's obligations and deliveries",
    Action.BIND: "only the database owner binds people to login roles, naming no one or the "
                 "vendor lead",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person of the project, or the operator (``key`` None).

    ``unbound_role`` is set on PostgreSQL when the connection's login role is neither the
    database owner nor bound to a person: then whoever ``key`` names, it only reads."""

    key: str | None
    party: str | None = None
    role: str | None = None
    unbound_role: str | None = None

    @property
    def kind(self) -> str:
        if self.unbound_role is not None:
            return UNBOUND
        if self.key is None:
            return OPERATOR
        if self.party == "vendor":
            return {"lead": VENDOR_LEAD, "signatory": VENDOR_SIGNATORY}.get(
                self.role or "", VENDOR_ENGINEER)
        return CLIENT_SIGNATORY if self.role == "signatory" else CLIENT_OTHER

    @property
    def label(self) -> str:
        if self.unbound_role is not None:
            return f"the database login role {self.unbound_role!r}, bound to no person,"
        return OPERATOR if self.key is None else f"{self.key} ({self.kind})"


def allowed(actor: Actor, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` (before the ledger's other rules)."""
    return action in MATRIX[actor.kind]


def require(actor: Actor, action: Action) -> None:
    """Raise a one-line :class:`~model.errors.FieldError` of the ``actor`` input when
    ``actor`` may not do ``action``."""
    if allowed(actor, action):
        return
    if actor.unbound_role is not None:
        raise FieldError("actor", f"{actor.label} may not {action.value}: it may only read "
                                  f"(the database owner binds it: `sowtrack person bind PERSON "
                                  f"{actor.unbound_role}`)")
    if actor.key is None:
        raise FieldError("actor", "name who is acting (", Ref("actor"), ", SOWTRACK_USER or "
                                  "`sowtrack config set person`): without a person you may not "
                                  f"{action.value}")
    raise FieldError("actor", f"{actor.label} may not {action.value}; {_WHO[action]}")
