"""The journal: every time entry, oldest first, read page by page as the cursor goes down.

A ledger can hold a million entries, so the journal never asks for all of
them: it reads one page (keyset paging on (date, id), ``Ledger.entries_after``)
and reads the next one in a worker when the cursor comes near the end of what
is loaded. The count at the top (``Ledger.entry_count``) is one cheap query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.errors import LedgerError
from model.i18n import N_, _
from model.views import EntryView
from storage.sowfile import parse_date
from tui.text import day_text, grade_text, literal, refusal
from tui.widgets.entry_form import PickScreen, hours, pad_cells
from tui.widgets.form import Field, FormScreen
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.paged_table import PagedTable as JournalTable

#: rows read per page
PAGE = 200
#: read the next page when the cursor is this close to the last loaded row
AHEAD = PAGE // 2
EVERYONE = "*"


@dataclass(frozen=True)
class Page:
    """One page of the journal, and where it belongs."""

    generation: int  # pages of an earlier filter or reload are dropped
    rows: tuple[EntryView, ...]
    total: int | None = None  # entry_count(), read with the first page


class JournalScreen(LedgerScreen):
    """All entries, oldest first, with their grade as charged; filterable by person."""

    VIEW = "journal"

    DEFAULT_CSS = """
    JournalScreen #journal-head { height: 1; }
    JournalScreen #journal-detail { height: auto; padding: 0 1; border-top: solid $primary; }
    """

    BINDINGS = [
        Binding("f", "filter_person", N_("Filter"), id="journal-filter"),
        Binding("g", "go_to_date", N_("Go to date"), id="journal-go-to-date"),
        Binding("r", "refresh", N_("Reload"), id="journal-reload"),
        Binding("H", "entry_history", N_("Entry's history"), id="journal-history"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.person: str | None = None  # the filter, None for everyone
        self.start: date | None = None  # the first date shown, None for the very first
        self.generation = 0
        self.loaded = 0
        self.total = 0
        self.last_key: tuple[date, int] | None = None
        self.exhausted = False
        self.fetching = False
        #: the loaded entries by id: the line under the table tells the selected one whole
        self.entries: dict[str, EntryView] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="journal-head", classes="headline")
        yield JournalTable(id="journal-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="journal-detail")

    def on_mount(self) -> None:
        table = self.query_one("#journal-table", DataTable)
        table.add_column(Text(_("id"), justify="right"), key="id", width=8)
        table.add_column(Text(_("date")), key="date", width=10)
        table.add_column(Text(_("person")), key="person", width=self._person_width())
        table.add_column(Text(_("task")), key="task", width=6)
        table.add_column(Text(_("hours"), justify="right"), key="hours", width=6)
        table.add_column(Text(_("grade")), key="grade", width=13)
        table.add_column(Text(_("note")), key="note", width=60)
        table.focus()
        super().on_mount()

    def resumed(self) -> None:
        # Coming back should not throw away the pages read so far: refresh the count and,
        # if everything was read, look for entries added meanwhile.
        if not self.is_mounted:
            return
        if self.loaded <= PAGE:
            self.reload_soon()
        elif not self.fetching:
            self.exhausted = False
            self.fetching = True
            self._fetch(self.generation, self.last_key, self.person, count=True)

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        self.generation += 1
        self.fetching = True
        super().reload()

    def load(self) -> Page:
        generation = self.generation
        ledger = self.ledger
        total = ledger.entry_count()
        # (day, 0) comes before every entry of that day: keyset paging starts there.
        after = (self.start, 0) if self.start else None
        rows = ledger.entries_after(after, PAGE, self.person)
        return Page(generation, tuple(rows), total)

    def show(self, data: Page) -> None:
        if data.generation != self.generation:
            return
        table = self.query_one("#journal-table", DataTable)
        table.clear()
        self.entries = {}
        self.loaded = 0
        self.last_key = None
        self.exhausted = False
        self._append(data)

    @work(thread=True, group="journal-page")
    def _fetch(self, generation: int, after: tuple[date, int] | None, person: str | None,
               count: bool = False) -> None:
        ledger = self.ledger
        try:
            with ledger.snapshot():  # the count and the page from one state
                total = ledger.entry_count() if count else None
                rows = ledger.entries_after(after, PAGE, person)
        except LedgerError as exc:
            self.app.call_from_thread(self.notify, refusal(exc), title="sowtrack",
                                      severity="error", timeout=8)
            self.app.call_from_thread(setattr, self, "fetching", False)
            return
        self.app.call_from_thread(self._append, Page(generation, tuple(rows), total))

    def _append(self, page: Page) -> None:
        if page.generation != self.generation:
            return
        self.fetching = False
        if page.total is not None:
            self.total = page.total
        table = self.query_one("#journal-table", DataTable)
        names = {p.key: p.name for p in self.sow_app.people}
        width = self._name_width()
        rows = []
        for e in page.rows:
            rows.append((Text(str(e.id), justify="right"), e.on.isoformat(),
                         Text(f"{pad_cells(names.get(e.person, ''), width)} {e.person}"),
                         Text(e.task), Text(hours(e.minutes), justify="right"),
                         Text(grade_text(e.grade)),
                         Text(e.note, no_wrap=True, overflow="ellipsis")))
        for e, row in zip(page.rows, rows, strict=True):
            table.add_row(*row, key=str(e.id))
            self.entries[str(e.id)] = e
        self.loaded += len(page.rows)
        if page.rows:
            last = page.rows[-1]
            self.last_key = (last.on, last.id)
        if len(page.rows) < PAGE:
            self.exhausted = True
        self._headline()
        self._maybe_fetch()

    def _headline(self) -> None:
        text = Text()
        loaded, total = f"{self.loaded:,}", f"{self.total:,}"
        if self.person is None:
            text.append(_("{n} of {total} entries loaded").format(n=loaded, total=total),
                        style="bold")
        else:
            said = (_("all {n} entries of {person} loaded") if self.exhausted
                    else _("{n} entries of {person} loaded"))
            text.append(said.format(n=loaded, person=self.person), style="bold")
            text.append("  " + _("({total} in the ledger)").format(total=total))
        if not self.exhausted:
            text.append("  ·  " + _("more load as you scroll down"))
        text.append("  ·  " + (_("from {day} (g)").format(day=day_text(self.start))
                               if self.start else _("oldest first")))
        self.query_one("#journal-head", Static).update(text)

    def _maybe_fetch(self) -> None:
        """Read the next page if the cursor is near the end of the loaded rows."""
        if self.fetching or self.exhausted:
            return
        table = self.query_one("#journal-table", DataTable)
        if table.row_count and table.cursor_row < table.row_count - AHEAD:
            return
        self.fetching = True
        self._fetch(self.generation, self.last_key, self.person)

    @on(DataTable.RowHighlighted, "#journal-table")
    @on(JournalTable.WantsMore)
    def _moved(self) -> None:
        self._maybe_fetch()
        self._detail()

    def _detail(self) -> None:
        """The selected entry whole, its note too (the note column is cut, or off the
        screen's right edge on a narrow terminal)."""
        table = self.query_one("#journal-table", DataTable)
        entry = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            entry = self.entries.get(key or "")
        detail = self.query_one("#journal-detail", Static)
        if entry is None:
            detail.update("")
            return
        names = {p.key: p.name for p in self.sow_app.people}
        text = literal(_("entry {id}").format(id=entry.id)
                       + f" · {entry.on} · {names.get(entry.person, '')} "
                       f"{entry.person} · {entry.task} · "
                       + _("{hours} h").format(hours=hours(entry.minutes))
                       + f" · {grade_text(entry.grade)}", "bold", one_line=True)
        text.append("\n")
        text.append_text(literal(entry.note or _("(no note)"), one_line=True))
        detail.update(text)

    # ------------------------------------------------------------ keys

    def action_refresh(self) -> None:
        self.reload()

    def action_entry_history(self) -> None:
        """The History view on the selected entry: who logged, edited or deleted it."""
        table = self.query_one("#journal-table", DataTable)
        if not table.row_count:
            self.notify(_("No entry selected"), timeout=4)
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.call_later(self.sow_app.show_history, f"entry:{key}")

    def action_filter_person(self) -> None:
        people = [p for p in self.sow_app.people if p.party == "vendor" and p.grade]
        width = self._name_width()
        options = [(_("everyone"), EVERYONE)] + [
            (f"{pad_cells(p.name, width)} {p.key}  ({grade_text(p.grade or '')})", p.key)
            for p in people]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.person = None if value == EVERYONE else value
            self.reload()

        self.app.push_screen(PickScreen(_("Show the entries of"), options,
                                        self.person or EVERYONE), chosen)

    def action_go_to_date(self) -> None:
        def check(values: dict[str, str]) -> str:
            typed = values["date"].strip()
            return parse_date(typed, "date").isoformat() if typed else "-"

        def chosen(value: str | None) -> None:
            if value:
                self.start = None if value == "-" else date.fromisoformat(value)
                self.reload()

        form = FormScreen(_("Show the journal from"), [
            Field("date", _("Date"), self.start.isoformat() if self.start else "",
                  placeholder=_("YYYY-MM-DD, empty for the first entry"))], check, _("Go"))
        self.app.push_screen(form, chosen)

    # ------------------------------------------------------------ widths

    def _name_width(self) -> int:
        return max((cell_len(p.name) for p in self.sow_app.people), default=0)

    def _person_width(self) -> int:
        width = self._name_width()
        return max((cell_len(f"{pad_cells(p.name, width)} {p.key}")
                    for p in self.sow_app.people), default=6)
