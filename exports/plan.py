"""The scope document (需求范围确认, SCOPE-001; the work plan): tasks by priority with their
estimates, deliverables with their criteria, allocations, PD per grade, ideal burn-down, and
both parties' signature blocks."""

from __future__ import annotations

import math
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from exports.base import (
    SheetDocument,
    Styles,
    cell_text,
    data_table,
    fmt_pd,
    grade_title,
    joined,
    key_values,
    new_drawing,
    signature_block,
    unit,
)
from exports.base import p as para
from model.rules import pd_of_milli
from model.sheet_plan import Milestone, PlanData
from model.sheets import Sheet

TEXT = {
    "zh": {"schedule": "工期", "schedule_text": "{start} 至 {end}（工作日 {wd} 天）",
           "moved": "；SOW 原定结束 {sow_end}，经变更 {crs} 调整",
           "budget": "人天预算", "budget_text": "基线 {baseline} 人天，当前预算 {budget} 人天{crs}",
           "crs": "（含已生效变更 {list}）", "plan": "计划",
           "plan_text": "任务估算合计 {estimate} 人天，已分配 {planned} 人天",
           "tasks": "任务与估算（按优先级）", "code": "编号", "task": "任务",
           "priority": "优先级", "status": "状态", "estimate": "估算人天",
           "planned": "已分配人天", "assignees": "人员（计划人天）", "total": "合计",
           "people": "人天分配（按人员）", "name": "姓名", "grade": "职级",
           "allocations": "任务分配（计划人天）", "none": "—", "unplanned": "未定",
           "by_grade": "按职级：计划与预算", "baseline": "基线人天",
           "budget_now": "当前预算人天", "spare": "预算余量（预算 − 已分配）",
           "over_note": "▲ 已分配人天超出当前预算：{list}。超出部分须经双方签字的变更申请单"
                        "增加预算，或调整分配。",
           "over_item": "{grade}超出 {pd} 人天",
           "capacity": "可用人天",
           "capacity_note": "▲ 人天分配超出可用人天（在岗工作日减去请假日）：{list}。",
           "capacity_item": "{name}已分配 {pd} 人天，可用 {capacity} 人天",
           "milestones": "里程碑与理想剩余人天", "date": "日期", "milestone": "里程碑",
           "elapsed": "已过工作日", "ideal": "理想剩余人天",
           "start": "项目开始", "month_end": "{month} 月末", "sow_end": "SOW 原定结束",
           "end": "项目结束", "end_crs": "项目结束（经 {crs} 调整）",
           "burndown": "理想燃尽线", "axis_x": "工作日", "axis_y": "剩余人天",
           "ideal_note": "理想剩余人天 = 当前预算 ×（W − 已过工作日）÷ W，W = {wd} 个工作日"
                         "（周一至周五，除节假日，含调休工作日）；按日终计算。",
           "note": "双方确认以上任务分解（含优先级、预估人天）与交付物及其验收标准。",
           "note2": "签字确认后，预估人天、任务与交付物的变更须经双方签字的变更申请单；"
                    "人天、额度与工期的变更亦以变更申请单为准。",
           "scope": "范围确认", "scope_open": "{number} 尚未签字确认",
           "scope_signing": "{number} 已由一方签字，待另一方签字",
           "scope_effective": "{number} 已由双方于 {on} 签字确认",
           "deliverables": "交付物与验收标准", "key": "编号", "deliverable": "交付物",
           "criteria": "验收标准", "due": "交付日期", "kt": "（知识转移：培训 + 手册）",
           "no_deliverables": "SOW 未列交付物。",
           "priorities": {"high": "高", "medium": "中", "low": "低"},
           "statuses": {"open": "未开始", "in_progress": "进行中", "done": "已完成"}},
    "en": {"schedule": "Schedule", "schedule_text": "{start} to {end} ({wd} working days)",
           "moved": "; the SOW's end {sow_end} was moved by {crs}",
           "budget": "Budget", "budget_text": "baseline {baseline} PD, budget now {budget} PD{crs}",
           "crs": " (with effective change requests {list})", "plan": "Plan",
           "plan_text": "task estimates {estimate} PD in all, {planned} PD allocated",
           "tasks": "Tasks and estimates (by priority)", "code": "Code", "task": "Task",
           "priority": "Priority", "status": "Status", "estimate": "Estimate PD",
           "planned": "Allocated PD", "assignees": "People (planned PD)", "total": "Total",
           "people": "Allocations by person", "name": "Name", "grade": "Grade",
           "allocations": "Tasks (planned PD)", "none": "—", "unplanned": "tbd",
           "by_grade": "By grade: plan and budget", "baseline": "Baseline PD",
           "budget_now": "Budget now PD", "spare": "Budget − allocated",
           "over_note": "▲ More person-days allocated than budgeted: {list}. The excess "
                        "takes a change request signed by both parties, or fewer "
                        "allocations.",
           "over_item": "{grade} over by {pd} PD",
           "capacity": "Capacity PD",
           "capacity_note": "▲ Allocated over capacity (active working days minus days "
                            "away): {list}.",
           "capacity_item": "{name} {pd} of {capacity} PD",
           "milestones": "Milestones and ideal remaining PD", "date": "Date",
           "milestone": "Milestone", "elapsed": "Working days", "ideal": "Ideal remaining PD",
           "start": "Start", "month_end": "End of {month}", "sow_end": "SOW end (original)",
           "end": "End", "end_crs": "End (moved by {crs})",
           "burndown": "Ideal burn-down", "axis_x": "working days", "axis_y": "PD left",
           "ideal_note": "Ideal remaining PD = budget now × (W − working days elapsed) ÷ W, "
                         "W = {wd} working days (Monday to Friday, less holidays, plus "
                         "make-up days), at the end of each day.",
           "note": "Both parties confirm the task breakdown above (priorities and estimated "
                   "person-days) and the deliverables with their acceptance criteria.",
           "note2": "Once signed, estimates, tasks and deliverables change only through a "
                    "change request signed by both parties, as do person-days, quotas and "
                    "dates.",
           "scope": "Scope", "scope_open": "{number} is not signed yet",
           "scope_signing": "{number} is signed by one party, awaiting the other",
           "scope_effective": "{number} was signed by both parties on {on}",
           "deliverables": "Deliverables and acceptance criteria", "key": "Key",
           "deliverable": "Deliverable", "criteria": "Acceptance criteria", "due": "Due",
           "kt": " (knowledge transfer: training and handbook)",
           "no_deliverables": "The SOW lists no deliverables.",
           "priorities": {"high": "high", "medium": "medium", "low": "low"},
           "statuses": {"open": "open", "in_progress": "in\u00a0progress", "done": "done"}},
}

LINE = colors.HexColor("#1f3b63")
GRID = colors.HexColor("#c5ccd6")
AXIS = colors.HexColor("#4a5568")
MOVED = colors.HexColor("#b42318")


def _grade(grade: str | None, lang: str, data: PlanData) -> str:
    if not grade:
        return ""
    return grade_title(grade, lang, data.ladder)


def _milli(value: int | None, t: dict) -> str:
    return t["unplanned"] if value is None else fmt_pd(pd_of_milli(value))


def _milestone_label(m: Milestone, data: PlanData, t: dict, lang: str) -> str:
    if m.kind == "month_end":
        month = f"{m.on.year} 年 {m.on.month}" if lang == "zh" else m.on.strftime("%B %Y")
        return t["month_end"].format(month=month)
    if m.kind == "end" and data.end_crs:
        return t["end_crs"].format(crs=joined(data.end_crs, lang))
    return t[m.kind]


def _over_note(data: PlanData, s: Styles, t: dict, lang: str) -> list[Any]:
    """The grades allocated beyond their budget, in a note under the table (marked ▲)."""
    over = [t["over_item"].format(grade=_grade(g.grade, lang, data),
                                  pd=fmt_pd(pd_of_milli(-g.spare_milli)))
            for g in data.grades if g.spare_milli < 0]
    if not over:
        return []
    style = ParagraphStyle("over_note", parent=s.small, fontName=s.bold, textColor=MOVED)
    return [Spacer(1, 1.5 * mm),
            para(t["over_note"].format(list=("；" if lang == "zh" else "; ").join(over)),
                 style)]


def _capacity_note(data: PlanData, s: Styles, t: dict, lang: str) -> list[Any]:
    """The people allocated over their capacity, in a note under their table (▲)."""
    over = [t["capacity_item"].format(name=pp.name, pd=fmt_pd(pd_of_milli(pp.planned_milli)),
                                      capacity=pp.capacity_days)
            for pp in data.people if pp.over]
    if not over:
        return []
    style = ParagraphStyle("capacity_note", parent=s.small, fontName=s.bold, textColor=MOVED)
    return [Spacer(1, 1.5 * mm), para(t["capacity_note"].format(
        list=("；" if lang == "zh" else "; ").join(over)), style)]


def _nice_step(top: float) -> float:
    raw = top / 5 if top > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)


def burndown_drawing(data: PlanData, s: Styles, t: dict, width: float,
                     height: float = 62 * mm) -> Drawing:
    """The ideal line from the budget to 0 over the working days, milestones marked."""
    total = len(data.working_days)
    budget = float(data.budget_pd)
    left, bottom, right, top = 14 * mm, 11 * mm, 6 * mm, 8 * mm
    pw, ph = width - left - right, height - bottom - top
    step = _nice_step(budget)
    ymax = max(step, math.ceil(budget / step) * step)
    d = new_drawing(width, height)

    def x(i: float) -> float:
        return left + (pw * i / total if total else 0)

    def y(v: float) -> float:
        return bottom + ph * v / ymax

    def text(px: float, py: float, value: str, size: float = 6.5, anchor: str = "middle",
             color: Any = AXIS) -> None:
        d.add(String(px, py, value, fontName=s.font, fontSize=size, textAnchor=anchor,
                     fillColor=color))

    v = 0.0
    while v <= ymax + 1e-9:
        d.add(Line(left, y(v), left + pw, y(v), strokeColor=GRID, strokeWidth=0.4))
        text(left - 2, y(v) - 2.2, f"{v:g}", anchor="end")
        v += step
    d.add(Line(left, bottom, left, bottom + ph, strokeColor=AXIS, strokeWidth=0.6))
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=AXIS, strokeWidth=0.6))
    text(left, bottom + ph + 4, t["axis_y"], anchor="start")
    text(left + pw, 1.5, t["axis_x"], anchor="end")
    labels: list[float] = []  # x of the date labels drawn so far: no two overlap

    def label_free(px: float) -> bool:
        return all(abs(px - q) >= 10 * mm for q in labels)

    end = data.milestones[-1]
    for m in [end] + [m for m in data.milestones if m is not end]:
        px = x(m.elapsed)
        if m.kind in ("month_end", "sow_end"):
            moved = m.kind == "sow_end"
            d.add(Line(px, bottom, px, bottom + ph, strokeColor=MOVED if moved else GRID,
                       strokeWidth=0.6 if moved else 0.4,
                       strokeDashArray=[2, 2] if moved else None))
        d.add(Circle(px, y(float(m.ideal)), 1.4, fillColor=LINE, strokeColor=None))
        if not label_free(px):
            continue
        labels.append(px)
        anchor = "start" if m.kind == "start" else "end" if m is end else "middle"
        text(px, bottom - 7, m.on.strftime("%m-%d"), anchor=anchor,
             color=MOVED if m.kind == "sow_end" else AXIS)
        if m.kind not in ("start", "end"):
            text(px + 2, y(float(m.ideal)) + 2.5, fmt_pd(m.ideal), anchor="start",
                 color=LINE)
    if total:
        points: list[float] = []
        for i in range(total + 1):
            points += [x(i), y(budget * (total - i) / total)]
        d.add(PolyLine(points, strokeColor=LINE, strokeWidth=1.2))
    return d


def _deliverables(data: PlanData, s: Styles, t: dict) -> list[Any]:
    """The deliverables the scope covers, with their acceptance criteria."""
    out: list[Any] = [para(t["deliverables"], s.h2)]
    if not data.deliverables:
        return [*out, para(t["no_deliverables"], s.small)]
    rows = [[d.key, cell_text(d.title + (t["kt"] if d.kind == "training" else ""), s.cell),
             cell_text(d.criteria, s.cell), d.due.isoformat() if d.due else t["none"]]
            for d in data.deliverables]
    return [*out, data_table([t["key"], t["deliverable"], t["criteria"], t["due"]], rows, s,
                             widths=[18 * mm, 55 * mm, 85 * mm, 22 * mm])]


def story(sheet: Sheet[PlanData], doc: SheetDocument) -> list[Any]:
    data: PlanData = sheet.data
    s, lang = doc.styles, sheet.meta.language
    t = TEXT[lang]
    width = doc.width
    schedule = t["schedule_text"].format(start=data.start, end=data.end,
                                         wd=len(data.working_days))
    if data.end_crs:
        schedule += t["moved"].format(sow_end=data.sow_end, crs=joined(data.end_crs, lang))
    crs = (t["crs"].format(list=joined([unit(n, str(on), lang)
                                        for n, on in data.effective_crs], lang))
           if data.effective_crs else "")
    scope = t[f"scope_{data.scope.status}"].format(number=data.scope.number,
                                                    on=data.scope.effective_on)
    out: list[Any] = [key_values([
        (t["scope"], scope),
        (t["schedule"], schedule),
        (t["budget"], t["budget_text"].format(baseline=fmt_pd(data.baseline_pd),
                                              budget=fmt_pd(data.budget_pd), crs=crs)),
        (t["plan"], t["plan_text"].format(estimate=fmt_pd(data.estimate_pd),
                                          planned=fmt_pd(data.planned_pd)))], s,
        widths=(25 * mm, 155 * mm))]

    out.append(para(t["tasks"], s.h2))
    rows: list[list[Any]] = []
    for task in data.tasks:
        people = " · ".join(f"{a.name} {_milli(a.planned_milli, t)}" for a in task.assignees)
        rows.append([task.code, task.title, t["priorities"].get(task.priority, task.priority),
                     t["statuses"].get(task.status, task.status),
                     fmt_pd(pd_of_milli(task.estimate_milli)),
                     fmt_pd(pd_of_milli(task.planned_milli)), people or t["none"]])
    rows.append([t["total"], "", "", "", fmt_pd(data.estimate_pd), fmt_pd(data.planned_pd), ""])
    out.append(data_table([t["code"], t["task"], t["priority"], t["status"], t["estimate"],
                           t["planned"], t["assignees"]], rows, s,
                          widths=[13 * mm, 48 * mm, 15 * mm, 17 * mm, 18 * mm, 20 * mm,
                                  49 * mm], right=[4, 5], total_rows=1))

    out += _deliverables(data, s, t)

    # a grade allocated beyond its budget, a person beyond their capacity: marked ▲, the
    # figure in bold red, and named in the note under the table
    over_style = ParagraphStyle("over", parent=s.head, textColor=MOVED)
    over_right = ParagraphStyle("over_right", parent=s.head_right, textColor=MOVED)
    rows = [[cell_text(f"{pp.name} ▲", over_style) if pp.over else pp.name,
             _grade(pp.grade, lang, data),
             " · ".join(f"{code} {_milli(m, t)}" for code, m in pp.tasks) or t["none"],
             cell_text(fmt_pd(pd_of_milli(pp.planned_milli)), over_right) if pp.over
             else fmt_pd(pd_of_milli(pp.planned_milli)),
             "" if pp.capacity_days is None else str(pp.capacity_days)]
            for pp in data.people]
    rows.append([t["total"], "", "", fmt_pd(pd_of_milli(sum(pp.planned_milli
                                                            for pp in data.people))), ""])
    out.append(KeepTogether([para(t["people"], s.h2), data_table(
        [t["name"], t["grade"], t["allocations"], t["planned"], t["capacity"]], rows, s,
        widths=[30 * mm, 40 * mm, 70 * mm, 20 * mm, 20 * mm], right=[3, 4], total_rows=1),
        *_capacity_note(data, s, t, lang)]))

    rows = [[cell_text(f"{_grade(g.grade, lang, data)} ▲", over_style) if g.spare_milli < 0
             else _grade(g.grade, lang, data), fmt_pd(pd_of_milli(g.baseline_milli)),
             fmt_pd(pd_of_milli(g.budget_milli)), fmt_pd(pd_of_milli(g.planned_milli)),
             cell_text(fmt_pd(pd_of_milli(g.spare_milli)), over_right) if g.spare_milli < 0
             else fmt_pd(pd_of_milli(g.spare_milli))]
            for g in data.grades]
    rows.append([t["total"], fmt_pd(data.baseline_pd), fmt_pd(data.budget_pd),
                 fmt_pd(pd_of_milli(sum(g.planned_milli for g in data.grades))),
                 fmt_pd(pd_of_milli(sum(g.spare_milli for g in data.grades)))])
    out.append(KeepTogether([para(t["by_grade"], s.h2), data_table(
        [t["grade"], t["baseline"], t["budget_now"], t["planned"], t["spare"]], rows, s,
        widths=[55 * mm, 28 * mm, 30 * mm, 30 * mm, 37 * mm], right=[1, 2, 3, 4],
        total_rows=1), *_over_note(data, s, t, lang)]))

    rows = [[m.on.isoformat(), _milestone_label(m, data, t, lang), m.elapsed,
             fmt_pd(m.ideal)] for m in data.milestones]
    out.append(KeepTogether([
        para(t["milestones"], s.h2),
        data_table([t["date"], t["milestone"], t["elapsed"], t["ideal"]], rows, s,
                   widths=[28 * mm, 92 * mm, 30 * mm, 30 * mm], right=[2, 3])]))
    out.append(KeepTogether([
        para(t["burndown"], s.h2),
        burndown_drawing(data, s, t, width),
        para(t["ideal_note"].format(wd=len(data.working_days)), s.small)]))
    out.append(Spacer(1, 4 * mm))
    out.append(para(t["note"], s.small))
    out.append(para(t["note2"], s.small))  # a sentence a line: no word cut at a wrap
    out.append(signature_block(sheet.meta, s))
    return out

