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
from exports.status_text import TEXT
from model.rules import ALERT_TEXT, DEFAULT_LADDER, Ladder, alert_text, round_to_total
from model.sheet_status import StatusAlert, StatusSheetData
from model.sheets import Sheet


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
