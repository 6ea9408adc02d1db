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
from model.i18n import N_, _, ngettext
from model.permissions import Action
from model.rules import PARTIES
from model.views import BlockerView, TaskView
from tui.text import PARTY_LABELS, day_text, in_context, literal, party_label
from tui.widgets.blocker_list import blocker_order, blocker_title
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import Fit, FitTable, refill

#: blocker_order lives in tui.widgets.blocker_list (the dashboard orders blockers too)
__all__ = ["PARTY_LABELS", "BlockersData", "BlockersScreen", "blocker_order"]

#: option values meaning "nothing chosen" (FormScreen's blank Select is unusable in Textual 8)
CHOOSE = "?"
NO_TASK = "-"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", N_("id")), ("party", N_("owner")), ("raised", N_("raised")),
    ("resolved", N_("resolved")), ("age", N_("working days")), ("task", N_("task")),
    ("title", N_("title 阻塞问题")),
)
#: at 80 columns the title shrinks, then the task and the day raised go; the detail line
#: under the table tells the selected blocker whole
FITS = {"title": Fit(shrink=20), "task": Fit(drop=2), "raised": Fit(drop=1)}

HEADERS = [(key, Text(label, justify="right") if key == "age" else Text(label))
           for key, label in COLUMNS]


def headers() -> list[tuple[str, Text]]:
    """:data:`HEADERS` in the language spoken now."""
    return [(key, Text(_(label), justify="right") if key == "age" else Text(_(label)))
            for key, label in COLUMNS]


def working_days(n: int) -> str:
    return ngettext("{n} working day", "{n} working days", n).format(n=n)


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
        Binding("a", "add_blocker", N_("Add blocker"), id="blockers-add"),
        Binding("r", "resolve_blocker", N_("Resolve"), id="blockers-resolve"),
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
        for key, label in headers():
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
                Text(party_label(b.party),
                     style="magenta" if b.party == "client" else "cyan"),
                b.raised_on.isoformat(),
                (Text(in_context(_("resolution|open")), style="bold red") if is_open
                 else b.resolved_on.isoformat()),
                Text(str(b.age_days), justify="right"), literal(b.task or "", one_line=True),
                blocker_title(b, data.obligations)],
                # A row key of its own: an obligation's key may look like a blocker's number.
                ("obligation " if b.number in data.obligations else "") + b.number))
        refill(table, headers(), rows)
        numbers = [b.number for b in data.blockers]
        if selected in numbers:
            table.move_cursor(row=numbers.index(selected))
        self._show_detail()
        open_count = sum(b.resolved_on is None for b in data.blockers)
        days = _(", ").join(f"{party_label(p)} {data.blocked_days.get(p, 0)}"
                         for p in ("client", "vendor"))
        self.query_one("#blockers-headline", Static).update(
            _("Working days lost as of {today}: {days} · {open} open, {resolved} resolved")
            .format(today=day_text(self.today), days=days, open=open_count,
                    resolved=len(numbers) - open_count))

    @on(DataTable.RowHighlighted, "#blockers")
    def _show_detail(self) -> None:
        """The selected blocker whole: title, whose, raised, open or resolved, task."""
        b, panel = self.selected_blocker(), self.query_one("#blocker-detail", Static)
        if b is None or self.data is None:
            panel.update("")
            return
        text = Text(_("blocker") + " ")
        text.append_text(literal(f"{b.number}: ", "bold", one_line=True))
        text.append_text(blocker_title(b, self.data.obligations))
        days = working_days(b.age_days)
        raised = _("raised {day}").format(day=day_text(b.raised_on))
        state = (_("open {days}").format(days=days) if b.resolved_on is None
                 else _("resolved {day} after {days}").format(day=day_text(b.resolved_on),
                                                              days=days))
        text.append(f"\n{party_label(b.party)} · {raised} · {state}")
        if b.task:
            text.append(" · " + _("task") + " ")
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
                raise LedgerError(_("party: choose client or vendor (whose blocker is it?)"))
            task = v["task"] if v["task"] not in ("", NO_TASK) else None
            return ledger.add_blocker(v["title"], v["party"], v["on"].strip() or today, task)

        def done(result: BlockerView | None) -> None:
            if isinstance(result, BlockerView):
                self.notify(_("{number} added ({party})").format(
                    number=result.number, party=party_label(result.party)), timeout=4)
                self._select_after_reload = result.number
                self.reload()

        self.app.push_screen(FieldForm(_("Add a blocker (阻塞问题)"), [
            Field("title", _("Title"),
                  placeholder=_("测试环境账号未开通 Test environment access")),
            Field("party", _("Owner: whose blocker is it?"), value=CHOOSE,
                  options=[(_("— choose —"), CHOOSE)]
                  + [(party_label(p), p) for p in sorted(PARTIES)]),
            Field("on", _("Raised on"), value=self.today.isoformat(),
                  placeholder="YYYY-MM-DD"),
            Field("task", _("Task (optional)"), value=NO_TASK,
                  options=[(_("— no task —"), NO_TASK)]
                  + [(Text(f"{t.code} {t.title}"), t.code) for t in tasks]),
        ], submit, submit_label=_("Add blocker")), done)

    def action_resolve_blocker(self) -> None:
        if not self.when_loaded(self.action_resolve_blocker):
            return
        b = self.selected_blocker()
        if b is None:
            self.notify(_("No blocker selected"), severity="warning")
            return
        if b.resolved_on is not None:
            self.notify(_("{number} was already resolved on {day}").format(
                number=b.number, day=day_text(b.resolved_on)), severity="warning")
            return
        if self.data is not None and b.number in self.data.obligations:
            self.notify(_("{number} is a late obligation: it is resolved when it is done "
                          "(o Obligations, d Obligation done)").format(number=b.number),
                        severity="warning", timeout=8)
            return
        ledger, today = self.ledger, self.today

        def submit(v: dict[str, str]) -> BlockerView:
            return ledger.resolve_blocker(b.number, v["on"].strip() or today)

        def done(result: BlockerView | None) -> None:
            if isinstance(result, BlockerView):
                self.notify(_("{number} resolved on {day}").format(
                    number=result.number, day=day_text(result.resolved_on)), timeout=4)
                self.reload()

        task = _(", task {task}").format(task=b.task) if b.task else ""
        self.app.push_screen(FieldForm(
            _("Resolve {number}").format(number=b.number), [
                Field("on", _("Resolved on"), value=self.today.isoformat(),
                      placeholder="YYYY-MM-DD"),
            ], submit, submit_label=_("Resolve"),
            note=f"{b.title}\n"
                 + _("{party}, raised {day}{task}, open {days} working day(s)").format(
                     party=party_label(b.party), day=day_text(b.raised_on), task=task,
                     days=b.age_days)),
            done)
