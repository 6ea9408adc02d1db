"""Obligations (义务) and deliverables (交付物): what each party must provide, what is handed
over, and what is due (SPEC §9).

An obligation is open, overdue by N working days, or done (late or on time); an overdue
client obligation is highlighted: it counts as a client blocker until it is done. A
deliverable of kind ``training`` is the knowledge transfer (培训 + 手册). Keys: ``d`` mark
the selected obligation done, ``v`` record the selected deliverable delivered. Who may:
the vendor lead or signatory, or a client person; anyone else is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.i18n import N_, _, ngettext
from model.permissions import Action, Actor
from model.views import DeliverableView, ObligationView
from tui.text import PARTY_LABELS, day_text, in_context, literal, party_label
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.permit import acting, refused
from tui.widgets.tables import Fit, FitTable, refill

__all__ = ["PARTY_LABELS", "ObligationsData", "ObligationsScreen", "days", "kind_text",
           "state_text"]
OBLIGATION_HEADERS = [(c, c) for c in (N_("key"), N_("party"), N_("due"), N_("done"),
                                       N_("state"), N_("title"))]
DELIVERABLE_HEADERS = [(c, c) for c in (N_("key"), N_("kind"), N_("due"), N_("delivered"),
                                        N_("tasks"), N_("note"), N_("title"))]


def headers(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A table's columns with their headers in the language spoken now."""
    return [(key, _(label)) for key, label in columns]
#: at 80 columns the titles shrink and the dates done, then the parties (obligations), the
#: notes, then the tasks (deliverables) go; the detail panel tells the selected row whole
OBLIGATION_FITS = {"title": Fit(shrink=20), "done": Fit(drop=2), "party": Fit(drop=1)}
DELIVERABLE_FITS = {"title": Fit(shrink=20), "note": Fit(drop=3, shrink=12),
                    "tasks": Fit(drop=2)}
R = TypeVar("R")


@dataclass(frozen=True)
class ObligationsData:
    obligations: list[ObligationView]
    deliverables: list[DeliverableView]
    actor: Actor


def days(n: int) -> str:
    return ngettext("{n} working day", "{n} working days", n).format(n=n)


def state_text(o: ObligationView) -> Text:
    """open / overdue N working days / done (and how late): an overdue client obligation
    in red, as a client blocker."""
    if o.done_on is not None:
        return (Text(_("done, {days} late").format(days=days(o.days_late)), style="yellow")
                if o.days_late else Text(_("done"), style="green"))
    if o.overdue:
        # A client's is a client blocker: in red (the headline and the detail say so).
        return Text(_("overdue {days}").format(days=days(o.days_late)),
                    style="bold red" if o.party == "client" else "yellow")
    return Text(in_context(_("obligation|open")))


def kind_text(d: DeliverableView) -> Text:
    return Text(_("training 培训"), style="cyan") if d.training else literal(d.kind or "")


class ObligationsScreen(LedgerScreen):
    VIEW = "obligations"

    BINDINGS = [
        Binding("d", "obligation_done", N_("Obligation done"), id="obligations-done"),
        Binding("v", "deliverable_done", N_("Delivered"), id="obligations-delivered"),
    ]
    PERMITS = {"obligation_done": (Action.OBLIGATION,),
               "deliverable_done": (Action.OBLIGATION,)}

    DEFAULT_CSS = """
    ObligationsScreen #obligations, ObligationsScreen #deliverables { height: 1fr; }
    ObligationsScreen #obl-detail { height: auto; max-height: 8; padding: 0 1;
                                    border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: ObligationsData | None = None
        self._detail = "obligations"  # the table whose row the detail panel shows

    def compose_body(self) -> ComposeResult:
        yield Static("", id="obl-headline", classes="headline", markup=False)
        yield Static(_("Obligations 义务: what each party must provide"),
                     classes="section-title", markup=False)
        yield FitTable(id="obligations", cursor_type="row", zebra_stripes=True,
                       fits=OBLIGATION_FITS)
        yield Static(_("Deliverables 交付物: what is handed over (training = the knowledge "
                       "transfer)"), classes="section-title", markup=False)
        yield FitTable(id="deliverables", cursor_type="row", zebra_stripes=True,
                       fits=DELIVERABLE_FITS)
        yield Static("", id="obl-detail", markup=False)

    def on_mount(self) -> None:
        refill(self.query_one("#obligations", DataTable), headers(OBLIGATION_HEADERS), [])
        refill(self.query_one("#deliverables", DataTable), headers(DELIVERABLE_HEADERS), [])
        self.query_one("#obligations", DataTable).focus()
        # LedgerScreen.on_mount runs after this one (Textual calls each class's handler).

    # ------------------------------------------------------------ reading

    def load(self) -> ObligationsData:
        ledger = self.ledger
        return ObligationsData(ledger.obligations(self.today), ledger.deliverables(),
                               acting(ledger))

    def show(self, data: ObligationsData) -> None:
        keep_o = getattr(self.selected_obligation(), "key", None)
        keep_d = getattr(self.selected_deliverable(), "key", None)
        self.data = data
        table = self.query_one("#obligations", DataTable)
        refill(table, headers(OBLIGATION_HEADERS), [([
            literal(o.key, "bold red" if o.overdue and o.party == "client" else "",
                    one_line=True),
            Text(party_label(o.party),
                 style="magenta" if o.party == "client" else "cyan"),
            o.due.isoformat(), o.done_on.isoformat() if o.done_on else "",
            state_text(o), literal(o.title, one_line=True)], o.key)
            for o in data.obligations])
        _keep(table, [o.key for o in data.obligations], keep_o)
        table = self.query_one("#deliverables", DataTable)
        refill(table, headers(DELIVERABLE_HEADERS), [([
            literal(d.key, one_line=True), kind_text(d), d.due.isoformat() if d.due else "",
            d.delivered_on.isoformat() if d.delivered_on else "",
            literal(" ".join(d.tasks), one_line=True),
            literal(d.delivery_note or "", one_line=True), literal(d.title, one_line=True)],
            d.key) for d in data.deliverables])
        _keep(table, [d.key for d in data.deliverables], keep_d)
        self.query_one("#obl-headline", Static).update(self._headline(data))
        self._show_detail()

    def _headline(self, data: ObligationsData) -> Text:
        obs = data.obligations
        overdue = [o for o in obs if o.overdue]
        blocking = [o for o in overdue if o.party == "client"]
        done = sum(o.done_on is not None for o in obs)
        delivered = sum(d.delivered_on is not None for d in data.deliverables)
        text = Text(_("As of {day}: ").format(day=day_text(self.today)))
        if not obs:
            text.append(_("the SOW lists no obligation"))
        else:
            text.append(_("{n} obligations: {open} open, ").format(
                n=len(obs), open=len(obs) - done - len(overdue)))
            text.append(_("{n} overdue").format(n=len(overdue)),
                        style="bold red" if blocking else "")
            if blocking:
                text.append(" " + ngettext("({n} client blocker)", "({n} client blockers)",
                                           len(blocking)).format(n=len(blocking)),
                            style="bold red")
            text.append(_(", {n} done").format(n=done))
        text.append("   ·   " + _("deliverables: {n} of {total} delivered").format(
            n=delivered, total=len(data.deliverables)))
        no = refused(data.actor, Action.OBLIGATION)
        if no:
            text.append("\n")
            text.append_text(literal(no, "italic"))
        return text

    def selected_obligation(self) -> ObligationView | None:
        return _selected(self.query_one("#obligations", DataTable),
                         self.data.obligations if self.data else [])

    def selected_deliverable(self) -> DeliverableView | None:
        return _selected(self.query_one("#deliverables", DataTable),
                         self.data.deliverables if self.data else [])

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # a reload highlights rows in both tables
            self._detail = event.data_table.id or self._detail
        self._show_detail()

    def on_descendant_focus(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id in ("obligations", "deliverables"):
            self._detail = focused.id
            self._show_detail()

    def _show_detail(self) -> None:
        panel = self.query_one("#obl-detail", Static)
        if self._detail == "deliverables":
            d = self.selected_deliverable()
            if d is None:
                panel.update("")
                return
            text = literal(f"{d.key} {d.title}", "bold", one_line=True)
            text.append(" · " + _("knowledge transfer 培训 + 手册") if d.training else "")
            due = _("due {day}").format(day=day_text(d.due) if d.due else "—")
            text.append(f"\n{due} · " + (
                _("delivered on {day}").format(day=day_text(d.delivered_on))
                if d.delivered_on else _("not delivered yet")))
            if d.tasks:
                text.append(" · " + _("tasks") + " ")
                text.append_text(literal(" ".join(d.tasks), one_line=True))
            if d.delivery_note:
                text.append("\n" + _("note: "))
                text.append_text(literal(d.delivery_note, one_line=True))
            if d.criteria:
                text.append("\n" + _("acceptance criteria: "))
                text.append_text(literal(d.criteria))
            panel.update(text)
            return
        o = self.selected_obligation()
        if o is None:
            panel.update("")
            return
        text = literal(f"{o.key} {o.title}", "bold", one_line=True)
        due = _("due {day}").format(day=day_text(o.due)) + (
            " " + _("({days} after the start)").format(days=days(o.due_days))
            if o.due_days is not None else "")
        text.append(f"\n{party_label(o.party)} · {due} · ")
        if o.done_on is not None:  # the state, with the day it was done
            state = state_text(o)
            when = _("done on {day}").format(day=day_text(o.done_on))
            text.append(when + (_(", {days} late").format(days=days(o.days_late))
                                if o.days_late else ""), style=state.style)
        else:
            text.append_text(state_text(o))
        if o.blocks:
            text.append("\n" + (_("counts as a client blocker in the Blockers view and the "
                                  "blocked days until it is done") if o.done_on is None else
                                _("blocked the client {days}").format(days=days(o.days_late))))
        panel.update(text)

    # ------------------------------------------------------------ actions

    def _may_record(self) -> bool:
        no = refused(self.data.actor if self.data else None, Action.OBLIGATION)
        if no:
            self.notify(no, title=_("refused"), severity="error", timeout=8)
        return no is None

    def action_obligation_done(self) -> None:
        if not self.when_loaded(self.action_obligation_done):
            return
        o = self.selected_obligation()
        if o is None:
            self.notify(_("No obligation selected"), severity="warning")
            return
        if o.done_on is not None:
            self.notify(_("{key} was already done on {day}").format(
                key=o.key, day=day_text(o.done_on)), severity="warning")
            return
        if not self._may_record():
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> ObligationView:
            return ledger.obligation_done(o.key, v["on"].strip() or today)

        def done(result: ObligationView | None) -> None:
            if isinstance(result, ObligationView):
                late = (_(", {days} late").format(days=days(result.days_late))
                        if result.days_late else _(", on time"))
                self.notify(_("{key} done on {day} (due {due}{late})").format(
                    key=result.key, day=day_text(result.done_on), due=day_text(result.due),
                    late=late), timeout=5)
                self.reload()

        note = literal(o.title, one_line=True).plain + "\n" + _(
            "{party}, due {day}; {state}").format(party=party_label(o.party),
                                                  day=day_text(o.due),
                                                  state=state_text(o).plain)
        self.app.push_screen(FieldForm(_("Obligation {key} done").format(key=o.key), [
            Field("on", _("Done on"), value=today.isoformat(), placeholder="YYYY-MM-DD"),
        ], submit, submit_label=_("Mark done"), note=note,
            names={"key": _("Obligation {key}").format(key=o.key)}), done)

    def action_deliverable_done(self) -> None:
        if not self.when_loaded(self.action_deliverable_done):
            return
        d = self.selected_deliverable()
        if d is None:
            self.notify(_("No deliverable selected"), severity="warning")
            return
        if d.delivered_on is not None:
            self.notify(_("{key} was already delivered on {day}").format(
                key=d.key, day=day_text(d.delivered_on)), severity="warning")
            return
        if not self._may_record():
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> DeliverableView:
            return ledger.deliverable_done(d.key, v["on"].strip() or today, v["note"])

        def done(result: DeliverableView | None) -> None:
            if isinstance(result, DeliverableView):
                said = (_("knowledge transfer {key} delivered on {day}") if result.training
                        else _("{key} delivered on {day}"))
                self.notify(said.format(key=result.key, day=day_text(result.delivered_on)),
                            timeout=5)
                self.reload()

        what = (_("the knowledge transfer (training held, manual handed over)") if d.training
                else _("handed over"))
        due = _("due {day}").format(day=day_text(d.due) if d.due else "—")
        self.app.push_screen(FieldForm(_("Deliverable {key} delivered").format(key=d.key), [
            Field("on", _("Delivered on"), value=today.isoformat(), placeholder="YYYY-MM-DD"),
            Field("note", _("Note"), placeholder=_("what was handed over, e.g. manual v1.0")),
        ], submit, submit_label=_("Record delivery"),
            note=f"{literal(d.title, one_line=True).plain}\n{what}; {due}",
            names={"key": _("Deliverable {key}").format(key=d.key)}), done)


def _selected(table: DataTable[Any], rows: list[R]) -> R | None:
    row = table.cursor_row
    return rows[row] if rows and 0 <= row < len(rows) else None


def _keep(table: DataTable[Any], keys: list[str], key: str | None) -> None:
    """Keep the row of ``key`` selected across a reload."""
    if key in keys:
        table.move_cursor(row=keys.index(key))
