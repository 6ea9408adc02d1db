"""The Exports view (0) writes the spreadsheets for finance too: entries, the summary and a
timesheet as XLSX or CSV, through the command line's pipeline (tui.spreadsheets), its
refusals in the form's words."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from textual.widgets import Input, Select, Static

from tests.tui_support import demo_ledger, drive, screen_text
from tests.tui_support import settle_reloads as settle
from tui.screens.exports import ExportsScreen


async def _open(pilot) -> ExportsScreen:
    await pilot.press("0")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportsScreen), screen
    return screen


async def _export(pilot) -> None:
    await pilot.press("escape")  # out of any text field: x is the view's key again
    await pilot.press("x")
    await settle(pilot)


def test_the_entries_as_xlsx_from_the_view(tmp_path):
    ledger = demo_ledger(tmp_path)
    out = tmp_path / "october.xlsx"
    seen: dict[str, object] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        screen.query_one("#ex-kind", Select).value = "entries"
        await settle(pilot)
        fmt = screen.query_one("#ex-format", Select)
        seen["formats"] = [v for _, v in fmt._options]
        seen["format shown"] = screen.query_one("#ex-format-group").display
        seen["per person shown"] = screen.query_one("#ex-per-person").display
        seen["default path"] = screen.query_one("#ex-out", Input).value
        fmt.value = "csv"
        await settle(pilot)
        seen["csv path"] = screen.query_one("#ex-out", Input).value
        fmt.value = "xlsx"
        await settle(pilot)
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())
        seen["done"] = str(screen.query_one("#ex-result", Static).render())
        seen["screen"] = " ".join(screen_text(pilot.app).split())

    drive(ledger, scenario)
    assert seen["formats"] == ["xlsx", "csv"]  # entries are a spreadsheet only
    assert seen["format shown"] and not seen["per person shown"]
    # the previous month, as for the timesheet
    assert seen["default path"] == "~/sowtrack-exports/DEMO-AGENT-entries-2026-10.xlsx"
    assert seen["csv path"] == "~/sowtrack-exports/DEMO-AGENT-entries-2026-10.csv"
    assert seen["error"] == "", seen["error"]
    october = ledger.entries(date(2026, 10, 1), date(2026, 10, 31))
    assert seen["done"].startswith(f"✓ wrote {out}\n  XLSX (Excel), {len(october)} row(s)")
    assert "XLSX (Excel)" in seen["screen"]
    ws = load_workbook(out).active
    assert ws["A1"].value == "日期" and ws.freeze_panes == "A2"
    assert ws.max_row == len(october) + 2  # the header, the entries, the totals
    assert [ws[f"I{r}"].value for r in range(2, ws.max_row)] == [e.id for e in october]
    assert ws[f"G{ws.max_row}"].value == f"=SUM(G2:G{ws.max_row - 1})"


def test_the_timesheet_as_csv_and_a_suffix_that_disagrees(tmp_path):
    ledger = demo_ledger(tmp_path)
    bad = tmp_path / "march.xlsx"
    out = tmp_path / "march.csv"
    seen: dict[str, str] = {}

    async def scenario(pilot):
        screen = await _open(pilot)
        assert str(screen.query_one("#ex-kind", Select).value) == "timesheet"
        assert screen.query_one("#ex-format", Select).value == "pdf"  # a sheet to sign
        screen.query_one("#ex-format", Select).value = "csv"
        await settle(pilot)
        screen.query_one("#ex-out", Input).value = str(bad)
        await _export(pilot)
        seen["mismatch"] = str(screen.query_one("#ex-error", Static).render())
        screen.query_one("#ex-out", Input).value = str(out)
        await _export(pilot)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())
        screen.query_one("#ex-kind", Select).value = "acceptance"
        await settle(pilot)
        seen["acceptance format shown"] = str(screen.query_one("#ex-format-group").display)

    drive(ledger, scenario)
    assert seen["mismatch"] == (f"refused: Format: csv does not match Save to {bad} (a .xlsx "
                                "file); name a .csv file or set Format to xlsx"), seen["mismatch"]
    assert not bad.exists()
    assert seen["error"] == "", seen["error"]
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["姓名", "账号", "职级", "2026-10-01 四"]
    total = next(r for r in rows if r and r[0] == "合计")
    people = rows[1:rows.index(total)]
    pd = rows[0].index("合计（人天）")
    assert sum(Decimal(r[pd]) for r in people) == Decimal(total[pd]) > 0
    assert seen["acceptance format shown"] == "False"
