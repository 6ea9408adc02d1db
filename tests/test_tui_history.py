"""The History view: the audit log in words, filtered, paged; opened from the journal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from model.history import local_time
from storage.services.history import HISTORY_PAGE
from tui.screens.history import HistoryScreen
from tui.screens.journal import JournalScreen
from tui.widgets.form import FormScreen

from .tui_support import demo_ledger, drive, screen_text, settle


def ids(pilot: Pilot) -> list[int]:
    table = pilot.app.screen.query_one("#history-table", DataTable)
    return [int(str(k.value)) for k in table.rows]


def cells(pilot: Pilot) -> list[str]:
    """The "what" column of every loaded row, as plain text."""
    table = pilot.app.screen.query_one("#history-table", DataTable)
    return [str(table.get_cell(k, "what")) for k in table.rows]


async def filter_by(pilot: Pilot, **values: str) -> None:
    await pilot.press("f")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for name in ("record", "person", "first", "last"):
        form.query_one(f"#f-{name}", Input).value = values.get(name, "")
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_the_history_reads_a_page_at_a_time_newest_first(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    entry = led.entries()[-1]
    for i in range(2 * HISTORY_PAGE):  # the demo's imports are a few batch rows: pages
        led.edit_entry(entry.id, note=f"note {i}")
    everything = [h.id for h in led.history_all()]
    assert len(everything) > 2 * HISTORY_PAGE
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HistoryScreen)
        seen["first"] = ids(pilot)
        seen["head"] = screen_text(pilot.app)
        table = pilot.app.screen.query_one("#history-table", DataTable)
        while table.row_count < len(everything):
            before = table.row_count
            await pilot.press("ctrl+end")
            await settle(pilot)
            assert table.row_count > before
        seen["all"] = ids(pilot)
        seen["last"] = screen_text(pilot.app)

    drive(led, scenario)
    assert seen["first"] == everything[:HISTORY_PAGE]
    head = str(seen["head"])
    assert f"{HISTORY_PAGE} audit rows loaded" in head and "newest first" in head
    assert " h History " in head  # its place in the top bar
    assert seen["all"] == everything  # in order, none twice, none missing
    assert f"all {len(everything):,} audit rows loaded" in str(seen["last"])


def test_the_history_filters_by_record_person_and_day(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    cr = [h.text for h in led.history("CR-002")]
    lina = [h.text for h in led.history(person="li.na")]
    assert cr and lina
    # the demo's rows were all recorded today, in the project's time zone
    today = local_time(datetime.now(UTC).replace(tzinfo=None), led.project().timezone).date()
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("h")
        await settle(pilot)
        await filter_by(pilot, record="cr-002")
        seen["cr"] = cells(pilot)
        seen["cr text"] = screen_text(pilot.app)
        await filter_by(pilot, person="li.na")
        seen["lina"] = cells(pilot)
        await filter_by(pilot, first=(today + timedelta(days=1)).isoformat())
        seen["tomorrow"] = cells(pilot)
        seen["tomorrow text"] = screen_text(pilot.app)
        await filter_by(pilot, person="li.na", first=(today - timedelta(days=1)).isoformat(),
                        last=today.isoformat())
        seen["lina today"] = cells(pilot)
        await pilot.press("x")  # everything again
        await settle(pilot)
        seen["all"] = len(ids(pilot))

    drive(led, scenario)
    assert seen["cr"] == cr and all("CR-002" in t for t in cr)
    assert "showing record cr-002 (f)" in str(seen["cr text"])
    assert "赵敏 signed CR-002 on 2026-11-05" in str(seen["cr text"])
    assert seen["lina"] == lina and all(t.startswith("李娜 ") for t in lina)
    assert seen["tomorrow"] == []
    assert "no audit row matches" in str(seen["tomorrow text"])
    assert seen["lina today"] == lina
    assert seen["all"] == min(HISTORY_PAGE, len(list(led.history_all())))


def test_a_bad_filter_is_refused_in_the_form_by_its_label(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("h")
        await settle(pilot)
        for values in ({"person": "nobody"}, {"record": "widget:1"},
                       {"first": "2026-11-05", "last": "2026-11-01"}):
            await filter_by(pilot, **values)
            form = pilot.app.screen
            assert isinstance(form, FormScreen)  # it stays open
            seen[next(iter(values))] = str(form.query_one("#form-error", Static).render())
            await pilot.press("escape", "enter")  # Discard changes? yes
            await settle(pilot)

    drive(led, scenario)
    assert seen["person"].startswith("refused: Person: unknown person 'nobody'")
    assert seen["record"].startswith("refused: Record: 'widget' is no kind of record")
    assert seen["first"] == "refused: To: 2026-11-01 is before From 2026-11-05"
    assert not any("--" in v for v in seen.values())


def test_the_journal_opens_an_entrys_history(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path).acting_as("zhang.wei")
    entry = led.entries(limit=1)[0]
    # a note with markup and a bracket: shown as typed
    led.edit_entry(entry.id, hours="6", note="[b]重做[/b] [WIP")
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, JournalScreen)
        await pilot.press("H")  # the first entry is selected
        await settle(pilot)
        assert isinstance(pilot.app.screen, HistoryScreen)
        seen["cells"] = cells(pilot)
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario)
    rows = led.history(f"entry:{entry.id}")
    assert len(rows) == 2 and seen["cells"] == [h.text for h in rows]
    text = str(seen["text"])
    assert f"showing record entry:{entry.id}" in text
    assert f"张伟 edited entry {entry.id} on " in text
    assert seen["cells"][0].endswith(f"note “{entry.note}” → “[b]重做[/b] [WIP”")
    assert "[b]重做[/b] [WIP" in text  # markup shown as typed, never applied


def test_history_is_in_the_help_and_the_palette(tmp_path: Path) -> None:
    from tui.app import VIEW_MODES, view_bindings
    from tui.screens.help import keys_text
    from tui.widgets.navbar import VIEWS

    assert ("history", "h", "History") in VIEWS
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        seen["help"] = keys_text(pilot.app)

    drive(demo_ledger(tmp_path), scenario)
    text = seen["help"]
    assert "h History" in text
    assert re.search(r"History\n  f +Filter", text), text
    assert re.search(r"\n  H +Entry's history", text), text
    assert [b.action for b in view_bindings(VIEW_MODES["journal"])][-1] == "entry_history"
