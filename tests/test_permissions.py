"""Every cell of the permission matrix, allowed or refused, through the real services.

Each cell runs on a SQLite file and on PostgreSQL (the ``db_url`` fixture). An
allowed cell must succeed and write audit rows; a refused cell must fail with
the one-line refusal and write nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from model.errors import LedgerError
from model.permissions import (
    CLIENT_OTHER,
    CLIENT_SIGNATORY,
    KINDS,
    MATRIX,
    OPERATOR,
    UNBOUND,
    VENDOR_ENGINEER,
    VENDOR_LEAD,
    VENDOR_SIGNATORY,
    Action,
    Actor,
)
from storage.db import make_engine, reading
from storage.orm import AuditEvent
from storage.services import Ledger
from storage.sowfile import DeliverableSpec, EntryRow, ObligationSpec, PersonSpec, load_sow

from .conftest import EXAMPLE_SOW

README = Path(__file__).resolve().parent.parent / "README.md"

#: One person of each kind in the test SOW (None: the operator, no --as).
WHO: dict[str, str | None] = {
    VENDOR_LEAD: "zhang.wei",
    VENDOR_ENGINEER: "liu.yang",
    VENDOR_SIGNATORY: "zhao.min",
    CLIENT_SIGNATORY: "li.na",
    CLIENT_OTHER: "sun.hao",
    OPERATOR: None,
    # A PostgreSQL login role bound to nobody (not the owner), naming an unbound person.
    UNBOUND: "wang.fang",
}


@pytest.fixture
def team(ledger: Ledger) -> Ledger:
    """The example SOW plus a client engineer, and a vendor signatory who has a grade."""
    spec = load_sow(EXAMPLE_SOW)
    spec.people = [PersonSpec(p.key, p.name, p.party, p.role,
                              "expert" if p.key == "zhao.min" else p.grade,
                              p.location, p.timezone, p.title) for p in spec.people]
    spec.people.append(PersonSpec("sun.hao", "孙浩", "client", "engineer"))
    spec.obligations.append(ObligationSpec("ENV-ACCESS", "VPN accounts", "client", None, 3))
    spec.deliverables.append(DeliverableSpec("KT", "Training", ["T4"], kind="training"))
    return ledger.for_project(ledger.init_project(spec).code).acting_as("zhang.wei")


def as_(led: Ledger, who: str | None) -> Ledger:
    return led.acting_as(who)


def _other(who: str | None) -> str:
    """A vendor engineer who is not ``who``."""
    return "wang.fang" if who == "liu.yang" else "liu.yang"


def _audit_rows(led: Ledger) -> int:
    with reading(led.engine) as s:
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0)


# ---------------------------------------------------------------- one function per action
# Each sets up what it needs as the lead, then returns the acts done as ``who``.


def _log_own(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    if who in (None, "li.na", "sun.hao"):  # no entries of their own to edit
        return [lambda: me.log("T2", "2", on="2026-03-02")]
    own = led.log("T2", "1", on="2026-03-03", person=who).id
    own2 = led.log("T2", "1", on="2026-03-04", person=who).id
    return [lambda: me.log("T2", "2", on="2026-03-02"),
            lambda: me.edit_entry(own, hours="3"),
            lambda: me.delete_entry(own2)]


def _log_others(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me, other = as_(led, who), _other(who)
    theirs = led.log("T2", "1", on="2026-03-03", person=other).id
    theirs2 = led.log("T2", "1", on="2026-03-04", person=other).id
    row = EntryRow(2, "2026-03-05", other, "T2", "4", "imported")
    return [lambda: me.log("T2", "2", on="2026-03-02", person=other),
            lambda: me.edit_entry(theirs, hours="3"),
            lambda: me.delete_entry(theirs2),
            lambda: me.import_entries([row])]


def _blocker(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    b = led.add_blocker("VPN not granted", "client", on="2026-03-02").number
    return [lambda: me.add_blocker("GPU quota", "client", on="2026-03-03"),
            lambda: me.resolve_blocker(b, on="2026-03-04")]


def _change(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    cr = led.new_cr("Second OCR engine", deltas={"expert": 3}, on="2026-03-02").number
    cr2 = led.new_cr("Third OCR engine", deltas={"expert": 1}, on="2026-03-02").number
    return [lambda: me.new_cr("Fraud hints", deltas={"senior": 5}, on="2026-03-03"),
            lambda: me.edit_cr(cr, reason="handwritten forms"),
            lambda: me.withdraw_cr(cr2)]


def _sign(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    cr = led.new_cr("Second OCR engine", deltas={"expert": 3}, on="2026-03-02").number
    return [lambda: me.sign_cr(cr, on="2026-03-03"),
            lambda: me.sign_period("2026-03-02", "2026-03-06", on="2026-03-09"),
            lambda: me.withdraw_signoff("TS-001"),
            lambda: me.sign_acceptance(on="2026-03-10")]


def _quota(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    return [lambda: me.use_quota("research-meetings", on="2026-03-02")]


def _plan(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    return [lambda: me.add_task("T9", "Load test", "3"),
            lambda: me.edit_task("T1", priority="low"),
            lambda: me.set_allocation("T2", "wang.fang", "4"),
            lambda: me.change_grade("wang.fang", "senior")]


def _bind(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    role = None
    if led.engine.dialect.name == "postgresql":
        with reading(led.engine) as s:
            role = str(s.execute(select(func.current_user())).scalar())
    # This connection's own login role: it exists on any server.
    return [lambda: me.bind_role("wang.fang", role or "wang_fang")]


def _obligation(led: Ledger, who: str | None) -> list[Callable[[], object]]:
    me = as_(led, who)
    return [lambda: me.obligation_done("ENV-ACCESS", on="2026-03-09"),
            lambda: me.deliverable_done("KT", on="2026-03-09", note="two sessions")]


ACTS: dict[Action, Callable[[Ledger, str | None], list[Callable[[], object]]]] = {
    Action.LOG_OWN: _log_own,
    Action.LOG_OTHERS: _log_others,
    Action.BLOCKER: _blocker,
    Action.CHANGE: _change,
    Action.SIGN: _sign,
    Action.QUOTA: _quota,
    Action.PLAN: _plan,
    Action.BIND: _bind,
    Action.OBLIGATION: _obligation,
}


def test_every_action_has_a_test() -> None:
    assert set(ACTS) == set(Action)
    assert set(WHO) == set(KINDS) == set(MATRIX)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name.lower())
@pytest.mark.parametrize("kind", [
    pytest.param(k, marks=pytest.mark.pg_only) if k == UNBOUND else k for k in KINDS],
    ids=lambda k: k.replace(" ", "_"))
def test_permission_cell(team: Ledger, kind: str, action: Action,
                         request: pytest.FixtureRequest,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    who = WHO[kind]
    if kind == UNBOUND:  # PostgreSQL only (pg_only): SQLite has no login roles
        # The acts below run on a connection as a new login role bound to nobody.
        reader = make_engine(request.getfixturevalue("roles")("reader"))
        request.addfinalizer(reader.dispose)
        monkeypatch.setattr(sys.modules[__name__], "as_",
                            lambda led, w: Ledger(reader, led.project_code, w))
    else:
        assert Actor(who, *_party_role(team, who)).kind == kind
    acts = ACTS[action](team, who)
    if action in MATRIX[kind]:
        for act in acts:
            before = _audit_rows(team)
            if action is Action.BIND and team.engine.dialect.name != "postgresql":
                with pytest.raises(LedgerError, match="PostgreSQL only"):
                    act()
                continue
            act()
            assert _audit_rows(team) > before
    else:
        # A login role other than the owner is refused binding before anything else.
        # The actor input (the command line's --as); services' own refusals still say
        # "--as" until they raise FieldError("actor", ...) too.
        refusal = (r"^person bind: only the database owner binds people to login roles$"
                   if kind == UNBOUND and action is Action.BIND else r"^actor: .*may not")
        for act in acts:
            before = _audit_rows(team)
            with pytest.raises(LedgerError, match=refusal) as refused:
                act()
            assert "\n" not in str(refused.value)
            assert _audit_rows(team) == before


def _party_role(led: Ledger, who: str | None) -> tuple[str | None, str | None]:
    if who is None:
        return None, None
    p = next(p for p in led.people() if p.key == who)
    return p.party, p.role


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name.lower())
def test_nobody_writes_after_acceptance(team: Ledger, action: Action) -> None:
    """Not even the lead (who may do everything) nor the operator."""
    acts = {who: ACTS[action](team, who) for who in ("zhang.wei", None)}
    team.sign_acceptance(on="2026-03-20")
    as_(team, "li.na").sign_acceptance(on="2026-03-21")
    assert team.project().accepted_on is not None
    before = _audit_rows(team)
    for who, fns in acts.items():
        for act in fns:
            if action not in MATRIX[Actor(who, "vendor", "lead").kind]:
                continue  # refused by the matrix already (tested above)
            with pytest.raises(LedgerError, match="read-only"):
                act()
    assert _audit_rows(team) == before


def test_an_engineer_imports_only_their_own_rows(team: Ledger) -> None:
    me = as_(team, "liu.yang")
    assert me.import_entries([EntryRow(2, "2026-03-02", "liu.yang", "T2", "4", "")]) == 1
    with pytest.raises(LedgerError, match=r"liu.yang \(vendor engineer\) may not import "
                                          r"entries of other people: line 3 is for 'wang.fang'"):
        me.import_entries([EntryRow(2, "2026-03-03", "liu.yang", "T2", "4", ""),
                           EntryRow(3, "2026-03-03", "wang.fang", "T2", "4", "")])
    assert len(team.entries()) == 1


def test_a_client_person_never_logs_even_through_the_lead(team: Ledger) -> None:
    with pytest.raises(LedgerError, match="client party; only vendor people log hours"):
        team.log("T2", "2", on="2026-03-02", person="li.na")


def test_the_readme_documents_the_matrix() -> None:
    """The README's table is the matrix: one row per action, one column per kind."""
    text = README.read_text(encoding="utf-8")
    start = text.index("| may … | " + " | ".join(KINDS))
    rows = text[start:].split("\n\n", 1)[0].splitlines()[2:]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        table[cells[0]] = [c == "yes" for c in cells[1:]]
    assert set(table) == {a.value for a in Action}
    for action in Action:
        assert table[action.value] == [action in MATRIX[k] for k in KINDS], action
    assert re.search(r"after acceptance", text)
