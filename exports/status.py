"""The status report (项目状态报告): where the project stands on one date.

The burn-down chart is a ReportLab Drawing (a flowable): the remaining person-days up
to the as-of date, the ideal line, the budget with its change-request steps, and the
forecast as a dashed line down to zero; dates on the x axis. Then the figures by grade,
the alerts, the open blockers, the pending change requests and the quotas.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, TableStyle

from exports.base import (
    SheetDocument,
    Styles,
    Table,
    data_table,
    fmt_money,
    fmt_pd,
    grade_title,
    key_values,
    new_drawing,
    quota_title,
    signed_pd,
    unit,
)
from exports.base import p as para
from model.rules import ALERT_TEXT, alert_text, round_to_total, shift
from model.sheet_status import StatusAlert, StatusSheetData
from model.sheets import Sheet

NAVY = colors.HexColor("#1f3b63")
GREY = colors.HexColor("#8a94a6")
LIGHT = colors.HexColor("#e2e8f0")
GREEN = colors.HexColor("#2f855a")
ORANGE = colors.HexColor("#dd6b20")
RED = colors.HexColor("#c53030")
INK = colors.HexColor("#2d3748")

TEXT = {
    "zh": {
        "tile_remaining": "剩余人天", "tile_consumed": "已消耗人天",
        "tile_days": "已用工作日", "tile_forecast": "预测完成日",
        "of": "/ {v}", "none": "无",
        "s_chart": "人天燃尽图", "s_progress": "进度与预测", "s_alerts": "预警",
        "s_grades": "按职级剩余人天与金额", "s_blockers": "未解决的阻塞问题",
        "s_pending": "待签字的变更申请单", "s_quotas": "额度使用",
        "l_remaining": "剩余人天（实际）", "l_ideal": "理想燃尽线",
        "l_budget": "预算（含已生效变更）",
        "l_forecast": "预测", "l_asof": "截至", "l_end": "结束", "l_sow_end": "合同结束",
        "axis_pd": "人天",
        "as_of": "报告日期", "start": "开始日期", "end": "结束日期（含已生效变更）",
        "sow_end": "合同结束日期", "wd": "工作日", "wd_v": "已用 {e} / 共 {t}（{pct}）",
        "forecast": "预测完成日", "no_forecast": "近期无工时记录，无法预测",
        "late": "{d}，晚于结束日期 {n} 个工作日", "early": "{d}，早于结束日期 {n} 个工作日",
        "on_time": "{d}，与结束日期相同", "exhausted": "{d}：预算人天已用完",
        "rate_note": "按最近 10 个工作日的平均消耗速度推算。", "stop": "。",
        "overtime": "加班人天（已计入消耗）", "blocked": "阻塞损失工作日",
        "blocked_v": "甲方 {client} 天 · 乙方 {vendor} 天",
        "grade": "职级", "rate": "单价", "budget": "预算人天", "consumed": "已消耗",
        "remaining": "剩余", "burn": "消耗比例", "budget_cost": "预算金额",
        "consumed_cost": "已消耗金额", "remaining_cost": "剩余金额", "total": "合计",
        "b_no": "编号", "b_title": "阻塞问题", "party": "责任方", "raised": "提出日期",
        "age": "已持续工作日", "task": "任务",
        "doc_id": "文档编号", "cr_title": "标题", "change": "人天 / 费用",
        "signed": "已签字", "awaited": "待签字", "nobody": "尚无签字",
        "quota": "额度", "q_title": "说明", "limit": "上限", "used": "已用", "left": "剩余",
        "alert_kind": "类型", "alert_text": "内容", "no_alerts": "无预警。",
        "kind_grade": "职级超预算", "kind_quota": "额度已用尽", "kind_blocker": "阻塞超期",
        "kind_missing": "缺少工时", "kind_forecast": "预测延期",
        "party_client": "甲方", "party_vendor": "乙方",
        "unsigned": "本状态报告仅供项目沟通，无需签字；数据以系统台账为准。",
    },
    "en": {
        "tile_remaining": "Remaining PD", "tile_consumed": "Consumed PD",
        "tile_days": "Working days elapsed", "tile_forecast": "Forecast end",
        "of": "/ {v}", "none": "none",
        "s_chart": "Burn-down", "s_progress": "Progress and forecast", "s_alerts": "Alerts",
        "s_grades": "Remaining by grade", "s_blockers": "Open blockers",
        "s_pending": "Change requests awaiting signatures", "s_quotas": "Quotas",
        "l_remaining": "Remaining PD (actual)", "l_ideal": "Ideal", "l_budget":
        "Budget (with effective CRs)", "l_forecast": "Forecast", "l_asof": "as of",
        "l_end": "end", "l_sow_end": "SOW end", "axis_pd": "PD",
        "as_of": "As of", "start": "Start", "end": "End (after effective CRs)",
        "sow_end": "SOW end", "wd": "Working days", "wd_v": "{e} of {t} elapsed ({pct})",
        "forecast": "Forecast end", "no_forecast": "no recent entries: no forecast",
        "late": "{d}, {n} working days after the end",
        "early": "{d}, {n} working days before the end", "on_time": "{d}, on the end date",
        "exhausted": "{d}: the budget is used up",
        "rate_note": "At the average burn rate of the last 10 working days.", "stop": ". ",
        "overtime": "Overtime PD (included in consumed)", "blocked": "Working days blocked",
        "blocked_v": "client {client} · vendor {vendor}",
        "grade": "Grade", "rate": "Day rate", "budget": "Budget PD", "consumed": "Consumed",
        "remaining": "Remaining", "burn": "Burnt", "budget_cost": "Budget",
        "consumed_cost": "Consumed", "remaining_cost": "Remaining", "total": "Total",
        "b_no": "No.", "b_title": "Blocker", "party": "Party", "raised": "Raised",
        "age": "Working days open", "task": "Task",
        "doc_id": "Document", "cr_title": "Title", "change": "PD / cost",
        "signed": "Signed", "awaited": "Awaiting", "nobody": "no signature yet",
        "quota": "Quota", "q_title": "Description", "limit": "Limit", "used": "Used",
        "left": "Left",
        "alert_kind": "Kind", "alert_text": "Alert", "no_alerts": "No alerts.",
        "kind_grade": "grade over budget", "kind_quota": "quota at limit",
        "kind_blocker": "blocker overdue", "kind_missing": "missing entries",
        "kind_forecast": "forecast late",
        "party_client": "client", "party_vendor": "vendor",
        "unsigned": "A status report is for information: it is not signed; the ledger holds "
                    "the figures.",
    },
}


def alert_sentence(kind: str, args: Sequence[str], lang: str,
                   names: Mapping[str, str] | None = None,
                   quotas: Mapping[str, str] | None = None) -> str:
    """An alert as a sheet prints it: the ledger's sentence (rules.alert_text) in the
    sheet's language, naming the grade by its title, the quota by its title and the
    person by name instead of their keys."""
    a = list(args)
    if a and kind == "grade":
        a[0] = grade_title(a[0], lang)
    elif a and kind == "quota":
        title = quota_title((quotas or {}).get(a[0], a[0]), lang)
        a[0] = title if lang == "zh" else f"‘{title}’"  # 额度“{0}”: quoted in either
    elif a and kind == "missing":
        a[0] = (names or {}).get(a[0], a[0])
    elif len(a) > 1 and kind == "blocker":
        a[1] = TEXT[lang].get(f"party_{a[1]}", a[1])
    return alert_text(kind, a, lang)


#: the ledger's alerts (model.rules.ALERT_TEXT) in Chinese, filled from each alert's args
ALERTS_ZH: dict[str, Callable[[Sequence[str]], str]] = {
    kind: (lambda a, kind=kind: alert_sentence(kind, a, "zh")) for kind in ALERT_TEXT}


# ---------------------------------------------------------------- shared with the acceptance


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


# ---------------------------------------------------------------- the burn-down chart


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


# ---------------------------------------------------------------- the sheet


def _alert_text(alert: StatusAlert, data: StatusSheetData, lang: str) -> str:
    """The alert's sentence in the sheet's language: worded here, never in the content."""
    return alert_sentence(alert.kind, alert.args, lang, dict(data.names),
                          {key: title for key, title, _, _ in data.quotas})


def _pct(part: Fraction | int, whole: Fraction | int) -> str:
    if not whole:
        return "–"
    return f"{round(Fraction(part) * 100 / Fraction(whole))}%"


def story(sheet: Sheet[StatusSheetData], doc: SheetDocument) -> list[Any]:
    data: StatusSheetData = sheet.data
    meta, s = sheet.meta, doc.styles
    lang = meta.language
    t = TEXT[lang]
    cur = data.currency
    width = doc.pagesize[0] - 2 * doc.MARGIN

    def party(key: str) -> str:
        return t.get(f"party_{key}", key)

    if data.forecast_end is None:
        forecast = t["no_forecast"]
    elif data.remaining_now <= 0:
        forecast = t["exhausted"].format(d=data.forecast_end)
    elif data.forecast_shift and data.forecast_shift > 0:
        forecast = t["late"].format(d=data.forecast_end, n=data.forecast_shift)
    elif data.forecast_shift and data.forecast_shift < 0:
        forecast = t["early"].format(d=data.forecast_end, n=-data.forecast_shift)
    else:
        forecast = t["on_time"].format(d=data.forecast_end)

    budget, consumed = data.total("budget_pd"), data.total("consumed_pd")
    out: list[Any] = [figure_tiles([
        (t["tile_remaining"], fmt_pd(data.remaining_now)),
        (t["tile_consumed"], fmt_pd(consumed)),
        (t["tile_days"], f"{data.working_days_elapsed} / {data.working_days_total}"),
        (t["tile_forecast"], str(data.forecast_end or "–"))], s, width, notes=[
        f"{t['budget']} {fmt_pd(budget)}", _pct(consumed, budget),
        _pct(data.working_days_elapsed, data.working_days_total),
        f"{t['l_end']} {data.end}"])]

    out.append(para(t["s_chart"], s.h2))
    out.append(burndown_chart(data, s, t, width, 92 * mm))

    blocked = dict(data.blocked_days)
    out.append(KeepTogether([para(t["s_progress"], s.h2), key_values([
        (t["as_of"], data.as_of), (t["start"], data.start), (t["end"], data.end),
        (t["sow_end"], data.sow_end),
        (t["wd"], t["wd_v"].format(e=data.working_days_elapsed, t=data.working_days_total,
                                   pct=_pct(data.working_days_elapsed,
                                            data.working_days_total))),
        (t["forecast"],
         f"{forecast}{t['stop']}{t['rate_note']}" if data.forecast_end else forecast),
        (t["overtime"], fmt_pd(data.overtime_pd)),
        (t["blocked"], t["blocked_v"].format(client=blocked.get("client", 0),
                                             vendor=blocked.get("vendor", 0)))], s,
        widths=(52 * mm, width - 52 * mm))]))

    out.append(para(t["s_alerts"], s.h2))
    if data.alerts:
        out.append(data_table([t["alert_kind"], t["alert_text"]],
                              [[t.get(f"kind_{a.kind}", a.kind), _alert_text(a, data, lang)]
                               for a in data.alerts], s, widths=[32 * mm, width - 32 * mm]))
    else:
        out.append(para(t["no_alerts"], s.body))

    # Each column adds up to its total as printed (largest remainder); remaining is the
    # budget less the consumption as printed, so each row adds up too.
    budget_pd = round_to_total([g.budget_pd for g in data.grades], 3)
    consumed_pd = round_to_total([g.consumed_pd for g in data.grades], 3)
    costs = money_by_grade(data)
    rows: list[list[object]] = [
        [grade_title(g.grade, lang), fmt_money(Fraction(g.rate_minor, 100)),
         fmt_pd(budget_pd[i]), fmt_pd(consumed_pd[i]), fmt_pd(budget_pd[i] - consumed_pd[i]),
         _pct(g.consumed_pd, g.budget_pd), fmt_money(costs[0][i]), fmt_money(costs[1][i]),
         fmt_money(costs[2][i])] for i, g in enumerate(data.grades)]
    budget_total, consumed_total = sum(budget_pd, Decimal(0)), sum(consumed_pd, Decimal(0))
    rows.append([t["total"], "", fmt_pd(budget_total), fmt_pd(consumed_total),
                 fmt_pd(budget_total - consumed_total), _pct(consumed, budget),
                 *(fmt_money(sum(c, Decimal(0))) for c in costs)])
    over = [(4, i) for i, g in enumerate(data.grades) if g.remaining_pd < 0]
    money_w = (width - 103 * mm) / 3
    out.append(KeepTogether([para(t["s_grades"], s.h2), data_table(
        [t["grade"], unit(t["rate"], cur, lang), t["budget"], t["consumed"], t["remaining"],
         t["burn"], unit(t["budget_cost"], cur, lang), unit(t["consumed_cost"], cur, lang),
         unit(t["remaining_cost"], cur, lang)], rows, s,
        widths=[22 * mm, 17 * mm, 15 * mm, 18 * mm, 19 * mm, 12 * mm] + [money_w] * 3,
        right=list(range(1, 9)), total_rows=1, shade=over),
        Spacer(1, 1.5 * mm), para(meta.label("foot"), s.small)]))

    out.append(para(t["s_blockers"], s.h2))
    if data.open_blockers:
        out.append(data_table(
            [t["b_no"], t["b_title"], t["party"], t["raised"], t["age"], t["task"]],
            [[b.number, b.title, party(b.party), b.raised_on, b.age_days, b.task or ""]
             for b in data.open_blockers], s,
            widths=[15 * mm, width - 15 * mm - 72 * mm, 14 * mm, 20 * mm, 24 * mm, 14 * mm],
            right=[4]))
    else:
        out.append(para(t["none"], s.body))

    out.append(para(t["s_pending"], s.h2))
    if data.pending:
        sep = "；" if lang == "zh" else "; "

        def signed(pc: Any) -> str:
            return sep.join(f"{party(x.party)} {x.name} {x.on}" for x in pc.signed) or \
                t["nobody"]

        def awaited(pc: Any) -> str:
            return sep.join(f"{party(p)}（{'、'.join(names) or '–'}）" if lang == "zh"
                             else f"{party(p)} ({', '.join(names) or '–'})"
                             for p, names in pc.awaited)

        out.append(data_table(
            [t["doc_id"], t["cr_title"], unit(t["change"], cur, lang), t["signed"], t["awaited"]],
            [[para(pc.doc_id, s.small), pc.title,
              f"{signed_pd(pc.delta_pd)} / {fmt_money(pc.delta_cost)}",
              signed(pc), awaited(pc)] for pc in data.pending], s,
            widths=[46 * mm, width - 46 * mm - 100 * mm, 28 * mm, 36 * mm, 36 * mm]))
    else:
        out.append(para(t["none"], s.body))

    if data.quotas:
        out.append(para(t["s_quotas"], s.h2))
        full = [(4, i) for i, q in enumerate(data.quotas) if q[3] >= q[2]]
        out.append(data_table(
            [t["quota"], t["limit"], t["used"], t["left"]],
            [[quota_title(title, lang), limit, used, limit - used]
             for _key, title, limit, used in data.quotas],
            s, widths=[width - 60 * mm, 20 * mm, 20 * mm, 20 * mm], right=[1, 2, 3],
            shade=[(c - 1, r) for c, r in full]))

    out.append(Spacer(1, 5 * mm))
    out.append(para(t["unsigned"], s.small))
    return out


def money_by_grade(data: Any) -> tuple[list[Decimal], ...]:
    """(budget, consumed, remaining) money per grade as printed: budget and consumed each
    add up to their total (largest remainder), remaining is budget less consumed as
    printed, so the table adds up across and down. ``data`` has ``grades`` of lines with
    ``cost``, ``budget_pd`` and ``consumed_pd`` (the acceptance and the status report)."""
    budget = round_to_total([g.cost(g.budget_pd) for g in data.grades], 2)
    consumed = round_to_total([g.cost(g.consumed_pd) for g in data.grades], 2)
    return budget, consumed, [b - c for b, c in zip(budget, consumed, strict=True)]
