"""Use cases: one transaction per user action, returning views.

:class:`Ledger` is what the command line and the TUI call. Every method opens
its own unit of work (:func:`storage.db.writing` or :func:`storage.db.reading`),
checks the rules of SPEC.md §3, writes the change and its audit rows together,
and returns frozen views. A refusal raises :class:`LedgerError` before anything
is written, so nothing is ever half-written.

The use cases live one module per subject (entries, tasks, changes, sign-offs, ...),
each a mixin over :class:`storage.services.core.LedgerBase`; :class:`Ledger` composes
them, and ``from storage.services import Ledger`` is the one import callers need.
"""

from storage.services.blockers import BlockersMixin
from storage.services.changes import ChangesMixin, parse_assignments
from storage.services.core import LedgerBase
from storage.services.entries import EntriesMixin
from storage.services.expected import ExpectedMixin
from storage.services.history import HistoryMixin
from storage.services.obligations import ObligationsMixin
from storage.services.people import PeopleMixin
from storage.services.people_life import PeopleLifeMixin
from storage.services.printed import PrintedMixin
from storage.services.quotas import QuotasMixin
from storage.services.remind import RemindMixin
from storage.services.reports import ReportsMixin
from storage.services.scope import ScopeMixin
from storage.services.setup import SetupMixin
from storage.services.signoffs import SignoffsMixin
from storage.services.tasks import TasksMixin
from storage.services.trackers import TrackerImport, TrackersMixin
from storage.services.verify import VerifyMixin

__all__ = ["Ledger", "TrackerImport", "parse_assignments"]


class Ledger(SetupMixin, PeopleMixin, PeopleLifeMixin, TrackersMixin, EntriesMixin,
             TasksMixin, BlockersMixin, ChangesMixin, SignoffsMixin, ScopeMixin, QuotasMixin,
             ObligationsMixin, ReportsMixin, PrintedMixin, VerifyMixin, HistoryMixin,
             ExpectedMixin, RemindMixin, LedgerBase):
    """The ledger of one database, acting for one person (``actor``) on one project."""
