"""Spreadsheets for finance: the tables of ``export entries|summary|timesheet --format
csv|xlsx`` laid out from model views, and written as CSV or XLSX.

:func:`build_table` lays out a :class:`storage.spreadsheets.TableSource`'s figures (the
source's fields, passed in; exports never read a database) as a
:class:`model.spreadsheet.Table`, its headers in the SOW's language with the printed
sheets' words (exports.timesheet_text, status_text, acceptance_text). :func:`csv_bytes`
and :func:`xlsx_bytes` write one; nothing here touches a file (storage.outfile does).

CSV: UTF-8 with a BOM (Excel then reads Chinese right), a header row, the same columns as
the xlsx, numbers as plain decimals, dates as ISO dates, text guarded against formula
injection (model.spreadsheet.csv_text). XLSX (openpyxl, imported only here, when one is
written): typed cells, a bold header row frozen in place, columns as wide as their
content, totals as ``=SUM(...)`` formulas, text that looks like a formula stored as text.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from exports.acceptance_text import TEXT as ACCEPTANCE_TEXT
from exports.status_text import TEXT as STATUS_TEXT
from exports.timesheet_text import MONEY_TEXT
from exports.timesheet_text import TEXT as TIMESHEET_TEXT
from model.rules import round_money, round_pd, round_to_total
from model.sheet_kinds import SHEET_KINDS, SheetKind
from model.sheet_timesheet import hours_grid
from model.sheets import LABELS
from model.spreadsheet import (
    FORMULA_STARTS,
    Column,
    Kind,
    RowSum,
    Table,
    Value,
    cell_text,
    csv_text,
    xlsx_text,
)

#: the words no printed sheet has yet (the others are the sheets' own)
TEXT = {
    "zh": {"entries": "工时明细", "summary": "人天汇总", "note": "备注", "entry": "工时编号"},
    "en": {"entries": "Time entries", "summary": "Person-day summary", "note": "Note",
           "entry": "Entry id"},
}


def _words(lang: str) -> str:
    return lang if lang in TEXT else "en"


def build_table(kind: str, source: Any) -> Table:
    """The table of ``kind`` (entries, summary, timesheet) from ``source``
    (storage.spreadsheets.TableSource: duck-typed, exports do not import storage)."""
    return {"entries": _entries, "summary": _summary, "timesheet": _timesheet}[kind](source)


def _entries(src: Any) -> Table:
    lang = _words(src.language)
    t, ts = TEXT[lang], TIMESHEET_TEXT[lang]
    entries = src.entries
    hours = round_to_total([Fraction(e.minutes, 60) for e in entries], 2)
    pds = round_to_total([Fraction(e.minutes, src.minutes_per_day) for e in entries], 3)
    columns = (Column(LABELS[lang]["date"], Kind.DATE), Column(ts["key"], Kind.TEXT),
               Column(ts["name"], Kind.TEXT), Column(ts["grade"], Kind.TEXT),
               Column(STATUS_TEXT[lang]["task"], Kind.TEXT),
               Column(ts["hours"], Kind.HOURS, total=True),
               Column(ts["pd"], Kind.PD, total=True),
               Column(t["note"], Kind.TEXT), Column(t["entry"], Kind.INT))
    rows = tuple((e.on, e.person, src.names.get(e.person, e.person),
                  src.ladder.label(e.grade, lang), e.task, h, pd, e.note, e.id)
                 for e, h, pd in zip(entries, hours, pds, strict=True))
    return Table(t["entries"], columns, rows, ts["total"], src.currency)


def _summary(src: Any) -> Table:
    lang = _words(src.language)
    st, acc, money = STATUS_TEXT[lang], ACCEPTANCE_TEXT[lang], MONEY_TEXT[lang]
    s = src.summary
    cur = s.currency
    grades = s.by_grade
    rates = [Fraction(src.rates.get(g.grade, 0), 100) for g in grades]
    columns = (Column(st["grade"], Kind.TEXT),
               Column(acc["t_budget"], Kind.PD, total=True),
               Column(acc["t_consumed"], Kind.PD, total=True),
               Column(acc["t_remaining"], Kind.PD, total=True),
               Column(money["rate"].format(cur=cur), Kind.MONEY),
               Column(_with_currency(st["budget_cost"], cur, lang), Kind.MONEY, total=True),
               Column(_with_currency(st["consumed_cost"], cur, lang), Kind.MONEY, total=True))
    # each column adds up to the ledger's total as `report summary` rounds it
    budget = round_to_total([g.budget_pd for g in grades], 3)
    consumed = round_to_total([g.consumed_pd for g in grades], 3)
    remaining = round_to_total([g.remaining_pd for g in grades], 3)
    budget_cost = round_to_total([g.budget_pd * r for g, r in zip(grades, rates, strict=True)],
                                 2)
    consumed_cost = round_to_total([g.consumed_pd * r
                                    for g, r in zip(grades, rates, strict=True)], 2)
    rows = tuple((s.ladder.label(g.grade, lang), b, c, r, round_money(rate), bc, cc)
                 for g, b, c, r, rate, bc, cc in zip(grades, budget, consumed, remaining,
                                                     rates, budget_cost, consumed_cost,
                                                     strict=True))
    client, vendor = st["party_client"], st["party_vendor"]
    notes = ((st["as_of"], Kind.DATE, s.as_of),
             (st["overtime"], Kind.PD, round_pd(s.overtime_pd)),
             (_qualified(st["blocked"], client, lang), Kind.INT, s.blocked_days.get("client", 0)),
             (_qualified(st["blocked"], vendor, lang), Kind.INT, s.blocked_days.get("vendor", 0)))
    return Table(TEXT[lang]["summary"], columns, rows, st["total"], cur, notes)


def _timesheet(src: Any) -> Table:
    lang = _words(src.language)
    ts = TIMESHEET_TEXT[lang]
    data = src.timesheet
    section = data.sections[0]
    days = data.days
    grid = hours_grid(section, days)  # the printed sheet's grid, footed both ways
    overtime = round_to_total([Fraction(r.overtime_minutes, 60) for r in section.rows], 2)
    pds = round_to_total([data.pd(r.total_minutes) for r in section.rows], 3)
    weekdays = ts["weekdays"]
    columns = (Column(ts["name"], Kind.TEXT), Column(ts["key"], Kind.TEXT),
               Column(ts["grade"], Kind.TEXT),
               *(Column(f"{d.isoformat()} {weekdays[d.weekday()]}", Kind.HOURS, total=True)
                 for d in days),
               Column(ts["sum_h"], Kind.HOURS, total=True),
               Column(ts["overtime"], Kind.HOURS, total=True),
               Column(ts["sum_pd"], Kind.PD, total=True))
    first_day, last_day = 3, 3 + len(days) - 1
    rows = []
    for i, person in enumerate(section.rows):
        cells: list[Value] = [person.name, person.key,
                              " / ".join(data.ladder.label(g, lang) for g in person.grades)]
        cells += [grid.cells[i][j] if person.minutes.get(d) else None
                  for j, d in enumerate(days)]
        cells += [RowSum(grid.row_totals[i], first_day, last_day), overtime[i], pds[i]]
        rows.append(tuple(cells))
    title = SHEET_KINDS[SheetKind.TIMESHEET]
    notes = ((ts["period"], Kind.TEXT, f"{data.first.isoformat()}..{data.last.isoformat()}"),)
    return Table(title.title_zh if lang == "zh" else title.title_en.capitalize(), columns,
                 tuple(rows), ts["total"], data.currency, notes, frozen_columns=2)


def _with_currency(word: str, currency: str, lang: str) -> str:
    return f"{word}（{currency}）" if lang == "zh" else f"{word} ({currency})"


def _qualified(word: str, what: str, lang: str) -> str:
    return f"{word}（{what}）" if lang == "zh" else f"{word} ({what})"


# ------------------------------------------------------------------------------- CSV


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, RowSum):
        value = value.value
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(table: Table) -> bytes:
    """``table`` as a CSV file: UTF-8 with a BOM, CRLF line ends (RFC 4180), the header
    row, the rows, the totals row (each summed column's exact sum), then the notes after
    an empty line (label, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    if table.total_label is not None:
        writer.writerow(_csv_cell(v) for v in _totals(table))
    if table.notes:
        writer.writerow([])
        for label, _kind, value in table.notes:
            writer.writerow([csv_text(label), _csv_cell(value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _totals(table: Table) -> list[Value]:
    """The totals row's values: the label, then each summed column's exact sum."""
    cells: list[Value] = [None] * len(table.columns)
    cells[0] = table.total_label
    for j, column in enumerate(table.columns):
        if column.total:
            total = table.column_total(j)
            places = _PLACES.get(column.kind)
            # the column's places even when no cell is summed (exact: the cells have them)
            cells[j] = total if places is None else total.quantize(Decimal(1).scaleb(-places))
    return cells


#: the decimal places of a number column, as its cells are rounded
_PLACES = {Kind.HOURS: 2, Kind.PD: 3, Kind.MONEY: 2}


# ------------------------------------------------------------------------------ XLSX

#: number formats by kind (money: by currency, :func:`money_format`)
NUMBER_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.INT: "0", Kind.HOURS: "0.00",
                  Kind.PD: "0.000"}
#: the symbol a currency's amounts are written with; another currency is written with its
#: code after the amount
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}


def money_format(currency: str) -> str:
    """The xlsx number format of an amount in ``currency``: ``"¥"#,##0.00`` for CNY."""
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol:
        return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'
    code = "".join(c for c in currency if c.isalnum())[:8]
    return f'#,##0.00 "{code}";-#,##0.00 "{code}"' if code else "#,##0.00"


def _number_format(kind: Kind, currency: str) -> str | None:
    return money_format(currency) if kind is Kind.MONEY else NUMBER_FORMATS.get(kind)


def _width(value: Value) -> int:
    """Roughly how many character widths a cell takes (a CJK character two)."""
    if value is None:
        return 0
    if isinstance(value, RowSum):
        value = value.value
    if isinstance(value, Decimal):
        return len(f"{value:,f}") + 2
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def xlsx_bytes(table: Table) -> bytes:
    """``table`` as an XLSX workbook of one sheet, written row by row (openpyxl's
    write-only mode: a hundred thousand entries without holding every cell object)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_name(table.title))
    wb.properties.title = cell_text(table.title)
    bold = Font(bold=True)
    letters = [get_column_letter(j + 1) for j in range(len(table.columns))]
    formats = [_number_format(c.kind, table.currency) for c in table.columns]
    # column widths first: a write-only sheet takes them before its first row
    widths = [_width(c.header) for c in table.columns]
    for row in table.rows:
        for j, value in enumerate(row):
            widths[j] = max(widths[j], _width(value))
    for j, column in enumerate(table.columns):
        if column.total:
            widths[j] = max(widths[j], _width(table.column_total(j)))
    for j, letter in enumerate(letters):
        ws.column_dimensions[letter].width = min(max(widths[j], 6) + 2, 60)
    ws.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}2"

    def cell(value: Value, row: int, number_format: str | None = None,
             strong: bool = False) -> Any:
        c = WriteOnlyCell(ws)
        if isinstance(value, RowSum):
            c.value = f"=SUM({letters[value.first]}{row}:{letters[value.last]}{row})"
        elif isinstance(value, str):
            _text(c, value)
        else:
            c.value = value
        if number_format and value is not None and not isinstance(value, str):
            c.number_format = number_format
        if strong:
            c.font = bold
        return c

    ws.append([cell(c.header, 1, strong=True) for c in table.columns])
    for i, row in enumerate(table.rows, start=2):
        ws.append([None if v is None else cell(v, i, formats[j]) for j, v in enumerate(row)])
    last = len(table.rows) + 1
    if table.total_label is not None:
        at = last + 1
        totals: list[Any] = [cell(table.total_label, at, strong=True)]
        for j, column in enumerate(table.columns[1:], start=1):
            if not column.total:
                totals.append(None)
                continue
            # no cached value: Excel and LibreOffice compute it on opening
            c = cell(None, at, strong=True)
            c.value = f"=SUM({letters[j]}2:{letters[j]}{last})" if table.rows else 0
            c.number_format = formats[j] or "General"
            totals.append(c)
        ws.append(totals)
    if table.notes:
        ws.append([])
        for label, kind, value in table.notes:
            ws.append([cell(label, 0, strong=True),
                       cell(value, 0, _number_format(kind, table.currency))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(cell: Any, text: str) -> Any:
    """Put user text in ``cell`` as a string: one that starts like a formula (``=``...)
    is stored as text, never as a formula (openpyxl would take ``=...`` for one), and
    marked with Excel's quote prefix so that editing the cell keeps it text."""
    text = xlsx_text(text)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


_SHEET_NAME_BAD = set('[]:*?/\\')


def _sheet_name(title: str) -> str:
    """A worksheet's name: at most 31 characters, none of ``[]:*?/\\``."""
    name = "".join("_" if c in _SHEET_NAME_BAD else c for c in cell_text(title)).strip("'")
    return name[:31] or "Sheet"

