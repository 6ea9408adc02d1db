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

from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from exports.acceptance_blocks import (  # noqa: F401 - money_costs, percent re-exported
    blocker_block,
    conclusion_block,
    deliverable_table,
    grade_header,
    money_costs,
    percent,
    settlement_block,
    task_table,
    unconfirmed_block,
)
from exports.acceptance_text import TEXT
from exports.base import (
    SheetDocument,
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
from exports.status_chart import figure_tiles
from model.rules import round_to_total
from model.sheet_acceptance import AcceptanceSheetData
from model.sheets import Sheet

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



def story(sheet: Sheet[AcceptanceSheetData], doc: SheetDocument) -> list[Any]:
    data: AcceptanceSheetData = sheet.data
    meta, s = sheet.meta, doc.styles
    lang = meta.language
    t = TEXT[lang]
    cur = data.currency
    width = doc.width
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
    header = [t["item"], *(grade_title(g.grade, lang, sheet.data.ladder) for g in grades),
              t["total_pd"],
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
        [grade_title(g.grade, lang, sheet.data.ladder), fmt_money(Fraction(g.rate_minor, 100)),
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


