"""Blockers (阻塞问题): what stops the team, whose it is, and the working days it cost.

Open blockers first (oldest first), then resolved ones (latest first). The
headline counts the blocked working days per party as of the app's today
(SPEC.md §3). Keys: ``a`` add a blocker, ``r`` resolve the selected one. A late
client obligation is listed too, under its key and marked as an obligation (SPEC §9):
it is resolved by marking the obligation done (the Obligations view), not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.errors import LedgerError
from model.permissions import Action
from model.rules import PARTIES
from model.views import BlockerView, TaskView
from tui.text import literal
from tui.widgets.blocker_list import blocker_order, blocker_title
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import Fit, FitTable, refill

#: blocker_order lives in tui.widgets.blocker_list (the dashboard orders blockers too)
__all__ = ["BlockersData", "BlockersScreen", "blocker_order"]

PARTY_LABELS = {"client": "client 甲方", "vendor": "vendor 乙方"}
#: option values meaning "nothing chosen" (FormScreen's blank Select is unusable in Textual 8)
CHOOSE = "?"
NO_TASK = "-"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "id"), ("party", "owner"), ("raised", "raised"), ("resolved", "resolved"),
    ("age", "working days"), ("task", "task"), ("title", "title 阻塞问题"),
)
#: at 80 columns the title shrinks, then the task and the day raised go; the detail line
#: under the table tells the selected blocker whole
FITS = {"title": Fit(shrink=20), "task": Fit(drop=2), "raised": Fit(drop=1)}

HEADERS = [(key, Text(label, justify="right") if key == "age" else Text(label))
           for key, label in COLUMNS]


@dataclass(frozen=True)
class BlockersData:
    blockers: list[BlockerView]
    blocked_days: dict[str, int]
    tasks: list[TaskView]
    #: the numbers of the blockers that are late client obligations (their keys)
    obligations: frozenset[str] = frozenset()


class BlockersScreen(LedgerScreen):
    VIEW = "blockers"

    BINDINGS = [
        Binding("a", "add_blocker", "Add blocker", id="blockers-add"),
        Binding("r", "resolve_blocker", "Resolve", id="blockers-resolve"),
    ]
    PERMITS = {"add_blocker": (Action.BLOCKER,), "resolve_blocker": (Action.BLOCKER,)}

    DEFAULT_CSS = """
    BlockersScreen #blockers { height: 1fr; }
    BlockersScreen #blocker-detail { height: auto; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: BlockersData | None = None
        self._select_after_reload: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="blockers-headline", classes="headline", markup=False)
        yield FitTable(id="blockers", cursor_type="row", zebra_stripes=True, fits=FITS)
        yield Static("", id="blocker-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#blockers", DataTable)
        for key, label in HEADERS:
            table.add_column(label, key=key)
        table.focus()
        # LedgerScreen.on_mount runs after this one (Textual calls each class's handler).

    # ------------------------------------------------------------ reading

    def load(self) -> BlockersData:
        today = self.today
        listed = self.ledger.blocker_list(today)
        summary = self.ledger.summary(today)
        return BlockersData(list(listed.blockers), dict(summary.blocked_days),
                            self.ledger.tasks(), listed.obligations)

    def show(self, data: BlockersData) -> None:
        selected = self._select_after_reload or self.selected_number()
        self._select_after_reload = None
        self.data = data
        table = self.query_one("#blockers", DataTable)
        rows = []
        for b in data.blockers:
            is_open = b.resolved_on is None
            rows.append(([
                literal(b.number, "bold" if is_open else "", one_line=True),
                Text(PARTY_LABELS.get(b.party, b.party),
                     style="magenta" if b.party == "client" else "cyan"),
                b.raised_on.isoformat(),
                Text("open", style="bold red") if is_open else b.resolved_on.isoformat(),
                Text(str(b.age_days), justify="right"), literal(b.task or "", one_line=True),
                blocker_title(b, data.obligations)],
                # A row key of its own: an obligation's key may look like a blocker's number.
                ("obligation " if b.number in data.obligations else "") + b.number))
        refill(table, HEADERS, rows)
        numbers = [b.number for b in data.blockers]
        if selected in numbers:
            table.move_cursor(row=numbers.index(selected))
        self._show_detail()
        open_count = sum(b.resolved_on is None for b in data.blockers)
        days = ", ".join(f"{PARTY_LABELS[p]} {data.blocked_days.get(p, 0)}"
                         for p in ("client", "vendor"))
        self.query_one("#blockers-headline", Static).update(
            f"Working days lost as of {self.today}: {days} · "
            f"{open_count} open, {len(numbers) - open_count} resolved")

    @on(DataTable.RowHighlighted, "#blockers")
    def _show_detail(self) -> None:
        """The selected blocker whole: title, whose, raised, open or resolved, task."""
        b, panel = self.selected_blocker(), self.query_one("#blocker-detail", Static)
        if b is None or self.data is None:
            panel.update("")
            return
        text = Text("blocker ")
        text.append_text(literal(f"{b.number}: ", "bold", one_line=True))
        text.append_text(blocker_title(b, self.data.obligations))
        days = f"{b.age_days} working day{'' if b.age_days == 1 else 's'}"
        text.append(f"\n{PARTY_LABELS.get(b.party, b.party)} · raised {b.raised_on} · "
                    + (f"open {days}" if b.resolved_on is None
                       else f"resolved {b.resolved_on} after {days}"))
        if b.task:
            text.append(" · task ")
            text.append_text(literal(b.task, one_line=True))
        panel.update(text)

    def selected_blocker(self) -> BlockerView | None:
        if self.data is None or not self.data.blockers:
            return None
        row = self.query_one("#blockers", DataTable).cursor_row
        return self.data.blockers[row] if 0 <= row < len(self.data.blockers) else None

    def selected_number(self) -> str | None:
        b = self.selected_blocker()
        return b.number if b else None

    # ------------------------------------------------------------ actions

    def action_add_blocker(self) -> None:
        ledger, today = self.ledger, self.today
        tasks = self.data.tasks if self.data else []

        def submit(v: dict[str, str]) -> BlockerView:
            if v["party"] in ("", CHOOSE):
                raise LedgerError("party: choose client or vendor (whose blocker is it?)")
            task = v["task"] if v["task"] not in ("", NO_TASK) else None
            return ledger.add_blocker(v["title"], v["party"], v["on"].strip() or today, task)

        def done(result: BlockerView | None) -> None:
            if isinstance(result, BlockerView):
                self.notify(f"{result.number} added ({PARTY_LABELS[result.party]})", timeout=4)
                self._select_after_reload = result.number
                self.reload()

        self.app.push_screen(FieldForm("Add a blocker (阻塞问题)", [
            Field("title", "Title", placeholder="测试环境账号未开通 Test environment access"),
            Field("party", "Owner: whose blocker is it?", value=CHOOSE,
                  options=[("— choose —", CHOOSE)]
                  + [(PARTY_LABELS[p], p) for p in sorted(PARTIES)]),
            Field("on", "Raised on", value=self.today.isoformat(), placeholder="YYYY-MM-DD"),
            Field("task", "Task (optional)", value=NO_TASK,
                  options=[("— no task —", NO_TASK)]
                  + [(Text(f"{t.code} {t.title}"), t.code) for t in tasks]),
        ], submit, submit_label="Add blocker"), done)

    def action_resolve_blocker(self) -> None:
        if not self.when_loaded(self.action_resolve_blocker):
            return
        b = self.selected_blocker()
        if b is None:
            self.notify("No blocker selected", severity="warning")
            return
        if b.resolved_on is not None:
            self.notify(f"{b.number} was already resolved on {b.resolved_on}",
                        severity="warning")
            return
        if self.data is not None and b.number in self.data.obligations:
            self.notify(f"{b.number} is a late obligation: it is resolved when it is done "
                        f"(o Obligations, d Obligation done)", severity="warning", timeout=8)
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> BlockerView:
            return ledger.resolve_blocker(b.number, v["on"].strip() or today)

        def done(result: BlockerView | None) -> None:
            if isinstance(result, BlockerView):
                self.notify(f"{result.number} resolved on {result.resolved_on}", timeout=4)
                self.reload()

        self.app.push_screen(FieldForm(
            f"Resolve {b.number}", [
                Field("on", "Resolved on", value=self.today.isoformat(),
                      placeholder="YYYY-MM-DD"),
            ], submit, submit_label="Resolve",
            note=f"{b.title}\n{PARTY_LABELS.get(b.party, b.party)}, raised {b.raised_on}"
                 f"{', task ' + b.task if b.task else ''}, open {b.age_days} working day(s)"),
            done)
