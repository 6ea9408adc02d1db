"""The row of views at the top: which one is shown, and the key (or click) to go to each."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click, Resize
from textual.widgets import Static

from model.i18n import N_, _
from tui.text import in_context

#: (mode, key, label) of every view, in the order of the bar
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("dashboard", "1", N_("Dashboard")),
    ("myday", "2", N_("My day")),
    ("timesheet", "3", N_("Timesheet")),
    ("tasks", "4", N_("Tasks")),
    ("blockers", "5", N_("Blockers")),
    ("changes", "6", N_("CRs")),
    ("team", "7", N_("Team")),
    ("signoffs", "8", N_("Sign-offs")),
    ("journal", "9", N_("Journal")),
    ("exports", "0", N_("Exports")),
    ("obligations", "o", N_("Obligations")),
    ("history", "h", N_("History")),
)

#: the labels a bar too narrow for the whole ones shows (about 120 columns); the labels
#: here and in VIEWS are marked, translated where shown
SHORT: dict[str, str] = {
    "dashboard": N_("Dash"), "myday": N_("Day"), "timesheet": N_("Time"),
    "tasks": N_("Tasks"), "blockers": N_("Block"), "changes": N_("short|CRs"), "team": N_("Team"),
    "signoffs": N_("Sign"), "journal": N_("Jrnl"), "exports": N_("Exp"),
    "obligations": N_("Oblig"), "history": N_("Hist"),
}


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
        """The views, then the acting person. The acting person always shows whole (on a
        narrow terminal the views' labels give way first, then, under about 60 columns,
        the last views' keys); only a bar narrower than the name itself cuts it."""
        text = Text()
        app = self.app
        who = getattr(app, "acting_label", "")
        tail = f"  {who}" if who else ""
        width = self.size.width
        room = max(0, width - cell_len(tail)) if width else 0
        self._spans = []
        labels = self._labels(room)
        for mode, key, _label in VIEWS:
            start = len(text)
            part = f" {key} {labels[mode]} " if labels[mode] else f" {key} "
            if mode == self.current:
                text.append(part, style="bold reverse")
            else:
                text.append(part)
            self._spans.append((start, len(text), mode))
        if room and text.cell_len > room:
            text.truncate(room)
            self._spans = [(a, min(b, room), m) for a, b, m in self._spans if a < room]
        if who:
            text.append(tail, style="italic")
            if width and text.cell_len > width:
                text.truncate(width, overflow="ellipsis")
        return text

    def _labels(self, room: int) -> dict[str, str]:
        """Each view's label in ``room`` columns (0: any): the whole labels if they fit,
        else the short ones (:data:`SHORT`) from the right, then none from the right,
        until they do; the current view keeps its whole label as long as it can (at 80
        columns it alone has one), then its short one."""
        labels = {mode: _(label) for mode, _key, label in VIEWS}

        def wide() -> int:
            return sum(cell_len(f" {k} {labels[m]} " if labels[m] else f" {k} ")
                       for m, k, _label in VIEWS)

        others = [mode for mode, _key, _label in reversed(VIEWS) if mode != self.current]
        for step in (lambda mode: in_context(_(SHORT[mode])), lambda _mode: ""):
            for mode in others:
                if not room or wide() <= room:
                    return labels
                labels[mode] = step(mode)
        for step in (lambda mode: in_context(_(SHORT[mode])), lambda _mode: ""):
            if room and wide() > room:  # the current view's short label, then none
                labels[self.current] = step(self.current)
        return labels

    def on_click(self, event: Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.app.switch_mode(mode)
                return
