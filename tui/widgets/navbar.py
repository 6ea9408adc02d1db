"""The row of views at the top: which one is shown, and the key (or click) to go to each."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click, Resize
from textual.widgets import Static

#: (mode, key, label) of every view, in the order of the bar
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("dashboard", "1", "Dashboard"),
    ("myday", "2", "My day"),
    ("timesheet", "3", "Timesheet"),
    ("tasks", "4", "Tasks"),
    ("blockers", "5", "Blockers"),
    ("changes", "6", "CRs"),
    ("team", "7", "Team"),
    ("signoffs", "8", "Sign-offs"),
    ("journal", "9", "Journal"),
    ("exports", "0", "Exports"),
    ("obligations", "o", "Obligations"),
    ("history", "h", "History"),
)


class NavBar(Static):
    """Shows the views with their keys; the current one highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str):
        super().__init__(id="navbar")
        self.current = current
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        # The acting person is a reactive of the app: every view's bar follows it, those
        # of the views not on screen too (ctrl+a in one view renames it in all).
        self.watch(self.app, "acting", self._refresh_bar)  # and draws it now

    def _refresh_bar(self) -> None:
        self.update(self._render_bar())

    def on_resize(self, event: Resize) -> None:
        self._refresh_bar()

    def _render_bar(self) -> Text:
        text = Text()
        app = self.app
        who = getattr(app, "acting_label", "")
        self._spans = []
        labelled = self._labelled(who)
        for mode, key, label in VIEWS:
            start = len(text)
            part = f" {key} {label} " if mode in labelled else f" {key} "
            if mode == self.current:
                text.append(part, style="bold reverse")
            else:
                text.append(part)
            self._spans.append((start, len(text), mode))
        if who:
            text.append("  " + who, style="italic")
        return text

    def _labelled(self, who: str) -> set[str]:
        """The views shown with their label: all of them if the bar fits, else the labels
        go from the right (the current view keeps its own) until it does (80 columns)."""
        labelled = {mode for mode, _, _ in VIEWS}
        width = self.size.width

        def wide() -> int:
            return sum(cell_len(f" {k} {label} " if m in labelled else f" {k} ")
                       for m, k, label in VIEWS) + (cell_len("  " + who) if who else 0)

        for mode, _, _ in reversed(VIEWS):
            if not width or wide() <= width:
                break
            if mode != self.current:
                labelled.discard(mode)
        return labelled

    def on_click(self, event: Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.app.switch_mode(mode)
                return
