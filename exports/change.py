"""The change request form (变更申请单): "the written change form is the only basis"."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from exports.base import (
    SheetDocument,
    data_table,
    fmt_money,
    fmt_pd,
    grade_title,
    key_values,
    money_capitals,
    quota_title,
    signature_block,
    signed_pd,
    unit,
)
from exports.base import p as para
from model.rules import pd_of_milli, round_to_total
from model.sheet_change import ChangeSheetData
from model.sheets import Sheet

TEXT = {
    "zh": {"number": "变更编号", "title": "变更标题", "raised": "提出日期 / 提出人",
           "status": "状态", "reason": "变更原因", "deltas": "人天变更（按职级）",
           "grade": "职级", "before": "变更前人天", "delta": "变更人天", "after": "变更后人天",
           "rate": "人天单价", "cost": "费用变更", "total": "合计",
           "capitals": "费用变更（大写）", "quotas": "额度变更", "quota": "额度",
           "quota_before": "变更前数量", "quota_delta": "变更数量",
           "quota_after": "变更后数量",
           "schedule": "工期影响", "end": "结束日期", "wd": "工作日",
           "budget": "预算变更前后", "amount": "金额",
           "basis": "口头要求不作为变更依据，本书面变更申请单经双方签字后方为唯一依据。",
           "status_open": "待签字", "status_signing": "待签字（一方已签）",
           "status_effective": "已生效", "status_withdrawn": "已撤回", "none": "无",
           "scope": "范围变更", "task": "任务", "scope_change": "变更",
           "estimate_delta": "预估人天 {pd}", "added": "新增任务“{title}”，预估 {pd} 人天"},
    "en": {"number": "Change request", "title": "Title", "raised": "Raised on / by",
           "status": "Status", "reason": "Reason", "deltas": "Person-days by grade",
           "grade": "Grade", "before": "PD before", "delta": "PD change", "after": "PD after",
           "rate": "Day rate", "cost": "Cost change", "total": "Total",
           "capitals": "Cost change in words", "quotas": "Quota changes", "quota": "Quota",
           "quota_before": "Before", "quota_delta": "Change",
           "quota_after": "After",
           "schedule": "Schedule impact", "end": "End date", "wd": "working days",
           "budget": "Budget before and after", "amount": "Amount",
           "basis": "Oral requests are not honoured: this written form, signed by both "
                    "parties, is the only basis for the change.",
           "status_open": "awaiting signatures", "status_signing": "signed by one party",
           "status_effective": "effective", "status_withdrawn": "withdrawn", "none": "none",
           "scope": "Scope changes", "task": "Task", "scope_change": "Change",
           "estimate_delta": "estimate {pd} PD", "added": "new task \u201c{title}\u201d, "
                                                          "estimated {pd} PD"},
}


def story(sheet: Sheet[ChangeSheetData], doc: SheetDocument) -> list[Any]:
    data: ChangeSheetData = sheet.data
    s, lang, cr = doc.styles, sheet.meta.language, data.cr
    t = TEXT[lang]
    cur = data.currency
    status = t[f"status_{cr.status}"] + (f" {cr.effective_on}" if cr.effective_on else "")
    out: list[Any] = [key_values([
        (t["number"], cr.number), (t["title"], cr.title),
        (t["raised"], f"{cr.raised_on} / {data.raised_by_name or cr.raised_by or ''}"),
        (t["status"], status),
        (t["reason"], cr.reason or t["none"])], s)]

    out.append(para(t["deltas"], s.h2))
    changed = [g for g in data.grades if g.delta_pd]
    # the costs add up to their total as printed (largest remainder), as on every sheet
    costs = round_to_total([g.cost_delta for g in changed], 2, data.cost_delta)
    rows = [[grade_title(g.grade, lang, data.ladder), signed_pd(g.delta_pd),
             fmt_money(g.rate_minor / 100), fmt_money(cost)]
            for g, cost in zip(changed, costs, strict=True)]
    rows.append([t["total"], signed_pd(sum((g.delta_pd for g in changed), 0)), "",
                 fmt_money(data.cost_delta)])
    out.append(data_table([t["grade"], t["delta"], unit(t["rate"], cur, lang),
                           unit(t["cost"], cur, lang)], rows, s,
                          widths=[60 * mm, 35 * mm, 35 * mm, 45 * mm], right=[1, 2, 3],
                          total_rows=1))
    out.append(Spacer(1, 1.5 * mm))
    out.append(para(sheet.meta.label("foot"), s.small))
    if lang == "zh":
        out.append(Spacer(1, 2 * mm))
        out.append(para(f"{t['capitals']}：{money_capitals(data.cost_delta)}", s.body))

    out.append(para(t["quotas"], s.h2))
    if data.quotas:
        # A quota counts rounds or sessions, not person-days.
        out.append(data_table([t["quota"], t["quota_before"], t["quota_delta"],
                               t["quota_after"]],
                              [[quota_title(q.title, lang), q.before, f"{q.delta:+d}",
                                q.before + q.delta]
                               for q in data.quotas], s,
                              widths=[85 * mm, 30 * mm, 30 * mm, 30 * mm], right=[1, 2, 3]))
    else:
        out.append(para(t["none"], s.body))

    if cr.task_deltas:  # the signed scope's estimates and tasks (SPEC §9)
        out.append(para(t["scope"], s.h2))
        out.append(data_table([t["task"], t["scope_change"]], [
            [code, t["estimate_delta"].format(pd=signed_pd(pd_of_milli(milli)))
             if title is None else t["added"].format(title=title,
                                                     pd=fmt_pd(pd_of_milli(milli)))]
            for code, milli, title in cr.task_deltas], s, widths=[30 * mm, 145 * mm]))

    out.append(para(t["schedule"], s.h2))
    out.append(key_values([
        (t["end"], f"{data.end_before} → {data.end_after}"),
        (t["wd"], f"{data.working_days_before} → {data.working_days_after}")], s))

    out.append(para(t["budget"], s.h2))
    rows = [[grade_title(g.grade, lang, data.ladder), fmt_pd(g.before_pd),
             signed_pd(g.delta_pd), fmt_pd(g.after_pd)] for g in data.grades]
    rows.append([t["total"], fmt_pd(data.budget_before),
                 signed_pd(data.budget_after - data.budget_before), fmt_pd(data.budget_after)])
    rows.append([unit(t["amount"], cur, lang), fmt_money(data.cost(False)),
                 fmt_money(data.cost_delta), fmt_money(data.cost(True))])
    out.append(data_table([t["grade"], t["before"], t["delta"], t["after"]], rows, s,
                          widths=[60 * mm, 38 * mm, 38 * mm, 39 * mm], right=[1, 2, 3],
                          total_rows=2))
    out.append(Spacer(1, 4 * mm))
    out.append(para(t["basis"], s.small))
    out.append(signature_block(sheet.meta, s))
    return out
