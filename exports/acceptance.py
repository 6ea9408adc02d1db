"""The acceptance report (验收报告): the last document of a project, signed by both parties.

Sections: the project and its dates; the deliverables with their acceptance criteria and
a result (the tasks when the SOW names no deliverable); the knowledge transfer (training
deliverables); person-days and money by grade (baseline, each effective change request,
budget, consumed, remaining); the person-days no signed period confirms; quotas;
blockers and the working days blocked per party; the signed periods; the change
requests with their document ids; the settlement amount with tax and in 大写; the
conclusion and the signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle

from exports.base import (
    SheetDocument,
    Styles,
    Table,
    data_table,
    fmt_money,
    fmt_pd,
    grade_title,
    joined,
    key_values,
    money_capitals,
    quota_title,
    signature_block,
    signed_pd,
    unit,
)
from exports.base import p as para
from exports.status import figure_tiles, money_by_grade
from model import rules
from model.rules import round_to_total
from model.sheet_acceptance import (
    AcceptanceSheetData,
    BlockerLine,
    DeliverableLine,
    Settlement,
    money,
)
from model.sheets import Sheet

TEXT = {
    "zh": {
        "intro": "根据工作说明书 {code} 及双方签字生效的变更申请单，甲乙双方对本项目的交付成果、"
                 "人天消耗、额度使用与阻塞问题进行确认，形成本验收报告。",
        "s_project": "项目概况", "s_deliver": "交付成果", "s_kt": "知识转移（培训及手册）",
        "s_pd": "人天与金额", "s_unconfirmed": "未经确认人天",
        "s_quota": "额度使用", "s_block": "阻塞问题与损失工作日",
        "s_periods": "已签字确认的工时期间", "s_crs": "变更申请单",
        "s_settle": "结算金额", "s_end": "验收结论",
        "code": "项目编号", "name": "项目名称", "start": "开始日期", "sow_end": "合同结束日期",
        "cur_end": "当前结束日期（含已生效变更）", "wd": "工作日", "pd_def": "人天定义",
        "pd_def_v": "1 人天 = {h} 小时", "currency": "币种", "status": "验收状态",
        "t_budget": "预算人天", "t_consumed": "已消耗人天", "t_remaining": "剩余人天",
        "t_cost": "已消耗金额（{cur}）",
        "task": "编号", "task_title": "任务 / 交付物", "priority": "优先级", "t_status": "状态",
        "estimate": "预估人天", "used": "实耗人天", "diff": "偏差", "total": "合计",
        "item": "项目", "rate": "人天单价", "baseline": "基线", "budget": "预算",
        "consumed": "已消耗", "remaining": "剩余", "total_pd": "合计人天", "amount": "金额",
        "cr_row": "{d} 生效",
        "by_money": "金额（按职级）", "budget_cost": "预算金额", "consumed_cost": "已消耗金额",
        "remaining_cost": "剩余金额",
        "cap_budget": "预算金额（大写）", "cap_consumed": "已消耗金额（大写）",
        "cap_remaining": "剩余金额（大写）",
        "overtime": "其中加班 {pd} 人天，已计入消耗（逐人逐日见各期工时确认单）。",
        "pd_note": "人天与金额按全部已登记工时及全部已生效变更计算，即验收签字所覆盖的内容。",
        "quota": "额度", "q_title": "说明", "limit": "上限", "q_used": "已用", "q_left": "剩余",
        "lost": "损失工作日（截至 {d}）", "lost_v": "{n} 个工作日", "b_count": "阻塞问题数",
        "b_no": "编号", "b_title": "阻塞问题", "party": "责任方", "raised": "提出日期",
        "resolved": "解决日期", "b_days": "工作日", "b_task": "任务", "open": "未解决",
        "p_no": "编号", "period": "期间", "effective_on": "生效日期", "signers": "签字人",
        "doc_id": "文档编号", "cr_title": "标题", "new_end": "新结束日期",
        "d_pd": "人天变更", "d_cost": "费用变更",
        "conclusion": "甲方验收结论（由甲方签字人勾选，并在意见栏中写明条件或理由）：",
        "c_accepted": "通过", "c_conditional": "有条件通过", "c_rejected": "不通过",
        "comments": "验收意见",
        "none": "无",
        "acc_open": "未签字", "acc_signing": "一方已签字（{who}），待另一方签字",
        "acc_effective": "已于 {d} 验收通过（{who}）",
        "doc_open": "待签字", "doc_signing": "一方已签", "doc_effective": "已生效",
        "doc_withdrawn": "已撤回", "doc_rejected": "不通过",
        "task_open": "未开始", "task_in_progress": "进行中", "task_done": "已完成",
        "prio_high": "高", "prio_medium": "中", "prio_low": "低",
        "party_client": "甲方", "party_vendor": "乙方", "party_third": "第三方",
        # deliverables and knowledge transfer
        "d_key": "编号", "d_title": "交付物", "d_criteria": "验收标准", "d_due": "计划交付日期",
        "d_result": "验收结果", "d_tasks": "对应任务：{tasks}", "d_sep": "、",
        "d_delivered": "已交付", "d_in_progress": "进行中", "d_open": "未开始",
        "d_no_tasks": "未关联任务",
        "r_pass": "通过", "r_fail": "不通过",
        "d_note": "交付情况依据对应任务的状态：全部任务已完成即为已交付。"
                  "验收结果由甲方签字人逐项勾选。",
        "kt_none": "工作说明书未约定培训或手册类交付物。",
        # unconfirmed person-days
        "u_intro": "下列人天已登记，但其日期不在任何经甲乙双方签字确认的工时期间内，"
                   "尚未经确认。",
        "u_all": "全部已登记人天均在经甲乙双方签字确认的工时期间内。",
        "u_pd": "未经确认人天",
        # blockers
        "b_sum": "阻塞工作日（逐项合计）", "b_subtotal": "{p}小计",
        "b_note": "阻塞工作日为各阻塞问题自提出日起至解决日前一日（未解决的至 {d}）的工作日；"
                  "逐项合计为各项之和，损失工作日中同一责任方重叠的日期只计一次。",
        # settlement
        "st_basis": "结算方式", "st_actual": "按实结算（已消耗人天 × 人天单价，见第{n}节）",
        "st_fixed": "固定总价",
        "st_amount": "结算金额", "st_excl": "不含税金额", "st_tax": "税额（税率 {r}）",
        "st_incl": "价税合计", "st_item": "款项",
        "st_incl_note": "合同价格含税：税额 = 价税合计 × 税率 ÷（1 + 税率），"
                        "不含税金额 = 价税合计 − 税额。",
        "st_excl_note": "合同价格不含税：税额 = 不含税金额 × 税率，"
                        "价税合计 = 不含税金额 + 税额。",
        "st_round": "金额按四舍五入保留至分，各项之和等于合计。",
        "st_words": "结算金额（大写）",
    },
    "en": {
        "intro": "Under the Statement of Work {code} and the change requests signed by both "
                 "parties, the client and the vendor confirm the deliverables, the "
                 "person-days consumed, the quotas used and the blockers of this project.",
        "s_project": "Project", "s_deliver": "Deliverables",
        "s_kt": "Knowledge transfer (training and handbooks)",
        "s_pd": "Person-days and money", "s_unconfirmed": "Unconfirmed person-days",
        "s_quota": "Quotas", "s_block": "Blockers and working days lost",
        "s_periods": "Signed periods", "s_crs": "Change requests",
        "s_settle": "Settlement", "s_end": "Acceptance",
        "code": "Project code", "name": "Project", "start": "Start", "sow_end": "SOW end",
        "cur_end": "Current end (after CRs)", "wd": "Working days", "pd_def": "Person-day",
        "pd_def_v": "1 PD = {h} hours", "currency": "Currency", "status": "Acceptance",
        "t_budget": "Budget PD", "t_consumed": "Consumed PD", "t_remaining": "Remaining PD",
        "t_cost": "Consumed ({cur})",
        "task": "Task", "task_title": "Deliverable", "priority": "Priority",
        "t_status": "Status", "estimate": "Estimate PD", "used": "Consumed PD",
        "diff": "Variance", "total": "Total",
        "item": "Item", "rate": "Day rate", "baseline": "Baseline", "budget": "Budget",
        "consumed": "Consumed", "remaining": "Remaining", "total_pd": "Total PD",
        "amount": "Amount", "cr_row": "effective {d}",
        "by_money": "Money by grade", "budget_cost": "Budget", "consumed_cost": "Consumed",
        "remaining_cost": "Remaining",
        "cap_budget": "", "cap_consumed": "", "cap_remaining": "",
        "overtime": "Of which overtime: {pd} PD, included in the consumption (by person "
                    "and day on each period's timesheet confirmation).",
        "pd_note": "Person-days and money count every recorded entry and every effective "
                   "change request: the content the acceptance signatures cover.",
        "quota": "Quota", "q_title": "Description", "limit": "Limit", "q_used": "Used",
        "q_left": "Left",
        "lost": "Working days lost (as of {d})", "lost_v": "{n} working days",
        "b_count": "Blockers",
        "b_no": "No.", "b_title": "Blocker", "party": "Party", "raised": "Raised",
        "resolved": "Resolved", "b_days": "Days", "b_task": "Task", "open": "open",
        "p_no": "No.", "period": "Period", "effective_on": "Effective", "signers": "Signed by",
        "doc_id": "Document", "cr_title": "Title", "new_end": "New end",
        "d_pd": "PD change", "d_cost": "Cost change",
        "conclusion": "The client's conclusion (ticked by the client's signatory, with the "
                      "conditions or reasons written in the comments):",
        "c_accepted": "Accepted", "c_conditional": "Accepted with conditions",
        "c_rejected": "Rejected", "comments": "Comments",
        "none": "none",
        "acc_open": "not signed", "acc_signing": "signed by one party ({who}); awaiting "
                                                 "the other party",
        "acc_effective": "accepted on {d} ({who})",
        "doc_open": "unsigned", "doc_signing": "one party signed",
        "doc_effective": "effective", "doc_withdrawn": "withdrawn", "doc_rejected": "rejected",
        "task_open": "open", "task_in_progress": "in\u00a0progress", "task_done": "done",
        "prio_high": "high", "prio_medium": "medium", "prio_low": "low",
        "party_client": "client", "party_vendor": "vendor", "party_third": "third party",
        "d_key": "No.", "d_title": "Deliverable", "d_criteria": "Acceptance criteria",
        "d_due": "Due", "d_result": "Result", "d_tasks": "Tasks: {tasks}", "d_sep": ", ",
        "d_delivered": "delivered", "d_in_progress": "in progress", "d_open": "not started",
        "d_no_tasks": "no tasks linked",
        "r_pass": "Accepted", "r_fail": "Rejected",
        "d_note": "The status follows the deliverable's tasks: it is delivered when all of "
                  "them are done. The client's signatory ticks a result for each item.",
        "kt_none": "The Statement of Work provides for no training or handbook deliverables.",
        "u_intro": "The following person-days are recorded on dates that no timesheet period "
                   "signed by both parties covers; they have not been confirmed.",
        "u_all": "Every recorded person-day lies in a timesheet period signed by both parties.",
        "u_pd": "Unconfirmed PD",
        "b_sum": "Blocked days (sum of items)", "b_subtotal": "Subtotal, {p}",
        "b_note": "A blocker's days are the working days from the day it was raised to the "
                  "day before it was resolved (or to {d} if unresolved); the sum adds the "
                  "items, the days lost count a day on which a party's blockers overlap once.",
        "st_basis": "Basis", "st_actual": "Time and materials (person-days consumed × day "
                                          "rates, see section {n})",
        "st_fixed": "Fixed price",
        "st_amount": "Amount payable", "st_excl": "Amount excluding tax",
        "st_tax": "Tax at {r}", "st_incl": "Total including tax", "st_item": "Description",
        "st_incl_note": "Contract prices include tax: tax = amount including tax × rate ÷ "
                        "(1 + rate); the amount excluding tax is the difference.",
        "st_excl_note": "Contract prices exclude tax: tax = amount excluding tax × rate; the "
                        "total is their sum.",
        "st_round": "Amounts are rounded to the nearest cent (halves up); the items add up "
                    "to the total.",
        "st_words": "Amount in Chinese capitals (大写)",
    },
}


ZH_NUMERALS = "一二三四五六七八九十"


def section_number(n: int, lang: str) -> str:
    """A section's number: 一, 二, … 十一 in Chinese (up to 99), 1, 2, … in English."""
    if lang != "zh":
        return str(n)
    tens, ones = divmod(n, 10)
    return ((("" if tens == 1 else ZH_NUMERALS[tens - 1]) + "十" if tens else "")
            + (ZH_NUMERALS[ones - 1] if ones else ""))


def section_title(n: int, title: str, lang: str) -> str:
    """``一、title`` in Chinese, ``1. title`` in English."""
    if lang != "zh":
        return f"{n}. {title}"
    return f"{section_number(n, lang)}、{title}"


def percent(rate: Fraction) -> str:
    """A tax rate as a percentage: 6/100 -> 6%, 13/200 -> 6.5%."""
    value = rate * 100
    return f"{(Decimal(value.numerator) / Decimal(value.denominator)).normalize():f}%"


def story(sheet: Sheet[AcceptanceSheetData], doc: SheetDocument) -> list[Any]:
    data: AcceptanceSheetData = sheet.data
    meta, s = sheet.meta, doc.styles
    lang = meta.language
    t = TEXT[lang]
    cur = data.currency
    width = doc.pagesize[0] - 2 * doc.MARGIN
    numbers: dict[str, int] = {}

    def party(key: str) -> str:
        return t.get(f"party_{key}", key)

    def who(signers: Any) -> str:
        return joined([f"{party(x.party)} {x.name} {x.on}" for x in signers], lang)

    def heading(key: str) -> Paragraph:
        numbers[key] = len(numbers) + 1
        return para(section_title(numbers[key], t[key], lang), s.h2)

    costs = money_costs(data)
    budget_cost, consumed_cost, remaining_cost = (sum(c, Decimal(0)) for c in costs)
    out: list[Any] = [para(t["intro"].format(code=meta.project_code), s.body),
                      Spacer(1, 3 * mm)]
    out.append(figure_tiles([
        (t["t_budget"], fmt_pd(data.total("budget_pd"))),
        (t["t_consumed"], fmt_pd(data.total("consumed_pd"))),
        (t["t_remaining"], fmt_pd(data.total("remaining_pd"))),
        (t["t_cost"].format(cur=cur), fmt_money(consumed_cost))], s, width))

    # the project
    if data.accepted_on:
        acc = t["acc_effective"].format(d=data.accepted_on, who=who(data.acceptance_signers))
    elif data.acceptance_signers:
        acc = t["acc_signing"].format(who=who(data.acceptance_signers))
    else:
        acc = t["acc_open"]
    if data.acceptance_number:
        acc = f"{data.acceptance_number}{'：' if lang == 'zh' else ': '}{acc}"
    out.append(heading("s_project"))
    out.append(key_values([
        (t["code"], meta.project_code), (t["name"], meta.project_title),
        (meta.label("client"), meta.client), (meta.label("vendor"), meta.vendor),
        (t["start"], data.start), (t["sow_end"], data.sow_end),
        (t["cur_end"], data.current_end), (t["wd"], data.working_days),
        (t["pd_def"], t["pd_def_v"].format(h=fmt_pd(data.hours_per_day))),
        (t["currency"], cur), (t["status"], acc)], s, widths=(48 * mm, width - 48 * mm)))

    # deliverables: the SOW's, with criteria and a result; else the tasks
    out.append(heading("s_deliver"))
    if data.sow_deliverables:
        out.extend(deliverable_table(data.handed_over, data, s, t, width))
    elif data.deliverables:
        out.extend(task_table(data, meta, s, t))
    else:
        out.append(para(t["none"], s.body))

    # knowledge transfer: the training deliverables
    out.append(heading("s_kt"))
    if data.knowledge_transfer:
        out.extend(deliverable_table(data.knowledge_transfer, data, s, t, width))
    else:
        out.append(para(t["kt_none"], s.body))

    # person-days and money: rows are the baseline, each effective CR, the budget...
    out.append(heading("s_pd"))
    grades = data.grades
    n = len(grades)
    label_w, total_w, money_w = 28 * mm, 20 * mm, 28 * mm
    grade_w = (width - label_w - total_w - money_w) / max(n, 1)
    header = [t["item"], *(grade_title(g.grade, lang) for g in grades), t["total_pd"],
              unit(t["amount"], cur, lang)]
    # Every row adds up to its total as printed (largest remainder); remaining is the
    # budget less the consumption as printed, so the columns add up too.
    def footed(values: list[Fraction], places: int = 3) -> tuple[list[Decimal], Decimal]:
        rounded = round_to_total(values, places)
        return rounded, sum(rounded, Decimal(0))

    amounts = round_to_total([data.total_cost("baseline_pd"),
                              *(data.delta_cost(i) for i in range(len(data.effective)))],
                             2, budget_cost)
    baseline, baseline_total = footed([g.baseline_pd for g in grades])
    pd_rows: list[list[object]] = [
        [t["rate"], *(fmt_money(Fraction(g.rate_minor, 100)) for g in grades), "", ""],
        [t["baseline"], *(fmt_pd(v) for v in baseline), fmt_pd(baseline_total),
         fmt_money(amounts[0])]]
    changes = {c.number: c for c in data.changes}
    for i, number in enumerate(data.effective):
        on = changes[number].effective_on if number in changes else ""
        deltas, delta_total = footed([g.deltas_pd[i] for g in grades])
        pd_rows.append([Paragraph(f"{escape(number)}<br/><font size=6.5>"
                                  f"{escape(t['cr_row'].format(d=on))}</font>", s.cell),
                        *(signed_pd(v) for v in deltas),
                        signed_pd(delta_total), fmt_money(amounts[i + 1])])
    budget, budget_total = footed([g.budget_pd for g in grades])
    consumed, consumed_total = footed([g.consumed_pd for g in grades])
    remaining = [b - c for b, c in zip(budget, consumed, strict=True)]
    for key, values, total, cost in (
            ("budget", budget, budget_total, budget_cost),
            ("consumed", consumed, consumed_total, consumed_cost),
            ("remaining", remaining, budget_total - consumed_total, remaining_cost)):
        pd_rows.append([t[key], *(fmt_pd(v) for v in values), fmt_pd(total), fmt_money(cost)])
    over = [(i + 1, len(pd_rows) - 1) for i, g in enumerate(grades) if g.remaining_pd < 0]
    table = data_table(header, pd_rows, s, widths=[label_w, *([grade_w] * n), total_w, money_w],
                       right=list(range(1, n + 3)), total_rows=3, shade=over)
    out.append(table)
    out.append(Spacer(1, 1.5 * mm))
    notes = [meta.label("foot"), t["pd_note"]]
    if data.overtime_pd:
        notes.append(t["overtime"].format(pd=fmt_pd(data.overtime_pd)))
    out.append(para(" ".join(notes), s.small))

    out.append(Spacer(1, 3 * mm))
    money_rows: list[list[object]] = [
        [grade_title(g.grade, lang), fmt_money(Fraction(g.rate_minor, 100)),
         fmt_money(costs[0][i]), fmt_money(costs[1][i]), fmt_money(costs[2][i])]
        for i, g in enumerate(grades)]
    money_rows.append([t["total"], "", fmt_money(budget_cost), fmt_money(consumed_cost),
                       fmt_money(remaining_cost)])
    w = (width - 44 * mm) / 4
    block: list[Any] = [
        para(t["by_money"], s.head), Spacer(1, 1 * mm),
        data_table([grade_header(lang), unit(t["rate"], cur, lang),
                    unit(t["budget_cost"], cur, lang), unit(t["consumed_cost"], cur, lang),
                    unit(t["remaining_cost"], cur, lang)],
                   money_rows, s, widths=[44 * mm, w, w, w, w], right=[1, 2, 3, 4],
                   total_rows=1),
        Spacer(1, 1.5 * mm), para(meta.label("foot"), s.small)]
    if lang == "zh":
        block.append(Spacer(1, 2 * mm))
        block.append(key_values([
            (t["cap_budget"], money_capitals(budget_cost)),
            (t["cap_consumed"], money_capitals(consumed_cost)),
            (t["cap_remaining"], money_capitals(remaining_cost))], s,
            widths=(40 * mm, width - 40 * mm)))
    out.append(KeepTogether(block))

    # person-days no period signed by both parties covers
    out.append(heading("s_unconfirmed"))
    out.extend(unconfirmed_block(data, meta, s, t, lang, width))

    # quotas
    out.append(heading("s_quota"))
    if data.quotas:
        out.append(data_table(
            [t["quota"], t["limit"], t["q_used"], t["q_left"]],
            [[quota_title(q.title, lang), q.limit, q.used, q.limit - q.used]
             for q in data.quotas], s,
            widths=[width - 60 * mm, 20 * mm, 20 * mm, 20 * mm], right=[1, 2, 3]))
    else:
        out.append(para(t["none"], s.body))

    # blockers: per party, the days lost and the sum of its blockers' days
    out.append(heading("s_block"))
    out.extend(blocker_block(data, s, t, width, party))

    # signed periods
    out.append(heading("s_periods"))
    if data.periods:
        out.append(data_table(
            [t["p_no"], t["period"], t["t_status"], t["effective_on"], t["signers"]],
            [[x.number, f"{x.first} – {x.last}", t[f"doc_{x.status}"], x.effective_on or "",
              who(x.signatures)] for x in data.periods], s,
            widths=[18 * mm, 44 * mm, 22 * mm, 22 * mm, width - 106 * mm]))
    else:
        out.append(para(t["none"], s.body))

    # change requests
    out.append(heading("s_crs"))
    if data.changes:
        out.append(data_table(
            [t["doc_id"], t["cr_title"], t["t_status"], t["effective_on"], t["new_end"],
             t["d_pd"], unit(t["d_cost"], cur, lang)],
            [[para(c.doc_id, s.small), c.title, t[f"doc_{c.status}"], c.effective_on or "",
              c.new_end or "", signed_pd(c.delta_pd), fmt_money(c.delta_cost)]
             for c in data.changes], s,
            widths=[46 * mm, width - 46 * mm - 99 * mm, 18 * mm, 20 * mm, 20 * mm, 16 * mm,
                    25 * mm], right=[5, 6]))
    else:
        out.append(para(t["none"], s.body))

    # settlement
    if data.settlement is not None:
        out.append(KeepTogether([heading("s_settle"), *settlement_block(
            data.settlement, cur, s, t, width, section_number(numbers["s_pd"], lang),
            lang)]))

    # conclusion and signatures, kept together on one page
    out.append(KeepTogether([heading("s_end"), *conclusion_block(data, s, t, width),
                             *signature_block(meta, s, keep=False)]))
    return out


def money_costs(data: AcceptanceSheetData) -> tuple[list[Decimal], ...]:
    """(budget, consumed, remaining) money per grade as printed (see
    :func:`exports.status.money_by_grade`); billed on time and materials, the consumed
    money adds up to the settlement amount, so the report prints one figure for it."""
    budget, consumed, remaining = money_by_grade(data)
    st = data.settlement
    if st is not None and st.billing == "actual" and data.grades:
        consumed = round_to_total([g.cost(g.consumed_pd) for g in data.grades], 2, st.amount)
        remaining = [b - c for b, c in zip(budget, consumed, strict=True)]
    return budget, consumed, remaining


def task_table(data: AcceptanceSheetData, meta: Any, s: Styles,
               t: dict[str, str]) -> list[Any]:
    """The tasks, estimate against consumed: the report's list when the SOW names no
    deliverable. Each column adds up to its total as printed; variance is consumed less
    estimate as printed."""
    estimates = round_to_total([d.estimate_pd for d in data.deliverables], 3)
    used = round_to_total([d.consumed_pd for d in data.deliverables], 3)
    rows: list[list[object]] = [
        [d.code, d.title, t.get(f"prio_{d.priority}", d.priority),
         t.get(f"task_{d.status}", d.status), fmt_pd(e), fmt_pd(u), signed_pd(u - e)]
        for d, e, u in zip(data.deliverables, estimates, used, strict=True)]
    estimate_total, used_total = sum(estimates, Decimal(0)), sum(used, Decimal(0))
    rows.append(["", t["total"], "", "", fmt_pd(estimate_total), fmt_pd(used_total),
                 signed_pd(used_total - estimate_total)])
    return [data_table([t["task"], t["task_title"], t["priority"], t["t_status"],
                        t["estimate"], t["used"], t["diff"]], rows, s,
                       widths=[14 * mm, 74 * mm, 16 * mm, 20 * mm, 19 * mm, 19 * mm,
                               18 * mm], right=[4, 5, 6], total_rows=1),
            Spacer(1, 1.5 * mm), para(meta.label("foot"), s.small)]


def deliverable_table(lines: Sequence[DeliverableLine], data: AcceptanceSheetData,
                      s: Styles, t: dict[str, str], width: float) -> list[Any]:
    """Deliverables with their criteria and a result: the state their tasks give and,
    while the acceptance is unsigned, a box for the client's signatory to tick."""
    if not lines:
        return [para(t["none"], s.body)]
    rows: list[list[object]] = []
    for d in lines:
        title = escape(d.title)
        if d.tasks:
            tasks = t["d_tasks"].format(tasks=t["d_sep"].join(d.tasks))
            title += f"<br/><font size=6.5>{escape(tasks)}</font>"
        result = escape(t[f"d_{d.state}"])
        if data.open_for_results:
            # □: the embedded font has no ☐ (as in the conclusion's boxes); our own words.
            result += "".join(f'<br/><font size="11">□</font> {escape(t[k])}'
                              for k in ("r_pass", "r_fail"))
        rows.append([d.key, Paragraph(title, s.cell), para(d.criteria, s.cell),
                     d.due or "", Paragraph(result, s.cell)])
    return [data_table([t["d_key"], t["d_title"], t["d_criteria"], t["d_due"], t["d_result"]],
                       rows, s, widths=[18 * mm, 46 * mm, width - 18 * mm - 46 * mm - 50 * mm,
                                        22 * mm, 28 * mm]),
            Spacer(1, 1.5 * mm), para(t["d_note"], s.small)]


def unconfirmed_block(data: AcceptanceSheetData, meta: Any, s: Styles, t: dict[str, str],
                      lang: str, width: float) -> list[Any]:
    """Per grade, the PD and money of entries no period signed by both parties covers,
    each column adding up to its total as printed."""
    lines = [(g, pd) for g, pd in data.unconfirmed]
    if not lines:
        return [para(t["none"], s.body)]
    if not any(pd for _, pd in lines):
        return [para(t["u_all"], s.body)]
    pds = round_to_total([pd for _, pd in lines], 3)
    amounts = round_to_total([money(pd, data.rate_of(g)) for g, pd in lines], 2)
    cur = data.currency
    rows: list[list[object]] = [
        [grade_title(g, lang), fmt_pd(v), fmt_money(Fraction(data.rate_of(g), 100)),
         fmt_money(a)] for (g, _), v, a in zip(lines, pds, amounts, strict=True)]
    rows.append([t["total"], fmt_pd(sum(pds, Decimal(0))), "",
                 fmt_money(sum(amounts, Decimal(0)))])
    w = (width - 44 * mm) / 3
    return [para(t["u_intro"], s.body), Spacer(1, 1.5 * mm),
            data_table([grade_header(lang), t["u_pd"], unit(t["rate"], cur, lang),
                        unit(t["amount"], cur, lang)], rows, s, widths=[44 * mm, w, w, w],
                       right=[1, 2, 3], total_rows=1),
            Spacer(1, 1.5 * mm), para(meta.label("foot"), s.small)]


def blocker_block(data: AcceptanceSheetData, s: Styles, t: dict[str, str], width: float,
                  party: Callable[[str], str]) -> list[Any]:
    """Per party: its blockers, the working days lost (a day counted once) and the sum of
    its blockers' working days; then the blockers by party, each party with a subtotal."""
    by_party: dict[str, list[BlockerLine]] = {p: [] for p, _ in data.blocked_days}
    for b in data.blockers:
        by_party.setdefault(b.party, []).append(b)
    lost = dict(data.blocked_days)
    summary = data_table(
        [t["party"], t["b_count"], t["b_sum"], t["lost"].format(d=data.as_of)],
        [[party(p), len(bs), sum(b.working_days for b in bs),
          t["lost_v"].format(n=lost.get(p, 0))] for p, bs in by_party.items()],
        s, widths=[30 * mm, 30 * mm, 40 * mm, 60 * mm], right=[1, 2, 3])
    summary.hAlign = "LEFT"
    out: list[Any] = [summary]
    if data.blockers:
        rows: list[list[object]] = []
        for p, bs in by_party.items():
            if not bs:
                continue
            rows.extend([b.number, b.title, party(b.party), b.raised_on,
                         b.resolved_on or t["open"], b.working_days, b.task or ""]
                        for b in bs)
            # a party's subtotal, in bold like a total row
            rows.append(["", para(t["b_subtotal"].format(p=party(p)), s.head), "", "", "",
                         para(sum(b.working_days for b in bs), s.head_right), ""])
        table = data_table(
            [t["b_no"], t["b_title"], t["party"], t["raised"], t["resolved"], t["b_days"],
             t["b_task"]], rows, s,
            widths=[15 * mm, width - 15 * mm - 82 * mm, 14 * mm, 20 * mm, 20 * mm, 14 * mm,
                    14 * mm], right=[5])
        out += [Spacer(1, 2 * mm), table]
    out += [Spacer(1, 1.5 * mm), para(t["b_note"].format(d=data.as_of), s.small)]
    return out


def settlement_block(st: Settlement, cur: str, s: Styles, t: dict[str, str], width: float,
                     pd_section: str, lang: str) -> list[Any]:
    """The settlement: its basis, the amount and, with a tax rate, the amount excluding
    tax, the tax and the total including tax (adding up as printed), and the total in
    Chinese capitals."""
    basis = (t["st_actual"].format(n=pd_section) if st.billing == "actual"
             else t["st_fixed"])
    if st.tax_rate is None:
        rows: list[list[object]] = [[t["st_amount"], fmt_money(st.amount)]]
        note = t["st_round"]
    else:
        rows = [[t["st_excl"], fmt_money(st.excl_tax)],
                [t["st_tax"].format(r=percent(st.tax_rate)), fmt_money(st.tax)],
                [t["st_incl"], fmt_money(st.incl_tax)]]
        note = " ".join((t["st_incl_note"] if st.prices_include_tax else t["st_excl_note"],
                         t["st_round"]))
    table = data_table([t["st_item"], unit(t["amount"], cur, lang)],
                       rows, s, widths=[90 * mm, 40 * mm], right=[1], total_rows=1)
    table.hAlign = "LEFT"
    return [key_values([(t["st_basis"], basis)], s, widths=(48 * mm, width - 48 * mm)),
            Spacer(1, 1.5 * mm), table, Spacer(1, 1.5 * mm), para(note, s.small),
            Spacer(1, 1.5 * mm),
            key_values([(t["st_words"], money_capitals(st.total))], s,
                       widths=(48 * mm, width - 48 * mm))]


def conclusion_block(data: AcceptanceSheetData, s: Styles, t: dict[str, str],
                     width: float) -> list[Any]:
    """The client's conclusion: three boxes to tick and a comments box while unsigned;
    the conclusion and comments recorded with the client's signature once signed."""
    # □ and ▣: the embedded font has no ☐ / ☑ (U+2610/2611).
    # Our own words only (no user text), so the boxes may be drawn larger with markup.
    marks = "&nbsp;" * 6
    marks = marks.join(f'<font size="14">{"▣" if data.conclusion == c else "□"}</font> '
                       f'{escape(t["c_" + c])}' for c in rules.CONCLUSIONS)
    box = Table([[para(t["comments"], s.small)], [para(data.comment, s.body)]],
                colWidths=[width], rowHeights=[None, None if data.comment else 22 * mm])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#8a94a6")),
                             ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [para(t["conclusion"], s.body), Spacer(1, 2 * mm),
            Paragraph(marks, ParagraphStyle("marks", parent=s.body, leading=16)),
            Spacer(1, 2 * mm), box]


def grade_header(lang: str) -> str:
    return "职级" if lang == "zh" else "Grade"
