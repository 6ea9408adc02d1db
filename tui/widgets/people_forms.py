"""The Team view's forms: a person added, leaving, replaced, away, a day away cancelled
(SPEC §9).

Each form's field is named as the ledger names the input (``person``, ``first``, ``on``,
``by``...), so that a refusal is worded by the label of the field that holds it
(``From: 2026-01-05 is outside the SOW ...``, never ``--from``). Each ``submit`` calls one
service of :mod:`storage.services.people_life` and runs in the form's worker thread.
"""

from __future__ import annotations

from datetime import date

from model.errors import FieldError
from model.formats import grade_title
from model.i18n import N_, _
from model.rules import DEFAULT_LADDER, LOCATIONS, PARTIES, ROLES, Ladder
from model.views import PersonView
from storage.services import Ledger
from tui.language import said
from tui.text import party_label
from tui.widgets.form import Field, FieldForm

#: option values meaning "none" and "a new person" (a blank Select is unusable in Textual 8)
NONE = "-"
CHOOSE = "?"
NEW = "+"

#: a role's label (marked: translated where shown; a party's: tui.text.party_label)
ROLE_LABELS = {"lead": N_("lead 项目经理"), "engineer": N_("engineer 工程师"),
               "signatory": N_("signatory 签字人")}


def _opt(value: str) -> str | None:
    return None if value in ("", NONE, CHOOSE) else value


def active_days(p: PersonView) -> str:
    """``2026-03-02..`` (to the end of the SOW) or ``2026-03-02..2026-04-10``."""
    return f"{p.first_day or ''}..{p.last_day or ''}"


def grade_options(ladder: Ladder) -> list[tuple[str, str]]:
    """A grade picker's options: the project's grades, junior first, key and 职级."""
    return [(f"{g} {grade_title(g, 'zh', ladder)}", g) for g in ladder.keys()]


def add_form(ledger: Ledger, today: date, project_tz: str,
             ladder: Ladder = DEFAULT_LADDER) -> FieldForm:
    """A newcomer: the values of a ``[[person]]`` of the SOW file and a first day; the
    grade picked from the project's ``ladder``."""

    def submit(v: dict[str, str]) -> PersonView:
        return ledger.add_person(v["person"], v["name"], v["party"], v["role"],
                                 _opt(v["grade"]), v["first"].strip() or None,
                                 _opt(v["location"]), v["timezone"].strip() or None)

    return FieldForm(_("Add a person to the team"), [
        Field("person", _("Id"), placeholder=_("wu.lei (one word)")),
        Field("name", _("Name"), placeholder="吴磊"),
        Field("party", _("Party"), value="vendor",
              options=[(party_label(p), p) for p in PARTIES]),
        Field("role", _("Role"), value="engineer",
              options=[(_(ROLE_LABELS[r]), r) for r in ROLES]),
        Field("grade", _("Grade"), value=CHOOSE,
              options=[(_("— none (a signatory) —"), CHOOSE)]
              + grade_options(ladder)),
        Field("first", _("From (first day)"), value=today.isoformat(),
              placeholder="YYYY-MM-DD"),
        Field("location", _("Location"), value=NONE,
              options=[(_("— not given —"), NONE)] + [(said("location", loc), loc)
                                                      for loc in LOCATIONS]),
        Field("timezone", _("Time zone"),
              placeholder=_("{timezone} (the project's)").format(timezone=project_tz)),
    ], submit, submit_label=_("Add person"),
        note=_("A vendor lead or engineer needs a grade; a client person is a signatory, "
               "added by the operator only."))


def leave_form(ledger: Ledger, person: PersonView, today: date) -> FieldForm:
    """``person``'s last working day."""

    def submit(v: dict[str, str]) -> PersonView:
        return ledger.leave(person.key, v["on"].strip() or today)

    return FieldForm(_("Leave: {name} {key}").format(name=person.name, key=person.key), [
        Field("on", _("Last working day"), value=(person.last_day or today).isoformat(),
              placeholder="YYYY-MM-DD"),
    ], submit, submit_label=_("Record leave"),
        note=_("active {days}; no entry of theirs may lie after the last day").format(
            days=active_days(person)))


def candidates(person: PersonView, people: list[PersonView], today: date) -> list[PersonView]:
    """Who may replace ``person``: of the same party, replacing nobody yet, not gone;
    those who have not started yet first (the ledger refuses anyone active before the
    replacement's day)."""
    others = [p for p in people if p.key != person.key and p.party == person.party
              and p.replaces is None and (p.last_day is None or p.last_day >= today)]
    return sorted(others, key=lambda p: (not (p.first_day and p.first_day > today), p.key))


def replace_form(ledger: Ledger, person: PersonView, people: list[PersonView],
                 today: date) -> FieldForm:
    """``person`` replaced by an existing person, or by a new one (id and name), from a
    day on; their allocations on tasks not done move to the newcomer."""

    def submit(v: dict[str, str]) -> tuple[PersonView, PersonView]:
        on = v["on"].strip() or today
        if v["by"] == NEW:
            key, name = v["new"].strip(), v["name"].strip()
            if not key:
                raise FieldError("new", _("missing: the new person's id (or choose an "
                                          "existing person above)"))
            if not name:
                raise FieldError("name", _("missing: the new person's name"))
            try:
                return ledger.replace(person.key, key, on, name)
            except FieldError as exc:
                if exc.field != "by":
                    raise
                # The id was typed in the new person's field: name that one.
                raise FieldError("new", *exc.problem_parts, item=exc.item) from None
        if v["by"] in ("", CHOOSE):
            raise FieldError("by", _("choose who replaces them, or a new person"))
        return ledger.replace(person.key, v["by"], on)

    options: list[tuple[str, str]] = [(_("— a new person: id and name below —"), NEW)]
    options += [(_("{name} {key} (from {day})").format(name=p.name, key=p.key,
                                                        day=p.first_day), p.key)
                for p in candidates(person, people, today)]
    return FieldForm(_("Replace {name} {key}").format(name=person.name, key=person.key), [
        Field("by", _("Replaced by"), value=NEW, options=options),
        Field("new", _("New person's id"), placeholder="wu.lei"),
        Field("name", _("New person's name"), placeholder="吴磊",
              help=_("added with {key}'s party, role, grade, location and time zone").format(
                  key=person.key)),
        Field("on", _("From (the newcomer's first day)"), value=today.isoformat(),
              placeholder="YYYY-MM-DD"),
    ], submit, submit_label=_("Replace"),
        note=_("active {days}; they roll off the working day before; their allocations on "
               "tasks not done move to the newcomer").format(days=active_days(person)))


def away_form(ledger: Ledger, person: PersonView, today: date) -> FieldForm:
    """Days away (leave, 请假) from a day to a day, both included."""

    def submit(v: dict[str, str]) -> PersonView:
        first = v["first"].strip() or today
        return ledger.away(person.key, first, v["last"].strip() or first, v["note"])

    return FieldForm(_("Days away: {name} {key}").format(name=person.name, key=person.key), [
        Field("first", _("From"), value=today.isoformat(), placeholder="YYYY-MM-DD"),
        Field("last", _("To (included)"), value=today.isoformat(), placeholder="YYYY-MM-DD"),
        Field("note", _("Note"), placeholder=_("annual leave 年假")),
    ], submit, submit_label=_("Record days away"),
        note=_("active {days}; no entry of theirs may lie on a day away").format(
            days=active_days(person)))



def cancel_away_form(ledger: Ledger, person: PersonView) -> FieldForm:
    """Cancel one of ``person``'s days away that stand (plans change): the same service as
    ``person away --cancel``; the row stays, marked cancelled today."""
    notes = {(d.first, d.last): d.note for d in person.days_away if d.cancelled_on is None}

    def submit(v: dict[str, str]) -> PersonView:
        first, __, last = v["first"].partition("..")
        return ledger.cancel_away(person.key, first, last)

    spans = [f"{a}..{b}" for a, b in person.away]
    return FieldForm(_("Cancel days away: {name} {key}").format(name=person.name,
                                                                 key=person.key), [
        Field("first", _("Day away"), value=spans[0] if spans else "",
              options=[(f"{span} {notes.get((a, b), '')}".rstrip(), span)
                       for span, (a, b) in zip(spans, person.away, strict=True)]),
    ], submit, submit_label=_("Cancel the day away"),
        note=_("it stays listed, marked cancelled; its days count and take entries again; "
               "refused over a signed timesheet period"))
