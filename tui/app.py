"""The full-screen app: the project lead's cockpit and the engineer's minute."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from importlib import import_module
from typing import Any, cast

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import WorkerFailed

from model.errors import FieldError, LedgerError
from model.i18n import N_, _, word
from model.permissions import UNBOUND, Actor
from model.rules import may_log
from model.views import PersonView
from storage.services import Ledger
from tui.language import translate_bindings
from tui.startup import Opening, first_view
from tui.text import refusal
from tui.widgets.export_menu import EXPORT_ACTIONS, palette_text
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.navbar import VIEWS
from tui.widgets.permit import ACTOR_LABEL, actor_of

#: palette entries: (title, help, mode, action on that view's screen or None)
ACTIONS: tuple[tuple[str, str, str, str | None], ...] = (
    (N_("Log hours"), N_("log a time entry for the acting person"), "myday", "focus_log"),
    (N_("Add an entry in the timesheet"), N_("a time entry for anyone, any day"), "timesheet",
     "add_entry"),
    (N_("Add a task"), N_("a new item of the work breakdown"), "tasks", "add_task"),
    (N_("Allocate person-days"), N_("plan PD of a person on the selected task"), "tasks",
     "allocate"),
    (N_("Add a blocker"), N_("record what stops the team, and whose it is"), "blockers",
     "add_blocker"),
    (N_("Resolve the selected blocker"), "", "blockers", "resolve_blocker"),
    (N_("Raise a change request"), N_("PD deltas per grade, quota deltas, a new end"), "changes",
     "raise_cr"),
    (N_("Sign the selected change request"), N_("as the acting person"), "changes", "sign_cr"),
    (N_("Withdraw the selected change request"), "", "changes", "withdraw_cr"),
    (N_("Sign a period's timesheet"), N_("as the acting person"), "signoffs", "sign_period"),
    (N_("Sign the acceptance"), N_("as the acting person"), "signoffs", "sign_acceptance"),
    (N_("Add a person to the team"), N_("a newcomer: id, name, party, role, grade, first day"),
     "team", "add_person"),
    (N_("Record a person's leave"), N_("the selected person's last working day"), "team",
     "leave_person"),
    (N_("Replace the selected person"), N_("by an existing person or a new one, from a date"),
     "team", "replace_person"),
    (N_("Record days away"), N_("the selected person's leave (请假): from, to, note"), "team",
     "away_person"),
    (N_("Mark the selected obligation done"), N_("what a party must provide: done on a date"),
     "obligations", "obligation_done"),
    (N_("Record the selected deliverable delivered"), N_("delivered on a date, with a note"),
     "obligations", "deliverable_done"),
    *EXPORT_ACTIONS,
)


#: the module and class of each view's screen, by mode: a view's module is imported when
#: the view is first shown (or asked about), so that opening the app imports only the
#: first view's (issue 13)
VIEW_CLASSES: dict[str, tuple[str, str]] = {
    "dashboard": ("tui.screens.dashboard", "DashboardScreen"),
    "myday": ("tui.screens.my_day", "MyDayScreen"),
    "timesheet": ("tui.screens.timesheet", "TimesheetScreen"),
    "tasks": ("tui.screens.tasks", "TasksScreen"),
    "blockers": ("tui.screens.blockers", "BlockersScreen"),
    "changes": ("tui.screens.changes", "ChangesScreen"),
    "team": ("tui.screens.team", "TeamScreen"),
    "signoffs": ("tui.screens.signoffs", "SignoffsScreen"),
    "journal": ("tui.screens.journal", "JournalScreen"),
    "exports": ("tui.screens.exports", "ExportsScreen"),
    "obligations": ("tui.screens.obligations", "ObligationsScreen"),
    "history": ("tui.screens.history", "HistoryScreen"),
}


class LazyView:
    """A view's screen class, imported on first use: called (by Textual's modes) it makes
    the screen; any other attribute is the class's (``MODES[mode].action_x``)."""

    def __init__(self, module: str, name: str):
        self._where = (module, name)

    @property
    def screen_class(self) -> type[LedgerScreen]:
        module, name = self._where
        return cast("type[LedgerScreen]", getattr(import_module(module), name))

    def __call__(self) -> LedgerScreen:
        return self.screen_class()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.screen_class, name)

    def __repr__(self) -> str:
        return f"LazyView({'.'.join(self._where)})"


#: the screen of each view, by mode (the app's MODES)
VIEW_MODES: dict[str, LazyView] = {mode: LazyView(*where) for mode, where in VIEW_CLASSES.items()}


def __getattr__(name: str) -> Any:
    if name == "VIEW_SCREENS":  # the screen class of each view, by mode (all imported)
        return {mode: view.screen_class for mode, view in VIEW_MODES.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SowtrackApp(App[None]):
    """sowtrack's TUI over one ledger, acting as one person."""

    CSS_PATH = "app.tcss"
    TITLE = "sowtrack"
    MODES = dict(VIEW_MODES)
    BINDINGS = [
        *(Binding(key, f"switch_mode('{mode}')", label, show=False, id=f"view-{mode}")
          for mode, key, label in VIEWS),
        Binding("question_mark,f1", "help", N_("Help"), id="help"),
        Binding("ctrl+a", "act_as", N_("Act as"), show=False, id="act-as"),
    ]

    acting: reactive[str | None] = reactive(None, init=False)
    """The key of the acting person (who logs, signs, raises), or None: every view's top
    bar follows it; ctrl+a changes it."""

    def __init__(self, ledger: Ledger, today: date | None = None,
                 opening: Opening | None = None, *, fixed_actor: bool = False):
        super().__init__()
        #: acts as the person it opened as and no one else: the app in a browser
        #: (``sowtrack serve``), where whoever reaches the page is that person
        self.fixed_actor = fixed_actor
        #: the first reads (tui.startup): who the app acts as, then the figures' facts
        self.opening = opening or Opening(ledger)
        ledger, project, self.people = self.opening.opened()
        ledger.speak(project.language)  # the setting, else the SOW's (model.i18n.choose)
        translate_bindings(self)
        #: the login role when it is an unbound one (PostgreSQL): the app offers no action
        self.unbound_role = self.opening.unbound_role
        self.ledger = ledger
        self.project_view = project
        #: the as-of date of every view; given explicitly for demos and tests
        self.today = today or Ledger.today(project.timezone)
        self.today_given = today is not None
        self.set_reactive(SowtrackApp.acting, ledger.actor)
        self.sub_title = f"{project.code} · {project.title}"

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, from any view or form, is plain text: messages carry user
        text (titles, notes, the ledger's refusals quoting what was typed), never markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """The one handler of a worker's failure: a view's load or a form's submit that
        raised something other than a refusal (the ledger's refusals are handled where the
        call is made) is shown as an error, in one line, and the app keeps running; any
        other exception still ends the app, as Textual does."""
        if isinstance(error, WorkerFailed):
            cause = error.error
            self.log.error(f"worker failed: {cause!r}")
            text = " ".join(str(cause).split()) or type(cause).__name__
            self.notify(f"{type(cause).__name__}: {text}" if text != type(cause).__name__
                        else text, title=_("error"), severity="error", timeout=10)
            return
        super()._handle_exception(error)

    def action_help_quit(self) -> None:
        # Textual's own hint is markup; notifications here are plain text.
        self.notify(_("Press ctrl+q to quit the app"), title=_("Do you want to quit?"))

    @property
    def actor(self) -> PersonView | None:
        return next((p for p in self.people if p.key == self.acting), None)

    @property
    def permit_actor(self) -> Actor:
        """Who is acting, as the permission matrix sees them: what the footers and the
        palette offer is what :func:`model.permissions.allowed` lets this actor do."""
        return actor_of(self.actor, self.acting, self.unbound_role)

    @property
    def acting_label(self) -> str:
        p = self.actor
        if p is None:
            return _("acting as nobody") + ("" if self.fixed_actor else " (ctrl+a)")
        return _("as {name} {key} ({role})").format(name=p.name, key=p.key,
                                                    role=word("role", p.role))

    def on_mount(self) -> None:
        self.switch_mode(first_view(self.actor))

    def set_actor(self, key: str) -> None:
        """Act as someone else from now on (the lead at the client's desk)."""
        if self.fixed_actor:
            self.refuse_other_actor()
            return
        other = Ledger(self.ledger.engine, self.ledger.project_code or self.project_view.code,
                       key)
        try:
            kind, __, role = other.whoami()  # a connection bound to one person acts as no one else
        except LedgerError as exc:
            self.notify(refusal(exc, ACTOR_LABEL), severity="error", timeout=8)
            return
        self.ledger = other
        self.unbound_role = role if kind == UNBOUND else None
        self.acting = key  # every view's top bar follows
        self.screen.refresh_bindings()  # its footer offers what the new actor may do
        self.notify(self.acting_label, timeout=4)
        if isinstance(self.screen, LedgerScreen):
            self.screen.reload()

    def refuse_other_actor(self) -> None:
        """ctrl+a in an app whose acting person is fixed (``sowtrack serve``)."""
        who = self.acting or _("nobody")
        exc = FieldError("actor", _("fixed: this browser page acts as {who} and no one else")
                         .format(who=who))
        self.notify(refusal(exc, ACTOR_LABEL), severity="error", timeout=8)

    def action_act_as(self) -> None:
        if self.fixed_actor:  # refused at once, with no list to choose from
            self.refuse_other_actor()
            return
        from tui.screens.act_as import ActAsScreen

        def chosen(key: str | None) -> None:
            if key:
                self.set_actor(key)

        self.push_screen(ActAsScreen(self.people, self.acting), chosen)

    def action_command_palette(self) -> None:
        """Textual's command palette, its search field's hint in the language spoken."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=_("Search for commands…")))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def show_history(self, record: str) -> None:
        """Show the History view on one record's rows (``entry:13``): the journal's ``H``."""
        from tui.screens.history import Filter, HistoryScreen

        await self.switch_mode("history")
        screen = self.screen
        if isinstance(screen, HistoryScreen):
            screen.show_filter(Filter(record=record))

    async def goto(self, mode: str, action: str | None = None) -> None:
        """Show a view and run one of its actions (the command palette's entries)."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
        if action:
            await self.screen.run_action(action)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's (tui.language)
            yield command._replace(title=_(command.title), help=_(command.help))
        for mode, key, label in VIEWS:
            yield SystemCommand(_("Go to {view}").format(view=_(label)),
                                _("key {key}").format(key=key),
                                lambda m=mode: self.call_later(self.goto, m))
        named = set()
        actor = self.permit_actor
        # Only what the acting person may do: the matrix's rule, as the footers ask it.
        for title, help_text, mode, action in ACTIONS:
            named.add((mode, action))
            if action is not None and not VIEW_MODES[mode].permitted(action, actor):
                continue
            if action == "focus_log" and not (  # a vendor signatory has no grade: no form
                    self.actor is not None and may_log(self.actor.party, self.actor.grade)):
                continue
            yield SystemCommand(*palette_text(title, help_text, action),
                                lambda m=mode, a=action: self.call_later(self.goto, m, a))
        # Every other key of every view, so that each action is in the palette too.
        from tui.screens.help import key_display

        for mode, _key, label in VIEWS:
            for b in view_bindings(VIEW_MODES[mode]):
                if (mode, b.action) not in named and VIEW_MODES[mode].permitted(b.action,
                                                                                actor):
                    yield SystemCommand(_("{view}: {action}").format(
                                            view=_(label), action=_(b.description)),
                                        _("key {key}").format(key=key_display(self, b)),
                                        lambda m=mode, a=b.action: self.call_later(
                                            self.goto, m, a))
        if not self.fixed_actor:
            yield SystemCommand(_("Act as…"), _("choose the acting person (ctrl+a)"),
                                self.action_act_as)


def view_bindings(screen: type[Screen] | LazyView) -> list[Binding]:
    """The keys a view defines itself (not those it inherits), shown in the footer."""
    if isinstance(screen, LazyView):
        screen = screen.screen_class
    return [b for b in screen.__dict__.get("BINDINGS", [])
            if isinstance(b, Binding) and b.show]


def run_tui(ledger: Ledger, today: date | None = None) -> None:
    SowtrackApp(ledger, today, Opening(ledger).start()).run()
