"""The Sign-offs view signs the scope (SCOPE-001): the vendor lead, then the client's
signatory at the lead's desk; the Tasks view's estimate edit is then refused naming the
form's field."""

from __future__ import annotations

from tests.tui_support import TODAY, demo_ledger, drive, screen_text
from tests.tui_support import settle_reloads as settle
from tui.screens.signoffs import SignoffsScreen


def _flat(app) -> str:
    return " ".join(screen_text(app).replace("█", " ").replace("▊", " ").replace("▎", " ")
                    .split())


def test_both_parties_sign_the_scope_in_the_signoffs_view(tmp_path):
    ledger = demo_ledger(tmp_path, sign_scope=False)  # the demo before its sign-off
    assert ledger.scope_signoff() is None
    seen: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignoffsScreen)
        await pilot.press("s")                        # the vendor lead signs, date = today
        await settle(pilot)
        seen["form"] = _flat(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        seen["vendor"] = _flat(pilot.app)
        pilot.app.set_actor("li.na")                  # the client signatory at the lead's desk
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        seen["client"] = _flat(pilot.app)

    drive(ledger, scenario)

    scope = ledger.scope_signoff()
    assert scope is not None
    assert (scope.number, scope.status, scope.effective_on) == ("SCOPE-001", "effective", TODAY)
    assert [(s.person, s.party, s.on) for s in scope.signatures] == [
        ("zhang.wei", "vendor", TODAY), ("li.na", "client", TODAY)]
    assert "Sign the scope 需求范围确认" in seen["form"]
    assert "SCOPE-001 Scope 需求范围确认" in seen["vendor"]  # the detail of the selected row
    assert "ESTIMATES FROZEN · 1 of 2" in seen["vendor"]
    assert "vendor ✓ client …" in seen["vendor"]
    assert "SIGNED" in seen["client"] and "vendor ✓ client ✓" in seen["client"]
    assert "deliverables change only through a change request" in seen["client"]
