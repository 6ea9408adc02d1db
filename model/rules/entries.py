"""Entry admission (SPEC §3, §5, §7): whether the ledger takes a time entry, one pure rule.

Every path that writes an entry (``log``, ``entry edit``, ``import entries``, and the
app's forms, which call the first two) fetches the :class:`EntryFacts` of the entry and
calls :func:`admit_entry`: storage gathers, the model decides, and each refusal is worded
once, naming the input at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from model import locks
from model.errors import LedgerError, Ref, refused
from model.i18n import _
from model.rules.plausible import check_date
from model.rules.staffing import Staffing, check_active
from model.rules.vocabulary import MAX_MINUTES_PER_DAY

DATE, PERSON, TASK = Ref("date"), Ref("person"), Ref("task")


class EntryFacts(NamedTuple):
    """What the ledger knows about a time entry about to be written (immutable; a
    NamedTuple, not a frozen dataclass: an import builds one for each person-date it
    admits, hundreds of thousands, and a tuple is built about four times faster)."""

    person: str  # the person's key as given
    party: str | None  # None: the project has no such person
    grade: str | None
    task: str  # the task's code as given
    task_known: bool
    on: date
    minutes: int
    start: date  # the SOW's first day
    end: date  # the SOW's last day as of now (the effective CRs' new end)
    today: date  # today in the person's time zone
    logged: int  # the person's minutes on ``on`` already (an edited entry's own excluded)
    #: the sign-off documents that may lock ``on`` (more may be given: the rule picks)
    documents: Sequence[locks.SignedDocument] = ()
    #: the person's active days and days away (None: active every day of the SOW)
    staffing: Staffing | None = None
    #: the change request that added the task and the day it took effect (None: the task
    #: is the SOW's or was added directly, and exists from the start; SPEC §9)
    task_added: tuple[str, date] | None = None


def unknown_person(key: str, what: str | Ref = PERSON) -> LedgerError:
    """The refusal of a person the project does not have."""
    return refused(what, _("unknown person {key!r}").format(key=key))


def unknown_task(code: str, what: str | Ref = TASK) -> LedgerError:
    """The refusal of a task the project does not have."""
    return refused(what, _("unknown task {code!r}").format(code=code))


def may_log(party: str | None, grade: str | None) -> bool:
    """Whether a person logs hours at all: a vendor person with a grade."""
    return party == "vendor" and bool(grade)


def admit_entry(e: EntryFacts, what_date: str | Ref = DATE,
                what_person: str | Ref = PERSON) -> None:
    """Refuse the entry ``e`` unless the ledger takes it, with the first rule it breaks.

    The person is the project's, a vendor person with a grade; the task is the
    project's; the date lies within the SOW, not before the day the change request that
    added the task took effect, not after the person's today, and is not locked by a
    signed period; the person is active that day (between their first
    and last day, not away: SPEC §9); the person's day holds at most 24 hours.
    ``what_date`` and ``what_person`` name the inputs that gave the date and the person.

    Every condition but the last depends on the person and the date alone, or on the
    task and the date alone (with the facts that do not change from entry to entry: the
    SOW's days, the signed periods, the person's today and staffing, the CR that added
    the task). So a caller admitting many entries from the same facts (an import) may
    admit an entry whose person-date and task-date have each passed this rule already
    by :func:`check_day_total` alone, the last condition.
    """
    if e.party is None:
        raise unknown_person(e.person, what_person)
    if not e.task_known:
        raise unknown_task(e.task)
    if e.party != "vendor":
        raise refused(what_person, _("{person} is of the client party; only vendor "
                                     "people log hours").format(person=e.person))
    if not e.grade:
        raise refused(what_person, _("{person} has no grade and cannot log hours").format(
            person=e.person))
    if not e.start <= e.on <= e.end:
        raise refused(what_date, _("{day} is outside the SOW ({start}..{end})").format(
            day=e.on, start=e.start, end=e.end))
    if e.task_added is not None and e.on < e.task_added[1]:
        number, since = e.task_added
        raise refused(what_date, _("{day} is before task {task} exists: {number} added "
                                   "it, effective {since}").format(
            day=e.on, task=e.task, number=number, since=since))
    if e.staffing is not None:
        check_active(e.person, e.staffing, e.on, what_date)
    check_date(e.on, what_date, e.today)
    locks.check_day_open(e.documents, e.on, what_date)
    check_day_total(e.person, e.on, e.logged, e.minutes)


def check_day_total(person: str, on: date, logged: int, minutes: int) -> None:
    """Refuse ``minutes`` more on ``on`` for ``person``, who has ``logged`` there already,
    when the day would hold more than 24 hours (:func:`admit_entry`'s last condition)."""
    total = logged + minutes
    if total > MAX_MINUTES_PER_DAY:
        raise refused(Ref("hours"), _("{person} would have {hours} h on {day}; "
                                      "a day holds at most 24 h").format(
            person=person, hours=f"{total / 60:g}", day=on))
