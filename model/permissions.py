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
from model.i18n import N_, _, parts


class Action(Enum):
    """What the matrix decides. The value is how a refusal names it."""

    LOG_OWN = N_("log, edit or delete their own entries")
    LOG_OTHERS = N_("log, edit, delete or import entries of other people")
    BLOCKER = N_("raise or resolve a blocker")
    CHANGE = N_("raise, edit or withdraw a change request")
    SIGN = N_("sign (or withdraw) a change request, a period timesheet, the acceptance or "
              "the scope")
    QUOTA = N_("record a quota use")
    PLAN = N_("change the team, tasks, allocations and grades")
    OBLIGATION = N_("record an obligation done or a deliverable delivered")
    BIND = N_("bind a person to a database login role (PostgreSQL, as the database owner)")


OPERATOR = N_("operator")
VENDOR_LEAD = N_("vendor lead")
VENDOR_ENGINEER = N_("vendor engineer")
VENDOR_SIGNATORY = N_("vendor signatory")
CLIENT_SIGNATORY = N_("client signatory")
CLIENT_OTHER = N_("client lead or engineer")
UNBOUND = N_("unbound login role")

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
    Action.LOG_OWN: N_("vendor people log their own hours; client people never log hours"),
    Action.LOG_OTHERS: N_("only the vendor lead logs for other people"),
    Action.BLOCKER: N_("any person of the project may"),
    Action.CHANGE: N_("the vendor lead or signatory, or a client person, raises change "
                      "requests"),
    Action.SIGN: N_("only a vendor lead or signatory and a client signatory sign"),
    Action.QUOTA: N_("only the vendor lead records quota uses"),
    Action.PLAN: N_("only the vendor lead plans tasks, allocations and grades"),
    # Either party's: the party that receives what is provided usually confirms it, and
    # a late client obligation moves the client's blocked days, so an engineer may not.
    Action.OBLIGATION: N_("the vendor lead or signatory, or a client person, records either "
                          "party's obligations and deliveries"),
    Action.BIND: N_("only the database owner binds people to login roles, naming no one or "
                    "the vendor lead"),
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
            return _("the database login role {role!r}, bound to no person,").format(
                role=self.unbound_role)
        if self.key is None:
            return _(OPERATOR)
        return _("{key} ({kind})").format(key=self.key, kind=_(self.kind))


def allowed(actor: Actor, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` (before the ledger's other rules)."""
    return action in MATRIX[actor.kind]


def require(actor: Actor, action: Action) -> None:
    """Raise a one-line :class:`~model.errors.FieldError` of the ``actor`` input when
    ``actor`` may not do ``action``."""
    if allowed(actor, action):
        return
    if actor.unbound_role is not None:
        raise FieldError("actor", _("{actor} may not {action}: it may only read (the database "
                                    "owner binds it: `sowtrack person bind PERSON {role}`)")
                         .format(actor=actor.label, action=_(action.value),
                                 role=actor.unbound_role))
    if actor.key is None:
        raise FieldError("actor", *parts(
            _("name who is acting ({actor}, SOWTRACK_USER or `sowtrack config set person`): "
              "without a person you may not {action}"),
            actor=Ref("actor"), action=_(action.value)))
    raise FieldError("actor", _("{actor} may not {action}; {who}").format(
        actor=actor.label, action=_(action.value), who=_(_WHO[action])))
