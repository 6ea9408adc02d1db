"""The acceptance report's tables and blocks: tasks, deliverables, the person-days no signed
period confirms, blockers, the settlement and the conclusion (exports.acceptance puts
them in order)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from exports.base import (
    Styles,
    Table,
    data_table,
    fmt_money,
    fmt_pd,
    grade_title,
    key_values,
    money_capitals,
    signed_pd,
    unit,
)
from exports.base import p as para
from exports.status import money_by_grade
from model import rules
from model.rules import round_to_total
from model.sheet_acceptance import (
    AcceptanceSheetData,
    BlockerLine,
    DeliverableLine,
    Settlement,
    money,
)


def percent(rate: Fraction) -> str:
    """A tax rate as a percentage: 6/100 -> 6%, 13/200 -> 6.5%."""
    value = rate * 100
    return f"{(Decimal(value.numerator) / Decimal(value.denominator)).normalize():f}%"


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
        title += f"<br/><font size=6.5>{escape(delivery_text(d, t))}</font>"
        rows.append([d.key, Paragraph(title, s.cell), para(d.criteria, s.cell),
                     d.due or "", Paragraph(result, s.cell)])
    return [data_table([t["d_key"], t["d_title"], t["d_criteria"], t["d_due"], t["d_result"]],
                       rows, s, widths=[18 * mm, 46 * mm, width - 18 * mm - 46 * mm - 50 * mm,
                                        22 * mm, 28 * mm]),
            Spacer(1, 1.5 * mm), para(t["d_note"], s.small)]


def delivery_text(d: DeliverableLine, t: dict[str, str]) -> str:
    """The delivery as recorded (``deliverable done``): its date and note, or "not
    delivered" (plain text: the caller escapes it)."""
    if d.delivered_on is None:
        return t["d_not_delivered"]
    return t["d_delivered_on"].format(d=d.delivered_on) + (
        t["d_delivery_note"].format(n=d.delivery_note) if d.delivery_note else "")


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
        [grade_title(g, lang, data.ladder), fmt_pd(v), fmt_money(Fraction(data.rate_of(g), 100)),
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
