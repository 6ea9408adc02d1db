"""The journal: every entry, read a page at a time as the cursor goes down."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from storage.services import Ledger
from tui.screens.journal import PAGE, JournalScreen
from tui.widgets.entry_form import PickScreen

from .tui_support import demo_ledger, drive, screen_text, settle


def spy_on_reads(led: Ledger) -> list[tuple[str, object]]:
    """Record every read of entries the app makes through this ledger."""
    calls: list[tuple[str, object]] = []
    entries_after, entries = led.entries_after, led.entries

    def paged(after, limit, person=None):
        calls.append(("entries_after", limit))
        return entries_after(after, limit, person)

    def everything(*args, **kwargs):
        calls.append(("entries", kwargs.get("limit")))
        return entries(*args, **kwargs)

    led.entries_after = paged  # type: ignore[method-assign]
    led.entries = everything  # type: ignore[method-assign]
    return calls


def test_the_journal_reads_a_page_at_a_time(tmp_path: Path) -> None:
    # acting as the lead, as the app would: the spies below sit on the ledger it uses
    led = demo_ledger(tmp_path).acting_as("zhang.wei")
    total = led.entry_count()
    assert total > 2 * PAGE  # the demo is bigger than two pages
    ids = [e.id for e in led.entries()]  # oldest first, as the journal shows them
    calls = spy_on_reads(led)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("9")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, JournalScreen)
        table = screen.query_one("#journal-table", DataTable)
        calls.clear()  # what the journal reads from here on
        screen.reload()
        await settle(pilot)
        seen["first"] = table.row_count
        seen["head"] = screen_text(pilot.app)
        # Page down with the keyboard: the next page comes before the end is reached.
        while table.cursor_row < PAGE - 50:
            await pilot.press("pagedown")
            await settle(pilot)
        assert table.cursor_row < PAGE - 1
        seen["second"] = table.row_count
        # Jump to the last loaded row, again and again: one more page each time.
        sizes = []
        while table.row_count < total:
            before = table.row_count
            await pilot.press("ctrl+end")
            await settle(pilot)
            assert table.row_count > before
            sizes.append(table.row_count)
        seen["sizes"] = sizes
        seen["ids"] = [int(str(k.value)) for k in table.rows]
        seen["last"] = screen_text(pilot.app)

    drive(led, scenario)
    assert seen["first"] == PAGE < total
    assert f"{PAGE} of {total:,} entries loaded" in str(seen["head"])
    assert seen["second"] == 2 * PAGE
    assert seen["sizes"][-1] == total
    assert all(b - a <= PAGE for a, b in zip([2 * PAGE, *seen["sizes"]], seen["sizes"],
                                             strict=False))
    assert seen["ids"] == ids  # in order, none twice, none missing
    assert f"{total:,} of {total:,} entries loaded" in str(seen["last"])
    # Never everything at once: only keyset pages of PAGE rows.
    assert calls and all(call == ("entries_after", PAGE) for call in calls)


def test_the_journal_filters_by_person(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    mine = [e.id for e in led.entries(person="liu.yang")]
    assert len(mine) < PAGE
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, PickScreen)
        keys = [value for _, value in picker.options]
        for _ in range(keys.index("liu.yang")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        table = pilot.app.screen.query_one("#journal-table", DataTable)
        seen["ids"] = [int(str(k.value)) for k in table.rows]
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario)
    assert seen["ids"] == mine
    text = str(seen["text"])
    assert f"all {len(mine)} entries of liu.yang loaded" in text
    assert "刘洋 liu.yang" in text and "陈静 chen.jing" not in text.split("task", 1)[1]
