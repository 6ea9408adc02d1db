"""My day: the remote engineer's minute. Today's entries, my tasks, and logging in a few keys.

The form is focused on the hours: type ``8``, Enter, done (the task defaults to the
one you logged last, else your first assigned task). While you type, the preview
shows what remains of your grade's budget and of the task after this entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from model import rules
from model.errors import LedgerError
from model.formats import grade_title
from model.i18n import N_, _, format_weekday, language, prose_date
from model.permissions import Action
from model.views import EntryView, PersonView, TaskView
from tui.text import fmt_hours, fmt_pd, literal, options, refusal
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import Fit, FitTable, columns, refill

#: the columns (key, label): the labels are marked, translated where shown (columns())
ENTRY_COLUMNS = [("id", N_("id")), ("task", N_("task")),
                 ("hours", Text(N_("hours"), justify="right")), ("note", N_("note"))]
ENTRY_FITS = {"note": Fit(shrink=12)}
TASK_COLUMNS = [("task", N_("task")), ("title", N_("title"))] + [
    (label, Text(label, justify="right"))
    for label in (N_("estimate"), N_("consumed"), N_("left PD"), N_("my plan"))]
TASK_FITS = {"title": Fit(shrink=12), "my plan": Fit(drop=2), "estimate": Fit(drop=1)}


@dataclass(frozen=True)
class MyDayData:
    person: PersonView | None
    day: date
    entries: list[EntryView]
    tasks: list[TaskView]
    grade_remaining: Fraction | None
    minutes_per_day: int
    last_task: str | None
    ladder: rules.Ladder = rules.DEFAULT_LADDER  # the project's grades (SPEC §9)


class MyDayScreen(LedgerScreen):
    """Today's entries, the tasks assigned to me, and the log form."""

    VIEW = "myday"
    FIELD_LABELS = {"note": N_("Note"), "task": N_("Task"), "hours": N_("Hours"),
                    "date": N_("Date")}
    BINDINGS = [
        Binding("l", "focus_log", N_("Log hours"), id="myday-log"),
        Binding("ctrl+s", "submit", N_("Save entry"), id="myday-save"),
        # Shown while a text field has the focus: there digits are typed (7.5 Enter logs),
        # elsewhere they switch views; Esc is the way out of the field.
        Binding("escape", "leave_form", N_("Leave field (then 1..9 switch view)"),
                key_display="esc", id="myday-leave"),
    ]
    DEFAULT_CSS = """
    MyDayScreen #myday-left { width: 1fr; }
    MyDayScreen #myday-form { width: 58; height: auto; }
    MyDayScreen #today-entries { height: auto; max-height: 12; }
    MyDayScreen #log-preview { height: auto; padding: 1 0 0 0; }
    MyDayScreen #log-button { margin-top: 1; }
    MyDayScreen #myday-form Label { padding: 1 0 0 0; }
    /* 80 columns: the form and the lists share the width; 24 rows: no blank line
       above the form's labels, so the preview under the button shows */
    MyDayScreen.narrow #myday-form { width: 1fr; min-width: 40; }
    MyDayScreen.short #log-preview { padding: 0; }
    MyDayScreen.short #log-button { margin-top: 0; }
    """

    data: MyDayData | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("loading…"), id="myday-headline", classes="headline")
        with Horizontal():
            with Vertical(id="myday-left"):
                yield Static(_("Today's entries"), classes="section-title")
                yield FitTable(id="today-entries", cursor_type="row", fits=ENTRY_FITS)
                yield Static(_("My tasks"), classes="section-title")
                yield FitTable(id="my-tasks", cursor_type="row", zebra_stripes=True,
                               fits=TASK_FITS)
            with Vertical(id="myday-form", classes="form"):
                yield Static(_("Log hours"), classes="section-title")
                yield Label(_("Task"))
                yield Select([], id="log-task", allow_blank=True, prompt=_("choose a task"),
                             compact=True)
                yield Label(_("Hours"))
                yield Input(placeholder=_("e.g. 7.5, 1h30m, 1:30"), id="log-hours",
                            compact=True)
                yield Label(_("Note"))
                yield Input(placeholder=_("what you did (optional)"), id="log-note",
                            compact=True)
                yield Label(_("Date"))
                yield Input(placeholder=_("today, yesterday, -2, mon, YYYY-MM-DD"),
                            id="log-date", compact=True)
                yield Button(_("Log"), id="log-button", variant="primary")
                yield Static("", id="log-preview", markup=False)
                yield Static("", id="log-error", classes="error", markup=False)

    # ------------------------------------------------------------ data

    def _day(self, person: PersonView | None) -> date:
        app = self.sow_app
        if app.today_given or person is None:
            return self.today
        return self.ledger.today(person.timezone or app.project_view.timezone)

    def load(self) -> MyDayData:
        led = self.ledger
        person = next((p for p in led.people() if p.key == led.actor), None)
        day = self._day(person)
        project = led.project()
        if person is None or person.party != "vendor" or not person.grade:
            return MyDayData(person, day, [], [], None, project.minutes_per_day, None)
        summary = led.summary(day)
        remaining = next((g.remaining_pd for g in summary.by_grade if g.grade == person.grade),
                         Fraction(0))
        mine = led.entries(person=person.key)
        tasks = led.tasks()
        return MyDayData(person, day, [e for e in mine if e.on == day], tasks, remaining,
                         project.minutes_per_day, mine[-1].task if mine else None,
                         summary.ladder)

    def show(self, data: MyDayData) -> None:
        first = self.data is None or self.data.person != data.person
        self.data = data
        self.refresh_bindings()
        p = data.person
        headline = self.query_one("#myday-headline", Static)
        form = self.query_one("#myday-form")
        if p is None or not rules.may_log(p.party, p.grade):
            who = p.name if p else _("nobody")
            headline.update(Text(_("{who} does not log hours: only vendor people with a grade "
                                   "do. Act as someone else with ctrl+a.").format(who=who),
                                 style="yellow"))
            form.display = False
            self.query_one("#today-entries", DataTable).clear()
            self.query_one("#my-tasks", DataTable).clear()
            return
        form.display = True
        logged = sum(e.minutes for e in data.entries)
        day = prose_date(data.day)
        headline.update(Text.assemble(
            (f"{p.name} {p.key}", "bold"),
            f" · {p.grade} {grade_title(p.grade, 'zh', data.ladder)}",
            f" · {day} ({p.timezone}) · " + _("logged today") + " ",
            (_("{hours} h").format(hours=fmt_hours(logged)), "bold"),
            " = " + _("{pd} PD").format(pd=fmt_pd(rules.pd_of_minutes(logged,
                                                                  data.minutes_per_day)))
            + " · " + _("{grade} budget left").format(grade=p.grade) + " ",
            (_("{pd} PD").format(pd=fmt_pd(data.grade_remaining)), "bold")))
        self._fill_entries(data)
        self._fill_tasks(data)
        select = self.query_one("#log-task", Select)
        options = self._task_options(data)
        select.set_options(options)
        default = data.last_task or next((t.code for t in self._assigned(data)), None)
        if default and default in [v for _, v in options]:
            select.value = default
        if first:
            self.query_one("#log-date", Input).value = data.day.isoformat()
            self.query_one("#log-hours", Input).focus()
        self._preview()

    def _assigned(self, data: MyDayData) -> list[TaskView]:
        key = data.person.key if data.person else ""
        return [t for t in data.tasks if any(a == key for a, _ in t.assignees)]

    def _task_options(self, data: MyDayData) -> list[tuple[Text, str]]:
        mine = self._assigned(data)
        others = [t for t in data.tasks if t not in mine]
        return options([(f"{t.code} {t.title}", t.code) for t in mine]
                       + [(f"{t.code} {t.title} " + _("(not assigned to me)"), t.code)
                          for t in others])

    def _fill_entries(self, data: MyDayData) -> None:
        rows: list[tuple[list[Text | str], str]] = [
            ([str(e.id), literal(e.task), Text(fmt_hours(e.minutes), justify="right"),
              literal(e.note, one_line=True)], str(e.id)) for e in data.entries]
        if not data.entries:
            rows.append((["", "", "", Text(_("nothing logged yet today"), style="italic")], ""))
        refill(self.query_one("#today-entries", DataTable), columns(ENTRY_COLUMNS), rows)

    def _fill_tasks(self, data: MyDayData) -> None:
        key = data.person.key if data.person else ""
        rows: list[tuple[list[Text | str], str]] = []
        for t in self._assigned(data):
            consumed = rules.pd_of_minutes(t.consumed_minutes, t.minutes_per_day)
            estimate = rules.pd_of_milli(t.estimate_milli)
            plan = next((p for a, p in t.assignees if a == key), None)
            rows.append(([literal(t.code), literal(t.title), _r(fmt_pd(estimate)),
                          _r(fmt_pd(consumed)),
                          _r(fmt_pd(estimate - consumed),
                             "bold red" if consumed > estimate else ""),
                          _r(fmt_pd(rules.pd_of_milli(plan)) if plan is not None else "")],
                         t.code))
        refill(self.query_one("#my-tasks", DataTable), columns(TASK_COLUMNS), rows)

    # ------------------------------------------------------------ the form

    @on(Input.Changed)
    @on(Select.Changed)
    def _preview(self) -> None:
        data = self.data
        preview = self.query_one("#log-preview", Static)
        if data is None or data.person is None or data.grade_remaining is None:
            preview.update("")
            return
        hours = self.query_one("#log-hours", Input).value.strip()
        try:
            minutes = rules.parse_hours(hours) if hours else 0
        except LedgerError as exc:
            preview.update(Text(refusal(exc, self.field_labels()), style="yellow"))
            return
        pd = rules.pd_of_minutes(minutes, data.minutes_per_day)
        lines = [_("{grade}: {pd} PD left").format(grade=data.person.grade,
                                                    pd=fmt_pd(data.grade_remaining))
                 + (" " + _("→ {pd} after this entry").format(
                     pd=fmt_pd(data.grade_remaining - pd)) if pd else "")]
        code = self.query_one("#log-task", Select).value
        task = next((t for t in data.tasks if t.code == code), None)
        if task is not None:
            left = (rules.pd_of_milli(task.estimate_milli)
                    - rules.pd_of_minutes(task.consumed_minutes, task.minutes_per_day))
            lines.append(_("{task}: {pd} PD of its estimate left").format(
                task=task.code, pd=fmt_pd(left))
                         + (f" → {fmt_pd(left - pd)}" if pd else ""))
        lines.append(self._dated(data))
        preview.update("\n".join(lines))

    def _dated(self, data: MyDayData) -> str:
        """The day the entry will be dated, in words: the date field is shown, never
        silently kept (it goes back to today once an entry is logged)."""
        typed = self.query_one("#log-date", Input).value.strip()
        try:
            day = rules.parse_day(typed, data.day) if typed else data.day
        except LedgerError as exc:
            return refusal(exc, self.field_labels())
        ago = (data.day - day).days
        when = {0: _("today"), 1: _("yesterday")}.get(
            ago, _("{n} days ago").format(n=ago) if ago > 1 else _("in the future"))
        weekday = f"{day:%a}" if language() == "en" else format_weekday(day)
        return _("dated {weekday} {day} ({when})").format(weekday=weekday, day=day, when=when)

    def _can_log(self) -> bool:
        p = self.data.person if self.data else None
        return p is not None and rules.may_log(p.party, p.grade)

    #: a client person, the operator, an unbound login role: no log form, no log keys
    PERMITS = {"focus_log": (Action.LOG_OWN,), "submit": (Action.LOG_OWN,)}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.may(action):
            return False
        # A vendor signatory has no grade, so no log form: its keys leave the footer.
        if action in ("focus_log", "submit") and not self._can_log():
            return False
        if action == "leave_form":  # only while typing: out of a field Esc has no use
            return isinstance(self.focused, Input)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_focus_log(self) -> None:
        self.query_one("#log-hours", Input).focus()

    def action_leave_form(self) -> None:
        """Esc: out of the text fields, so that 1..9 switch views again."""
        self.query_one("#my-tasks", DataTable).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#log-button")
    def action_submit(self) -> None:
        data = self.data
        if data is None or data.person is None:
            return
        error = self.query_one("#log-error", Static)
        error.update("")
        code = self.query_one("#log-task", Select).value
        if code is Select.NULL:
            error.update(_("refused: {reason}").format(
                reason=_("Task") + ": " + _("choose a task")))
            return
        hours = self.query_one("#log-hours", Input).value.strip()
        note = self.query_one("#log-note", Input).value
        day_text = self.query_one("#log-date", Input).value.strip()
        try:
            # today, yesterday, -2, mon or 2026-03-02: the day this view shows is today
            day = rules.parse_day(day_text, data.day) if day_text else data.day
        except LedgerError as exc:
            error.update(_("refused: {reason}").format(
                reason=refusal(exc, self.field_labels())))
            return
        led = self.ledger

        def logged(entry: EntryView) -> None:
            # The next entry is today's again: a date typed once is not kept (issue 14).
            self.query_one("#log-date", Input).value = data.day.isoformat()
            self.query_one("#log-hours", Input).value = ""
            self.query_one("#log-note", Input).value = ""
            self.query_one("#log-hours", Input).focus()

        self.write(lambda: led.log(str(code), hours, on=day, note=note),
                   success=lambda e: _("logged {hours} h on {task}, {day}").format(
                       hours=fmt_hours(e.minutes), task=e.task, day=e.on),
                   then=logged)


def _r(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right")
