"""The acceptance report (验收报告): the last document of a project, signed by both parties.

Sections: the project and its dates; the deliverables; person-days and money by grade
(baseline, each effective change request, budget, consumed, remaining); quotas;
blockers and the working days lost per party; the signed periods; the change
requests with their document ids; the conclusion and the signatures.
"""

from __future__ import annotations

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
from model.sheet_acceptance import AcceptanceSheetData
from model.sheets import Sheet

TEXT = {
    "zh": {
        "intro": "根据工作说明书 {code} 及双方签字生效的变更申请单，甲乙双方对本项目的交付成果、"
                 "人天消耗、额度使用与阻塞问题进行确认，形成本验收报告。",
        "s_project": "一、项目概况", "s_deliver": "二、交付成果", "s_pd": "三、人天与金额",
        "s_quota": "四、额度使用", "s_block": "五、阻塞问题与损失工作日",
        "s_periods": "六、已签字确认的工时期间", "s_crs": "七、变更申请单",
        "s_end": "八、验收结论",
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
        "party_client": "甲方", "party_vendor": "乙方",
    },
    "en": {
        "intro": "Under the Statement of Work {code} and the change requests signed by both "
                 "parties, the client and the vendor confirm the deliverables, the "
                 "person-days consumed, the quotas used and the blockers of this project.",
        "s_project": "1. Project", "s_deliver": "2. Deliverables",
        "s_pd": "3. Person-days and money", "s_quota": "4. Quotas",
        "s_block": "5. Blockers and working days lost", "s_periods": "6. Signed periods",
        "s_crs": "7. Change requests", "s_end": "8. Acceptance",
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
        "party_client": "client", "party_vendor": "vendor",
    },
}


def story(sheet: Sheet, doc: SheetDocument) -> list[Any]:
    data: AcceptanceSheetData = sheet.data
    meta, s = sheet.meta, doc.styles
    lang = meta.language
    t = TEXT[lang]
    cur = data.currency
    width = doc.pagesize[0] - 2 * doc.MARGIN

    def party(key: str) -> str:
        return t.get(f"party_{key}", key)

    def who(signers: Any) -> str:
        return joined([f"{party(x.party)} {x.name} {x.on}" for x in signers], lang)

    out: list[Any] = [para(t["intro"].format(code=meta.project_code), s.body),
                      Spacer(1, 3 * mm)]
    out.append(figure_tiles([
        (t["t_budget"], fmt_pd(data.total("budget_pd"))),
        (t["t_consumed"], fmt_pd(data.total("consumed_pd"))),
        (t["t_remaining"], fmt_pd(data.total("remaining_pd"))),
        (t["t_cost"].format(cur=cur), fmt_money(data.total_cost("consumed_pd")))], s, width))

    # 1. the project
    if data.accepted_on:
        acc = t["acc_effective"].format(d=data.accepted_on, who=who(data.acceptance_signers))
    elif data.acceptance_signers:
        acc = t["acc_signing"].format(who=who(data.acceptance_signers))
    else:
        acc = t["acc_open"]
    if data.acceptance_number:
        acc = f"{data.acceptance_number}{'：' if lang == 'zh' else ': '}{acc}"
    out.append(para(t["s_project"], s.h2))
    out.append(key_values([
        (t["code"], meta.project_code), (t["name"], meta.project_title),
        (meta.label("client"), meta.client), (meta.label("vendor"), meta.vendor),
        (t["start"], data.start), (t["sow_end"], data.sow_end),
        (t["cur_end"], data.current_end), (t["wd"], data.working_days),
        (t["pd_def"], t["pd_def_v"].format(h=fmt_pd(data.hours_per_day))),
        (t["currency"], cur), (t["status"], acc)], s, widths=(48 * mm, width - 48 * mm)))

    # 2. deliverables
    out.append(para(t["s_deliver"], s.h2))
    if data.deliverables:
        # each column adds up to its total as printed; variance is consumed less
        # estimate as printed
        estimates = round_to_total([d.estimate_pd for d in data.deliverables], 3)
        used = round_to_total([d.consumed_pd for d in data.deliverables], 3)
        rows: list[list[object]] = [
            [d.code, d.title, t.get(f"prio_{d.priority}", d.priority),
             t.get(f"task_{d.status}", d.status), fmt_pd(e), fmt_pd(u), signed_pd(u - e)]
            for d, e, u in zip(data.deliverables, estimates, used, strict=True)]
        estimate_total, used_total = sum(estimates, Decimal(0)), sum(used, Decimal(0))
        rows.append(["", t["total"], "", "", fmt_pd(estimate_total), fmt_pd(used_total),
                     signed_pd(used_total - estimate_total)])
        out.append(data_table([t["task"], t["task_title"], t["priority"], t["t_status"],
                               t["estimate"], t["used"], t["diff"]], rows, s,
                              widths=[14 * mm, 74 * mm, 16 * mm, 20 * mm, 19 * mm, 19 * mm,
                                      18 * mm], right=[4, 5, 6], total_rows=1))
        out.append(Spacer(1, 1.5 * mm))
        out.append(para(meta.label("foot"), s.small))
    else:
        out.append(para(t["none"], s.body))

    # 3. person-days and money: rows are the baseline, each effective CR, the budget...
    out.append(para(t["s_pd"], s.h2))
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

    costs = money_by_grade(data)
    budget_cost, consumed_cost, remaining_cost = (sum(c, Decimal(0)) for c in costs)
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

    # 4. quotas
    out.append(para(t["s_quota"], s.h2))
    if data.quotas:
        out.append(data_table(
            [t["quota"], t["limit"], t["q_used"], t["q_left"]],
            [[quota_title(q.title, lang), q.limit, q.used, q.limit - q.used]
             for q in data.quotas], s,
            widths=[width - 60 * mm, 20 * mm, 20 * mm, 20 * mm], right=[1, 2, 3]))
    else:
        out.append(para(t["none"], s.body))

    # 5. blockers
    out.append(para(t["s_block"], s.h2))
    counts = {p: sum(1 for b in data.blockers if b.party == p) for p, _ in data.blocked_days}
    lost = data_table(
        [t["party"], t["lost"].format(d=data.as_of), t["b_count"]],
        [[party(p), t["lost_v"].format(n=days), counts[p]] for p, days in data.blocked_days],
        s, widths=[30 * mm, 60 * mm, 30 * mm], right=[1, 2])
    lost.hAlign = "LEFT"
    out.append(lost)
    if data.blockers:
        out.append(Spacer(1, 2 * mm))
        out.append(data_table(
            [t["b_no"], t["b_title"], t["party"], t["raised"], t["resolved"], t["b_days"],
             t["b_task"]],
            [[b.number, b.title, party(b.party), b.raised_on, b.resolved_on or t["open"],
              b.working_days, b.task or ""] for b in data.blockers], s,
            widths=[15 * mm, width - 15 * mm - 82 * mm, 14 * mm, 20 * mm, 20 * mm, 14 * mm,
                    14 * mm], right=[5]))

    # 6. signed periods
    out.append(para(t["s_periods"], s.h2))
    if data.periods:
        out.append(data_table(
            [t["p_no"], t["period"], t["t_status"], t["effective_on"], t["signers"]],
            [[x.number, f"{x.first} – {x.last}", t[f"doc_{x.status}"], x.effective_on or "",
              who(x.signatures)] for x in data.periods], s,
            widths=[18 * mm, 44 * mm, 22 * mm, 22 * mm, width - 106 * mm]))
    else:
        out.append(para(t["none"], s.body))

    # 7. change requests
    out.append(para(t["s_crs"], s.h2))
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

    # 8. conclusion and signatures, kept together on one page
    out.append(KeepTogether([para(t["s_end"], s.h2), *conclusion_block(data, s, t, width),
                             *signature_block(meta, s, keep=False)]))
    return out


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
