"""The Change requests (6) and Sign-offs (8) views, driven by keys; checked in the database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from textual.widgets import Static

from model.errors import LedgerError
from tests.tui_support import TODAY, demo_ledger, drive, screen_text
from tests.tui_support import settle_reloads as settle
from tui.screens.changes import ChangesScreen
from tui.screens.form import FormScreen
from tui.screens.signoffs import SignoffsScreen


def _flat(app) -> str:
    """The screen's text with runs of spaces and borders squeezed (a wrapped message joins)."""
    return " ".join(screen_text(app).replace("█", " ").replace("▊", " ").replace("▎", " ")
                    .split())


def _form_error(app) -> str:
    assert isinstance(app.screen, FormScreen), f"no form open: {app.screen!r}"
    return str(app.screen.query_one("#form-error", Static).render())


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)


def test_raise_and_dual_sign_a_cr(tmp_path):
    ledger = demo_ledger(tmp_path)
    before = ledger.summary(TODAY)
    senior_before = next(g.budget_pd for g in before.by_grade if g.grade == "senior")
    numbers_before = {c.number for c in ledger.change_requests()}
    seen: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ChangesScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await _type(pilot, "More claim rules")       # title (focused)
        await pilot.press("tab", "tab")              # reason left empty
        await _type(pilot, "senior=5")                # PD deltas
        await settle(pilot)
        seen["preview"] = _flat(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ChangesScreen), _flat(pilot.app)
        seen["raised"] = _flat(pilot.app)

        await pilot.press("s")                       # sign as zhang.wei, date = today
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        seen["vendor"] = _flat(pilot.app)

        pilot.app.set_actor("li.na")                 # the client signatory at the lead's desk
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        seen["client"] = _flat(pilot.app)

    drive(ledger, scenario)

    new = [c for c in ledger.change_requests() if c.number not in numbers_before]
    assert len(new) == 1
    cr = ledger.change_request(new[0].number)
    assert cr.title == "More claim rules"
    assert cr.deltas == (("senior", 5000),)
    assert cr.status == "effective" and cr.effective_on == TODAY
    assert [(s.person, s.party, s.on) for s in cr.signatures] == [
        ("zhang.wei", "vendor", TODAY), ("li.na", "client", TODAY)]
    after = ledger.summary(TODAY)
    assert after.budget_pd == before.budget_pd + 5
    assert cr.number in after.effective_changes

    step = f"{senior_before} → {senior_before + 5}"           # 160 → 165 in the demo
    assert step in seen["preview"]                              # live preview before raising
    assert cr.number in seen["raised"] and "pending" in seen["raised"]
    assert step in seen["raised"]                               # the effect before it is signed
    assert "vendor ✓ client …" in seen["vendor"]
    assert "zhang.wei vendor lead" in seen["vendor"]
    assert "vendor ✓ client ✓" in seen["client"]
    assert f"effective since {TODAY}" in seen["client"]
    assert step in seen["client"]
    assert "+14,000.00" in seen["client"]                     # 5 PD x 2,800.00 senior rate


def test_engineer_signature_is_refused_with_the_ledgers_message(tmp_path):
    ledger = demo_ledger(tmp_path)
    cr_before = ledger.change_request("CR-002")
    shown: dict[str, str] = {}

    async def scenario(pilot):
        pilot.app.set_actor("liu.yang")              # a vendor engineer
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert pilot.app.screen.selected == "CR-002"  # the pending CR is selected first
        shown["footer"] = screen_text(pilot.app).splitlines()[-1]
        await pilot.press("s")  # not offered (issue 14): pressed anyway, refused at once
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormScreen)  # no dialog opened
        shown["notes"] = " | ".join(n.message for n in pilot.app._notifications)

    drive(ledger, scenario)

    with pytest.raises(LedgerError, match=r"liu\.yang \(vendor engineer\) may not sign") \
            as refusal:
        ledger.acting_as("liu.yang").sign_cr("CR-002", TODAY)
    assert "Sign CR" not in shown["footer"]
    # The ledger's words, its field named as the app names it.
    assert f"Acting as (ctrl+a): {refusal.value.problem}" in shown["notes"]
    assert ledger.change_request("CR-002") == cr_before      # signatures unchanged


def test_a_withdrawn_cr_cannot_be_signed(tmp_path):
    ledger = demo_ledger(tmp_path)
    sigs_before = ledger.change_request("CR-002").signatures
    shown: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("w")                       # withdraw CR-002 (confirm)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown["list"] = _flat(pilot.app)
        pilot.app.set_actor("li.na")
        await settle(pilot)
        await pilot.press("s")  # refused before the dialog opens (issue 14)
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormScreen)
        shown["notes"] = " | ".join(n.message for n in pilot.app._notifications)

    drive(ledger, scenario)

    cr = ledger.change_request("CR-002")
    assert cr.status == "withdrawn"
    assert cr.signatures == sigs_before
    assert "withdrawn" in shown["list"]
    assert "CR-002: is withdrawn and cannot be signed" in shown["notes"]


def test_raise_form_preview_names_a_bad_value(tmp_path):
    ledger = demo_ledger(tmp_path)
    count = len(ledger.change_requests())
    shown: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await _type(pilot, "Bad one")
        await pilot.press("tab", "tab")
        await _type(pilot, "wizard=3")
        await settle(pilot)
        shown["grade"] = _flat(pilot.app)
        await pilot.press(*["backspace"] * 8)
        await _type(pilot, "senior=x")
        await settle(pilot)
        shown["value"] = _flat(pilot.app)
        await pilot.press("enter")                   # the ledger refuses; nothing written
        await settle(pilot)
        shown["error"] = _form_error(pilot.app)

    drive(ledger, scenario)

    assert "⚠ PD deltas: 'wizard' is not a grade" in shown["grade"]
    assert "⚠ PD delta senior: 'x' is not a number" in shown["value"]
    assert shown["error"].startswith("refused:")
    assert len(ledger.change_requests()) == count


def test_sign_a_period_from_the_signoffs_view(tmp_path):
    ledger = demo_ledger(tmp_path)
    # The demo signed September (its first whole month): the first gap is the project's
    # first days in August, proposed before October (issue 14), never September.
    shown: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignoffsScreen)
        await pilot.press("p")                       # defaults: 2026-08-17 .. 2026-08-31, today
        await settle(pilot)
        shown["form"] = _flat(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        shown["locked"] = _flat(pilot.app)

        pilot.app.set_actor("li.na")
        await settle(pilot)
        await pilot.press("p")                       # that period awaits the client
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown["signed"] = _flat(pilot.app)

    drive(ledger, scenario)

    periods = [d for d in ledger.signoffs() if d.kind == "period"
               and d.first == date(2026, 8, 17) and d.last == date(2026, 8, 31)]
    assert len(periods) == 1
    doc = periods[0]
    assert doc.status == "effective" and doc.effective_on == TODAY
    assert [(s.person, s.party) for s in doc.signatures] == [("zhang.wei", "vendor"),
                                                             ("li.na", "client")]
    assert "2026-08-17" in shown["form"] and "2026-08-31" in shown["form"]
    assert "default: the earliest period not yet signed" in shown["form"]
    row = f"{doc.number} period 2026-08-17 .. 2026-08-31"
    assert f"{row} LOCKED · 1 of 2 vendor ✓ client …" in shown["locked"]
    assert "entries frozen; awaiting client" in shown["locked"]
    assert f"{row} SIGNED vendor ✓ client ✓ {TODAY}" in shown["signed"]
    # the lock is real: an August entry is refused
    with pytest.raises(LedgerError,
                       match=rf"^date: 2026-08-20 lies in period {doc.number} "
                             r"\(2026-08-17\.\.2026-08-31\), which is signed$"):
        ledger.acting_as("liu.yang").log(
            ledger.tasks()[0].code, "1", date(2026, 8, 20))


def test_acceptance_freezes_then_withdraw(tmp_path):
    ledger = demo_ledger(tmp_path)
    shown: dict[str, str] = {}

    async def scenario(pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown["frozen"] = _flat(pilot.app)
        await pilot.press("w")                       # the new acceptance is selected
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown["withdrawn"] = _flat(pilot.app)

    drive(ledger, scenario)

    acc = [d for d in ledger.signoffs() if d.kind == "acceptance"]
    assert len(acc) == 1 and acc[0].status == "withdrawn"
    assert [s.person for s in acc[0].signatures] == ["zhang.wei"]
    assert "LEDGER FROZEN · 1 of 2" in shown["frozen"]
    assert f"{acc[0].number} acceptance 验收 whole project withdrawn" in shown["withdrawn"]
    assert ledger.project().accepted_on is None
    assert ledger.summary(TODAY).budget_pd == Fraction(460)


def test_command_palette_actions_wait_for_the_data(tmp_path):
    ledger = demo_ledger(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(pilot):
        await pilot.app.goto("changes", "sign_cr")   # what the palette's entry runs
        await settle(pilot)
        seen["sign"] = isinstance(pilot.app.screen, FormScreen) and pilot.app.screen.form_title
        await pilot.press("escape")
        await pilot.app.goto("signoffs", "sign_period")
        await settle(pilot)
        seen["period"] = isinstance(pilot.app.screen, FormScreen) and pilot.app.screen.form_title
        await pilot.press("escape")
        await settle(pilot)
        await pilot.app.goto("changes", "raise_cr")
        await settle(pilot)
        seen["raise"] = isinstance(pilot.app.screen, FormScreen) and pilot.app.screen.form_title
        await pilot.press("escape")
        await settle(pilot)

    drive(ledger, scenario)

    assert seen == {"sign": "Sign CR-002", "period": "Sign a period's timesheet",
                    "raise": "Raise a change request 变更申请单"}


def test_the_clients_acceptance_form_records_conclusion_and_comments(tmp_path):
    """The client signs the acceptance from the app with a conclusion and comments; a
    conditional one without comments is refused naming the form's field; the vendor's
    form has no conclusion (only the client's signature records one)."""
    from textual.widgets import Input, Select

    ledger = demo_ledger(tmp_path)
    shown: dict[str, object] = {}

    async def scenario(pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("a")                        # the vendor lead's form
        await settle(pilot)
        shown["vendor_fields"] = [w.id for w in pilot.app.screen.query("Input, Select")]
        await pilot.press("escape")
        await settle(pilot)

        pilot.app.set_actor("li.na")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#f-conclusion", Select).value = "conditional"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown["refused"] = _form_error(pilot.app)
        form.query_one("#f-comment", Input).focus()
        await _type(pilot, "[b]manual[/b] due 12-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown["after"] = _flat(pilot.app)

    drive(ledger, scenario)

    assert shown["vendor_fields"] == ["f-on"]
    assert "Comments 意见: a conditional acceptance says why" in str(shown["refused"])
    acc = [d for d in ledger.signoffs() if d.kind == "acceptance"]
    assert len(acc) == 1
    assert (acc[0].conclusion, acc[0].comment) == ("conditional", "[b]manual[/b] due 12-20")
    assert [s.person for s in acc[0].signatures] == ["li.na"]
    assert "Conclusion: accepted with conditions 有条件通过" in str(shown["after"])
    assert "Comments: [b]manual[/b] due 12-20" in str(shown["after"])


def test_a_rejected_acceptance_reads_as_rejected_and_the_project_open():
    from model.views import SignoffView
    from tui.screens.signoffs import meaning, short_meaning, status_label

    doc = SignoffView("acceptance", "ACC-001", None, None, "rejected", None, (),
                      "rejected", "interfaces missing")
    assert status_label(doc) == ("REJECTED", "bold red")
    assert "project stays open" in meaning(doc)
    assert short_meaning(doc) == "rejected: project stays open"
