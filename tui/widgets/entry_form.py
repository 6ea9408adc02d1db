"""Time entries in the TUI: how hours read, the add/edit forms' fields, picking one of several.

Nothing here touches the database: the forms are :class:`~tui.widgets.form.FormScreen`
instances whose ``submit`` the calling view provides (a service call run in a worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from model.formats import format_hours
from model.i18n import N_, _, language
from model.rules import format_pd, pd_of_minutes
from model.views import EntryView, PersonView, TaskView
from tui.language import translate_bindings
from tui.text import literal, options
from tui.widgets.form import Field, FormScreen

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: what the date and hours fields take (the words are those the ledger parses: English)
DATE_HINT = N_("YYYY-MM-DD, yesterday, -2, mon")
HOURS_HINT = N_("e.g. 7.5, 1h30m, 1:30")


hours = format_hours  # the one rule for hours: ``450`` -> ``7.5``, ``20`` -> ``0.33``


def exact_hours(minutes: int) -> str | None:
    """Minutes as hours that read back to the same minutes, or None (20 min is 0.333…)."""
    text = hours(minutes, 4)
    return text if Decimal(text) * 60 == minutes else None


def person_days(minutes: int, minutes_per_day: int) -> str:
    """PD for display, at most 3 decimals (SPEC §3)."""
    return format_pd(pd_of_minutes(minutes, minutes_per_day))


def day_label(d: date) -> str:
    """``Mon 11-17`` / ``周一 11-17``: the day of the week in the language spoken now."""
    if language() == "en":
        return f"{WEEKDAYS[d.weekday()]} {d:%m-%d}"
    from model.i18n import format_weekday

    return f"{format_weekday(d)} {d:%m-%d}"


def pad_cells(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (a Chinese character takes two)."""
    return text + " " * max(0, width - cell_len(text))


def person_label(p: PersonView, name_width: int = 0) -> str:
    return f"{pad_cells(p.name, name_width)} {p.key}"


def entry_line(e: EntryView, names: dict[str, str] | None = None) -> str:
    """One entry on one line: ``#12 2026-11-17 刘洋 liu.yang T2 4 h note``."""
    who = f"{names[e.person]} {e.person}" if names and e.person in names else e.person
    note = f"  {e.note}" if e.note else ""
    spent = _("{hours} h").format(hours=hours(e.minutes))
    return f"#{e.id}  {e.on}  {who}  {e.task}  {spent}{note}"


def task_options(tasks: Sequence[TaskView]) -> list[tuple[str, str]]:
    return [(f"{t.code}  {t.title}", t.code) for t in tasks]


def people_options(people: Sequence[PersonView]) -> list[tuple[str, str]]:
    width = max((cell_len(p.name) for p in people), default=0)
    return [(f"{person_label(p, width)}  ({p.grade})", p.key) for p in people]


def add_fields(people: Sequence[PersonView], tasks: Sequence[TaskView], person: str,
               task: str, on: date) -> list[Field]:
    """The fields of a new entry: person, task, date, hours, note."""
    return [
        Field("person", _("Person"), person, options=people_options(people)),
        Field("task", _("Task"), task, options=task_options(tasks)),
        Field("date", _("Date"), on.isoformat(), placeholder=_(DATE_HINT)),
        Field("hours", _("Hours"), "", placeholder=_(HOURS_HINT)),
        Field("note", _("Note"), "", placeholder=_("what was done (optional)")),
    ]


def edit_fields(entry: EntryView, tasks: Sequence[TaskView]) -> list[Field]:
    """The fields of an existing entry: task, hours, date, note."""
    exact = exact_hours(entry.minutes)
    return [
        Field("task", _("Task"), entry.task, options=task_options(tasks)),
        Field("hours", _("Hours"), exact or "",
              placeholder=_("{hours} (unchanged)").format(hours=hours(entry.minutes)),
              help="" if exact else _("leave empty to keep the minutes as they are")),
        Field("date", _("Date"), entry.on.isoformat(), placeholder=_(DATE_HINT)),
        Field("note", _("Note"), entry.note),
    ]


def edit_changes(entry: EntryView, values: dict[str, str]) -> dict[str, str]:
    """Only what the user changed, as keyword arguments of ``Ledger.edit_entry``."""
    changes: dict[str, str] = {}
    if values.get("task") and values["task"] != entry.task:
        changes["task"] = values["task"]
    typed = values.get("hours", "").strip()
    if typed and typed != exact_hours(entry.minutes):
        changes["hours"] = typed
    typed_date = values.get("date", "").strip()
    if typed_date and typed_date != entry.on.isoformat():
        changes["on"] = typed_date
    if values.get("note", "") != entry.note:
        changes["note"] = values.get("note", "")
    return changes


class EntryForm(FormScreen):
    """The add/edit form of an entry, opening with the cursor in ``focus`` (usually hours)."""

    def __init__(self, *args: Any, focus: str = "hours", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.focus_field = focus

    def on_mount(self) -> None:
        super().on_mount()
        for widget in self.query(f"#f-{self.focus_field}"):
            widget.focus()


class PickScreen(ModalScreen[str | None]):
    """Choose one of a few options (an entry of a cell, a person to filter by)."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="pick-cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]],
                 current: str | None = None, note: str = ""):
        super().__init__()
        translate_bindings(self)
        self.pick_title = title
        self.options = list(options)
        self.current = current
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.pick_title), classes="section-title")
            if self.note:
                yield Static(literal(self.note), classes="muted")
            yield OptionList(*[Option(label, id=value) for label, value in options(self.options)],
                             id="pick")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _, value in self.options]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def pick_entry(entries: Sequence[EntryView], names: dict[str, str], what: str) -> PickScreen:
    """Which of a cell's entries to edit or delete."""
    return PickScreen(_("{what}: which entry?").format(what=what),
                      [(entry_line(e, names), str(e.id)) for e in entries],
                      note=_("Enter chooses, Esc cancels"))
