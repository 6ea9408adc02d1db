"""What a change request does, in words: its effect on the budget per grade (now → once
effective, and the cost of the delta at the SOW's day rates), its one-line summary and
status, and the raise form's deltas as typed (``senior=5 expert=-2``), checked.

Pure helpers of the Change requests view (no widget, no database): the budget step is
the model's rule (``rules.budget_if_signed``); only its table and words are here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model import rules
from model.errors import LedgerError
from model.formats import grade_title
from model.i18n import N_, _, language
from model.views import ChangeView
from storage.services import parse_assignments
from tui.text import fmt_money, fmt_pd, table

# ---------------------------------------------------------------- signed figures


signed_pd = rules.format_signed_pd  # +10, -2.5, 0: the sheets' rule


def signed_money(value: Fraction | int) -> str:
    text = fmt_money(value)
    return text if text.startswith("-") or Fraction(value) == 0 else "+" + text


# ---------------------------------------------------------------- the CR's effect


#: a CR's status as the app says it (marked: translated where shown, e.g. status_text)
STATUS_LABELS = {
    rules.DOC_OPEN: N_("pending"),
    rules.DOC_SIGNING: N_("pending"),
    rules.DOC_EFFECTIVE: N_("effective"),
    rules.DOC_WITHDRAWN: N_("withdrawn"),
}


@dataclass(frozen=True)
class ChangesData:
    """What the view shows, read in one worker."""

    changes: list[ChangeView]
    summary: rules.Summary
    rates: Mapping[str, int]  # day rate per grade, minor units


def change_fact(cr: ChangeView) -> rules.ChangeFact:
    return rules.ChangeFact(cr.number, cr.raised_on,
                            withdrawn=cr.status == rules.DOC_WITHDRAWN,
                            effective_on=cr.effective_on, deltas=dict(cr.deltas),
                            quota_deltas=dict(cr.quota_deltas), new_end=cr.new_end)


def in_budget(cr: ChangeView, as_of: date) -> bool:
    """Is the CR already part of the budget as of ``as_of``?"""
    return change_fact(cr).effective_by(as_of)


def budget_steps(summary: rules.Summary, fact: rules.ChangeFact,
                 already_in: bool = False) -> dict[str, tuple[Fraction, Fraction]]:
    """Per grade touched: (budget without the CR, budget with it), as of the summary's date."""
    steps = rules.budget_if_signed(summary, fact)
    if already_in:  # the summary's budget already holds the delta: step back from it
        steps = {g: (before - (after - before), before) for g, (before, after) in steps.items()}
    return steps


def effect_text(summary: rules.Summary, rates: Mapping[str, int], fact: rules.ChangeFact,
                already_in: bool = False, compact: bool = False) -> str:
    """The budget step per grade and in total, the cost of the delta, quotas and end date.

    ``compact`` (the raise form's preview) leaves out the Chinese labels and the rates.
    """
    steps = budget_steps(summary, fact, already_in)
    cur = summary.currency
    lines: list[str] = []
    if steps:
        rows = []
        step_total = sum((after - before for before, after in steps.values()), Fraction(0))
        total_before = summary.budget_pd - (step_total if already_in else 0)
        total_delta = Fraction(0)
        total_cost = Fraction(0)
        for grade, (before, after) in steps.items():
            delta = after - before
            rate = rates.get(grade)
            cost = delta * Fraction(rate, 100) if rate is not None else None
            total_delta += delta
            total_cost += cost or 0
            rows.append((grade, grade_title(grade, "zh", summary.ladder),
                         f"{fmt_pd(before)} → {fmt_pd(after)}", signed_pd(delta),
                         fmt_money(Fraction(rate, 100)) if rate is not None else _("no rate"),
                         signed_money(cost) if cost is not None else "—"))
        rows.append((_("total"), "合计" if language() == "en" else "",
                     f"{fmt_pd(total_before)} → "
                     f"{fmt_pd(total_before + total_delta)}", signed_pd(total_delta), "",
                     signed_money(total_cost)))
        if compact:
            lines += table((_("grade"), _("budget PD"), _("delta PD"),
                            _("cost delta {currency}").format(currency=cur)),
                           [(r[0], r[2], r[3], r[5]) for r in rows], right=(2, 3)).splitlines()
        else:
            lines += table((_("grade"), _("职级"), _("budget PD"), _("delta PD"),
                            _("day rate {currency}").format(currency=cur),
                            _("cost delta {currency}").format(currency=cur)), rows,
                           right=(3, 4, 5)).splitlines()
    else:
        lines.append(_("no person-day delta: the budget does not change"))
    quotas = {key: (title, limit) for key, title, limit, _used in summary.quotas}
    for key, delta in sorted(fact.quota_deltas.items()):
        title, limit = quotas.get(key, (key, None))
        if limit is None:
            lines.append(_("quota {key}: {delta}").format(key=key, delta=f"{delta:+d}"))
            continue
        before = limit - delta if already_in else limit
        name = key if compact else f"{key} ({title})"
        lines.append(_("quota {name}: limit {before} → {after}").format(
            name=name, before=before, after=before + delta))
    if fact.new_end is not None:
        if already_in:
            lines.append(_("end date: {end}").format(end=fact.new_end))
        else:
            lines.append(_("end date: {end}").format(end=f"{summary.end} → {fact.new_end}"))
    return "\n".join(lines)


def changes_text(cr: ChangeView) -> str:
    """The list's one-line description: PD deltas per grade, quota deltas, new end."""
    parts = [" ".join(f"{g} {signed_pd(rules.pd_of_milli(m))}" for g, m in cr.deltas)]
    parts.append(" ".join(f"{k} {d:+d}" for k, d in cr.quota_deltas))
    if cr.new_end is not None:
        parts.append(_("end → {end}").format(end=cr.new_end))
    return " · ".join(p for p in parts if p)


def status_text(cr: ChangeView) -> str:
    label = _(STATUS_LABELS.get(cr.status, cr.status))
    if cr.status == rules.DOC_EFFECTIVE and cr.effective_on:
        label += f" {cr.effective_on}"
    return label


def _split_assignments(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;，；]+", text.strip()) if t]


def delta_example(ladder: rules.Ladder, sign: str = "") -> str:
    """An example of PD deltas on the project's ``ladder`` (``senior=5 expert=2`` on the
    default one): the two grades below the most senior, as many as the ladder has."""
    keys = ladder.keys()
    picked = keys[-3:-1] if len(keys) >= 3 else keys[:2]
    return " ".join(f"{g}={n}" for g, n in zip(picked, ("5", f"{sign}2"), strict=False))


def parse_cr_deltas(text: str, ladder: rules.Ladder = rules.DEFAULT_LADDER) -> dict[str, str]:
    """``senior=5 expert=2`` (or the grades' Chinese labels on the project's ``ladder``)
    to {grade: "PD"}; checked."""
    by_label = {step.zh: step.key for step in ladder.steps}
    out: dict[str, str] = {}
    for key, value in parse_assignments(_split_assignments(text), _("PD deltas")).items():
        grade = by_label.get(key, key)
        if grade not in ladder:
            raise LedgerError(_("PD deltas: {key!r} is not a grade ({grades})").format(
                key=key, grades=", ".join(ladder.keys())))
        rules.pd_to_milli(value, _("PD delta {grade}").format(grade=grade))
        out[grade] = value
    return out


def parse_quota_deltas(text: str, known: Iterable[str] | None = None) -> dict[str, str]:
    """``prompt-rounds=1`` to {key: "N"}; whole numbers, known keys when ``known`` is given."""
    keys = set(known) if known is not None else None
    out = parse_assignments(_split_assignments(text), _("quota deltas"))
    for key, value in out.items():
        if keys is not None and key not in keys:
            raise LedgerError(_("quota deltas: unknown quota {key!r} (known: {known})").format(
                key=key, known=", ".join(sorted(keys))))
        try:
            int(value)
        except ValueError:
            raise LedgerError(_("quota deltas {key}: {value!r} is not a whole number").format(
                key=key, value=value)) from None
    return out


def optional_date(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LedgerError(_("{what}: {text!r} is not a date (YYYY-MM-DD)").format(
            what=what, text=text)) from None
