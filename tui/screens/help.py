"""The keys of every view, gathered from the bindings themselves."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from model.i18n import N_, _
from tui.language import translate_bindings


def key_display(app: App[Any], binding: Binding) -> str:
    """A binding's keys as the footer shows them (``[``, ``^s``, ``esc``), a control key
    also spelt out (``^s ctrl+s``): the one wording of a key in the help, the footer and
    the command palette."""
    shown = []
    for i, key in enumerate(binding.key.split(",")):
        if i == 0 and binding.key_display:
            shown.append(binding.key_display)
            continue
        display = app.get_key_display(Binding(key, binding.action))
        shown.append(f"{display} {key}" if key.startswith("ctrl+") else display)
    return ", ".join(shown)


def keys_text(app: App[Any]) -> str:
    """All keys: the global ones, then each view's."""
    from tui.widgets.navbar import VIEWS

    def _line(binding: Binding) -> str:
        description = _(binding.description) if binding.description else ""
        return f"  {key_display(app, binding):<11} {description}"

    app_bindings, modes = list(app.BINDINGS), dict(app.MODES)

    views = _(", ").join(f"{k} {_(label)}" for _mode, k, label in VIEWS)
    lines = [_("Global"), "  " + _("0..9, o, h switch view: {views}").format(views=views),
             "  esc         " + _("leave a text field (then 0..9, o and h switch views again)")]
    for b in app_bindings:
        if isinstance(b, Binding) and b.show:
            lines.append(_line(b))
    lines += [_line(Binding("ctrl+a", "", N_("act as another person"))),
              _line(Binding("ctrl+p", "", N_("command palette: every action"))),
              _line(Binding("ctrl+q", "", N_("quit"))), ""]
    from tui.app import LazyView

    for mode, _key, label in VIEWS:
        screen = modes[mode]
        if isinstance(screen, LazyView):  # imported now, if it was not yet
            screen = screen.screen_class
        # Only the view's own keys, not those it inherits (tab, copy...).
        own = [b for b in screen.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
        if not own:
            continue
        lines.append(_(label))
        for b in own:
            lines.append(_line(b))
        lines.append("")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", N_("Close"))]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        app = self.app
        with VerticalScroll(classes="dialog"):
            yield Static(_("Keys"), classes="section-title")
            # Plain text: the week keys are "[" and "]", which markup would swallow.
            yield Static(keys_text(app), id="keys",
                         markup=False)
            yield Static(_("Mouse: click a view in the top bar, a row, a button."),
                         classes="muted")
