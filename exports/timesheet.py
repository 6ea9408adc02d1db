"""The timesheet confirmation (工时确认单): hours per person and day, signed by both parties.

Landscape A4. A month's 28–31 day columns are split into tables of at most 16 days
(1–16, 17–31), each day column 12.5 mm wide at 7 pt: readable on paper. Day cells are
plain strings drawn by the table (no Paragraph per cell), so a 50-person month stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, TableStyle

from exports.base import (
    SheetDocument,
    Styles,
    Table,
    cell_text,
    data_table,
    fit_widths,
    fmt_money,
    fmt_pd,
    grade_title,
    name_with_id,
    signature_block,
)
from exports.base import p as para
from exports.timesheet_text import MONEY_TEXT, TEXT
from model.formats import format_hours
from model.rules import (
    DOC_EFFECTIVE,
    plain_decimal,
    round_to_total,
)
from model.sheet_timesheet import TimesheetData, TimesheetSection, hours_grid
from model.sheets import Sheet

MAX_DAYS_PER_TABLE = 16
NAME_W = 34 * mm
DAY_W = 12.5 * mm
SUB_W = 18 * mm
GRID = colors.HexColor("#8a94a6")
HEAD_BG = colors.HexColor("#e6ebf2")
TOTAL_BG = colors.HexColor("#f2f2f2")
OFF_BG = colors.HexColor("#d9d9d9")
OVERTIME = colors.HexColor("#b42318")


fmt_hours = format_hours  # the one rule for hours, the app's too


def _footed_hours(minutes: Sequence[int]) -> list[str]:
    """Hours that add up to their total as printed (largest remainder), as shown."""
    return [plain_decimal(h) for h in round_to_total([Fraction(m, 60) for m in minutes], 2)]


def chunks(days: Sequence[date]) -> list[list[date]]:
    """Days in balanced tables of at most 16 columns (31 -> 16 + 15)."""
    n = len(days)
    if n == 0:
        return []
    size = math.ceil(n / math.ceil(n / MAX_DAYS_PER_TABLE))
    return [list(days[i:i + size]) for i in range(0, n, size)]


def _day_head(d: date, working: bool, t: dict) -> str:
    mark = ""
    if not working and d.weekday() < 5:
        mark = " " + t["off"]
    elif working and d.weekday() >= 5:
        mark = " " + t["makeup"]
    return f"{d.day}\n{t['weekdays'][d.weekday()]}{mark}"


def _day_table(section: TimesheetSection, data: TimesheetData, days: list[date],
               s: Styles, t: dict) -> Table:
    """Rows: people, then daily totals in hours and PD; a column per day and a subtotal."""
    single = section.person is not None
    head = [t["name"]] + [_day_head(d, d in data.working, t) for d in days] + [t["subtotal"]]
    rows: list[list[Any]] = [head]
    overtime_cells: list[tuple[int, int]] = []
    # hours foot both ways (controlled rounding): each person's cells add up to their
    # subtotal, each day's cells to the day's total, and both to the table's total
    grid = hours_grid(section, days)
    for r, person in enumerate(section.rows, start=1):
        cells: list[Any] = [para(person.name, s.cell)]
        for c, d in enumerate(days, start=1):
            m, hours = person.minutes.get(d, 0), plain_decimal(grid.cells[r - 1][c - 1])
            if person.overtime.get(d):
                cells.append("+" + hours)
                overtime_cells.append((c, r))
            else:
                cells.append(hours if m else "")
        cells.append(plain_decimal(grid.row_totals[r - 1]))
        rows.append(cells)
    if not single:
        rows.append([t["sum_h"]] + [plain_decimal(h) if section.day_minutes.get(d) else ""
                                    for d, h in zip(days, grid.column_totals, strict=True)]
                    + [plain_decimal(grid.total)])
    day_pd = round_to_total([data.pd(section.day_minutes.get(d, 0)) for d in days], 3)
    rows.append([t["sum_pd"] if not single else t["pd_row"]]
                + [fmt_pd(v) if section.day_minutes.get(d) else ""
                   for d, v in zip(days, day_pd, strict=True)]
                + [fmt_pd(sum(day_pd, Decimal(0)))])
    totals = 1 if single else 2
    n = len(rows)
    table = Table(rows, colWidths=[NAME_W] + [DAY_W] * len(days) + [SUB_W], repeatRows=1)
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), s.font),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LEADING", (0, 0), (-1, -1), 9),
        ("FONTNAME", (0, 0), (-1, 0), s.bold),
        ("FONTSIZE", (1, 0), (-2, 0), 7),
        ("LEADING", (1, 0), (-2, 0), 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (1, 0), (-2, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (1, 0), (-1, -1), 2),
        ("RIGHTPADDING", (1, 0), (-1, -1), 3),
        ("BACKGROUND", (0, n - totals), (-1, n - 1), TOTAL_BG),
        ("FONTNAME", (0, n - totals), (-1, n - 1), s.bold),
        ("BACKGROUND", (-1, 1), (-1, n - 1), TOTAL_BG),
        ("LINEBEFORE", (-1, 0), (-1, -1), 0.9, GRID),
    ]
    for c, d in enumerate(days, start=1):
        if d not in data.working:
            cmds.append(("BACKGROUND", (c, 0), (c, n - 1), OFF_BG))
    for cell in overtime_cells:
        cmds.append(("TEXTCOLOR", cell, cell, OVERTIME))
    table.setStyle(TableStyle(cmds))
    table.hAlign = "LEFT"
    return table


def _facts(pairs: list[tuple[str, str]], s: Styles) -> Table:
    """Label: value pairs two to a line (landscape has the width, the page needs the height)."""
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[Any] = []
        for k, v in pairs[i:i + 2]:
            row += [cell_text(k, s.head), para(v, s.cell)]
        rows.append(row)
    table = Table(rows, colWidths=fit_widths(rows, [22 * mm, 108 * mm, 22 * mm, 111 * mm]))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (0, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    table.hAlign = "LEFT"
    return table


def _status(data: TimesheetData, t: dict, person: bool = False) -> str:
    period = data.period
    if period is None:
        return t["unsigned"]
    if person:  # one person's sheet: the period's signatures cover another digest
        signed = period.signatures[0].digest[:16] if period.signatures else ""
        return t["part_of"].format(n=period.number, first=data.first, last=data.last,
                                   state=t["part_signed" if period.status == DOC_EFFECTIVE
                                           else "part_signing"], sha=signed)
    head = (t["effective"].format(n=period.number, on=period.effective_on)
            if period.status == DOC_EFFECTIVE else t["signing"].format(n=period.number))
    who = t["sep"].join(f"{sig.name} {sig.on}" for sig in period.signatures)
    return f"{head}{t['colon']}{who}" if who else head


def _person_table(section: TimesheetSection, data: TimesheetData, s: Styles, t: dict,
                  lang: str) -> Table:
    rows: list[list[Any]] = []
    # each column adds up to its total as printed (largest remainder)
    hours = _footed_hours([r.total_minutes for r in section.rows])
    overtime = _footed_hours([r.overtime_minutes for r in section.rows])
    pds = round_to_total([data.pd(r.total_minutes) for r in section.rows], 3)
    for i, r in enumerate(section.rows, start=1):
        rows.append([i, r.name, para(r.key, s.id),
                     " / ".join(grade_title(g, lang, data.ladder) for g in r.grades),
                     r.days_worked, hours[i - 1], overtime[i - 1], fmt_pd(pds[i - 1])])
    rows.append([t["total"], "", "", "", sum(r.days_worked for r in section.rows),
                 fmt_hours(section.total_minutes), fmt_hours(section.overtime_minutes),
                 fmt_pd(data.pd(section.total_minutes))])
    table = data_table([t["no"], t["name"], t["key"], t["grade"], t["days_worked"], t["hours"],
                        t["overtime"], t["pd"]], rows, s,
                       widths=[12 * mm, 40 * mm, 36 * mm, 50 * mm, 26 * mm, 30 * mm, 32 * mm,
                               30 * mm], right=[4, 5, 6, 7], total_rows=1)
    table.hAlign = "LEFT"
    return table


def _grade_table(section: TimesheetSection, data: TimesheetData, s: Styles, t: dict,
                 lang: str) -> Table:
    hours = _footed_hours([g.minutes for g in section.grades])
    pds = round_to_total([data.pd(g.minutes) for g in section.grades], 3)
    rows: list[list[Any]] = [[grade_title(g.grade, lang, data.ladder), g.people, h, fmt_pd(pd)]
                             for g, h, pd in zip(section.grades, hours, pds, strict=True)]
    rows.append([t["total"], len({r.key for r in section.rows if r.minutes}),
                 fmt_hours(section.total_minutes), fmt_pd(data.pd(section.total_minutes))])
    table = data_table([t["grade"], t["headcount"], t["hours"], t["pd"]], rows, s,
                       widths=[60 * mm, 26 * mm, 30 * mm, 30 * mm], right=[1, 2, 3],
                       total_rows=1)
    table.hAlign = "LEFT"
    return table


def amount_rows(section: TimesheetSection) -> tuple[list[Decimal], list[Decimal],
                                                    Decimal, Decimal]:
    """(PD per row, amount per row, total PD, total amount) as printed: each column
    rounded so that it adds up to its total (largest remainder), the totals being the
    exact sums rounded; every amount is the exact PD × rate, within a cent."""
    pds = round_to_total([c.pd for c in section.charges], 3)
    amounts = round_to_total([c.amount for c in section.charges], 2)
    return pds, amounts, sum(pds, Decimal(0)), sum(amounts, Decimal(0))


def _percent(rate: Fraction) -> str:
    return plain_decimal(Decimal(rate.numerator * 100) / Decimal(rate.denominator)) + "%"


def _amount_table(sheet: Sheet, section: TimesheetSection, s: Styles) -> list[Any]:
    """Each person's PD, day rate and amount, with a total row that foots as printed."""
    data: TimesheetData = sheet.data
    lang = sheet.meta.language
    t = MONEY_TEXT[lang]
    pds, amounts, total_pd, total = amount_rows(section)
    rows: list[list[Any]] = [
        [i, c.name, grade_title(c.grade, lang, sheet.data.ladder), fmt_pd(pd), fmt_money(c.rate),
         fmt_money(amount)]
        for i, (c, pd, amount) in enumerate(zip(section.charges, pds, amounts, strict=True),
                                            start=1)]
    rows.append([t["total"], "", "", fmt_pd(total_pd), "", fmt_money(total)])
    table = data_table([t["no"], t["name"], t["grade"], t["pd"],
                        t["rate"].format(cur=data.currency),
                        t["amount"].format(cur=data.currency)], rows, s,
                       widths=[12 * mm, 48 * mm, 50 * mm, 30 * mm, 40 * mm, 46 * mm],
                       right=[3, 4, 5], total_rows=1)
    table.hAlign = "LEFT"
    notes = [sheet.meta.label("foot"), t["how"].format(h=fmt_hours(data.minutes_per_day))]
    if data.tax_rate is not None:
        notes.append(t["tax_in" if data.prices_include_tax else "tax_out"].format(
            rate=_percent(data.tax_rate)))
    else:
        notes.append(t["tax_in_only" if data.prices_include_tax else "tax_out_only"])
    sep = "" if lang == "zh" else " "
    return [KeepTogether([para(t["title"], s.h2), table, Spacer(1, 1.5 * mm),
                          para(sep.join(notes), s.small)])]


def _section(sheet: Sheet, doc: SheetDocument, section: TimesheetSection) -> list[Any]:
    data: TimesheetData = sheet.data
    s, lang = doc.styles, sheet.meta.language
    t = TEXT[lang]
    h = fmt_hours(data.minutes_per_day)
    out: list[Any] = []
    if section.person is not None:
        r = section.rows[0]
        title = data.person_titles.get(r.key, "")
        grades = " / ".join(grade_title(g, lang, sheet.data.ladder) for g in r.grades)
        out.append(name_with_id(r.name, r.key, s.h2, lang, f" · {grades}"
                                + (f" · {title}" if title else "")))
    pairs = [
        (t["period"], t["period_text"].format(first=data.first, last=data.last,
                                              wd=len(data.working))),
        (t["basis"], t["basis_text"].format(h=h)),
        (t["totals"], t["totals_text"].format(h=fmt_hours(section.total_minutes),
                                              pd=fmt_pd(data.pd(section.total_minutes)),
                                              ot=fmt_hours(section.overtime_minutes))),
        (t["status"], _status(data, t, section.person is not None)),
    ]
    out.append(_facts(pairs, s))
    if section.person is None:
        out.append(para(t["daily"], s.h2))
    else:
        out.append(Spacer(1, 3 * mm))
    for days in chunks(data.days):
        out.append(_day_table(section, data, days, s, t))
        out.append(Spacer(1, 2.5 * mm))
    out.append(para(t["legend"].format(h=h) + t["grid"], s.small))
    if section.person is None:
        foot = sheet.meta.label("foot")
        out.append(KeepTogether([para(t["people"], s.h2),
                                 _person_table(section, data, s, t, lang),
                                 Spacer(1, 1.5 * mm), para(foot, s.small)]))
        out.append(KeepTogether([para(t["by_grade"], s.h2),
                                 _grade_table(section, data, s, t, lang),
                                 Spacer(1, 1.5 * mm), para(foot, s.small)]))
    else:
        out.append(Spacer(1, 2 * mm))
        out.append(para(t["own"], s.body))
    if data.billing == "actual" and section.charges:
        out += _amount_table(sheet, section, s)
    out.append(Spacer(1, 2 * mm))
    # The sentence the parties sign stays on the page of their signatures.
    out.append(KeepTogether([para(t["confirm"], s.body), signature_block(sheet.meta, s)]))
    return out


def story(sheet: Sheet[TimesheetData], doc: SheetDocument) -> list[Any]:
    data: TimesheetData = sheet.data
    out: list[Any] = []
    for i, section in enumerate(data.sections):
        if i:
            out.append(PageBreak())
        out += _section(sheet, doc, section)
    return out

