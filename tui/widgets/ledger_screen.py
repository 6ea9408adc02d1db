"""What every top-level view shares: data loaded in thread workers, writes that can be refused.

A view implements :meth:`LedgerScreen.load` (runs in a thread inside one
:meth:`~storage.services.Ledger.snapshot`; calls the ledger's services only, reads
only, returns plain views) and :meth:`LedgerScreen.show`
(runs on the UI thread; updates widgets). Writes go through
:meth:`LedgerScreen.write`: the service call runs in a thread, a refusal by
the ledger becomes an error notification carrying the ledger's message (and
nothing was written), success reloads the view. Notifications are plain text
(``SowtrackApp.notify``): they quote user text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer

from model.errors import LedgerError
from model.i18n import _
from model.permissions import Action, Actor
from storage.services import Ledger
from tui.language import translate_bindings
from tui.text import refusal
from tui.widgets.form import COMPACT_BELOW
from tui.widgets.navbar import NavBar
from tui.widgets.permit import permits, refused

if TYPE_CHECKING:
    from tui.app import SowtrackApp

T = TypeVar("T")

#: terminals with fewer columns than this (80, 100) lay a view's panes out narrower or
#: one under the other: the view gets the class ``narrow``
NARROW_BELOW = 110


def size_classes(columns: int, rows: int) -> dict[str, bool]:
    """The classes a view takes on a terminal this size: ``narrow`` (under
    :data:`NARROW_BELOW` columns) and ``short`` (under the compact forms' row count,
    e.g. 24 or 30 rows). Each view's CSS says what they change; the rule is here."""
    return {"narrow": columns < NARROW_BELOW, "short": rows < COMPACT_BELOW}


class LedgerScreen(Screen[None]):
    """A top-level view of the ledger (one per mode of the app)."""

    #: the mode name of this view in SowtrackApp.MODES
    VIEW = ""
    #: the labels of the view's own fields, by the ledger's field name: a refused field
    #: is named by its label, as the user sees it (``Note: ...``), not by its flag; the
    #: labels are marked (``N_``), :meth:`field_labels` says them in the language spoken
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    #: the view's actions that the permission matrix decides, by action name: each needs
    #: one of these (model.permissions.Action). The footer and the command palette offer
    #: an action only to an actor the matrix allows (the ledger refuses the others).
    PERMITS: ClassVar[dict[str, tuple[Action, ...]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # the footer speaks the language chosen (tui.language)

    def field_labels(self) -> dict[str, str]:
        """The view's field labels (:attr:`FIELD_LABELS`) in the language spoken now."""
        return {name: _(label) for name, label in self.FIELD_LABELS.items()}

    @classmethod
    def permitted(cls, action: str, actor: Actor | None) -> bool:
        """Whether ``actor`` may do the view's ``action`` (the matrix's rule)."""
        return permits(actor, cls.PERMITS.get(action, ()))

    def may(self, action: str) -> bool:
        """Whether the acting person may do this view's ``action``."""
        return self.permitted(action, self.sow_app.permit_actor)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key the acting person may not use is not offered (the footer hides it)."""
        return self.may(action)

    def on_key(self, event: Key) -> None:
        """One of the view's keys that is not offered to the acting person, pressed anyway
        (the README lists every key): say why at once, in the matrix's words, no form."""
        for binding in type(self).__dict__.get("BINDINGS", []):
            if (isinstance(binding, Binding) and event.key in binding.key.split(",")
                    and not self.may(binding.action)):
                no = refused(self.sow_app.permit_actor, self.PERMITS[binding.action][0])
                if no:
                    event.stop()
                    self.notify(no, title=_("refused"), severity="error", timeout=8)
                return

    @property
    def sow_app(self) -> SowtrackApp:
        """The app, typed: every view runs in :class:`~tui.app.SowtrackApp`."""
        return cast("SowtrackApp", self.app)

    @property
    def ledger(self) -> Ledger:
        return self.sow_app.ledger

    @property
    def today(self) -> date:
        return self.sow_app.today

    def compose_body(self) -> ComposeResult:
        """The view's own widgets, between the navigation bar and the footer."""
        yield from ()

    def compose(self) -> ComposeResult:
        yield NavBar(self.VIEW)
        yield from self.compose_body()
        yield Footer()

    _reload_due = False  # a reload is asked for and not started yet
    _loaded = False  # set once show() has run: the view has its data
    _waiting: list[Callable[[], None]] | None = None

    def on_mount(self) -> None:
        self.reload_soon()

    def on_resize(self, event: events.Resize) -> None:
        classes = size_classes(event.size.width, event.size.height)
        for name, on in classes.items():
            self.set_class(on, name)
        # A narrow footer: one space between its keys and no "^p palette" (ctrl+p still
        # opens it; ? lists every key), so that each view's keys fit in 80 columns.
        footer = self.query_one(Footer)
        footer.compact = classes["narrow"]
        footer.show_command_palette = not classes["narrow"]

    def on_screen_resume(self) -> None:
        # Another view (or another process) may have changed the ledger meanwhile, and
        # the acting person may have changed (ctrl+a): the footer offers what they may do.
        self.refresh_bindings()
        self.resumed()

    def resumed(self) -> None:
        """The view is shown again: read it anew (a view may keep what it has)."""
        self.reload_soon()

    def reload_soon(self) -> None:
        """Reload once the messages queued now are handled, however often it is asked.

        A view shown for the first time gets its mount and two resumes (Textual's mode
        is made, then switched to), and Textual calls the ``on_mount`` of each class that
        has one: together they ask for one load, not three."""
        if self._reload_due:
            return
        self._reload_due = True
        self.call_later(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_due = False
        self.reload()

    # ------------------------------------------------------------ reading

    def load(self) -> Any:
        """Read what the view shows. Runs in a worker thread: services only, no widgets."""
        return None

    def show(self, data: Any) -> None:
        """Put freshly loaded data on screen (UI thread)."""

    def reload(self) -> None:
        self._load()

    def when_loaded(self, action: Callable[[], None]) -> bool:
        """True if the view has its data; else run ``action`` once it has, and say False.

        An action can be asked for before the first load is in (the command palette
        switches to a view and runs one of its actions at once).
        """
        if self._loaded:
            return True
        if self._waiting is None:
            self._waiting = []
        self._waiting.append(action)
        return False

    def _shown(self, data: Any) -> None:
        self.show(data)
        self._loaded = True
        waiting, self._waiting = self._waiting or [], None
        for action in waiting:
            self.call_later(action)

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        # Only the ledger's refusals are handled here; anything else fails the worker, and
        # the app's one handler (SowtrackApp._handle_exception) shows it and keeps running.
        ledger = self.ledger
        try:
            # One snapshot (Ledger.snapshot, held by this thread): every figure of the
            # view from one state of the ledger, whatever another connection commits
            # meanwhile, and one transaction instead of one per read.
            with ledger.snapshot():
                data = self.load()
        except LedgerError as exc:
            self.app.call_from_thread(self.notify, refusal(exc), title="sowtrack",
                                      severity="error", timeout=8)
            return
        self.app.call_from_thread(self._shown, data)

    # ------------------------------------------------------------ writing

    def write(self, action: Callable[[], T], success: str | Callable[[T], str] | None = None,
              then: Callable[[T], None] | None = None) -> None:
        """Run a ledger write in a worker; notify its refusal or its success, then reload."""
        self._write(action, success, then)

    @work(thread=True, group="write")
    def _write(self, action: Callable[[], Any], success: Any, then: Any) -> None:
        try:
            result = action()
        except LedgerError as exc:
            self.app.call_from_thread(self.notify, refusal(exc, self.field_labels()),
                                      title=_("refused"), severity="error", timeout=10)
            return

        def after() -> None:
            if success is not None:
                self.notify(success(result) if callable(success) else success, timeout=4)
            if then is not None:
                then(result)
            self.reload()

        self.app.call_from_thread(after)
