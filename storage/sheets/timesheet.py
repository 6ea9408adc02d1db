"""The timesheet confirmation (工时确认单) of a period: hours per person and day.

Its content is exactly what a period's signatures cover (``Ledger.period_content``), or
for one person the same structure with only that person's entries; its figures are
tabulated from that content, so the print shows what its digest covers.

One person's sheet (``--person``, and each sheet of ``--per-person``) is a document of its
own (id ``PROJECT/TS/first..last/person``, its own digest and revision): the period's
signatures cover the whole period's digest, not it, so it prints the signatories with
blank signature lines and says which signed confirmation it details.
"""

from __future__ import annotations

from dataclasses import replace

from model import rules
from model.errors import FieldError
from model.i18n import _
from model.sheet_timesheet import TimesheetData, charges, tabulate
from model.sheets import SheetRequest
from model.views import SignoffView
from storage.services import Ledger
from storage.sheets.parts import SheetParts, signatories, signed_by

TITLES = {"zh": "工时确认单", "en": "Timesheet Confirmation"}


def _period(ledger: Ledger, request: SheetRequest) -> SignoffView | None:
    """The live sign-off of a period with exactly these dates, if any."""
    live = [s for s in ledger.signoffs() if s.kind == "period" and s.first == request.first
            and s.last == request.last and s.status != rules.DOC_WITHDRAWN]
    return live[0] if live else None


def content(ledger: Ledger, request: SheetRequest) -> dict:
    """The canonical content: the period's, filtered to ``request.person`` if given."""
    assert request.first is not None and request.last is not None
    full = ledger.period_content(request.first, request.last)
    if not request.person:
        return full
    return {**full, "person": request.person,
            "entries": [e for e in full["entries"] if e[1] == request.person]}


def team(ledger: Ledger, request: SheetRequest) -> list[str]:
    """Who gets a sheet of their own when the period is printed per person: every vendor
    person with a grade (zeros say "no hours" in writing), then anyone else with entries
    in the period."""
    assert request.first is not None and request.last is not None
    keys = [p.key for p in ledger.people() if p.party == "vendor" and p.grade]
    entries = ledger.period_content(request.first, request.last)["entries"]
    return keys + sorted({e[1] for e in entries} - set(keys))


def build(ledger: Ledger, request: SheetRequest) -> SheetParts[TimesheetData]:
    if request.first is None or request.last is None:
        raise FieldError("period", _("a timesheet needs its period"))
    rules.check_period(request.first, request.last)
    project = ledger.project()
    people = ledger.people()
    title = TITLES.get(request.language or "", TITLES["en"])
    if request.person:
        who = next((p for p in people if p.key == request.person), None)
        if who is None:
            raise FieldError("person", _("no person {person!r} in {code}")
                                       .format(person=request.person, code=project.code))
        if who.party != "vendor":
            raise FieldError("person", _("{key} is of the client party; a timesheet lists the "
                                         "vendor's people").format(key=who.key))
        title += f" {who.name}"
    cal, start, end = ledger.calendar()
    working = frozenset(cal.working_days(request.first, request.last))
    doc = content(ledger, request)
    # Everyone who can log hours gets a row (zeros say "no hours" in writing).
    team = [(p.key, p.name, p.grade) for p in people if p.party == "vendor" and p.grade]
    entries = doc["entries"]
    mpd = project.minutes_per_day
    ladder = ledger.ladder()
    sections = (tabulate(entries, team, working, mpd, request.person, ladder),)
    if project.terms.billing == "actual":  # the amounts of a settlement by PD consumed
        rates = ledger.rates()
        sections = tuple(replace(x, charges=charges(entries, team, rates, mpd, x.person,
                                                          ladder))
                         for x in sections)
    period = _period(ledger, request)
    data = TimesheetData(
        first=request.first, last=request.last, minutes_per_day=mpd, working=working,
        sections=sections, sow_start=start, sow_end=end, period=period,
        person_titles={p.key: p.title or "" for p in people},
        billing=project.terms.billing, currency=project.currency,
        tax_rate=project.terms.tax_rate, prices_include_tax=project.terms.prices_include_tax,
        ladder=ladder)
    # A signature on record is printed only on the document whose digest it covers: the
    # whole period's sheet. One person's sheet names the signatories, lines left blank.
    signed = period.signatures if period and not request.person else ()
    return SheetParts(title, doc, data, signatories(ledger, signed), landscape=True)


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    period = _period(ledger, request)
    span = f"{request.first}..{request.last}"
    if period is None:
        return _("not signed yet: no sign-off of the period {span} in the ledger").format(
            span=span)
    who = signed_by(period.signatures)
    if request.person:
        return _("no signature on record covers this sheet: it is {person}'s part of "
                 "{number} ({span}), whose signatures cover the whole period's sheet "
                 "(signed by {who})").format(person=request.person, number=period.number,
                                             span=span, who=who)
    if period.status == rules.DOC_EFFECTIVE:
        return _("{number} ({span}) is effective since {on}: signed by {who}").format(
            number=period.number, span=span, on=period.effective_on, who=who)
    return _("{number} ({span}) is being signed: signed by {who}").format(
        number=period.number, span=span, who=who)
