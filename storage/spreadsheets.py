"""Spreadsheets for finance, the ledger side: the figures of ``export entries|summary|
timesheet --format csv|xlsx`` read from one snapshot of the ledger, as model views
(exports.spreadsheet lays them out; nothing here knows about CSV or XLSX).

The timesheet's figures are those of the printed timesheet confirmation
(storage.sheets.timesheet.build, model.sheet_timesheet): one model view, so the
spreadsheet and the PDF cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from model.errors import FieldError
from model.i18n import _
from model.rules import DEFAULT_LADDER, Ladder, Summary, check_period
from model.sheet_timesheet import TimesheetData
from model.sheets import SheetRequest
from model.views import EntryView
from storage.services import Ledger


@dataclass(frozen=True)
class TableRequest:
    """Which table: ``entries`` (optionally a period and a person), ``summary`` (as of a
    date) or ``timesheet`` (a period, optionally a person), and its language."""

    kind: str
    first: date | None = None
    last: date | None = None
    person: str | None = None
    as_of: date | None = None
    language: str | None = None  # zh | en; None: the SOW's


@dataclass(frozen=True)
class TableSource:
    """What one table is laid out from: the kind's model view and the project's words."""

    kind: str
    language: str
    code: str
    title: str
    currency: str
    minutes_per_day: int
    ladder: Ladder = DEFAULT_LADDER
    first: date | None = None
    last: date | None = None
    entries: tuple[EntryView, ...] = ()  # entries
    names: dict[str, str] = field(default_factory=dict)  # person key -> name
    summary: Summary | None = None  # summary
    rates: dict[str, int] = field(default_factory=dict)  # grade -> day rate, hundredths
    timesheet: TimesheetData | None = None  # timesheet


def table_source(ledger: Ledger, request: TableRequest) -> TableSource:
    """The figures ``request`` asks for, all from one snapshot of the ledger."""
    from storage.sheets import timesheet

    with ledger.snapshot():
        project = ledger.project()
        language = request.language or project.language
        base = TableSource(request.kind, language, project.code, project.title,
                           project.currency, project.minutes_per_day, ledger.ladder(),
                           request.first, request.last)
        people = ledger.people()
        if request.person and not any(p.key == request.person for p in people):
            raise FieldError("person", _("no person {person!r} in {code}")
                                       .format(person=request.person, code=project.code))
        names = {p.key: p.name for p in people}
        if request.kind == "entries":
            check_period(request.first, request.last)
            entries = ledger.entries(request.first, request.last, request.person)
            return replace(base, entries=tuple(entries), names=names)
        if request.kind == "summary":
            summary = ledger.summary(request.as_of)
            return replace(base, summary=summary, rates=ledger.rates(), names=names)
        if request.kind == "timesheet":
            parts = timesheet.build(ledger, SheetRequest(
                "timesheet", request.first, request.last, person=request.person,
                language=language))
            return replace(base, timesheet=parts.data, names=names)
    raise FieldError("kind", _("no table {kind!r}").format(kind=request.kind))

