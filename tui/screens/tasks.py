"""Tasks (任务): the work breakdown, its estimates, allocations (人天分配) and consumption.

Keys: ``a`` add a task, ``e`` edit the selected task, ``l`` allocate person-days
of one person on the selected task (an empty PD unassigns; a PD that takes the
person over their capacity is refused unless "Allow over capacity" is chosen). The
lower table shows the selected task's allocations by person and grade; a person
allocated over their capacity is marked ⚠ there and named under the headline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from model.errors import LedgerError
from model.formats import grade_title
from model.i18n import N_, _
from model.permissions import Action
from model.rules import (
    DEFAULT_LADDER,
    PRIORITIES,
    TASK_STATUSES,
    Ladder,
    pd_of_milli,
    pd_of_minutes,
)
from model.rules.capacity import Workload
from model.views import PersonView, TaskView
from tui.language import said
from tui.text import fmt_pd, literal
from tui.widgets.form import Field, FieldForm
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import Fit, FitTable, columns, refill

TASK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", N_("code")), ("title", N_("title 任务")), ("priority", N_("priority")),
    ("status", N_("status")), ("estimate", N_("estimate")), ("allocated", N_("allocated")),
    ("consumed", N_("consumed")), ("remaining", N_("remaining")),
    ("assignees", N_("assignees (planned PD)")),
)
#: what gives way to a narrow terminal, first to last: the title and the assignees are
#: cut (…), then the assignees (the allocations below list them), the PD consumed, the
#: priority and the status go (the line above the allocations tells what went); the
#: assignees are cut between two people, never inside one's PD
TASK_FITS = {"title": Fit(shrink=24, cut=55), "assignees": Fit(drop=50, shrink=30, cut=55,
                                                                        items=", "),
             "consumed": Fit(drop=40), "priority": Fit(drop=30), "status": Fit(drop=20)}
NUMERIC = {"estimate", "allocated", "consumed", "remaining", "planned"}
TASK_HEADERS = [(key, Text(label, justify="right") if key in NUMERIC else Text(label))
                for key, label in TASK_COLUMNS]
ALLOC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("name 姓名")), ("key", N_("id")), ("grade", N_("grade")), ("zh", N_("职级")),
    ("planned", N_("planned PD")),
)
PRIORITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
STATUS_STYLE = {"done": "green", "in_progress": "cyan", "open": ""}


@dataclass(frozen=True)
class TasksData:
    tasks: list[TaskView]
    people: list[PersonView]
    loads: list[Workload] = field(default_factory=list)
    ladder: Ladder = DEFAULT_LADDER  # the project's grades (SPEC §9)

    def over(self) -> dict[str, Workload]:
        """The people allocated over their capacity."""
        return {w.person: w for w in self.loads if w.over}


def right(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right")


def task_pd(t: TaskView) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """(estimate, allocated, consumed, remaining) of a task, in PD, exactly."""
    estimate = pd_of_milli(t.estimate_milli)
    consumed = pd_of_minutes(t.consumed_minutes, t.minutes_per_day)
    return estimate, pd_of_milli(t.allocated_milli), consumed, estimate - consumed


def assignees_text(t: TaskView) -> str:
    return ", ".join(key if planned is None else f"{key} {fmt_pd(pd_of_milli(planned))}"
                     for key, planned in t.assignees)


#: the option value meaning "nothing chosen" (FormScreen's blank Select is unusable in Textual 8)
CHOOSE = "?"


def _split_keys(text: str) -> list[str]:
    return [k.strip() for k in text.replace("，", ",").split(",") if k.strip()]


class TasksScreen(LedgerScreen):
    VIEW = "tasks"

    BINDINGS = [
        Binding("a", "add_task", N_("Add task"), id="tasks-add"),
        Binding("e", "edit_task", N_("Edit task"), id="tasks-edit"),
        Binding("l", "allocate", N_("Allocate PD"), id="tasks-allocate"),
    ]
    PERMITS = {"add_task": (Action.PLAN,), "edit_task": (Action.PLAN,),
               "allocate": (Action.PLAN,)}

    DEFAULT_CSS = """
    TasksScreen #by-grade { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: TasksData | None = None
        self._select_after_reload: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="tasks-headline", classes="headline", markup=False)
        yield Static("", id="capacity", classes="muted", markup=False)
        yield FitTable(id="tasks", cursor_type="row", zebra_stripes=True, fits=TASK_FITS)
        yield Static(_("Allocations"), id="alloc-title", classes="section-title",
                     markup=False)
        yield DataTable(id="allocations", cursor_type="none", zebra_stripes=True)
        yield Static("", id="by-grade", classes="muted", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#tasks", DataTable)
        refill(table, columns(TASK_HEADERS), [])
        # Inline styles: the app's stylesheet gives every DataTable height 1fr.
        table.styles.height = "auto"
        table.styles.max_height = "60%"
        alloc = self.query_one("#allocations", DataTable)
        alloc.styles.height = "auto"
        alloc.styles.max_height = 14
        for key, label in ALLOC_COLUMNS:
            alloc.add_column(right(_(label)) if key in NUMERIC else _(label), key=key)
        table.focus()
        # LedgerScreen.on_mount runs after this one (Textual calls each class's handler).

    # ------------------------------------------------------------ reading

    def load(self) -> TasksData:
        return TasksData(self.ledger.tasks(), self.ledger.people(), self.ledger.workloads(),
                         self.ledger.ladder())

    def show(self, data: TasksData) -> None:
        selected = self._select_after_reload or self.selected_code()
        self._select_after_reload = None
        self.data = data
        table = self.query_one("#tasks", DataTable)
        total = [Fraction(0)] * 4
        rows = []
        for t in data.tasks:
            figures = task_pd(t)
            total = [a + b for a, b in zip(total, figures, strict=True)]
            estimate, allocated, consumed, remaining = figures
            rows.append(([
                Text(t.code), literal(t.title, one_line=True),
                Text(said("priority", t.priority), style=PRIORITY_STYLE.get(t.priority, "")),
                Text(said("task_status", t.status), style=STATUS_STYLE.get(t.status, "")),
                right(fmt_pd(estimate)), right(fmt_pd(allocated)), right(fmt_pd(consumed)),
                right(fmt_pd(remaining), "bold red" if remaining < 0 else ""),
                Text(assignees_text(t))], t.code))
        refill(table, columns(TASK_HEADERS), rows)
        codes = [t.code for t in data.tasks]
        if selected in codes:
            table.move_cursor(row=codes.index(selected))
        estimate, allocated, consumed, remaining = total
        self.query_one("#tasks-headline", Static).update(
            _("{n} tasks (figures in PD 人天)   estimate {estimate}   allocated {allocated}   "
              "consumed {consumed}   remaining {remaining}").format(
                n=len(codes), estimate=fmt_pd(estimate), allocated=fmt_pd(allocated),
                consumed=fmt_pd(consumed), remaining=fmt_pd(remaining)))
        over = data.over()
        self.query_one("#capacity", Static).update(Text(
            "   ".join(f"⚠ {w.person} {w.worded}" for w in over.values())
            or _("everyone's allocations fit their capacity"),
            style="bold red" if over else ""))
        self.show_allocations()

    def selected_task(self) -> TaskView | None:
        if self.data is None or not self.data.tasks:
            return None
        table = self.query_one("#tasks", DataTable)
        row = table.cursor_row
        if 0 <= row < len(self.data.tasks):
            return self.data.tasks[row]
        return None

    def selected_code(self) -> str | None:
        task = self.selected_task()
        return task.code if task else None

    @on(DataTable.RowHighlighted, "#tasks")
    def _highlighted(self) -> None:
        self.show_allocations()

    def show_allocations(self) -> None:
        task = self.selected_task()
        alloc = self.query_one("#allocations", DataTable)
        alloc.clear()
        title = self.query_one("#alloc-title", Static)
        grades_line = self.query_one("#by-grade", Static)
        if task is None or self.data is None:
            title.update(_("Allocations"))
            grades_line.update("")
            return
        people, ladder = {p.key: p for p in self.data.people}, self.data.ladder
        rows = sorted(task.assignees, key=lambda a: (
            ladder.order(people[a[0]].grade or "") if a[0] in people else len(ladder.steps),
            a[0]))
        by_grade: dict[str, Fraction] = defaultdict(Fraction)
        over = self.data.over()
        for key, planned in rows:
            p = people.get(key)
            grade = (p.grade if p else None) or ""
            if planned is not None:
                by_grade[grade] += pd_of_milli(planned)
            name = Text(p.name if p else key)
            if key in over:
                name.append(f" ⚠ {over[key].worded}", style="bold red")
            alloc.add_row(name, Text(key), grade,
                          grade_title(grade, "zh", ladder),
                          right(fmt_pd(pd_of_milli(planned)) if planned is not None else "–"))
        estimate, allocated, _consumed, _left = task_pd(task)
        title.update(_("Allocations of {task} (人天分配): {n} people, {allocated} of {estimate} "
                       "PD planned, {unallocated} PD unallocated").format(
                         task=task.code, n=len(rows), allocated=fmt_pd(allocated),
                         estimate=fmt_pd(estimate), unallocated=fmt_pd(estimate - allocated))
                     + self._dropped_figures(task))
        parts = [f"{g} {grade_title(g, 'zh', ladder)} {fmt_pd(pd)}"
                 for g, pd in sorted(by_grade.items(), key=lambda i: ladder.sort_key(i[0]))]
        grades_line.update(_("by grade:") + " " + ("   ".join(parts) if parts
                                                   else _("nothing planned yet")))

    def _dropped_figures(self, task: TaskView) -> str:
        """What a narrow terminal left out of the task's row (the whole title, priority,
        status, PD consumed)."""
        table = self.query_one("#tasks", FitTable)
        gone = table.dropped
        parts = [_("priority {priority}").format(priority=said("priority", task.priority))
                 if "priority" in gone else "",
                 _("status {status}").format(status=said("task_status", task.status))
                 if "status" in gone else "",
                 _("consumed {pd} PD").format(pd=fmt_pd(task_pd(task)[2]))
                 if "consumed" in gone else ""]
        shown = [p for p in parts if p]
        if "title" in table.cut:
            shown.insert(0, task.title)
        return (" · " + " · ".join(shown)) if shown else ""

    # ------------------------------------------------------------ actions

    def _needs_task(self, action: str) -> TaskView | None:
        """The selected task; before the first load, remember the action for later."""
        if not self.when_loaded(lambda: self.call_later(self.run_action, action)):
            return None
        task = self.selected_task()
        if task is None:
            self.notify(_("No task selected: add one with a"), severity="warning")
        return task

    def _vendor_people(self) -> list[PersonView]:
        people = self.data.people if self.data else self.sow_app.people
        graded = [p for p in people if p.party == "vendor" and p.grade]
        ladder = self.data.ladder if self.data else DEFAULT_LADDER
        return sorted(graded, key=lambda p: (ladder.order(p.grade or ""), p.key))

    def action_add_task(self) -> None:
        ledger = self.ledger
        codes = {t.code for t in self.data.tasks} if self.data else set()
        n = len(codes) + 1
        while f"T{n}" in codes:
            n += 1
        keys = ", ".join(f"{p.key} ({p.grade})" for p in self._vendor_people())

        def submit(v: dict[str, str]) -> TaskView:
            return ledger.add_task(v["code"], v["title"], v["estimate"].strip(),
                                   v["priority"] or "medium", _split_keys(v["assignees"]))

        def done(result: TaskView | None) -> None:
            if isinstance(result, TaskView):
                estimate = fmt_pd(pd_of_milli(result.estimate_milli))
                self.notify(_("Task {task} added: {pd} PD estimated").format(
                    task=result.code, pd=estimate), timeout=4)
                self._select_after_reload = result.code
                self.reload()

        self.app.push_screen(FieldForm(_("Add a task (任务)"), [
            Field("code", _("Code"), placeholder=f"T{n}", value=f"T{n}"),
            Field("title", _("Title"), placeholder="需求澄清 Requirement clarification"),
            Field("estimate", _("Estimate (PD)"), placeholder=_("e.g. 12.5")),
            Field("priority", _("Priority"), value="medium",
                  options=[(said("priority", p), p) for p in PRIORITIES]),
            Field("assignees", _("Assignees (ids, comma-separated; optional)"),
                  placeholder="liu.yang, sun.lei",
                  help=_("vendor people: {keys}").format(keys=keys)),
        ], submit, submit_label=_("Add task"), focus="title"), done)

    def action_edit_task(self) -> None:
        task = self._needs_task("edit_task")
        if task is None:
            return
        ledger = self.ledger
        estimate = fmt_pd(pd_of_milli(task.estimate_milli))

        def submit(v: dict[str, str]) -> TaskView | None:
            changes = {}
            if v["title"].strip() != task.title:
                changes["title"] = v["title"]
            if v["estimate"].strip() != estimate:
                changes["estimate"] = v["estimate"].strip()
            if v["priority"] and v["priority"] != task.priority:
                changes["priority"] = v["priority"]
            if v["status"] and v["status"] != task.status:
                changes["status"] = v["status"]
            if not changes:
                return None
            return ledger.edit_task(task.code, **changes)

        def done(result: TaskView | bool | None) -> None:
            if isinstance(result, TaskView):
                self.notify(_("Task {task} saved").format(task=result.code), timeout=4)
                self.reload()
            elif result:
                self.notify(_("Task {task}: nothing changed").format(task=task.code), timeout=3)

        self.app.push_screen(FieldForm(_("Edit task {task}").format(task=task.code), [
            Field("title", _("Title"), value=task.title),
            Field("estimate", _("Estimate (PD)"), value=estimate),
            Field("priority", _("Priority"), value=task.priority,
                  options=[(said("priority", p), p) for p in PRIORITIES]),
            Field("status", _("Status"), value=task.status,
                  options=[(said("task_status", s), s) for s in TASK_STATUSES]),
        ], submit, submit_label=_("Save")), done)

    def action_allocate(self) -> None:
        task = self._needs_task("allocate")
        if task is None:
            return
        ledger = self.ledger
        planned = dict(task.assignees)
        people = self._vendor_people()
        # Labels are Text: names are user text, never markup.
        ladder = self.data.ladder if self.data else DEFAULT_LADDER
        options = [(Text(f"{p.name} {p.key} · {p.grade} "
                         f"{grade_title(p.grade or '', 'zh', ladder)}"
                         + (" · " + _("assigned, {pd} PD").format(
                             pd=fmt_pd(pd_of_milli(planned[p.key])))
                            if planned.get(p.key) is not None
                            else " · " + _("assigned") if p.key in planned else "")), p.key)
                   for p in people]

        def submit(v: dict[str, str]) -> TaskView:
            person = v["person"]
            if person in ("", CHOOSE):
                raise LedgerError("person: " + _("choose a person"))
            pd = v["pd"].strip() or None
            if pd is None and person not in planned:
                raise LedgerError("person: " + _(
                    "{person} is not assigned to {task}; nothing to unassign").format(
                        person=person, task=task.code))
            return ledger.set_allocation(task.code, person, pd, over=v["over"] == "yes")

        def preview(v: dict[str, str]) -> str:
            person = v["person"]
            if person in ("", CHOOSE):
                return ""
            now = planned.get(person)
            state = (_("not assigned") if person not in planned else
                     _("assigned, no PD planned") if now is None else
                     _("{pd} PD planned").format(pd=fmt_pd(pd_of_milli(now))))
            pd = v["pd"].strip()
            after = _("unassign") if not pd else _("plan {pd} PD").format(pd=pd)
            return _("{person} on {task}: {state} → {after}").format(
                person=person, task=task.code, state=state, after=after)

        def done(result: TaskView | None) -> None:
            if isinstance(result, TaskView):
                self.notify(_("{task}: {pd} PD allocated in all").format(
                    task=result.code, pd=fmt_pd(pd_of_milli(result.allocated_milli))),
                    timeout=4)
                self.reload()

        # The first assignee without planned PD, else the first assignee, else nobody.
        graded = {p.key for p in people}
        first = next((k for k, pd in task.assignees if pd is None and k in graded),
                     next((k for k, _pd in task.assignees if k in graded), CHOOSE))
        estimate, allocated, _consumed, _left = task_pd(task)
        self.app.push_screen(FieldForm(
            _("Allocate person-days (人天分配) on {task}").format(task=task.code), [
                Field("person", _("Person (vendor, with a grade)"), value=first,
                      options=[(_("— choose —"), CHOOSE), *options]),
                Field("pd", _("Planned PD"), placeholder=_("e.g. 10"),
                      help=_("leave empty to unassign the person from the task")),
                Field("over", _("Allow over capacity"), value="no",
                      options=[(_("no: refuse PD beyond their capacity"), "no"),
                               (_("yes: allow it (marked ⚠ and alerted)"), "yes")]),
            ], submit, submit_label=_("Allocate"), on_change=preview,
            focus="person" if first == CHOOSE else "pd",
            note=f"{task.title} · " + _("estimate {estimate} PD, {allocated} PD allocated")
            .format(estimate=fmt_pd(estimate), allocated=fmt_pd(allocated))), done)
