"""Opening the app (issue 13): the ledger is read while Textual is imported.

:func:`open_app` starts a thread that finds who the app acts as (one quick read) and,
when the app opens on the dashboard, reads the figures' facts (the per-date sums in SQL
that the headline comes from); the main thread meanwhile imports Textual and builds the
app. The ledger keeps the facts while it is unchanged (``Ledger.facts``), so the
dashboard's own load, in its snapshot, finds them read; if anything was written meanwhile
it reads them again. This module imports no Textual.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from model.permissions import UNBOUND
from model.views import PersonView, ProjectView
from storage.services import Ledger
from tui.collector import collector_paused

if TYPE_CHECKING:
    from tui.app import SowtrackApp


def acting_ledger(ledger: Ledger) -> tuple[Ledger, ProjectView, list[PersonView]]:
    """The ledger the app acts with, its project and its people (:func:`opening_reads`)."""
    return opening_reads(ledger)[:3]


def opening_reads(ledger: Ledger) -> tuple[Ledger, ProjectView, list[PersonView], str | None]:
    """The ledger the app acts with, its project, its people, and the login role when it
    is an unbound one (it only reads: the app offers it no action), else None.

    A login role bound to a person (PostgreSQL) is that person; an --as it may not use
    is refused here, in one line, before the app starts. No one named: the app is the
    on-site lead's tool, so it opens as the lead, unless the lead is bound to a login
    role (then only that role is the lead); an unbound login role only reads."""
    project = ledger.project()  # one quick read: the app cannot start without it
    people = ledger.people()
    kind, bound, role = ledger.whoami()
    if ledger.actor is None and bound is not None:
        ledger = ledger.acting_as(bound.key)
    if ledger.actor is None and kind != UNBOUND:
        lead = next((p for p in people if p.party == "vendor" and p.role == "lead"
                     and p.login_role is None), None)
        if lead is not None:
            ledger = ledger.acting_as(lead.key)
    return ledger, project, people, role if kind == UNBOUND else None


def first_view(actor: PersonView | None) -> str:
    """The view the app opens on: an engineer's day, else the dashboard."""
    engineer = actor is not None and actor.party == "vendor" and actor.role == "engineer"
    return "myday" if engineer else "dashboard"


class Opening:
    """The app's first reads, in a thread of their own (``start``) or at once."""

    def __init__(self, ledger: Ledger):
        self._ledger = ledger
        self._opened: tuple[Ledger, ProjectView, list[PersonView]] | None = None
        #: the login role when it is unbound (it only reads), else None
        self.unbound_role: str | None = None
        self._error: BaseException | None = None
        self._acting = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Opening:
        self._thread = threading.Thread(target=self._run, name="sowtrack-opening",
                                        daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._read()
        except BaseException as exc:  # noqa: BLE001 - raised again by opened()
            self._error = exc
            return
        finally:
            self._acting.set()
        ledger, _, people = self._opened
        if first_view(next((p for p in people if p.key == ledger.actor), None)) != "dashboard":
            return  # an engineer's day needs no figures
        try:
            ledger.facts()
        except Exception:  # noqa: BLE001, S110 - the view's own load reads and reports
            pass

    def _read(self) -> None:
        ledger, project, people, self.unbound_role = opening_reads(self._ledger)
        self._opened = ledger, project, people

    def opened(self) -> tuple[Ledger, ProjectView, list[PersonView]]:
        """The acting ledger, the project, the people; a refusal raised here."""
        if self._thread is None and self._opened is None:
            self._read()  # not started: read at once
        if self._thread is not None:
            self._acting.wait()
        if self._error is not None:
            raise self._error
        assert self._opened is not None
        return self._opened

    def facts_read(self) -> None:
        """Return once the thread has read the figures' facts (or given up)."""
        if self._thread is not None:
            self._thread.join()


def open_app(ledger: Ledger, today: date | None = None, *,
             fixed_actor: bool = False) -> SowtrackApp:
    """The app over ``ledger``, its figures read while Textual is imported;
    ``fixed_actor``: it acts as the person it opens as and no one else (``serve``)."""
    opening = Opening(ledger).start()
    with collector_paused("tui.app"):  # Textual's import: its objects live as long too
        from tui.app import SowtrackApp

    return SowtrackApp(ledger, today, opening=opening, fixed_actor=fixed_actor)
