"""History: the audit log in words, newest first, read page by page as the cursor goes down.

Who edited entry 13, who signed CR-002 and when: every audit row as one sentence
(model.history.describe), filtered by record, person and days (``f``). Like the
journal, the view never reads the whole log: one page at a time (keyset paging on the
row id, ``Ledger.history``), the next one in a worker when the cursor nears the end.
From the journal, ``H`` on an entry opens this view on that entry's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.errors import LedgerError
from model.history import HistoryLine, record_label
from model.i18n import N_, _
from storage.services.history import HISTORY_PAGE
from tui.text import literal
from tui.widgets.form import Field, FormScreen
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.paged_table import PagedTable

#: read the next page when the cursor is this close to the last loaded row
AHEAD = HISTORY_PAGE // 2


@dataclass(frozen=True)
class Filter:
    """What the history shows: every field empty is the whole log."""

    record: str = ""
    person: str = ""
    first: str = ""
    last: str = ""

    def words(self) -> str:
        parts = [_("record {record}").format(record=self.record) if self.record else "",
                 _("person {person}").format(person=self.person) if self.person else "",
                 _("from {day}").format(day=self.first) if self.first else "",
                 _("to {day}").format(day=self.last) if self.last else ""]
        return ", ".join(p for p in parts if p) or _("everything")


@dataclass(frozen=True)
class Page:
    generation: int  # pages of an earlier filter or reload are dropped
    rows: tuple[HistoryLine, ...]


class HistoryScreen(LedgerScreen):
    """The audit log in words, newest first; filterable by record, person and days."""

    VIEW = "history"
    FIELD_LABELS = {"record": N_("Record"), "person": N_("Person"), "first": N_("From"),
                    "last": N_("To")}

    DEFAULT_CSS = """
    HistoryScreen #history-head { height: 1; }
    """

    BINDINGS = [
        Binding("f", "filter", N_("Filter"), id="history-filter"),
        Binding("x", "clear_filter", N_("Show all"), id="history-clear"),
        Binding("r", "refresh", N_("Reload"), id="history-reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.generation = 0
        self.loaded = 0
        self.last_id: int | None = None
        self.exhausted = False
        self.fetching = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="history-head", classes="headline")
        yield PagedTable(id="history-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_column(Text(_("when")), key="when", width=16)
        table.add_column(Text(_("record")), key="record", width=22)
        table.add_column(Text(_("what")), key="what", width=120)
        table.focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        self.generation += 1
        self.fetching = True
        super().reload()

    def load(self) -> Page:
        generation, f = self.generation, self.filter  # as they were when the read began
        rows = self.ledger.history(f.record or None, f.person or None, f.first or None,
                                   f.last or None, None, HISTORY_PAGE)
        return Page(generation, tuple(rows))

    def show(self, data: Page) -> None:
        if data.generation != self.generation:
            return
        self.query_one("#history-table", DataTable).clear()
        self.loaded = 0
        self.last_id = None
        self.exhausted = False
        self._append(data)

    @work(thread=True, group="history-page")
    def _fetch(self, generation: int, before: int | None, f: Filter) -> None:
        try:
            rows = self.ledger.history(f.record or None, f.person or None, f.first or None,
                                       f.last or None, before, HISTORY_PAGE)
        except LedgerError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="sowtrack",
                                      severity="error", timeout=8)
            self.app.call_from_thread(setattr, self, "fetching", False)
            return
        self.app.call_from_thread(self._append, Page(generation, tuple(rows)))

    def _append(self, page: Page) -> None:
        if page.generation != self.generation:
            return
        self.fetching = False
        table = self.query_one("#history-table", DataTable)
        for r in page.rows:
            # The sentence carries user text (names, notes, titles): never markup.
            table.add_row(f"{r.at:%Y-%m-%d %H:%M}", literal(record_label(r.entity, r.ref),
                                                            one_line=True),
                          literal(r.text, one_line=True, no_wrap=True, overflow="ellipsis"),
                          key=str(r.id))
        self.loaded += len(page.rows)
        if page.rows:
            self.last_id = page.rows[-1].id
        if len(page.rows) < HISTORY_PAGE:
            self.exhausted = True
        self._headline()
        self._maybe_fetch()

    def _headline(self) -> None:
        text = Text()
        loaded = (_("all {n} audit rows loaded") if self.exhausted
                  else _("{n} audit rows loaded"))
        text.append(loaded.format(n=f"{self.loaded:,}"), style="bold")
        text.append("  ·  " + _("newest first") + "  ·  " + _("showing") + " ")
        text.append_text(literal(self.filter.words(), one_line=True))
        text.append(" (f)")
        if not self.exhausted:
            text.append("  ·  " + _("more load as you scroll down"))
        if self.exhausted and not self.loaded:
            text.append("  ·  " + _("no audit row matches"))
        self.query_one("#history-head", Static).update(text)

    def _maybe_fetch(self) -> None:
        if self.fetching or self.exhausted:
            return
        table = self.query_one("#history-table", DataTable)
        if table.row_count and table.cursor_row < table.row_count - AHEAD:
            return
        self.fetching = True
        self._fetch(self.generation, self.last_id, self.filter)

    @on(DataTable.RowHighlighted, "#history-table")
    @on(PagedTable.WantsMore)
    def _moved(self) -> None:
        self._maybe_fetch()

    # ------------------------------------------------------------ keys

    def show_filter(self, f: Filter) -> None:
        """Show the rows ``f`` selects (the journal's ``H`` opens an entry's history)."""
        self.filter = f
        if self.is_mounted:
            self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_clear_filter(self) -> None:
        self.show_filter(Filter())

    def action_filter(self) -> None:
        f = self.filter
        ledger = self.ledger

        def check(values: dict[str, str]) -> Filter:
            typed = Filter(*(values[k].strip() for k in ("record", "person", "first", "last")))
            # The ledger refuses a bad filter here, in the form, naming its field.
            ledger.history(typed.record or None, typed.person or None, typed.first or None,
                           typed.last or None, None, 1)
            return typed

        def chosen(value: Filter | None) -> None:
            if value is not None:
                self.show_filter(value)

        form = FormScreen(_("Show the history of"), [
            Field("record", _("Record"), f.record,
                  placeholder=_("entry:13, CR-002, TS-001, task:T2, B-001; empty for all")),
            Field("person", _("Person"), f.person,
                  placeholder=_("a person's id: what they did and what was done about them")),
            Field("first", _("From"), f.first,
                  placeholder=_("YYYY-MM-DD, the day it was recorded")),
            Field("last", _("To"), f.last, placeholder="YYYY-MM-DD")], check, _("Show"))
        self.app.push_screen(form, chosen)
