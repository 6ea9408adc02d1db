"""Team: who is on the project, by grade (职级), with day rates, places and time zones.

Order: vendor people with a grade from junior to senior_expert, then the
vendor signatories, then the client. Key ``g`` changes the selected vendor
person's grade (past entries keep the grade they were charged at).
"""

from __future__ import annotations

from fractions import Fraction

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.formats import grade_title
from model.rules import GRADES, grade_order
from model.views import PersonView
from tui.text import fmt_money
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen

PARTY_LABELS = {"vendor": "vendor 乙方", "client": "client 甲方"}
ROLE_LABELS = {"lead": "lead 项目经理", "engineer": "engineer 工程师",
               "signatory": "signatory 签字人"}
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "name 姓名"), ("key", "id"), ("party", "party"), ("role", "role"),
    ("grade", "grade"), ("zh", "职级"), ("rate", "day rate"), ("location", "location"),
    ("timezone", "time zone"),
)


def team_order(p: PersonView) -> tuple[int, int, str]:
    """Graded people junior..senior_expert, then vendor signatories, then the client."""
    if p.party == "client":
        return (2, 0, p.key)
    if p.grade:
        return (0, grade_order(p.grade), p.key)
    return (1, 0, p.key)


class TeamScreen(LedgerScreen):
    VIEW = "team"

    BINDINGS = [
        Binding("g", "change_grade", "Change grade", id="team-grade"),
    ]

    DEFAULT_CSS = """
    TeamScreen #team { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.people: list[PersonView] | None = None
        self.over: dict[str, str] = {}  # person -> "over capacity: 115 of 100 PD"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="team-headline", classes="headline", markup=False)
        yield DataTable(id="team", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#team", DataTable)
        for key, label in COLUMNS:
            table.add_column(Text(label, justify="right") if key == "rate" else label, key=key)
        table.focus()
        # LedgerScreen.on_mount runs after this one (Textual calls each class's handler).

    def load(self) -> list[PersonView]:
        # who is allocated over their capacity (SPEC §9), marked ⚠ beside their name
        self.over = {w.person: w.worded for w in self.ledger.workloads() if w.over}
        return self.ledger.people()

    def show(self, loaded: list[PersonView]) -> None:
        self.sow_app.people = loaded  # keep the app's copy fresh (act-as, forms)
        people = sorted(loaded, key=team_order)
        table = self.query_one("#team", DataTable)
        selected = self.selected_person()
        self.people = people
        table.clear()
        currency = self.sow_app.project_view.currency
        for p in people:
            rate = ("" if p.day_rate_minor is None
                    else f"{fmt_money(Fraction(p.day_rate_minor, 100))} {currency}")
            # Cells are Text: names and ids are user text, never markup.
            name = Text(p.name)
            if p.key in self.over:
                name.append(f" ⚠ {self.over[p.key]}", style="bold red")
            table.add_row(name, Text(p.key), Text(PARTY_LABELS.get(p.party, p.party)),
                          Text(ROLE_LABELS.get(p.role, p.role)), Text(p.grade or ""),
                          grade_title(p.grade or "", "zh"),
                          Text(rate, justify="right"), Text(p.location or ""),
                          Text(p.timezone or ""), key=p.key)
        keys = [p.key for p in people]
        if selected is not None and selected.key in keys:
            table.move_cursor(row=keys.index(selected.key))
        vendor = [p for p in people if p.party == "vendor"]
        workers = [p for p in vendor if p.grade]
        zones = sorted({p.timezone for p in people if p.timezone})
        self.query_one("#team-headline", Static).update(
            f"{len(people)} people   vendor 乙方 {len(vendor)} ({len(workers)} log hours, "
            f"{len(vendor) - len(workers)} signing only)   client 甲方 "
            f"{len(people) - len(vendor)}   ·   onsite "
            f"{sum(p.location == 'onsite' for p in people)}, remote "
            f"{sum(p.location == 'remote' for p in people)}   ·   time zones: {', '.join(zones)}")

    def selected_person(self) -> PersonView | None:
        if not self.people:
            return None
        row = self.query_one("#team", DataTable).cursor_row
        return self.people[row] if 0 <= row < len(self.people) else None

    def action_change_grade(self) -> None:
        person = self.selected_person()
        if person is None:
            return
        if person.party != "vendor":
            self.notify(f"{person.name} {person.key} is of the client party and has no grade",
                        severity="warning")
            return
        ledger = self.ledger

        def submit(v: dict[str, str]) -> PersonView:
            return ledger.change_grade(person.key, v["grade"])

        def done(result: PersonView | None) -> None:
            if isinstance(result, PersonView):
                self.notify(f"{result.name} {result.key} is now {result.grade} "
                            f"{grade_title(result.grade or '', 'zh')}", timeout=4)
                self.reload()

        self.app.push_screen(FieldForm(
            f"Change the grade of {person.name} {person.key}", [
                Field("grade", "Grade", value=person.grade or "?",
                      options=([] if person.grade else [("— choose —", "?")])
                      + [(f"{g} {grade_title(g, 'zh')}", g) for g in GRADES]),
            ], submit, submit_label="Change grade",
            note="Past entries keep the grade they were charged at."), done)
