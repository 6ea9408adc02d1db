"""The Exports view (0): print a sheet from the TUI, refusals, progress, verify."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, LoadingIndicator, Select, Static

from exports.base import read_keywords
from tests.tui_support import demo_ledger, drive, screen_text
from tests.tui_support import settle_reloads as settle
from tui.screens.exports import ExportsScreen, default_name, sheet_request


def _flat(app) -> str:
    """The screen's text with runs of spaces squeezed (a wrapped line joins)."""
    return " ".join(screen_text(app).replace("│", " ").split())


def _keywords(path) -> dict[str, str]:
    from pypdf import PdfReader

    return read_keywords(str(PdfReader(str(path)).metadata.get("/Keywords") or ""))


async def _open(pilot) -> ExportsScreen:
    await pilot.press("0")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportsScreen), screen
    return screen


async def _choose(pilot, screen: ExportsScreen, kind: str) -> None:
    screen.query_one("#ex-kind", Select).value = kind
    await settle(pilot)


async def _export(pilot, screen: ExportsScreen) -> None:
    await pilot.press("escape")  # out of any text field: x is the view's key again
    await pilot.press("x")
    await settle(pilot)


def test_export_the_cr_form_from_the_view(tmp_path):
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "out" / "CR-002 form.pdf"
    out.parent.mkdir()
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        crs = screen.query_one("#ex-cr", Select)
        assert crs.value == "CR-002"  # the pending CR is the default choice
        seen["default path"] = screen.query_one("#ex-out", Input).value
        screen.query_one("#ex-out", Input).value = str(out)
        await settle(pilot)
        await _export(pilot, screen)
        seen["done"] = _flat(pilot.app)
        await pilot.press("v")
        await settle(pilot)
        seen["verified"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert seen["default path"] == "~/sowtrack-exports/DEMO-AGENT-CR-002.pdf"
    assert out.is_file() and out.read_bytes().startswith(b"%PDF")
    fields = _keywords(out)
    assert fields["id"] == "DEMO-AGENT/CR/CR-002"
    assert len(fields["sha256"]) == 64
    assert not list(out.parent.glob("*.part"))
    done = seen["done"]
    assert "✓ wrote" in done and "DEMO-AGENT/CR/CR-002" in done, done
    assert f"sha256 {fields['sha256'][:16]}…" in done, done
    assert "refused" not in done
    verified = seen["verified"]
    assert "✓ matches" in verified and "still holds exactly" in verified, verified
    assert "CR-002 is pending" in verified, verified


@pytest.mark.parametrize("kind, doc_id", [
    ("acceptance", "DEMO-AGENT/ACC"),
    ("timesheet", "DEMO-AGENT/TS/2026-10-01..2026-10-31"),  # the previous month, by default
    ("cr", "DEMO-AGENT/CR/CR-002"),
    ("plan", "DEMO-AGENT/PLAN"),
    ("status", "DEMO-AGENT/STATUS/2026-11-21"),  # as of the app's today, by default
])
def test_every_sheet_exports_from_the_view_with_its_defaults(kind, doc_id, tmp_path):
    ledger = demo_ledger(tmp_path)
    out = tmp_path / f"{kind}.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, kind)
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())
        seen["done"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert seen["error"] == "", seen["error"]
    assert out.is_file() and _keywords(out)["id"] == doc_id
    assert f"document {doc_id}" in seen["done"], seen["done"]


def test_a_bad_date_is_refused_with_the_ledgers_message_and_writes_nothing(tmp_path):
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "ts.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "timesheet")
        assert screen.query_one("#ex-first", Input).value == "2026-10-01"  # previous month
        assert screen.query_one("#ex-last", Input).value == "2026-10-31"
        assert (screen.query_one("#ex-out", Input).value
                == "~/sowtrack-exports/DEMO-AGENT-timesheet-2026-10.pdf")
        # The default path follows the period (and the person) while the user keeps it.
        screen.query_one("#ex-first", Input).value = "2026-09-01"
        screen.query_one("#ex-last", Input).value = "2026-09-30"
        await settle(pilot)
        assert (screen.query_one("#ex-out", Input).value
                == "~/sowtrack-exports/DEMO-AGENT-timesheet-2026-09.pdf")
        screen.query_one("#ex-person", Select).value = "liu.yang"
        screen.query_one("#ex-last", Input).value = "2026-09-15"
        await settle(pilot)
        assert (screen.query_one("#ex-out", Input).value
                == "~/sowtrack-exports/DEMO-AGENT-timesheet-2026-09-01_2026-09-15-liu.yang.pdf")
        screen.query_one("#ex-out", Input).value = str(out)
        screen.query_one("#ex-first", Input).value = "2026-10-32"
        await settle(pilot)
        await _export(pilot, screen)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())
        seen["screen"] = _flat(pilot.app)
        # The path the user typed stays theirs when the parameters change.
        screen.query_one("#ex-first", Input).value = "2026-10-05"
        await settle(pilot)
        seen["path after"] = screen.query_one("#ex-out", Input).value

    drive(ledger, scenario)
    # Worded as every view words a refusal (tui.text.refusal): the form's label, no flag.
    assert seen["error"] == "refused: From: '2026-10-32' is not a date (YYYY-MM-DD)"
    assert "'2026-10-32' is not a date" in seen["screen"]
    assert "✓ wrote" not in seen["screen"]
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))
    assert seen["path after"] == str(out)


def test_a_refused_period_names_the_forms_labels_never_a_flag_or_a_field(tmp_path):
    """A period left empty, or ending before it starts, is refused in the words of the
    form (its labels From and To), as every view words a refusal: never ``--from/--to``
    nor the ledger's field names (``period:``, ``last:``)."""
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "ts.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "timesheet")
        screen.query_one("#ex-out", Input).value = str(out)
        screen.query_one("#ex-first", Input).value = ""
        await settle(pilot)
        await _export(pilot, screen)
        seen["empty"] = str(screen.query_one("#ex-error", Static).render())
        screen.query_one("#ex-first", Input).value = "2026-10-31"
        screen.query_one("#ex-last", Input).value = "2026-10-01"
        await settle(pilot)
        await _export(pilot, screen)
        seen["backwards"] = str(screen.query_one("#ex-error", Static).render())
        seen["screen"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert seen["empty"] == "refused: From/To: a timesheet needs its period", seen["empty"]
    assert seen["backwards"] == "refused: To: 2026-10-01 is before From 2026-10-31"
    assert "To: 2026-10-01 is before From 2026-10-31" in seen["screen"]
    for shown in (seen["empty"], seen["backwards"], seen["screen"]):
        assert "--" not in shown and "period:" not in shown and "last:" not in shown
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))


def test_a_missing_folder_is_refused(tmp_path):
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "nowhere" / "cr.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())

    drive(ledger, scenario)
    assert seen["error"].startswith("refused: Save to: the folder "), seen["error"]
    assert "nowhere" in seen["error"] and not out.parent.exists()


def test_the_view_shows_progress_while_the_sheet_builds(tmp_path, monkeypatch):
    """The build runs in a worker: the UI shows a spinner and the step, and stays live."""
    import storage.sheets

    real = storage.sheets.build_sheet
    entered, release = threading.Event(), threading.Event()

    def slow_build(ledger, request, printed_on=None):
        entered.set()
        assert release.wait(10)
        return real(ledger, request, printed_on)

    monkeypatch.setattr(storage.sheets, "build_sheet", slow_build)
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "cr.pdf"
    seen: dict[str, object] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        screen.query_one("#ex-out", Input).value = str(out)
        await pilot.press("escape", "x")
        for _ in range(100):
            if entered.is_set():
                break
            await pilot.pause(0.05)
        await pilot.pause()
        seen["spinner"] = screen.query_one("#ex-spinner", LoadingIndicator).display
        seen["status"] = str(screen.query_one("#ex-status", Static).render())
        await pilot.press("x")  # a second export while one runs is turned away
        await pilot.press("9")  # the UI is not blocked: switching views works meanwhile
        await pilot.pause()
        seen["switched"] = type(pilot.app.screen).__name__
        release.set()
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        seen["after spinner"] = screen.query_one("#ex-spinner", LoadingIndicator).display
        seen["done"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert seen["spinner"] is True
    assert "building the sheet" in str(seen["status"]), seen["status"]
    assert seen["switched"] == "JournalScreen"
    assert seen["after spinner"] is False
    assert "✓ wrote" in str(seen["done"]) and out.is_file()


def test_verify_says_when_the_ledger_no_longer_holds_a_print(tmp_path):
    ledger = demo_ledger(tmp_path, actor="zhang.wei")
    number = ledger.new_cr("Extra dashboards", "client asked", {"senior": "2"}).number
    out = tmp_path / "cr.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        screen.query_one("#ex-cr", Select).value = number
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        ledger.edit_cr(number, deltas={"senior": "3"})
        await pilot.press("v")
        await settle(pilot)
        seen["changed"] = _flat(pilot.app)
        screen.query_one("#ex-out", Input).value = str(tmp_path / "missing.pdf")
        await pilot.press("escape", "v")
        await settle(pilot)
        seen["missing"] = str(screen.query_one("#ex-error", Static).render())

    drive(ledger, scenario)
    assert "✗ does not match" in seen["changed"], seen["changed"]
    assert f"DEMO-AGENT/CR/{number}" in seen["changed"]
    assert seen["missing"].startswith("refused: verify: no file at "), seen["missing"]


def test_verify_refuses_a_print_whose_page_was_edited(tmp_path):
    """The view's `v` is `sowtrack verify FILE.pdf`: a page edited with the metadata kept
    is refused, naming the page."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream

    ledger = demo_ledger(tmp_path, actor="zhang.wei")
    out = tmp_path / "cr.pdf"
    seen: dict[str, str] = {}

    def forge() -> None:
        writer = PdfWriter(clone_from=str(out))
        page = writer.pages[0]
        stream = ContentStream(None, None)
        stream.set_data(page.get_contents().get_data().replace(b"(+6) Tj", b"(+60) Tj", 1))
        page.replace_contents(stream)
        writer.write(str(out))

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        forge()
        await pilot.press("v")
        await settle(pilot)
        seen["forged"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert _keywords(out)["id"] == "DEMO-AGENT/CR/CR-002"
    forged = seen["forged"]
    assert "✗ refused" in forged and "✓" not in forged, forged
    assert ("page 1 differs from what the ledger prints: it reads '+60' where the ledger "
            "prints '+6'") in forged, forged
    assert "the file was altered after it was printed" in forged, forged


def test_the_palette_offers_the_exports(tmp_path):
    from tui.app import ACTIONS

    titles = [t for t, _, mode, _ in ACTIONS if mode == "exports"]
    assert "Export a sheet" in titles and "Verify a printed sheet" in titles
    assert "Export the change request form 变更申请单" in titles
    assert "Export the timesheet confirmation 工时确认单" in titles
    ledger = demo_ledger(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(pilot):
        await pilot.app.goto("exports", "choose_acceptance")
        await settle(pilot)
        screen = pilot.app.screen
        seen["kind"] = screen.query_one("#ex-kind", Select).value
        seen["path"] = screen.query_one("#ex-out", Input).value

    drive(ledger, scenario)
    assert seen["kind"] == "acceptance"
    assert seen["path"] == "~/sowtrack-exports/DEMO-AGENT-acceptance.pdf"


def test_default_names():
    from datetime import date

    req = sheet_request({"kind": "timesheet", "first": "2026-10-01", "last": "2026-10-31"})
    assert default_name("P", req) == "P-timesheet-2026-10.pdf"
    req = sheet_request({"kind": "timesheet", "first": "2026-10-01", "last": "2026-10-15",
                         "person": "liu.yang"})
    assert default_name("P", req) == "P-timesheet-2026-10-01_2026-10-15-liu.yang.pdf"
    req = sheet_request({"kind": "timesheet", "first": "2026-12-01", "last": "2026-12-31"})
    assert default_name("P", req) == "P-timesheet-2026-12.pdf"
    assert default_name("P", sheet_request({"kind": "cr", "cr": "cr-002"})) == "P-CR-002.pdf"
    req = sheet_request({"kind": "status", "as_of": "2026-11-21"})
    assert req.as_of == date(2026, 11, 21)
    assert default_name("P", req) == "P-status-2026-11-21.pdf"
    assert default_name("P", sheet_request({"kind": "plan"})) == "P-plan.pdf"


def test_the_view_prints_in_the_language_chosen(tmp_path):
    """The language defaults to the SOW's (zh for the demo); English is a choice away."""
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "cr-en.pdf"
    seen: dict[str, object] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "cr")
        seen["default"] = screen.query_one("#ex-lang", Select).value
        screen.query_one("#ex-lang", Select).value = "en"
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())

    drive(ledger, scenario)
    assert seen["default"] == "zh"
    assert seen["error"] == "", seen["error"]
    assert _keywords(out)["lang"] == "en"
    from pypdf import PdfReader

    assert "Change Request Form CR-002" in PdfReader(str(out)).pages[0].extract_text()


def test_the_view_prints_a_file_per_person(tmp_path):
    """"one file per person": each person's sheet a document of its own, each file named
    after the one typed, and the revision shown (not the ledger's audit length)."""
    from textual.widgets import Checkbox

    ledger = demo_ledger(tmp_path)
    out = tmp_path / "october.pdf"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        await _choose(pilot, screen, "timesheet")
        screen.query_one("#ex-per-person", Checkbox).value = True
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot, screen)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())
        seen["done"] = _flat(pilot.app)

    drive(ledger, scenario)
    assert seen["error"] == "", seen["error"]
    people = [p.key for p in ledger.people() if p.party == "vendor" and p.grade]
    assert not out.exists()
    for key in people:
        path = tmp_path / f"october-{key}.pdf"
        assert _keywords(path)["id"] == f"DEMO-AGENT/TS/2026-10-01..2026-10-31/{key}"
        assert _keywords(path)["revision"] == "1"
    done = seen["done"]
    assert f"and {len(people) - 1} more, one document per person" in done, done
    assert "revision 1 (of this document's content)" in done, done
