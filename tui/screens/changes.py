"""Change requests (变更申请单): the list, one CR in detail, raise / sign / withdraw.

The detail panel shows what a CR does to the budget before anyone signs it:
per grade it touches, the budget now → the budget once it is effective, and
the cost of the delta at the grade's day rate (rate card of the SOW).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from model import rules
from model.errors import LedgerError
from model.formats import grade_title
from model.views import ChangeView
from storage.services import parse_assignments
from tui.text import fmt_money, fmt_pd, signature_lines, signed_parties, table
from tui.widgets.form import ConfirmScreen, Field, FormScreen, push_form
from tui.widgets.ledger_screen import LedgerScreen

# ---------------------------------------------------------------- shared with the sign-offs view


signed_pd = rules.format_signed_pd  # +10, -2.5, 0: the sheets' rule


def signed_money(value: Fraction | int) -> str:
    text = fmt_money(value)
    return text if text.startswith("-") or Fraction(value) == 0 else "+" + text


# ---------------------------------------------------------------- the CR's effect


STATUS_LABELS = {
    rules.DOC_OPEN: "pending",
    rules.DOC_SIGNING: "pending",
    rules.DOC_EFFECTIVE: "effective",
    rules.DOC_WITHDRAWN: "withdrawn",
}

_GRADE_BY_LABEL = {label: grade for grade, label in rules.GRADE_LABELS_ZH.items()}


@dataclass(frozen=True)
class ChangesData:
    """What the view shows, read in one worker."""

    changes: list[ChangeView]
    summary: rules.Summary
    rates: Mapping[str, int]  # day rate per grade, minor units


def _fact(cr: ChangeView) -> rules.ChangeFact:
    return rules.ChangeFact(cr.number, cr.raised_on,
                            withdrawn=cr.status == rules.DOC_WITHDRAWN,
                            effective_on=cr.effective_on, deltas=dict(cr.deltas),
                            quota_deltas=dict(cr.quota_deltas), new_end=cr.new_end)


def in_budget(cr: ChangeView, as_of: date) -> bool:
    """Is the CR already part of the budget as of ``as_of``?"""
    return _fact(cr).effective_by(as_of)


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
            rows.append((grade, grade_title(grade, "zh"),
                         f"{fmt_pd(before)} → {fmt_pd(after)}", signed_pd(delta),
                         fmt_money(Fraction(rate, 100)) if rate is not None else "no rate",
                         signed_money(cost) if cost is not None else "—"))
        rows.append(("total", "合计", f"{fmt_pd(total_before)} → "
                     f"{fmt_pd(total_before + total_delta)}", signed_pd(total_delta), "",
                     signed_money(total_cost)))
        if compact:
            lines += table(("grade", "budget PD", "delta PD", f"cost delta {cur}"),
                           [(r[0], r[2], r[3], r[5]) for r in rows], right=(2, 3)).splitlines()
        else:
            lines += table(("grade", "职级", "budget PD", "delta PD", f"day rate {cur}",
                            f"cost delta {cur}"), rows, right=(3, 4, 5)).splitlines()
    else:
        lines.append("no person-day delta: the budget does not change")
    quotas = {key: (title, limit) for key, title, limit, _ in summary.quotas}
    for key, delta in sorted(fact.quota_deltas.items()):
        title, limit = quotas.get(key, (key, None))
        if limit is None:
            lines.append(f"quota {key}: {delta:+d}")
            continue
        before = limit - delta if already_in else limit
        name = key if compact else f"{key} ({title})"
        lines.append(f"quota {name}: limit {before} → {before + delta}")
    if fact.new_end is not None:
        if already_in:
            lines.append(f"end date: {fact.new_end}")
        else:
            lines.append(f"end date: {summary.end} → {fact.new_end}")
    return "\n".join(lines)


def changes_text(cr: ChangeView) -> str:
    """The list's one-line description: PD deltas per grade, quota deltas, new end."""
    parts = [" ".join(f"{g} {signed_pd(rules.pd_of_milli(m))}" for g, m in cr.deltas)]
    parts.append(" ".join(f"{k} {d:+d}" for k, d in cr.quota_deltas))
    if cr.new_end is not None:
        parts.append(f"end → {cr.new_end}")
    return " · ".join(p for p in parts if p)


def status_text(cr: ChangeView) -> str:
    label = STATUS_LABELS.get(cr.status, cr.status)
    if cr.status == rules.DOC_EFFECTIVE and cr.effective_on:
        label += f" {cr.effective_on}"
    return label


def _split_assignments(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;，；]+", text.strip()) if t]


def parse_cr_deltas(text: str) -> dict[str, str]:
    """``senior=5 expert=2`` (or the Chinese grade labels) to {grade: "PD"}; checked."""
    out: dict[str, str] = {}
    for key, value in parse_assignments(_split_assignments(text), "PD deltas").items():
        grade = _GRADE_BY_LABEL.get(key, key)
        if grade not in rules.GRADES:
            raise LedgerError(f"PD deltas: {key!r} is not a grade ({', '.join(rules.GRADES)})")
        rules.pd_to_milli(value, f"PD delta {grade}")
        out[grade] = value
    return out


def parse_quota_deltas(text: str, known: Iterable[str] | None = None) -> dict[str, str]:
    """``prompt-rounds=1`` to {key: "N"}; whole numbers, known keys when ``known`` is given."""
    keys = set(known) if known is not None else None
    out = parse_assignments(_split_assignments(text), "quota deltas")
    for key, value in out.items():
        if keys is not None and key not in keys:
            raise LedgerError(f"quota deltas: unknown quota {key!r} (known: "
                              f"{', '.join(sorted(keys))})")
        try:
            int(value)
        except ValueError:
            raise LedgerError(f"quota deltas {key}: {value!r} is not a whole number") from None
    return out


def _optional_date(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LedgerError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


# ---------------------------------------------------------------- the view


class ChangesScreen(LedgerScreen):
    """Every CR with its signatures, and what each does to the budget."""

    VIEW = "changes"
    BINDINGS = [
        Binding("n", "raise_cr", "Raise CR", id="raise-cr"),
        Binding("s", "sign_cr", "Sign CR", id="sign-cr"),
        Binding("w", "withdraw_cr", "Withdraw CR", id="withdraw-cr"),
    ]
    DEFAULT_CSS = """
    ChangesScreen #cr-detail-scroll { height: 1fr; border-top: solid $primary; }
    ChangesScreen #cr-detail { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: ChangesData | None = None
        self.selected: str | None = None  # CR number to keep selected across reloads

    def compose_body(self) -> ComposeResult:
        yield Static("Change requests 变更申请单", id="cr-headline", classes="headline")
        yield DataTable(id="cr-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="cr-detail-scroll"):
            yield Static("", id="cr-detail", markup=False)

    def on_mount(self) -> None:
        t = self.query_one("#cr-table", DataTable)
        t.add_columns("CR", "raised", "status", "signed", "changes", "title")
        t.focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> ChangesData:
        ledger = self.ledger
        changes = ledger.change_requests()
        summary = ledger.summary(self.today)
        rates = ledger.rates()
        return ChangesData(changes, summary, rates)

    def show(self, data: ChangesData) -> None:
        self.data = data
        s = data.summary
        pending = [c.number for c in data.changes if c.status in (rules.DOC_OPEN,
                                                                   rules.DOC_SIGNING)]
        self.query_one("#cr-headline", Static).update(Text(
            f"Change requests 变更申请单 · budget as of {s.as_of}: {fmt_pd(s.budget_pd)} PD · "
            f"end {s.end} · effective: {', '.join(s.effective_changes) or '—'} · "
            f"pending: {', '.join(pending) or '—'}"))
        t = self.query_one("#cr-table", DataTable)
        t.clear()
        for cr in data.changes:
            t.add_row(cr.number, cr.raised_on.isoformat(), status_text(cr),
                      signed_parties(cr.signatures), Text(changes_text(cr)), Text(cr.title),
                      key=cr.number)
        numbers = [c.number for c in data.changes]
        if self.selected not in numbers:
            self.selected = pending[0] if pending else (numbers[-1] if numbers else None)
        if self.selected is not None:
            t.move_cursor(row=numbers.index(self.selected))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#cr-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.selected = event.row_key.value
            self._show_detail()

    def current(self) -> ChangeView | None:
        if self.data is None:
            return None
        return next((c for c in self.data.changes if c.number == self.selected), None)

    def _show_detail(self) -> None:
        panel = self.query_one("#cr-detail", Static)
        cr = self.current()
        if cr is None or self.data is None:
            panel.update("No change request yet. Press n to raise one.")
            return
        panel.update(self.detail_text(cr, self.data))

    def detail_text(self, cr: ChangeView, data: ChangesData) -> Text:
        s = data.summary
        out = Text()
        out.append(f"{cr.number}  {cr.title}\n", style="bold")
        by = f" by {cr.raised_by}" if cr.raised_by else ""
        out.append(f"raised {cr.raised_on}{by} · {status_text(cr)} · "
                   f"{signed_parties(cr.signatures)}\n")
        out.append(f"reason: {cr.reason or '—'}\n\n")
        out.append("Signatures\n", style="bold")
        out.append(signature_lines(cr.signatures) + "\n\n")
        already = in_budget(cr, s.as_of)
        if cr.status == rules.DOC_WITHDRAWN:
            out.append("Withdrawn: no effect on the budget. What it asked for, as of "
                       f"{s.as_of}:\n", style="bold")
        elif already:
            out.append(f"Effect on the budget (effective since {cr.effective_on}): as of "
                       f"{s.as_of}, without it → with it\n", style="bold")
        else:
            out.append(f"Effect on the budget once signed by both parties (budget as of "
                       f"{s.as_of} → once effective)\n", style="bold")
        body = effect_text(s, data.rates, _fact(cr), already)
        out.append("\n".join("  " + line for line in body.splitlines()))
        return out

    # ------------------------------------------------------------ actions

    def _preview(self, values: dict[str, str]) -> str:
        """The raise form's live preview: the budget per touched grade now → after."""
        if self.data is None:
            return "loading the budget…"
        s = self.data.summary
        try:
            deltas = parse_cr_deltas(values.get("deltas", ""))
            quota_deltas = parse_quota_deltas(values.get("quotas", ""),
                                              [key for key, *_ in s.quotas])
            new_end = _optional_date(values.get("end", ""), "new end")
            raised = _optional_date(values.get("on", ""), "raised on")
        except LedgerError as exc:
            return f"⚠ {exc}"
        if not deltas and not quota_deltas and new_end is None:
            return "Type PD deltas (senior=5 expert=-2), quota deltas or a new end date."
        fact = rules.ChangeFact("new", raised or self.today,
                                deltas={g: rules.pd_to_milli(v, g) for g, v in deltas.items()},
                                quota_deltas={k: int(v) for k, v in quota_deltas.items()},
                                new_end=new_end)
        return (f"Once signed by both parties (budget as of {s.as_of}):\n"
                + effect_text(s, self.data.rates, fact, compact=True))

    def action_raise_cr(self) -> None:
        if not self.when_loaded(self.action_raise_cr):
            return
        ledger = self.ledger
        quota_keys = ", ".join(key for key, *_ in self.data.summary.quotas) if self.data else ""

        def submit(v: dict[str, str]) -> ChangeView:
            deltas = parse_cr_deltas(v["deltas"])
            quota_deltas = parse_quota_deltas(v["quotas"])
            return ledger.new_cr(v["title"], v["reason"], deltas, quota_deltas,
                                 v["end"].strip() or None, v["on"].strip() or None)

        def done(cr: ChangeView | None) -> None:
            if isinstance(cr, ChangeView):
                self.selected = cr.number
                self.notify(f"{cr.number} raised: {changes_text(cr) or 'no delta'}; "
                            "it needs a vendor and a client signature", timeout=6)
                self.reload()

        fields = [
            Field("title", "Title", placeholder="what changes, in a few words"),
            Field("reason", "Reason", placeholder="why (who asked, where)"),
            Field("deltas", "PD deltas per grade (negative reduces)",
                  placeholder="senior=5 expert=2  (" + " ".join(rules.GRADES) + ")"),
            Field("quotas", "Quota deltas", placeholder="prompt-rounds=1"
                  + (f"  ({quota_keys})" if quota_keys else "")),
            Field("end", "New end date (optional)", placeholder="YYYY-MM-DD"),
            Field("on", "Raised on", value=self.today.isoformat()),
        ]
        push_form(self, FormScreen("Raise a change request 变更申请单", fields, submit,
                                        "Raise", note=self._acting_note("raising"),
                                        on_change=self._preview), done)

    def _cannot_sign_note(self) -> str:
        who = self.sow_app.actor
        if who is None or rules.may_sign(who.party, who.role):
            return ""
        return f"\n⚠ a {who.party} {who.role} cannot sign: the ledger will refuse"

    def _acting_note(self, doing: str) -> str:
        return f"{doing} {self.sow_app.acting_label}"

    def action_sign_cr(self) -> None:
        if not self.when_loaded(self.action_sign_cr):
            return
        cr = self.current()
        if cr is None:
            self.notify("no change request selected", severity="warning")
            return
        ledger = self.ledger
        number = cr.number

        def submit(v: dict[str, str]) -> ChangeView:
            return ledger.sign_cr(number, v["on"].strip() or None)

        def done(result: ChangeView | None) -> None:
            if isinstance(result, ChangeView):
                self.selected = result.number
                when = f" since {result.effective_on}" if result.effective_on else ""
                self.notify(f"{result.number} signed: {STATUS_LABELS.get(result.status)}{when} "
                            f"({signed_parties(result.signatures)})", timeout=6)
                self.reload()

        effect = ""
        if self.data is not None and cr.deltas:
            steps = budget_steps(self.data.summary, _fact(cr), in_budget(cr, self.today))
            effect = "once effective: " + ", ".join(
                f"{g} {fmt_pd(a)} → {fmt_pd(b)}" for g, (a, b) in steps.items())
        note = (f"{cr.number} {cr.title}\n{self._acting_note('signing')}\n"
                f"signed so far: {signed_parties(cr.signatures)}"
                + (f"\n{effect}" if effect else "") + self._cannot_sign_note())
        push_form(self, FormScreen(f"Sign {cr.number}", [
            Field("on", "Signed on", value=self.today.isoformat(),
                  help="the date of the signature (a paper signature's real date)"),
        ], submit, "Sign", note=note), done)

    def action_withdraw_cr(self) -> None:
        if not self.when_loaded(self.action_withdraw_cr):
            return
        cr = self.current()
        if cr is None:
            self.notify("no change request selected", severity="warning")
            return
        ledger = self.ledger
        number = cr.number

        def done(result: ChangeView | None) -> None:
            if isinstance(result, ChangeView):
                self.notify(f"{result.number} withdrawn", timeout=4)
                self.reload()

        push_form(self, ConfirmScreen(
            f"Withdraw {cr.number} {cr.title}? ({signed_parties(cr.signatures)})",
            lambda _v: ledger.withdraw_cr(number), "Withdraw"), done)

