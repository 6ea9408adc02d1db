"""Change requests (变更申请单): the list, one CR in detail, raise / sign / withdraw.

The detail panel shows what a CR does to the budget before anyone signs it:
per grade it touches, the budget now → the budget once it is effective, and
the cost of the delta at the grade's day rate (rate card of the SOW).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from model import rules
from model.i18n import N_, _, word
from model.permissions import Action
from model.views import ChangeView
from tui.text import day_text, fmt_pd, grade_text, signature_lines, signed_parties
from tui.widgets.cr_effect import (
    STATUS_LABELS,
    ChangesData,
    budget_steps,
    change_fact,
    changes_text,
    delta_example,
    effect_text,
    in_budget,
    optional_date,
    parse_cr_deltas,
    parse_quota_deltas,
    signed_money,
    signed_pd,
    status_text,
)
from tui.widgets.form import ConfirmScreen, Field, FormScreen, push_form
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.permit import sign_refused
from tui.widgets.tables import Fit, FitTable, refill

CR_COLUMNS = [("CR", "CR"), ("raised", N_("raised")), ("status", N_("status")),
              ("signed", N_("signed")), ("changes", N_("changes")), ("title", N_("title"))]


def cr_columns() -> list[tuple[str, str]]:
    """:data:`CR_COLUMNS` in the language spoken now."""
    return [(key, _(label)) for key, label in CR_COLUMNS]
#: on a narrow terminal the title is cut first, then what changes; then the title goes,
#: then the date raised (the detail shows them all): the list never scrolls sideways
CR_FITS = {"title": Fit(shrink=12, cut=4, drop=2), "changes": Fit(shrink=16, cut=3),
           "raised": Fit(drop=1)}

#: the names other code imported from here (they live in tui.widgets.cr_effect)
__all__ = ["STATUS_LABELS", "ChangesData", "ChangesScreen", "budget_steps", "changes_text",
           "effect_text", "in_budget", "parse_cr_deltas", "parse_quota_deltas",
           "signed_money", "signed_pd", "status_text"]


class ChangesScreen(LedgerScreen):
    """Every CR with its signatures, and what each does to the budget."""

    VIEW = "changes"
    BINDINGS = [
        Binding("n", "raise_cr", N_("Raise CR"), id="raise-cr"),
        Binding("s", "sign_cr", N_("Sign CR"), id="sign-cr"),
        Binding("w", "withdraw_cr", N_("Withdraw CR"), id="withdraw-cr"),
    ]
    PERMITS = {"raise_cr": (Action.CHANGE,), "sign_cr": (Action.SIGN,),
               "withdraw_cr": (Action.CHANGE,)}
    DEFAULT_CSS = """
    ChangesScreen #cr-detail-scroll { height: 1fr; border-top: solid $primary; }
    ChangesScreen #cr-detail { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: ChangesData | None = None
        self.selected: str | None = None  # CR number to keep selected across reloads

    def compose_body(self) -> ComposeResult:
        yield Static(_("Change requests 变更申请单"), id="cr-headline", classes="headline",
                     markup=False)
        yield FitTable(id="cr-table", cursor_type="row", zebra_stripes=True, fits=CR_FITS)
        with VerticalScroll(id="cr-detail-scroll"):
            yield Static("", id="cr-detail", markup=False)

    def on_mount(self) -> None:
        t = self.query_one("#cr-table", DataTable)
        refill(t, cr_columns(), [])
        t.focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> ChangesData:
        ledger = self.ledger
        with ledger.snapshot():  # one read transaction: the list and the budget agree
            return ChangesData(ledger.change_requests(), ledger.summary(self.today),
                               ledger.rates())

    def show(self, data: ChangesData) -> None:
        self.data = data
        s = data.summary
        pending = [c.number for c in data.changes if c.status in (rules.DOC_OPEN,
                                                                   rules.DOC_SIGNING)]
        self.query_one("#cr-headline", Static).update(Text(
            _("Change requests 变更申请单 · budget as of {day}: {pd} PD · end {end} · "
              "effective: {effective} · pending: {pending}").format(
                day=day_text(s.as_of), pd=fmt_pd(s.budget_pd), end=day_text(s.end),
                effective=", ".join(s.effective_changes) or "—",
                pending=", ".join(pending) or "—")))
        t = self.query_one("#cr-table", DataTable)
        refill(t, cr_columns(), [
            ([cr.number, cr.raised_on.isoformat(), status_text(cr),
              signed_parties(cr.signatures), Text(changes_text(cr)), Text(cr.title)],
             cr.number) for cr in data.changes])
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
            panel.update(_("No change request yet. Press n to raise one."))
            return
        panel.update(self.detail_text(cr, self.data))

    def detail_text(self, cr: ChangeView, data: ChangesData) -> Text:
        s = data.summary
        out = Text()
        out.append(f"{cr.number}  {cr.title}\n", style="bold")
        raised = (_("raised {day} by {person}").format(day=day_text(cr.raised_on),
                                                       person=cr.raised_by)
                  if cr.raised_by else _("raised {day}").format(day=day_text(cr.raised_on)))
        out.append(f"{raised} · {status_text(cr)} · {signed_parties(cr.signatures)}\n")
        out.append(_("reason: {reason}").format(reason=cr.reason or "—") + "\n\n")
        out.append(_("Signatures") + "\n", style="bold")
        out.append(signature_lines(cr.signatures) + "\n\n")
        already = in_budget(cr, s.as_of)
        if cr.status == rules.DOC_WITHDRAWN:
            out.append(_("Withdrawn: no effect on the budget. What it asked for, as of "
                         "{day}:").format(day=day_text(s.as_of)) + "\n", style="bold")
        elif already:
            out.append(_("Effect on the budget (effective since {since}): as of {day}, "
                         "without it → with it").format(since=day_text(cr.effective_on),
                                                       day=day_text(s.as_of)) + "\n",
                       style="bold")
        else:
            out.append(_("Effect on the budget once signed by both parties (budget as of "
                         "{day} → once effective)").format(day=day_text(s.as_of)) + "\n",
                       style="bold")
        body = effect_text(s, data.rates, change_fact(cr), already)
        out.append("\n".join("  " + line for line in body.splitlines()))
        return out

    # ------------------------------------------------------------ actions

    def _preview(self, values: dict[str, str]) -> str:
        """The raise form's live preview: the budget per touched grade now → after."""
        if self.data is None:
            return _("loading the budget…")
        s = self.data.summary
        # A refusal is worded by the form, its fields named by their labels.
        deltas = parse_cr_deltas(values.get("deltas", ""), s.ladder)
        quota_deltas = parse_quota_deltas(values.get("quotas", ""),
                                          [key for key, *__ in s.quotas])
        new_end = optional_date(values.get("end", ""), _("new end"))
        raised = optional_date(values.get("on", ""), _("raised on"))
        if not deltas and not quota_deltas and new_end is None:
            return _("Type PD deltas ({example}), quota deltas or a new end date.").format(
                example=delta_example(s.ladder, "-"))
        fact = rules.ChangeFact("new", raised or self.today,
                                deltas={g: rules.pd_to_milli(v, g) for g, v in deltas.items()},
                                quota_deltas={k: int(v) for k, v in quota_deltas.items()},
                                new_end=new_end)
        return (_("Once signed by both parties (budget as of {day}):").format(
                    day=day_text(s.as_of)) + "\n"
                + effect_text(s, self.data.rates, fact, compact=True))

    def action_raise_cr(self) -> None:
        if not self.when_loaded(self.action_raise_cr):
            return
        ledger = self.ledger
        quota_keys = ", ".join(key for key, *__ in self.data.summary.quotas) if self.data else ""
        ladder = self.data.summary.ladder if self.data else rules.DEFAULT_LADDER

        def submit(v: dict[str, str]) -> ChangeView:
            deltas = parse_cr_deltas(v["deltas"], ladder)
            quota_deltas = parse_quota_deltas(v["quotas"])
            return ledger.new_cr(v["title"], v["reason"], deltas, quota_deltas,
                                 v["end"].strip() or None, v["on"].strip() or None)

        def done(cr: ChangeView | None) -> None:
            if isinstance(cr, ChangeView):
                self.selected = cr.number
                self.notify(_("{number} raised: {changes}; it needs a vendor and a client "
                              "signature").format(number=cr.number,
                                                  changes=changes_text(cr) or _("no delta")),
                            timeout=6)
                self.reload()

        fields = [
            Field("title", _("Title"), placeholder=_("what changes, in a few words")),
            Field("reason", _("Reason"), placeholder=_("why (who asked, where)")),
            Field("deltas", _("PD deltas per grade (negative reduces)"),
                  placeholder=f"{delta_example(ladder)}  (" + " ".join(ladder.keys()) + ")"),
            Field("quotas", _("Quota deltas"), placeholder="prompt-rounds=1"
                  + (f"  ({quota_keys})" if quota_keys else "")),
            Field("end", _("New end date (optional)"), placeholder="YYYY-MM-DD"),
            Field("on", _("Raised on"), value=self.today.isoformat()),
        ]
        push_form(self, FormScreen(_("Raise a change request 变更申请单"), fields, submit,
                                   _("Raise"), note=self._acting_note(N_("raising")),
                                   on_change=self._preview), done)

    def _cannot_sign_note(self) -> str:
        who = self.sow_app.actor
        if who is None or rules.may_sign(who.party, who.role):
            return ""
        return "\n" + _("⚠ a {party} {role} cannot sign: the ledger will refuse").format(
            party=word("party", who.party), role=word("role", who.role))

    def _acting_note(self, doing: str) -> str:
        """``doing`` (a marked message: "raising", "signing") and who acts."""
        return _("{doing} {acting}").format(doing=_(doing), acting=self.sow_app.acting_label)

    def action_sign_cr(self) -> None:
        if not self.when_loaded(self.action_sign_cr):
            return
        cr = self.current()
        if cr is None:
            self.notify(_("no change request selected"), severity="warning")
            return
        # Signed twice, or already effective: refused now, not after the dialog.
        no = sign_refused(self.sow_app.permit_actor, cr.number, cr.status, cr.signatures,
                          self.today)
        if no:
            self.notify(no, title=_("refused"), severity="error", timeout=8)
            return
        ledger = self.ledger
        number = cr.number

        def submit(v: dict[str, str]) -> ChangeView:
            return ledger.sign_cr(number, v["on"].strip() or None)

        def done(result: ChangeView | None) -> None:
            if isinstance(result, ChangeView):
                self.selected = result.number
                when = (" " + _("since {day}").format(day=day_text(result.effective_on))
                        if result.effective_on else "")
                self.notify(_("{number} signed: {status}{since} ({signed})").format(
                    number=result.number,
                    status=_(STATUS_LABELS.get(result.status, result.status)),
                    since=when, signed=signed_parties(result.signatures)), timeout=6)
                self.reload()

        effect = ""
        if self.data is not None and cr.deltas:
            steps = budget_steps(self.data.summary, change_fact(cr), in_budget(cr, self.today))
            effect = _("once effective: ") + ", ".join(
                f"{grade_text(g)} {fmt_pd(a)} → {fmt_pd(b)}" for g, (a, b) in steps.items())
        note = (f"{cr.number} {cr.title}\n{self._acting_note(N_('signing'))}\n"
                + _("signed so far: {signed}").format(signed=signed_parties(cr.signatures))
                + (f"\n{effect}" if effect else "") + self._cannot_sign_note())
        push_form(self, FormScreen(_("Sign {number}").format(number=cr.number), [
            Field("on", _("Signed on"), value=self.today.isoformat(),
                  help=_("the date of the signature (a paper signature's real date)")),
        ], submit, _("Sign"), note=note), done)

    def action_withdraw_cr(self) -> None:
        if not self.when_loaded(self.action_withdraw_cr):
            return
        cr = self.current()
        if cr is None:
            self.notify(_("no change request selected"), severity="warning")
            return
        ledger = self.ledger
        number = cr.number

        def done(result: ChangeView | None) -> None:
            if isinstance(result, ChangeView):
                self.notify(_("{number} withdrawn").format(number=result.number), timeout=4)
                self.reload()

        push_form(self, ConfirmScreen(
            _("Withdraw {number} {title}? ({signed})").format(
                number=cr.number, title=cr.title, signed=signed_parties(cr.signatures)),
            lambda _v: ledger.withdraw_cr(number), _("Withdraw")), done)

