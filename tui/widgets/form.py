"""A modal form: fields in, one ledger call out, refusals shown inline.

The form never touches the database itself: it is given ``submit``, a
function of the field values that calls a service. ``submit`` runs in a
thread worker; if the ledger refuses, its message appears in the form (which
stays open, nothing written); on success the form closes with the result.

On a short terminal (under :data:`COMPACT_BELOW` rows, e.g. 80×24) the form is compact:
each label beside its field, flat buttons, so that a form of eight fields is whole on
screen and can be submitted without scrolling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static

from model.errors import LedgerError
from model.i18n import N_, _
from tui.language import translate_bindings
from tui.text import options, refusal

#: terminals with fewer rows than this get compact forms
COMPACT_BELOW = 32
#: the widest label column of a compact form (a longer label wraps)
LABEL_COLUMNS = 26


@dataclass
class Field:
    """One field of a form: a text input, or a choice when ``options`` is given."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    options: Sequence[tuple[str | Text, str]] | None = None  # (label, value); labels literal
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class FormScreen(ModalScreen[Any]):
    """A dialog with fields; Enter or ctrl+s submits, Escape cancels (asking first when
    a field was changed: "Discard changes?")."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form-cancel"),
        Binding("ctrl+s", "submit", N_("Submit"), id="form-submit"),
    ]
    AUTO_FOCUS = "Input, Select, #submit"
    DEFAULT_CSS = """
    FormScreen .field { height: auto; }
    FormScreen .compact .field { layout: horizontal; }
    FormScreen .compact .field Label { padding: 0 1 0 0; }
    """

    def __init__(self, title: str, fields: Sequence[Field],
                 submit: Callable[[dict[str, str]], Any], submit_label: str | None = None,
                 note: str = "", on_change: Callable[[dict[str, str]], str] | None = None,
                 names: dict[str, str] | None = None):
        """``names``: how a refusal names an input the form holds no field for (the
        record the form is about, e.g. ``{"key": "Obligation ENV-ACCESS"}``); the caller
        gives the title, labels and ``submit_label`` (default: Save) in the language spoken."""
        super().__init__()
        translate_bindings(self)  # the footer speaks the language chosen (tui.language)
        self.names = dict(names or {})
        self.form_title = title
        self.fields = list(fields)
        self.submit_fn = submit
        self.submit_label = _("Save") if submit_label is None else submit_label
        self.note = note
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        compact = self.app.size.height < COMPACT_BELOW
        label_width = min(LABEL_COLUMNS, max((cell_len(f.label) for f in self.fields),
                                             default=0) + 1)
        dialog = VerticalScroll(classes="dialog compact" if compact else "dialog")
        if compact:  # the app's stylesheet pads a dialog: here every row counts
            dialog.styles.padding = (0, 1)
        with dialog:
            # User text (titles, notes) is never read as markup: a "[" stays a "[".
            yield Static(self.form_title, classes="section-title", markup=False)
            if self.note:
                yield Static(self.note, classes="muted", markup=False)
            for f in self.fields:
                with Container(classes="field"):
                    label = Label(f.label, markup=False)
                    if compact:
                        label.styles.width = label_width
                    yield label
                    if f.options is not None:
                        yield Select(options(f.options),
                                     value=f.value if f.value else Select.NULL,
                                     id=f"f-{f.name}", allow_blank=not f.value, compact=True,
                                     prompt=_("Select"))
                    else:
                        yield Input(value=f.value, placeholder=f.placeholder,
                                    id=f"f-{f.name}", compact=True)
                if f.help:
                    yield Static(f.help, classes="muted", markup=False)
            # Shown when they have something to say (a compact form has no row to spare).
            yield Static("", id="preview", classes="muted", markup=False)
            yield Static("", id="form-error", classes="error", markup=False)
            buttons = Horizontal(classes="buttons")
            if compact:
                buttons.styles.padding = (0, 0)
            with buttons:
                yield Button(_("Cancel"), id="cancel", compact=compact)
                yield Button(self.submit_label, id="submit", variant="primary",
                             compact=compact)

    #: the values the form opened with (once every mount handler has run): Esc discards
    #: the user's changes only after asking
    _initial: dict[str, str] | None = None

    def on_mount(self) -> None:
        for name in ("preview", "form-error"):
            self.query_one(f"#{name}", Static).display = False
        self._changed()
        if self._initial is None:
            self.call_after_refresh(self._remember)

    def _remember(self) -> None:
        self._initial = self.values()

    def touched(self) -> bool:
        """Whether the user changed any field since the form opened."""
        return self._initial is not None and self.values() != self._initial

    def say(self, name: str, text: str) -> None:
        """Show ``text`` in the form's ``preview`` or ``form-error`` line (none: hidden)."""
        line = self.query_one(f"#{name}", Static)
        line.update(text)
        line.display = bool(text)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, Select):
                out[f.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                out[f.name] = widget.value
        return out

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self.on_change is not None:
            try:
                text = self.on_change(self.values())
            except LedgerError as exc:  # named as the form names its fields ("To: ...")
                text = f"⚠ {refusal(exc, self.labels())}"
            self.say("preview", text)

    def labels(self) -> dict[str, str]:
        """How a refusal names an input: the label of the field that holds it."""
        return {**self.names, **{f.name: f.label for f in self.fields}}

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#submit")
    def _submit_button(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Esc or Cancel: an untouched form closes; a changed one asks first."""
        if not self.touched():
            self.dismiss(None)
            return

        def answered(discard: object) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(
            _("Discard changes?"), lambda _v: True, _("Discard"),
            note=_("What you typed in this form is lost. Esc or Cancel: back to the form.")),
            answered)

    def action_submit(self) -> None:
        self.say("form-error", "")
        self._run(self.values())

    @work(thread=True, exclusive=True, group="form")
    def _run(self, values: dict[str, str]) -> None:
        try:
            result = self.submit_fn(values)
        except LedgerError as exc:
            self.app.call_from_thread(self.say, "form-error",
                                      _("refused: {reason}").format(
                                          reason=refusal(exc, self.labels())))
            return
        self.app.call_from_thread(self.dismiss, result if result is not None else True)


class ConfirmScreen(FormScreen):
    """A yes/no question whose 'yes' is one ledger call."""

    def __init__(self, question: str, submit: Callable[[dict[str, str]], Any],
                 submit_label: str | None = None, note: str = ""):
        super().__init__(question, [], submit,
                         _("Yes") if submit_label is None else submit_label, note=note)


class FieldForm(FormScreen):
    """A FormScreen that starts with the cursor in a chosen field (the first by default).

    E.g. the allocation form preselects the person and starts in the PD field.
    """

    def __init__(self, *args: Any, focus: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.focus_field = focus or (self.fields[0].name if self.fields else None)

    def on_mount(self) -> None:
        # FormScreen.on_mount runs as well (Textual calls each class's handler).
        if self.focus_field:
            self.query_one(f"#f-{self.focus_field}").focus()


def push_form(screen: Screen[Any], form: FormScreen, done: Callable[[Any], None]) -> None:
    """Open a form over ``screen``, ready to type: its first field has the focus
    (:attr:`FormScreen.AUTO_FOCUS`), or its button when it has no field."""
    screen.app.push_screen(form, done)
