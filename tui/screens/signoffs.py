"""Sign-offs (签字确认): the scope, period timesheets and the acceptance, with their
signatures.

The scope (需求范围确认, SCOPE-001: tasks, estimates, priorities, deliverables) freezes its
estimates at its first signature; once both parties have signed, they change only through
a change request.

A period locks at its first signature (its entries are frozen) and is signed
once a vendor and a client signatory have both signed. Once the acceptance
carries one signature the whole ledger is frozen; with both, the project is
accepted and read-only for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from model import rules
from model.errors import FieldError
from model.i18n import N_, _, word
from model.permissions import Action
from model.views import ProjectView, SignoffView
from tui.text import day_text, in_context, previous_month, signature_lines, signed_parties
from tui.widgets.cr_effect import change_fact
from tui.widgets.form import ConfirmScreen, Field, FormScreen, push_form
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.permit import sign_refused
from tui.widgets.tables import Fit, FitTable, refill


def _awaiting(doc: SignoffView) -> str:
    """Which required party has not signed yet ("client", "vendor" or ""), in the
    language spoken now."""
    return _(" and ").join(word("party", p) for p in
                           rules.waiting_parties([(s.party, s.role) for s in doc.signatures]))


CONCLUSION_LABELS = {"accepted": N_("accepted 通过"),
                     "conditional": N_("accepted with conditions 有条件通过"),
                     "rejected": N_("rejected 不通过")}


def status_label(doc: SignoffView) -> tuple[str, str]:
    """(short status, style) for the list, in the language spoken now."""
    if doc.status == rules.DOC_WITHDRAWN:
        return _("withdrawn"), "dim"
    if doc.status == rules.DOC_REJECTED:
        return _("REJECTED"), "bold red"
    if doc.status == rules.DOC_EFFECTIVE:
        return (_("ACCEPTED") if doc.kind == "acceptance" else _("SIGNED")), "bold green"
    if doc.status == rules.DOC_SIGNING:
        if doc.kind == "scope":
            return _("ESTIMATES FROZEN · 1 of 2"), "bold yellow"
        if doc.kind == "acceptance":
            return _("LEDGER FROZEN · 1 of 2"), "bold yellow"
        return _("LOCKED · 1 of 2"), "bold yellow"
    return in_context(_("document|open")), ""


def meaning(doc: SignoffView) -> str:
    """What the status means for the ledger, in one sentence."""
    if doc.kind == "scope":
        return _scope_meaning(doc, short=False)
    if doc.kind == "period":
        if doc.status == rules.DOC_EFFECTIVE:
            return _("signed by both parties, effective {day}; its entries are locked for "
                     "good").format(day=day_text(doc.effective_on))
        if doc.status == rules.DOC_SIGNING:
            return _("locked: its entries are frozen since the first signature; awaiting "
                     "the {party} signature").format(party=_awaiting(doc))
        if doc.status == rules.DOC_WITHDRAWN:
            return _("withdrawn: no effect, its entries are no longer frozen by it")
        return _("no signature yet")
    if doc.status == rules.DOC_REJECTED:
        return _("rejected by the client: the project stays open; the next acceptance "
                 "signature starts a new document")
    if doc.status == rules.DOC_EFFECTIVE:
        return _("project accepted on {day}: the ledger is read-only").format(
            day=day_text(doc.effective_on))
    if doc.status == rules.DOC_SIGNING:
        return _("the whole ledger is frozen until the {party} signature "
                 "(or a withdrawal)").format(party=_awaiting(doc))
    if doc.status == rules.DOC_WITHDRAWN:
        return _("withdrawn: the next acceptance signature starts a new document")
    return _("no signature yet")


def short_meaning(doc: SignoffView) -> str:
    """The list's column: what is locked, and who is awaited."""
    waiting = _awaiting(doc)
    if doc.status == rules.DOC_WITHDRAWN:
        return _("no effect")
    if doc.status == rules.DOC_REJECTED:
        return _("rejected: project stays open")
    if doc.kind == "scope":
        return _scope_meaning(doc, short=True)
    if doc.kind == "period":
        if doc.status == rules.DOC_EFFECTIVE:
            return _("entries locked for good")
        if doc.status == rules.DOC_SIGNING:
            return _("entries frozen; awaiting {party}").format(party=waiting)
        return _("not signed")
    if doc.status == rules.DOC_EFFECTIVE:
        return _("project accepted: read-only")
    if doc.status == rules.DOC_SIGNING:
        return _("whole ledger frozen; awaiting {party}").format(party=waiting)
    return _("not signed")


def _scope_meaning(doc: SignoffView, short: bool) -> str:
    if doc.status == rules.DOC_EFFECTIVE:
        return (_("estimates change by CR only") if short else
                _("scope signed by both parties on {day}: estimates, tasks and "
                  "deliverables change only through a change request").format(
                      day=day_text(doc.effective_on)))
    if doc.status == rules.DOC_SIGNING:
        return (_("estimates frozen; awaiting {party}").format(party=_awaiting(doc))
                if short else
                _("estimates and tasks are frozen since the first signature; awaiting the "
                  "{party} signature").format(party=_awaiting(doc)))
    if doc.status == rules.DOC_WITHDRAWN:
        return (_("no effect") if short
                else _("withdrawn: the next scope signature starts a new one"))
    return _("not signed")


KIND_LABELS = {"period": N_("period"), "acceptance": N_("acceptance 验收"),
               "scope": N_("scope 需求范围确认")}
#: each kind as the detail panel heads it
KIND_TITLES = {"period": N_("Period timesheet"), "acceptance": N_("Acceptance 验收"),
               "scope": N_("Scope 需求范围确认")}


def _range(doc: SignoffView) -> str:
    if doc.kind == "scope":
        return _("tasks · estimates · deliverables")
    if doc.first is None or doc.last is None:
        return _("whole project")
    return f"{doc.first} .. {doc.last}"


@dataclass(frozen=True)
class SignoffsData:
    docs: list[SignoffView]
    project: ProjectView
    end: date  # the SOW's current end (a signed CR may move it)


HEADERS = [(c, c) for c in (N_("number"), N_("document"), N_("range"), N_("status"),
                            N_("signed"), N_("effective"), N_("locks"))]


def headers() -> list[tuple[str, str]]:
    """:data:`HEADERS` in the language spoken now."""
    return [(key, _(label)) for key, label in HEADERS]
#: at 80 columns what each locks, then the day effective go, then who signed and the
#: document and the status are cut (the detail below tells them whole)
FITS = {"locks": Fit(drop=2, shrink=16), "effective": Fit(drop=1), "signed": Fit(shrink=10),
        "document": Fit(shrink=12), "status": Fit(shrink=12)}


class SignoffsScreen(LedgerScreen):
    """Period timesheets and the acceptance: status, who signed, what is locked."""

    VIEW = "signoffs"
    BINDINGS = [
        # Short words: the footer holds every key at 80 columns.
        Binding("p", "sign_period", N_("Sign period"), id="sign-period"),
        Binding("a", "sign_acceptance", N_("Sign acceptance"), id="sign-acceptance"),
        Binding("s", "sign_scope", N_("Sign scope"), id="sign-scope"),
        Binding("w", "withdraw_signoff", N_("Withdraw"), id="withdraw-signoff"),
    ]
    PERMITS = {"sign_period": (Action.SIGN,), "sign_acceptance": (Action.SIGN,),
               "sign_scope": (Action.SIGN,), "withdraw_signoff": (Action.SIGN,)}
    DEFAULT_CSS = """
    SignoffsScreen #so-detail-scroll { height: 1fr; border-top: solid $primary; }
    SignoffsScreen #so-detail { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: SignoffsData | None = None
        self.selected: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Sign-offs 签字确认"), id="so-headline", classes="headline",
                     markup=False)
        yield FitTable(id="so-table", cursor_type="row", zebra_stripes=True, fits=FITS)
        with VerticalScroll(id="so-detail-scroll"):
            yield Static("", id="so-detail", markup=False)

    def on_mount(self) -> None:
        t = self.query_one("#so-table", DataTable)
        refill(t, headers(), [])
        t.focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> SignoffsData:
        ledger = self.ledger
        project = ledger.project()
        facts = [change_fact(cr) for cr in ledger.change_requests()]
        return SignoffsData(ledger.signoffs(), project,
                            rules.end_at(project.end, facts, date.max))

    def show(self, data: SignoffsData) -> None:
        self.data = data
        p = data.project
        acc = [d for d in data.docs if d.kind == "acceptance"
               and d.status != rules.DOC_WITHDRAWN]
        if p.accepted_on:
            acceptance = _("project ACCEPTED on {day} (read-only)").format(
                day=day_text(p.accepted_on))
        elif acc:
            acceptance = _("acceptance {number}: {status}").format(
                number=acc[-1].number, status=status_label(acc[-1])[0])
        else:
            acceptance = _("acceptance: not signed yet (a)")
        self.query_one("#so-headline", Static).update(Text(
            _("Sign-offs 签字确认 · a period locks at its first signature, is signed once "
              "both parties have · {acceptance}").format(acceptance=acceptance)))
        t = self.query_one("#so-table", DataTable)
        rows = []
        for d in data.docs:
            label, style = status_label(d)
            rows.append(([d.number, _(KIND_LABELS[d.kind]) if d.kind in KIND_LABELS else d.kind,
                          _range(d), Text(label, style=style), signed_parties(d.signatures),
                          str(d.effective_on or ""), short_meaning(d)], d.number))
        refill(t, headers(), rows)
        numbers = [d.number for d in data.docs]
        if self.selected not in numbers:
            self.selected = numbers[-1] if numbers else None
        if self.selected is not None:
            t.move_cursor(row=numbers.index(self.selected))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#so-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.selected = event.row_key.value
            self._show_detail()

    def current(self) -> SignoffView | None:
        if self.data is None:
            return None
        return next((d for d in self.data.docs if d.number == self.selected), None)

    def _show_detail(self) -> None:
        panel = self.query_one("#so-detail", Static)
        doc = self.current()
        if doc is None:
            panel.update(_("Nothing signed yet. Press s to sign the scope, p to sign a "
                           "period's timesheet, a to sign the acceptance."))
            return
        out = Text()
        kind = _(KIND_TITLES[doc.kind]) if doc.kind in KIND_TITLES else doc.kind
        label, style = status_label(doc)
        out.append(f"{doc.number}  {kind}  {_range(doc)}  ", style="bold")
        out.append(label + "\n", style=style)
        out.append(meaning(doc) + "\n")
        if doc.conclusion is not None:
            out.append(_("Conclusion: "), style="bold")
            out.append(_(CONCLUSION_LABELS[doc.conclusion]) + "\n")
            if doc.comment:
                out.append(_("Comments: "), style="bold")
                out.append(doc.comment + "\n")  # the client's text, literal
        out.append(f"{signed_parties(doc.signatures)}\n\n")
        out.append(_("Signatures") + "\n", style="bold")
        out.append(signature_lines(doc.signatures) + "\n")
        if doc.status in (rules.DOC_OPEN, rules.DOC_SIGNING):
            out.append("\n" + _("The other party signs with "), style="dim")
            out.append({"period": "p", "scope": "s"}.get(doc.kind, "a"), style="bold")
            out.append(_(" (ctrl+a to act as them); w withdraws it."), style="dim")
        panel.update(out)

    # ------------------------------------------------------------ actions

    def _period_default(self) -> tuple[date, date, str] | None:
        """The earliest period the acting person can sign: a period one party signed that
        awaits them, or the first gap (model.rules.first_unsigned_period), whichever comes
        first; never one that is signed. None: every day of the SOW is in a period."""
        data = self.data
        if data is None:
            first, last = previous_month(self.today)
            return first, last, _("the previous calendar month")
        live = [(d.first, d.last, d) for d in data.docs if d.kind == "period"
                and d.status not in rules.DOC_CLOSED and d.first and d.last]
        actor = self.sow_app.permit_actor
        waiting = [(first, last, d) for first, last, d in live
                   if d.status != rules.DOC_EFFECTIVE
                   and not sign_refused(actor, d.number, d.status, d.signatures, self.today)]
        gap = rules.first_unsigned_period(data.project.start, data.end,
                                          [(first, last) for first, last, __ in live])
        if waiting:
            first, last, doc = min(waiting, key=lambda w: w[0])
            if gap is None or first < gap[0]:
                return first, last, _("{number} awaits the {party} signature").format(
                    number=doc.number, party=_awaiting(doc))
        if gap is None:
            return None
        first, last = gap
        why = _("the earliest period not yet signed")
        if last >= self.today:
            why += " " + _("(it can be signed once it has ended, from {day})").format(
                day=day_text(last + timedelta(days=1)))
        return first, last, why

    def _period_preview(self, values: dict[str, str]) -> str:
        # A refusal is worded by the form, its fields by their labels ("To: ...").
        d1 = _date(values.get("first", ""), "first")
        d2 = _date(values.get("last", ""), "last")
        _date(values.get("on", ""), "on")
        rules.check_period(d1, d2)
        docs = self.data.docs if self.data else []
        live = [d for d in docs if d.kind == "period" and d.status != rules.DOC_WITHDRAWN
                and d.first and d.last]
        same = next((d for d in live if d.first == d1 and d.last == d2), None)
        if same is not None:
            return _("co-signs {number} ({status}; {signed})").format(
                number=same.number, status=status_label(same)[0],
                signed=signed_parties(same.signatures))
        clash = next((d for d in live if d.first <= d2 and d1 <= d.last), None)
        if clash is not None:
            return _("⚠ overlaps {number} ({first} .. {last}); the ledger will refuse "
                     "it").format(number=clash.number, first=clash.first, last=clash.last)
        days = (d2 - d1).days + 1
        return _("a new period of {days} days: from this first signature on, the entries "
                 "dated {first} .. {last} are frozen (no add, edit or delete)").format(
                     days=days, first=d1, last=d2)

    def action_sign_period(self) -> None:
        if not self.when_loaded(self.action_sign_period):
            return
        ledger = self.ledger
        proposed = self._period_default()
        if proposed is None:
            self.notify(_("every day of the SOW is in a signed period (or one being "
                          "signed): nothing left to sign"), title=_("sign a period"),
                        severity="warning", timeout=8)
            return
        first, last, why = proposed

        def submit(v: dict[str, str]) -> SignoffView:
            return ledger.sign_period(v["first"].strip(), v["last"].strip(),
                                      v["on"].strip() or None)

        push_form(self, FormScreen(_("Sign a period's timesheet"), [
            Field("first", _("From"), value=first.isoformat(),
                  help=_("default: {why}").format(why=why)),
            Field("last", _("To"), value=last.isoformat()),
            Field("on", _("Signed on"), value=self.today.isoformat()),
        ], submit, _("Sign"), note=self._signing_note(),
            on_change=self._period_preview), lambda doc: self._signed(doc, period=True))

    def _signing_note(self) -> str:
        return _("signing {acting}").format(acting=self.sow_app.acting_label)

    def _live(self, kind: str) -> SignoffView | None:
        """The document of ``kind`` the next signature goes to (none: a new one)."""
        docs = self.data.docs if self.data else []
        return next((d for d in reversed(docs) if d.kind == kind
                     and d.status not in rules.DOC_CLOSED), None)

    def _sign_refused(self, doc: SignoffView | None) -> bool:
        """Say at once, before any dialog, why the acting person may not sign ``doc``."""
        if doc is None:
            return False
        no = sign_refused(self.sow_app.permit_actor, doc.number, doc.status, doc.signatures,
                          self.today)
        if no:
            self.notify(no, title=_("refused"), severity="error", timeout=8)
        return no is not None

    def action_sign_acceptance(self) -> None:
        if not self.when_loaded(self.action_sign_acceptance):
            return
        if self._sign_refused(self._live("acceptance")):
            return
        ledger = self.ledger

        def submit(v: dict[str, str]) -> SignoffView:
            return ledger.sign_acceptance(v["on"].strip() or None,
                                          v.get("conclusion") or None, v.get("comment", ""))

        note = (self._signing_note() + "\n"
                + _("Once one party has signed, the whole ledger is frozen (entries, "
                    "blockers, CRs, periods, quotas) until the other signs or it is "
                    "withdrawn. Once both have signed, the project is accepted and "
                    "read-only for good."))
        fields = [Field("on", _("Signed on"), value=self.today.isoformat())]
        actor = self.sow_app.actor
        if actor is None or actor.party == "client":
            # The client's signature records the conclusion and the comments (SPEC §8).
            fields += [
                Field("conclusion", _("Conclusion 验收结论"), value="accepted",
                      options=[(_(CONCLUSION_LABELS[c]), c) for c in rules.CONCLUSIONS],
                      help=_("accepted with conditions, or rejected, says why in Comments; "
                             "a rejected acceptance leaves the project open")),
                Field("comment", _("Comments 意见"),
                      placeholder=_("conditions or reasons, printed on the report")),
            ]
        else:
            note += "\n" + _("The client's signature records the conclusion and comments.")
        push_form(self, FormScreen(_("Sign the final acceptance 验收?"), fields,
                                   submit, _("Sign the acceptance"), note=note), self._signed)

    def _signed(self, doc: SignoffView | None, period: bool = False) -> None:
        """After a sign form: select the document, say its state, reload."""
        if isinstance(doc, SignoffView):
            self.selected = doc.number
            what = f" {_range(doc)}" if period else ""
            self.notify(_("{document} signed: {status} ({signed})").format(
                document=doc.number + what, status=status_label(doc)[0],
                signed=signed_parties(doc.signatures)), timeout=6)
            self.reload()

    def action_sign_scope(self) -> None:
        if not self.when_loaded(self.action_sign_scope):
            return
        if self._sign_refused(self._live("scope")):
            return
        ledger = self.ledger

        push_form(self, FormScreen(_("Sign the scope 需求范围确认"), [
            Field("on", _("Signed on"), value=self.today.isoformat())],
            lambda v: ledger.sign_scope(v["on"].strip() or None), _("Sign the scope"),
            note=(self._signing_note() + "\n"
                  + _("Both parties sign the task breakdown with its estimates and "
                      "priorities and the deliverables (export plan prints it). From the "
                      "first signature the estimates are frozen; once both have signed, "
                      "they change only through a change request."))), self._signed)

    def action_withdraw_signoff(self) -> None:
        if not self.when_loaded(self.action_withdraw_signoff):
            return
        doc = self.current()
        if doc is None:
            self.notify(_("no sign-off selected"), severity="warning")
            return
        ledger = self.ledger
        number = doc.number

        def done(result: SignoffView | None) -> None:
            if isinstance(result, SignoffView):
                self.notify(_("{number} withdrawn").format(number=result.number), timeout=4)
                self.reload()

        push_form(self, ConfirmScreen(
            _("Withdraw {number} ({range}, {signed})? Its signatures stay on record; it "
              "stops locking anything.").format(number=doc.number, range=_range(doc),
                                                signed=signed_parties(doc.signatures)),
            lambda _v: ledger.withdraw_signoff(number), _("Withdraw")), done)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FieldError(field, _("{text!r} is not a date (YYYY-MM-DD)").format(
            text=text.strip())) from None
