"""Issue 14: the footers and the command palette offer only what the acting person may do
(the permission matrix's own rule, model.permissions.allowed, the one the ledger refuses
with); a signature the ledger would refuse is refused before its dialog opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.permissions import Action, Actor, allowed
from tui.app import VIEW_MODES
from tui.widgets.form import FormScreen

from .tui_support import demo_ledger, drive, screen_text, settle

#: the view keys each kind of person is offered (Tasks, CRs, Team, Sign-offs, Timesheet,
#: Obligations, My day), by the footer
OFFERED = {
    "zhang.wei": {  # vendor lead: everything
        "4": "a e l", "6": "n s w", "7": "a l r d c g", "8": "p a s w",
        "3": "[ ] t v a e d", "o": "d v", "2": "l ctrl+s"},
    "liu.yang": {  # vendor engineer: logs own hours, raises and resolves blockers
        "4": "", "6": "", "7": "", "8": "", "3": "[ ] t v a e d", "o": "", "2": "l ctrl+s"},
    "li.na": {  # client signatory: CRs, signatures, obligations; never hours
        "4": "", "6": "n s w", "7": "", "8": "p a s w", "3": "[ ] t v", "o": "d v", "2": ""},
    "zhao.min": {  # vendor signatory: signs, no grade so no log form
        "4": "", "6": "n s w", "7": "", "8": "p a s w", "3": "[ ] t v a e d", "o": "d v",
        "2": ""},
}

_KEY_NAMES = {"left_square_bracket": "[", "right_square_bracket": "]"}


def _view_keys(screen) -> str:
    """The view's own keys that its footer shows now."""
    own = {b.key for b in type(screen).__dict__.get("BINDINGS", [])}
    return " ".join(_KEY_NAMES.get(a.binding.key, a.binding.key)
                    for a in screen.active_bindings.values()
                    if a.binding.key in own and a.binding.show and a.enabled)


@pytest.mark.parametrize("person", sorted(OFFERED))
def test_each_role_is_offered_only_the_keys_it_may_use(tmp_path: Path, person: str) -> None:
    led = demo_ledger(tmp_path, actor=person)
    seen: dict[str, str] = {}
    footers: dict[str, str] = {}

    async def scenario(pilot) -> None:
        for key in OFFERED[person]:
            if pilot.app.current_mode == "myday":
                await pilot.press("escape")  # out of the hours field: digits switch views
            await pilot.press(key)
            await settle(pilot)
            if pilot.app.current_mode == "myday":
                await pilot.press("escape")
                await settle(pilot)
            seen[key] = _view_keys(pilot.app.screen)
            footers[key] = screen_text(pilot.app).splitlines()[-1]

    drive(led, scenario)
    assert seen == OFFERED[person]
    if person == "liu.yang":
        assert "Raise CR" not in footers["6"] and "Change grade" not in footers["7"]
    if person == "zhang.wei":
        assert "n Raise CR" in footers["6"] and "g Change grade" in footers["7"]


def test_the_footer_asks_the_matrix_the_ledger_refuses_with() -> None:
    """Every key a view hides is one the matrix forbids: the same function decides."""
    kinds = [Actor("x", "vendor", "lead"), Actor("x", "vendor", "engineer"),
             Actor("x", "client", "signatory"), Actor(None)]
    for view in VIEW_MODES.values():
        for action, needs in view.screen_class.PERMITS.items():
            for actor in kinds:
                assert view.permitted(action, actor) == any(allowed(actor, a) for a in needs)
    assert VIEW_MODES["changes"].PERMITS["raise_cr"] == (Action.CHANGE,)


def _palette(person: str, tmp_path: Path) -> list[str]:
    tmp_path.mkdir()
    led = demo_ledger(tmp_path, actor=person)
    titles: list[str] = []

    async def scenario(pilot) -> None:
        titles.extend(c.title for c in pilot.app.get_system_commands(pilot.app.screen))

    drive(led, scenario)
    return titles


def test_the_palette_offers_only_permitted_actions(tmp_path: Path) -> None:
    engineer = _palette("liu.yang", tmp_path / "e")
    lead = _palette("zhang.wei", tmp_path / "l")
    client = _palette("li.na", tmp_path / "c")
    for title in ("Raise a change request", "Add a task", "Team: Change grade",
                  "Sign a period's timesheet", "Add a person to the team"):
        assert title in lead and title not in engineer, title
    assert "Log hours" in engineer and "Add a blocker" in engineer
    assert "Log hours" not in client and "Add a task" not in client
    assert "Raise a change request" in client and "Go to Team" in client
    # a vendor signatory may log by the matrix, but has no grade: no log form to go to
    signatory = _palette("zhao.min", tmp_path / "v")
    assert "Log hours" not in signatory and "Raise a change request" in signatory


def test_a_client_pressing_a_on_tasks_gets_no_form(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="li.na")
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        seen["form"] = isinstance(pilot.app.screen, FormScreen)
        seen["palette"] = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]

    drive(led, scenario)
    assert seen["form"] is False
    assert not any(t.startswith(("Add a task", "Tasks: ")) for t in seen["palette"])


def _press_sign(person: str, view: str, key: str, row: str | None,
                tmp_path: Path) -> tuple[bool, list[str]]:
    tmp_path.mkdir()
    led = demo_ledger(tmp_path, actor=person)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press(view)
        await settle(pilot)
        if row is not None:
            pilot.app.screen.selected = row
        await pilot.press(key)
        await settle(pilot)
        seen["form"] = isinstance(pilot.app.screen, FormScreen)
        seen["notes"] = [n.message for n in pilot.app._notifications]

    drive(led, scenario)
    return bool(seen["form"]), list(seen["notes"])  # type: ignore[arg-type]


def test_signing_a_cr_twice_is_refused_before_the_dialog(tmp_path: Path) -> None:
    form, notes = _press_sign("zhao.min", "6", "s", "CR-002", tmp_path / "twice")
    assert not form
    assert any("zhao.min has already signed CR-002" in n and "Acting as (ctrl+a)" in n
               for n in notes), notes
    form, notes = _press_sign("li.na", "6", "s", "CR-002", tmp_path / "client")
    assert form, notes  # the client's signature is still awaited: the dialog opens
    form, notes = _press_sign("zhang.wei", "6", "s", "CR-001", tmp_path / "effective")
    assert not form and any("CR-001: is already signed by both parties" in n for n in notes)


def test_signing_the_signed_scope_is_refused_before_the_dialog(tmp_path: Path) -> None:
    form, notes = _press_sign("li.na", "8", "s", None, tmp_path / "scope")
    assert not form
    assert any("SCOPE-001: is already signed by both parties" in n for n in notes), notes
