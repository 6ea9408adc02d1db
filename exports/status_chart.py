"""The status report's figures drawn: the burn-down chart (a ReportLab Drawing) and the
row of key-figure tiles (shared with the acceptance report), and their colours."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import TableStyle

from exports.base import (
    Styles,
    Table,
    fmt_pd,
    new_drawing,
    signed_pd,
)
from exports.base import p as para
from model.rules import shift
from model.sheet_status import StatusSheetData

NAVY = colors.HexColor("#1f3b63")


GREY = colors.HexColor("#8a94a6")


LIGHT = colors.HexColor("#e2e8f0")


GREEN = colors.HexColor("#2f855a")


ORANGE = colors.HexColor("#dd6b20")


RED = colors.HexColor("#c53030")


INK = colors.HexColor("#2d3748")


def figure_tiles(pairs: Sequence[tuple[str, str]], styles: Styles, width: float,
                 notes: Sequence[str] = ()) -> Table:
    """Key figures in a row of boxes: a small label over a large value (and a note)."""
    label = ParagraphStyle("tile_label", parent=styles.small, textColor=colors.HexColor(
        "#4a5568"))
    value = ParagraphStyle("tile_value", parent=styles.body, fontName=styles.bold,
                           fontSize=15, leading=19, textColor=NAVY)
    cells = []
    for i, (k, v) in enumerate(pairs):
        cell = [para(k, label), para(v, value)]
        if i < len(notes) and notes[i]:
            cell.append(para(notes[i], label))
        cells.append(cell)
    n = max(len(pairs), 1)
    table = Table([cells], colWidths=[width / n] * n)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f4f6fa")),
        ("BOX", (0, 0), (-1, -1), 0.6, GREY),
        ("LINEAFTER", (0, 0), (-2, -1), 3, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return table


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _date_ticks(first: date, last: date) -> list[date]:
    """Month starts (every 1, 2, 3, 6 or 12 months), or Mondays on a short span."""
    days = (last - first).days
    if days <= 62:
        step = 7 if days <= 35 else 14
        monday = first.toordinal() + (7 - first.weekday()) % 7
        # Ordinals, not dates: a step past 9999-12-31 must end the loop, not the report.
        return [date.fromordinal(o) for o in range(monday, last.toordinal() + 1, step)]
    months = days / 30.4
    every = next((m for m in (1, 2, 3, 6, 12) if months / m <= 7), 24)
    out = []
    y, m = first.year, first.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        if y > date.max.year:
            return out
        d = date(y, m, 1)
        if d > last:
            return out
        if (y * 12 + m - 1) % every == 0:
            out.append(d)


def burndown_chart(data: StatusSheetData, styles: Styles, t: dict[str, str], width: float,
                   height: float) -> Drawing:
    """The burn-down as shapes: exact dates on x, person-days on y."""
    font = styles.font
    drawing = new_drawing(width, height)
    left, right, bottom, top = 40.0, 14.0, 44.0, 22.0
    pw, ph = width - left - right, height - bottom - top
    series = data.series
    first = series[0].on if series else data.start
    # The x axis runs to the end, or to the as-of date or the forecast end when they
    # are later, within half the project's length (a forecast years away is cut off).
    reach = shift(data.end, max((data.end - first).days // 2, 31))
    last = max([data.end, *(d for d in (data.as_of, data.forecast_end) if d),
                *([series[-1].on] if series else [])])
    last = min(last, max(reach, data.end))
    span = max((last - first).days, 1)

    values = [float(v) for pt in series for v in (pt.budget_pd, pt.ideal_pd, pt.remaining_pd)
              if v is not None]
    top_v = max(values + [1.0])
    low_v = min(values + [0.0])
    step = _nice_step(top_v - low_v)
    y_max = math.ceil(top_v * 1.05 / step) * step
    y_min = math.floor(low_v / step) * step if low_v < 0 else 0.0

    def x(d: date) -> float:
        return left + pw * (d - first).days / span

    def y(v: Fraction | float) -> float:
        return bottom + ph * (float(v) - y_min) / (y_max - y_min)

    # frame, grid and axes
    drawing.add(Rect(left, bottom, pw, ph, fillColor=colors.HexColor("#fbfcfe"),
                     strokeColor=None))
    v = y_min
    while v <= y_max + 1e-9:
        drawing.add(Line(left, y(v), left + pw, y(v), strokeColor=LIGHT, strokeWidth=0.5))
        drawing.add(String(left - 4, y(v) - 2.5, fmt_pd(Fraction(v).limit_denominator(1000)),
                           fontName=font, fontSize=6.5, fillColor=INK, textAnchor="end"))
        v += step
    drawing.add(String(left - 4, bottom + ph + 8, t["axis_pd"], fontName=font, fontSize=7,
                       fillColor=INK, textAnchor="end"))
    for d in _date_ticks(first, last):
        drawing.add(Line(x(d), bottom, x(d), bottom + ph, strokeColor=LIGHT, strokeWidth=0.4))
        drawing.add(Line(x(d), bottom - 3, x(d), bottom, strokeColor=INK, strokeWidth=0.5))
        drawing.add(String(x(d), bottom - 11, d.isoformat(), fontName=font, fontSize=6.5,
                           fillColor=INK, textAnchor="middle"))
    drawing.add(Line(left, bottom, left + pw, bottom, strokeColor=INK, strokeWidth=0.7))
    drawing.add(Line(left, bottom, left, bottom + ph, strokeColor=INK, strokeWidth=0.7))
    if y_min < 0:
        drawing.add(Line(left, y(0), left + pw, y(0), strokeColor=INK, strokeWidth=0.5))

    def marker(d: date, label: str, color: Any, dash: list[float] | None, row: int) -> None:
        if not first <= d <= last:
            return
        drawing.add(Line(x(d), bottom, x(d), bottom + ph + 2, strokeColor=color,
                         strokeWidth=0.7, strokeDashArray=dash))
        anchor = "end" if x(d) > left + pw - 60 else "start"
        dx = -2 if anchor == "end" else 2
        drawing.add(String(x(d) + dx, bottom + ph + 4 + 8 * row, label, fontName=font,
                           fontSize=6.5, fillColor=color, textAnchor=anchor))

    marker(data.as_of, f"{t['l_asof']} {data.as_of}", GREY, [1.5, 1.5], 0)
    marker(data.end, f"{t['l_end']} {data.end}", RED, None, 1)
    if data.sow_end != data.end:
        marker(data.sow_end, f"{t['l_sow_end']} {data.sow_end}", colors.HexColor("#e53e3e"),
               [3, 2], 0 if abs(x(data.sow_end) - x(data.as_of)) > 90 else 1)

    # ideal line
    if series:
        pts: list[float] = []
        for pt in series:
            pts += [x(pt.on), y(pt.ideal_pd)]
        drawing.add(PolyLine(pts, strokeColor=GREY, strokeWidth=0.9, strokeDashArray=[2, 2]))
        # budget as a step line: it rises on the day a change request takes effect
        pts = [x(series[0].on), y(series[0].budget_pd)]
        prev = series[0].budget_pd
        for pt in series[1:]:
            if pt.budget_pd != prev:
                pts += [x(pt.on), y(prev)]
                prev = pt.budget_pd
            pts += [x(pt.on), y(pt.budget_pd)]
        pts += [x(last), y(prev)]
        drawing.add(PolyLine(pts, strokeColor=GREEN, strokeWidth=1.1))
        level = {pt.on: pt.budget_pd for pt in series}
        ends: list[float] = []  # right edge of the last label in each row
        for st in data.steps:
            if not first <= st.on <= last:
                continue
            b = level.get(st.on, prev)
            text = f"{st.number} {signed_pd(st.delta_pd)}"
            x0 = x(st.on) + 2
            row = next((i for i, e in enumerate(ends) if e + 4 <= x0), len(ends))
            if row == len(ends):
                ends.append(0.0)
            ends[row] = x0 + stringWidth(text, font, 6.5)
            drawing.add(String(x0, y(b) + 3 + 8 * row, text, fontName=font, fontSize=6.5,
                               fillColor=GREEN))
        # remaining, actual
        actual = [pt for pt in series if pt.remaining_pd is not None]
        if actual:
            pts = []
            for pt in actual:
                assert pt.remaining_pd is not None
                pts += [x(pt.on), y(pt.remaining_pd)]
            drawing.add(PolyLine(pts, strokeColor=NAVY, strokeWidth=1.8))
            end_pt = actual[-1]
            assert end_pt.remaining_pd is not None
            drawing.add(Circle(x(end_pt.on), y(end_pt.remaining_pd), 2, fillColor=NAVY,
                               strokeColor=None))
    # forecast: from today's remaining down to zero on the forecast end
    remaining = data.remaining_now
    fe = data.forecast_end
    if fe and data.as_of < fe and first <= data.as_of < last and remaining > 0:
        if fe <= last:
            drawing.add(Line(x(data.as_of), y(remaining), x(fe), y(0), strokeColor=ORANGE,
                             strokeWidth=1.4, strokeDashArray=[4, 3]))
            drawing.add(Circle(x(fe), y(0), 2.2, fillColor=ORANGE, strokeColor=None))
        else:  # cut at the right edge, where the line would be at this height
            cut = remaining * Fraction((fe - last).days, (fe - data.as_of).days)
            drawing.add(Line(x(data.as_of), y(remaining), x(last), y(cut), strokeColor=ORANGE,
                             strokeWidth=1.4, strokeDashArray=[4, 3]))
        fx = x(fe)
        if fe <= last and fx + 75 < left + pw:  # right of the point, clear of the line
            drawing.add(String(fx + 4, y(0) + 4, f"{t['l_forecast']} {data.forecast_end}",
                               fontName=font, fontSize=6.5, fillColor=ORANGE))

    # legend
    items = [(t["l_remaining"], NAVY, 1.8, None), (t["l_ideal"], GREY, 0.9, [2, 2]),
             (t["l_budget"], GREEN, 1.1, None),
             (t["l_forecast"] + (f" {data.forecast_end}" if data.forecast_end else ""), ORANGE,
              1.4, [4, 3])]
    lx, ly = left, 8.0
    for text, color, w, dash in items:
        drawing.add(Line(lx, ly + 2.5, lx + 16, ly + 2.5, strokeColor=color, strokeWidth=w,
                         strokeDashArray=dash))
        drawing.add(String(lx + 20, ly, text, fontName=font, fontSize=7, fillColor=INK))
        lx += 20 + len(text.encode("gbk", "replace")) * 3.6 + 18
    return drawing
