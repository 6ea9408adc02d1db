"""The status report (项目状态报告): where the project stands on one date.

The burn-down chart is a ReportLab Drawing (a flowable): the remaining person-days up
to the as-of date, the ideal line, the budget with its change-request steps, and the
forecast as a dashed line down to zero; dates on the x axis. Then the figures by grade,
the alerts, the open blockers, the obligations overdue or done late and the staff
changes (:mod:`exports.status_life`), the pending change requests and the quotas.

The chart and the figure tiles are drawn by :mod:`exports.status_chart`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from exports.base import (
    SheetDocument,
    data_table,
    fmt_money,
    fmt_pd,
    grade_title,
    key_values,
    quota_title,
    signed_pd,
    unit,
)
from exports.base import p as para
from exports.status_chart import burndown_chart, figure_tiles
from exports.status_life import obligations_block, staff_block
from model.rules import ALERT_TEXT, DEFAULT_LADDER, Ladder, alert_text, round_to_total
from model.sheet_status import StatusAlert, StatusSheetData
from model.sheets import Sheet

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
        "kind_obligation": "义务逾期", "kind_staff_notice": "人员变更通知不足",
        "party_client": "甲方", "party_vendor": "乙方",
        "change_add": "加入", "change_leave": "离开", "change_replace": "替换",
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
        "kind_forecast": "forecast late", "kind_obligation": "obligation overdue",
        "kind_staff_notice": "staff change at short notice",
        "party_client": "client", "party_vendor": "vendor",
        "change_add": "join", "change_leave": "leave", "change_replace": "replace",
        "unsigned": "A status report is for information: it is not signed; the ledger holds "
                    "the figures.",
    },
}


def alert_sentence(kind: str, args: Sequence[str], lang: str,
                   names: Mapping[str, str] | None = None,
                   quotas: Mapping[str, str] | None = None,
                   ladder: Ladder = DEFAULT_LADDER) -> str:
    """An alert as a sheet prints it: the ledger's sentence (rules.alert_text) in the
    sheet's language, naming the grade by its title, the quota by its title and the
    person by name instead of their keys."""
    a = list(args)
    if a and kind == "grade":
        a[0] = grade_title(a[0], lang, ladder)
    elif a and kind == "quota":
        title = quota_title((quotas or {}).get(a[0], a[0]), lang)
        a[0] = title if lang == "zh" else f"‘{title}’"  # 额度“{0}”: quoted in either
    elif a and kind in ("missing", "staff_notice"):
        a[0] = (names or {}).get(a[0], a[0])
        if len(a) > 1 and kind == "staff_notice":
            a[1] = TEXT[lang].get(f"change_{a[1]}", a[1])
    elif len(a) > 1 and kind in ("blocker", "obligation"):
        a[1] = TEXT[lang].get(f"party_{a[1]}", a[1])
    return alert_text(kind, a, lang)


#: the ledger's alerts (model.rules.ALERT_TEXT) in Chinese, filled from each alert's args
ALERTS_ZH: dict[str, Callable[[Sequence[str]], str]] = {
    kind: (lambda a, kind=kind: alert_sentence(kind, a, "zh")) for kind in ALERT_TEXT}


# ---------------------------------------------------------------- shared with the acceptance


# ---------------------------------------------------------------- the burn-down chart


# ---------------------------------------------------------------- the sheet


def _alert_text(alert: StatusAlert, data: StatusSheetData, lang: str) -> str:
    """The alert's sentence in the sheet's language: worded here, never in the content."""
    return alert_sentence(alert.kind, alert.args, lang, dict(data.names),
                          {key: title for key, title, _, _ in data.quotas}, data.ladder)


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
    width = doc.width

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
        [grade_title(g.grade, lang, sheet.data.ladder), fmt_money(Fraction(g.rate_minor, 100)),
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

    out.extend(obligations_block(data, s, lang, width, party))
    out.extend(staff_block(data, s, lang, width))

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
