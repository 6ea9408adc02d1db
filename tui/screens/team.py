"""Team: who is on the project, by grade (职级), with day rates, places and time zones, and
each person's active days (SPEC §9): first..last day, days away, who replaces whom.

Order: vendor people with a grade in the project's ladder order (junior first), then the
vendor signatories, then the client. Keys: ``a`` add a person, ``l`` their leave (last
working day), ``r`` replace the selected person, ``d`` their days away, ``c`` cancel one
of their days away, ``g`` change the selected vendor person's grade (past entries keep the
grade they were charged at). Who may: the vendor lead (vendor people) and the operator
(anyone); anyone else is refused at once, in the permission matrix's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.formats import grade_title
from model.i18n import N_, _, prose_date
from model.permissions import Action, Actor
from model.rules import DEFAULT_LADDER, Ladder
from model.views import PersonView
from tui.language import said
from tui.text import PARTY_LABELS, days_away_text, fmt_money, literal, party_label
from tui.widgets.form import Field, FieldForm, FormScreen
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.people_forms import (
    ROLE_LABELS,
    active_days,
    add_form,
    away_form,
    cancel_away_form,
    grade_options,
    leave_form,
    replace_form,
)
from tui.widgets.permit import acting, refused
from tui.widgets.tables import Fit, FitTable, columns, refill

__all__ = ["COLUMNS", "PARTY_LABELS", "ROLE_LABELS", "TeamData", "TeamScreen", "team_order"]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("name 姓名")), ("key", N_("id")), ("party", N_("party")), ("role", N_("role")),
    ("grade", N_("grade")), ("zh", N_("职级")), ("rate", N_("day rate")),
    ("active", N_("active days")), ("away", N_("away")), ("location", N_("location")),
    ("timezone", N_("time zone")),
)

HEADERS = [(key, Text(label, justify="right") if key == "rate" else Text(label))
           for key, label in COLUMNS]

#: what gives way to a narrow terminal, first to last: time zone, location, days away,
#: day rate, party, role, then the name and active days are cut (…), then 职级: at 80
#: columns name, id, grade, 职级 and active days stay (the detail line under the table
#: tells the rest of the selected person)
FITS = {"timezone": Fit(drop=90), "location": Fit(drop=80), "away": Fit(drop=70),
        "rate": Fit(drop=60), "party": Fit(drop=50), "role": Fit(drop=40),
        "name": Fit(shrink=8, cut=35), "active": Fit(shrink=22, cut=35), "zh": Fit(drop=30)}


@dataclass(frozen=True)
class TeamData:
    people: list[PersonView]
    actor: Actor
    ladder: Ladder = DEFAULT_LADDER  # the project's grades, their order and labels (SPEC §9)


def replaced_by(people: list[PersonView]) -> dict[str, PersonView]:
    """Who replaces whom, by the key of the person replaced."""
    return {p.replaces: p for p in people if p.replaces}


def life_text(p: PersonView, by: PersonView | None) -> str:
    """One person's active days in words: first..last, away, replacements."""
    parts = [_("active {days}").format(days=active_days(p))
             + ("" if p.last_day else " " + _("(to the end of the SOW)"))]
    if p.replaces:
        parts.append(_("replaces {key}").format(key=p.replaces))
    if by is not None:
        parts.append(_("replaced by {name} {key} from {day}").format(
            name=by.name, key=by.key, day=by.first_day))
    parts.append(_("away") + " " + (", ".join(f"{a}..{b}" for a, b in p.away) if p.away
                                    else _("never")))
    return " · ".join(parts)


def team_order(p: PersonView, ladder: Ladder = DEFAULT_LADDER) -> tuple[int, int, str]:
    """Graded people in the order of the project's ladder (junior first), then vendor
    signatories, then the client."""
    if p.party == "client":
        return (2, 0, p.key)
    if p.grade:
        return (0, ladder.order(p.grade), p.key)
    return (1, 0, p.key)


class TeamScreen(LedgerScreen):
    VIEW = "team"

    BINDINGS = [
        Binding("a", "add_person", N_("Add"), id="team-add"),
        Binding("l", "leave_person", N_("Leave"), id="team-leave"),
        Binding("r", "replace_person", N_("Replace"), id="team-replace"),
        Binding("d", "away_person", N_("Days away"), id="team-away"),
        Binding("c", "cancel_away", N_("Cancel away"), id="team-away-cancel"),
        Binding("g", "change_grade", N_("Change grade"), id="team-grade"),
    ]
    PERMITS = {name: (Action.PLAN,) for name in (
        "add_person", "leave_person", "replace_person", "away_person", "cancel_away",
        "change_grade")}

    DEFAULT_CSS = """
    TeamScreen #team { height: 1fr; }
    TeamScreen #team-detail { height: auto; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.people: list[PersonView] | None = None
        self.over: dict[str, str] = {}  # person -> "over capacity: 115 of 100 PD"
        self.actor: Actor | None = None
        self.ladder: Ladder = DEFAULT_LADDER
        self._select_after_reload: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="team-headline", classes="headline", markup=False)
        yield FitTable(id="team", cursor_type="row", zebra_stripes=True, fits=FITS)
        yield Static("", id="team-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#team", DataTable)
        for key, label in columns(HEADERS):
            table.add_column(label, key=key)
        table.focus()
        # LedgerScreen.on_mount runs after this one (Textual calls each class's handler).

    def load(self) -> TeamData:
        # who is allocated over their capacity (SPEC §9), marked ⚠ beside their name
        self.over = {w.person: w.worded for w in self.ledger.workloads() if w.over}
        return TeamData(self.ledger.people(), acting(self.ledger), self.ledger.ladder())

    def show(self, loaded: TeamData) -> None:
        self.sow_app.people = loaded.people  # keep the app's copy fresh (act-as, forms)
        self.actor = loaded.actor
        self.ladder = ladder = loaded.ladder
        people = sorted(loaded.people, key=lambda p: team_order(p, ladder))
        table = self.query_one("#team", DataTable)
        selected = self._select_after_reload or getattr(self.selected_person(), "key", None)
        self._select_after_reload = None
        self.people = people
        rows = []
        today = self.today
        by = replaced_by(people)
        for p in people:
            rate = self._rate(p)
            gone = p.last_day is not None and p.last_day < today
            coming = p.first_day is not None and p.first_day > today
            style = "dim" if gone else ("italic" if coming else "")
            active = active_days(p) + (f" ← {p.replaces}" if p.replaces else "") + (
                f" → {by[p.key].key}" if p.key in by else "")
            away = days_away_text(p)  # with notes; a cancelled one marked
            # Cells are Text: names and ids are user text, never markup.
            name = literal(p.name, style, one_line=True)
            if p.key in self.over:
                name.append(f" ⚠ {self.over[p.key]}", style="bold red")
            rows.append(([name,
                          literal(p.key, style, one_line=True),
                          Text(party_label(p.party), style=style),
                          Text(_(ROLE_LABELS.get(p.role, p.role)), style=style),
                          Text(p.grade or "", style=style),
                          grade_title(p.grade or "", "zh", ladder),
                          Text(rate, justify="right"), literal(active, style, one_line=True),
                          literal(away, one_line=True),
                          literal(said("location", p.location) if p.location else ""),
                          literal(p.timezone or "")],
                         p.key))
        refill(table, columns(HEADERS), rows)
        keys = [p.key for p in people]
        if selected is not None and selected in keys:
            table.move_cursor(row=keys.index(selected))
        vendor = [p for p in people if p.party == "vendor"]
        workers = [p for p in vendor if p.grade]
        zones = sorted({p.timezone for p in people if p.timezone})
        active_now = [p for p in people if (p.first_day is None or p.first_day <= today)
                      and (p.last_day is None or p.last_day >= today)
                      and not any(a <= today <= b for a, b in p.away)]
        self.query_one("#team-headline", Static).update(literal(
            _("{n} people: vendor 乙方 {vendor} ({workers} log hours, {signing} signing only), "
              "client 甲方 {client} · onsite {onsite}, remote {remote} · at work on {day}: "
              "{active} · time zones: {zones}").format(
                n=len(people), vendor=len(vendor), workers=len(workers),
                signing=len(vendor) - len(workers), client=len(people) - len(vendor),
                onsite=sum(p.location == "onsite" for p in people),
                remote=sum(p.location == "remote" for p in people),
                day=prose_date(today),
                active=len(active_now), zones=", ".join(zones))))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#team")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        p = self.selected_person()
        detail = self.query_one("#team-detail", Static)
        if p is None:
            detail.update("")
            return
        text = literal(f"{p.name} {p.key}: ", "bold", one_line=True)
        text.append_text(literal(life_text(p, replaced_by(self.people or []).get(p.key)),
                                 one_line=True))
        # The whole person, whatever columns a narrow terminal left out of the table.
        text.append("\n")
        text.append_text(literal(self._profile(p), one_line=True))
        if p.key in self.over:
            text.append(f" · ⚠ {self.over[p.key]}", style="bold red")
        no = refused(self.actor, Action.PLAN)
        if no:
            text.append_text(literal(f"\n{no}", "italic"))
        detail.update(text)

    def _rate(self, p: PersonView) -> str:
        if p.day_rate_minor is None:
            return ""
        return f"{fmt_money(Fraction(p.day_rate_minor, 100))} {self.sow_app.project_view.currency}"

    def _profile(self, p: PersonView) -> str:
        """Party, role, grade, day rate, place and time zone, in one line."""
        parts = [party_label(p.party), _(ROLE_LABELS.get(p.role, p.role))]
        if p.grade:
            parts.append(f"{p.grade} {grade_title(p.grade, 'zh', self.ladder)}")
        if p.day_rate_minor is not None:
            parts.append(_("{rate} a day").format(rate=self._rate(p)))
        parts += [x for x in (said("location", p.location) if p.location else "", p.timezone)
                  if x]
        return " · ".join(parts)

    def selected_person(self) -> PersonView | None:
        if not self.people:
            return None
        row = self.query_one("#team", DataTable).cursor_row
        return self.people[row] if 0 <= row < len(self.people) else None

    # ------------------------------------------------------------ actions

    def _may_plan(self) -> bool:
        """Whether the acting person may change the team; if not, say why, at once."""
        no = refused(self.actor, Action.PLAN)
        if no:
            self.notify(no, title=_("refused"), severity="error", timeout=8)
        return no is None

    def _open(self, form: FormScreen, success: Callable[[PersonView], str]) -> None:
        """Open ``form``; when it succeeds, say ``success`` of the result and reload."""
        def done(result: object) -> None:
            if result is None:
                return
            person = result[1] if isinstance(result, tuple) else result
            if isinstance(person, PersonView):
                self._select_after_reload = person.key
                self.notify(success(person), timeout=5)
            self.reload()

        self.app.push_screen(form, done)

    def _person_action(self, action: Callable[[], None]) -> PersonView | None:
        """The selected person, once the view has loaded, if the actor may plan."""
        if not self.when_loaded(action):
            return None
        person = self.selected_person()
        if person is None:
            self.notify(_("No person selected"), severity="warning")
            return None
        return person if self._may_plan() else None

    def action_add_person(self) -> None:
        if not self.when_loaded(self.action_add_person) or not self._may_plan():
            return
        start = self.sow_app.project_view.start
        self._open(add_form(self.ledger, max(self.today, start),
                            self.sow_app.project_view.timezone, self.ladder),
                   lambda p: _("{name} {key} joins on {day}").format(
                       name=p.name, key=p.key, day=p.first_day))

    def action_leave_person(self) -> None:
        person = self._person_action(self.action_leave_person)
        if person is not None:
            self._open(leave_form(self.ledger, person, self.today),
                       lambda p: _("{name} {key}: last working day {day}").format(
                           name=p.name, key=p.key, day=p.last_day))

    def action_replace_person(self) -> None:
        person = self._person_action(self.action_replace_person)
        if person is not None:
            self._open(replace_form(self.ledger, person, self.people or [], self.today),
                       lambda p: _("{name} {key} replaces {other} from {day}").format(
                           name=p.name, key=p.key, other=person.key, day=p.first_day))

    def action_away_person(self) -> None:
        person = self._person_action(self.action_away_person)
        if person is not None:
            self._open(away_form(self.ledger, person, self.today),
                       lambda p: _("{name} {key}: days away recorded ({n} in all)").format(
                           name=p.name, key=p.key, n=len(p.away)))

    def action_cancel_away(self) -> None:
        person = self._person_action(self.action_cancel_away)
        if person is None:
            return
        if not person.away:
            self.notify(_("{name} {key} has no day away to cancel").format(
                name=person.name, key=person.key), severity="warning")
            return
        self._open(cancel_away_form(self.ledger, person),
                   lambda p: _("{name} {key}: day away cancelled ({n} still stand)").format(
                       name=p.name, key=p.key, n=len(p.away)))

    def action_change_grade(self) -> None:
        if not self.when_loaded(self.action_change_grade):
            return
        person = self.selected_person()
        if person is None:
            return
        if person.party != "vendor":
            self.notify(_("{name} {key} is of the client party and has no grade").format(
                name=person.name, key=person.key), severity="warning")
            return
        if not self._may_plan():
            return
        ledger, ladder = self.ledger, self.ladder

        def submit(v: dict[str, str]) -> PersonView:
            return ledger.change_grade(person.key, v["grade"])

        def done(result: PersonView | None) -> None:
            if isinstance(result, PersonView):
                self.notify(_("{name} {key} is now {grade} {title}").format(
                    name=result.name, key=result.key, grade=result.grade,
                    title=grade_title(result.grade or "", "zh", ladder)), timeout=4)
                self.reload()

        self.app.push_screen(FieldForm(
            _("Change the grade of {name} {key}").format(name=person.name, key=person.key), [
                Field("grade", _("Grade"), value=person.grade or "?",
                      options=([] if person.grade else [(_("— choose —"), "?")])
                      + grade_options(ladder)),
            ], submit, submit_label=_("Change grade"),
            note=_("Past entries keep the grade they were charged at.")), done)
