"""Choose the acting person (who logs, signs, raises)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from model.i18n import N_, _, word
from model.views import PersonView
from tui.language import translate_bindings
from tui.text import literal


class ActAsScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, people: list[PersonView], current: str | None):
        super().__init__()
        translate_bindings(self)
        self.people = people
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Act as"), classes="section-title")
            # Names are user text: each prompt is a Text, never markup.
            yield OptionList(*[Option(literal(_person_line(p), one_line=True), id=p.key)
                               for p in self.people], id="people")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [p.key for p in self.people]
        if self.current in keys:
            options.highlighted = keys.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def _person_line(p: PersonView) -> str:
    """``刘洋  liu.yang  (vendor engineer, senior)``: the party and role in the language
    spoken now (their keys in English), the grade's key as typed in the forms."""
    grade = ", " + p.grade if p.grade else ""
    return f"{p.name}  {p.key}  ({word('party', p.party)} {word('role', p.role)}{grade})"
