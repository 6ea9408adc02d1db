"""The keys of every view, gathered from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _key(keys: str) -> str:
    names = {"question_mark": "?", "left_square_bracket": "[", "right_square_bracket": "]",
             "enter": "Enter", "escape": "Esc", "delete": "Del"}
    return ", ".join(names.get(k, k) for k in keys.split(","))


def keys_text(app_bindings: list, modes: dict) -> str:
    """All keys: the global ones, then each view's."""
    from tui.widgets.navbar import VIEWS

    lines = ["Global", "  0..9, o, h switch view: " + ", ".join(f"{k} {label}"
                                                            for _, k, label in VIEWS),
             "  Esc      leave a text field (then 0..9, o and h switch views again)"]
    for b in app_bindings:
        if isinstance(b, Binding) and b.show:
            lines.append(f"  {_key(b.key):<8} {b.description}")
    lines += ["  ctrl+a   act as another person", "  ctrl+p   command palette: every action",
              "  ctrl+q   quit", ""]
    from tui.app import LazyView

    for mode, _, label in VIEWS:
        screen = modes[mode]
        if isinstance(screen, LazyView):  # imported now, if it was not yet
            screen = screen.screen_class
        # Only the view's own keys, not those it inherits (tab, copy...).
        own = [b for b in screen.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
        if not own:
            continue
        lines.append(label)
        for b in own:
            lines.append(f"  {_key(b.key):<8} {b.description}")
        lines.append("")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close")]

    def compose(self) -> ComposeResult:
        app = self.app
        with VerticalScroll(classes="dialog"):
            yield Static("Keys", classes="section-title")
            # Plain text: the week keys are "[" and "]", which markup would swallow.
            yield Static(keys_text(list(app.BINDINGS), dict(app.MODES)), id="keys",
                         markup=False)
            yield Static("Mouse: click a view in the top bar, a row, a button.",
                         classes="muted")
