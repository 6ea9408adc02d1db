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

from model.permissions import Action, Actor
from model.views import DeliverableView, ObligationView
from tui.text import literal
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.permit import acting, refused
from tui.widgets.tables import Fit, FitTable, refill

PARTY_LABELS = {"client": "client 甲方", "vendor": "vendor 乙方"}
OBLIGATION_HEADERS = [(c, c) for c in ("key", "party", "due", "done", "state", "title")]
DELIVERABLE_HEADERS = [(c, c) for c in ("key", "kind", "due", "delivered", "tasks", "note",
                                        "title")]
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
    return f"{n} working day{'' if n == 1 else 's'}"


def state_text(o: ObligationView) -> Text:
    """open / overdue N working days / done (and how late): an overdue client obligation
    in red, as a client blocker."""
    if o.done_on is not None:
        return (Text(f"done, {days(o.days_late)} late", style="yellow") if o.days_late
                else Text("done", style="green"))
    if o.overdue:
        # A client's is a client blocker: in red (the headline and the detail say so).
        return Text(f"overdue {days(o.days_late)}",
                    style="bold red" if o.party == "client" else "yellow")
    return Text("open")


def kind_text(d: DeliverableView) -> Text:
    return Text("training 培训", style="cyan") if d.training else literal(d.kind or "")


class ObligationsScreen(LedgerScreen):
    VIEW = "obligations"

    BINDINGS = [
        Binding("d", "obligation_done", "Obligation done", id="obligations-done"),
        Binding("v", "deliverable_done", "Delivered", id="obligations-delivered"),
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
        yield Static("Obligations 义务: what each party must provide", classes="section-title")
        yield FitTable(id="obligations", cursor_type="row", zebra_stripes=True,
                       fits=OBLIGATION_FITS)
        yield Static("Deliverables 交付物: what is handed over (training = the knowledge "
                     "transfer)", classes="section-title")
        yield FitTable(id="deliverables", cursor_type="row", zebra_stripes=True,
                       fits=DELIVERABLE_FITS)
        yield Static("", id="obl-detail", markup=False)

    def on_mount(self) -> None:
        refill(self.query_one("#obligations", DataTable), OBLIGATION_HEADERS, [])
        refill(self.query_one("#deliverables", DataTable), DELIVERABLE_HEADERS, [])
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
        refill(table, OBLIGATION_HEADERS, [([
            literal(o.key, "bold red" if o.overdue and o.party == "client" else "",
                    one_line=True),
            Text(PARTY_LABELS.get(o.party, o.party),
                 style="magenta" if o.party == "client" else "cyan"),
            o.due.isoformat(), o.done_on.isoformat() if o.done_on else "",
            state_text(o), literal(o.title, one_line=True)], o.key)
            for o in data.obligations])
        _keep(table, [o.key for o in data.obligations], keep_o)
        table = self.query_one("#deliverables", DataTable)
        refill(table, DELIVERABLE_HEADERS, [([
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
        text = Text(f"As of {self.today}: ")
        if not obs:
            text.append("the SOW lists no obligation")
        else:
            text.append(f"{len(obs)} obligations: {len(obs) - done - len(overdue)} open, ")
            text.append(f"{len(overdue)} overdue", style="bold red" if blocking else "")
            if blocking:
                text.append(f" ({len(blocking)} client blocker{'s' * (len(blocking) > 1)})",
                            style="bold red")
            text.append(f", {done} done")
        text.append(f"   ·   deliverables: {delivered} of {len(data.deliverables)} delivered")
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
            text.append(" · knowledge transfer 培训 + 手册" if d.training else "")
            text.append(f"\ndue {d.due or '—'} · " + (
                f"delivered on {d.delivered_on}" if d.delivered_on else "not delivered yet")
                + (f" · tasks {' '.join(d.tasks)}" if d.tasks else ""))
            if d.delivery_note:
                text.append("\nnote: ")
                text.append_text(literal(d.delivery_note, one_line=True))
            if d.criteria:
                text.append("\nacceptance criteria: ")
                text.append_text(literal(d.criteria))
            panel.update(text)
            return
        o = self.selected_obligation()
        if o is None:
            panel.update("")
            return
        text = literal(f"{o.key} {o.title}", "bold", one_line=True)
        due = f"due {o.due}" + (f" ({days(o.due_days)} after the start)"
                                if o.due_days is not None else "")
        text.append(f"\n{PARTY_LABELS.get(o.party, o.party)} · {due} · ")
        if o.done_on is not None:  # the state, with the day it was done
            state = state_text(o)
            text.append(f"done on {o.done_on}" + state.plain[len("done"):], style=state.style)
        else:
            text.append_text(state_text(o))
        if o.blocks:
            text.append("\ncounts as a client blocker in the Blockers view and the blocked "
                        "days until it is done" if o.done_on is None else
                        f"\nblocked the client {days(o.days_late)}")
        panel.update(text)

    # ------------------------------------------------------------ actions

    def _may_record(self) -> bool:
        no = refused(self.data.actor if self.data else None, Action.OBLIGATION)
        if no:
            self.notify(no, title="refused", severity="error", timeout=8)
        return no is None

    def action_obligation_done(self) -> None:
        if not self.when_loaded(self.action_obligation_done):
            return
        o = self.selected_obligation()
        if o is None:
            self.notify("No obligation selected", severity="warning")
            return
        if o.done_on is not None:
            self.notify(f"{o.key} was already done on {o.done_on}", severity="warning")
            return
        if not self._may_record():
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> ObligationView:
            return ledger.obligation_done(o.key, v["on"].strip() or today)

        def done(result: ObligationView | None) -> None:
            if isinstance(result, ObligationView):
                late = (f", {days(result.days_late)} late" if result.days_late
                        else ", on time")
                self.notify(f"{result.key} done on {result.done_on} (due {result.due}{late})",
                            timeout=5)
                self.reload()

        note = literal(o.title, one_line=True).plain + (
            f"\n{PARTY_LABELS.get(o.party, o.party)}, due {o.due}; {state_text(o).plain}")
        self.app.push_screen(FieldForm(f"Obligation {o.key} done", [
            Field("on", "Done on", value=today.isoformat(), placeholder="YYYY-MM-DD"),
        ], submit, submit_label="Mark done", note=note,
            names={"key": f"Obligation {o.key}"}), done)

    def action_deliverable_done(self) -> None:
        if not self.when_loaded(self.action_deliverable_done):
            return
        d = self.selected_deliverable()
        if d is None:
            self.notify("No deliverable selected", severity="warning")
            return
        if d.delivered_on is not None:
            self.notify(f"{d.key} was already delivered on {d.delivered_on}",
                        severity="warning")
            return
        if not self._may_record():
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> DeliverableView:
            return ledger.deliverable_done(d.key, v["on"].strip() or today, v["note"])

        def done(result: DeliverableView | None) -> None:
            if isinstance(result, DeliverableView):
                what = "knowledge transfer " if result.training else ""
                self.notify(f"{what}{result.key} delivered on {result.delivered_on}",
                            timeout=5)
                self.reload()

        what = "the knowledge transfer (training held, manual handed over)" if d.training \
            else "handed over"
        self.app.push_screen(FieldForm(f"Deliverable {d.key} delivered", [
            Field("on", "Delivered on", value=today.isoformat(), placeholder="YYYY-MM-DD"),
            Field("note", "Note", placeholder="what was handed over, e.g. manual v1.0"),
        ], submit, submit_label="Record delivery",
            note=f"{literal(d.title, one_line=True).plain}\n{what}; due {d.due or '—'}",
            names={"key": f"Deliverable {d.key}"}), done)


def _selected(table: DataTable[Any], rows: list[R]) -> R | None:
    row = table.cursor_row
    return rows[row] if rows and 0 <= row < len(rows) else None


def _keep(table: DataTable[Any], keys: list[str], key: str | None) -> None:
    """Keep the row of ``key`` selected across a reload."""
    if key in keys:
        table.move_cursor(row=keys.index(key))
