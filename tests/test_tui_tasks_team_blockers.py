"""The Tasks, Team and Blockers views, driven with keys; the database is checked afterwards."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot

from model.rules import GRADE_LABELS_ZH
from tests.tui_support import TODAY, demo_ledger, drive, screen_text, settle
from tui.screens.blockers import BlockersScreen
from tui.screens.form import FormScreen
from tui.screens.tasks import TasksScreen
from tui.screens.team import TeamScreen

KEY_NAMES = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket"}


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[KEY_NAMES.get(c, c) for c in text])


async def fill(pilot: Pilot, field: str, text: str) -> None:
    """Click a form field, clear it and type ``text``."""
    await pilot.click(f"#f-{field}")
    await pilot.press("end", "shift+home", "backspace")
    await type_text(pilot, text)


async def choose(pilot: Pilot, field: str, downs: int) -> None:
    """Open a form's select and move ``downs`` options down from the current one."""
    await pilot.click(f"#f-{field}")
    await pilot.pause()
    await pilot.press(*["down"] * downs, "enter")
    await pilot.pause()


# ------------------------------------------------------------------ blockers


def test_add_then_resolve_a_blocker(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    before = {b.number for b in ledger.blockers(TODAY)}
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BlockersScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        # Keys only: the cursor starts in the title; tab to the party and pick "client".
        await type_text(pilot, "VPN tokens expired")
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BlockersScreen)
        seen["added"] = screen_text(pilot.app)
        await pilot.press("r")  # the new blocker is the selected row
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        seen["form"] = screen_text(pilot.app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["resolved"] = screen_text(pilot.app)

    drive(ledger, scenario)
    new = [b for b in ledger.blockers(TODAY) if b.number not in before]
    assert len(new) == 1
    b = new[0]
    assert (b.title, b.party, b.raised_on, b.task) == ("VPN tokens expired", "client", TODAY, None)
    assert b.resolved_on == TODAY
    assert "VPN tokens expired" in seen["added"]
    assert f"Resolve {b.number}" in seen["form"]
    row = next(line for line in seen["resolved"].splitlines() if b.number in line)
    assert TODAY.isoformat() in row and "open" not in row


def test_blockers_view_lists_open_first_with_days_lost(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    days = ledger.summary(TODAY).blocked_days
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    drive(ledger, scenario)
    text = seen["text"]
    assert f"client 甲方 {days['client']}" in text and f"vendor 乙方 {days['vendor']}" in text
    rows = [line for line in text.splitlines() if line.strip().startswith("B-")]
    blockers = ledger.blockers(TODAY)
    assert len(rows) == len(blockers)
    open_ones = [b.number for b in blockers if b.resolved_on is None]
    assert open_ones and all(n in rows[i] for i, n in enumerate(open_ones))
    assert "open" in rows[0]


def test_refused_resolution_is_shown_and_nothing_written(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    open_one = next(b for b in ledger.blockers(TODAY) if b.resolved_on is None)
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("r")  # the open blocker is first
        await settle(pilot)
        await fill(pilot, "on", "2026-08-01")
        await pilot.press("enter")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)
        seen["screen"] = pilot.app.screen

    drive(ledger, scenario)
    assert isinstance(seen["screen"], FormScreen)  # the form stays open
    assert (f"refused: Resolved on: 2026-08-01 is before {open_one.number} was raised "
            f"({open_one.raised_on})") in str(seen["text"])
    again = next(b for b in ledger.blockers(TODAY) if b.number == open_one.number)
    assert again.resolved_on is None


def test_blocker_without_party_is_refused(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    count = len(ledger.blockers(TODAY))
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "title", "nobody's fault")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    drive(ledger, scenario)
    assert "refused: party: choose client or vendor" in seen["text"]
    assert len(ledger.blockers(TODAY)) == count


# ------------------------------------------------------------------ tasks


def test_add_a_task_and_allocate_person_days(tmp_path: Path) -> None:
    # The add form is for a scope not signed yet (once signed, a CR adds the task).
    ledger = demo_ledger(tmp_path, "zhang.wei", sign_scope=False)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TasksScreen)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "code", "T9")
        await fill(pilot, "title", "Load testing [p95]")
        await fill(pilot, "estimate", "20.5")
        await choose(pilot, "priority", 1)  # medium → low
        await fill(pilot, "assignees", "sun.lei, chen.jing")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TasksScreen)
        # The new task is selected: allocate to the first assignee offered (sun.lei: the
        # demo plans 70 of their 100 PD of capacity, liu.yang's is full).
        await pilot.press("l")
        await settle(pilot)
        await fill(pilot, "pd", "10")
        seen["allocate"] = screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        # And a second person, chosen in the list, unassigning nobody.
        await pilot.press("l")
        await settle(pilot)
        await fill(pilot, "pd", "3.25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["after"] = screen_text(pilot.app)

    drive(ledger, scenario)
    task = next(t for t in ledger.tasks() if t.code == "T9")
    assert (task.title, task.estimate_milli, task.priority, task.status) == (
        "Load testing [p95]", 20_500, "low", "open")
    assert dict(task.assignees) == {"sun.lei": 10_000, "chen.jing": 3_250}
    assert "sun.lei on T9: not assigned" not in seen["allocate"]
    assert "sun.lei on T9: assigned, no PD planned → plan 10 PD" in seen["allocate"]
    after = seen["after"]
    row = next(line for line in after.splitlines() if line.strip().startswith("T9"))
    assert "Load testing [p95]" in row and "13.25" in row and "sun.lei 10" in row
    assert "Allocations of T9" in after and "13.25 of 20.5 PD planned" in after


def test_unassign_with_empty_pd_and_edit_status(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    t1 = next(t for t in ledger.tasks() if t.code == "T1")
    first = t1.assignees[0][0]

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("l")  # T1 is selected; its first assignee is offered
        await settle(pilot)
        await pilot.press("ctrl+s")  # empty PD: unassign
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.click("#f-status")
        await pilot.pause()
        await pilot.press("up", "enter")  # done → in_progress
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(ledger, scenario)
    after = next(t for t in ledger.tasks() if t.code == "T1")
    assert first not in dict(after.assignees)
    assert len(after.assignees) == len(t1.assignees) - 1
    assert after.status == "in_progress" and after.title == t1.title


def test_duplicate_task_code_is_refused_inline(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei", sign_scope=False)  # tasks still added
    count = len(ledger.tasks())
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "code", "T1")
        await fill(pilot, "title", "Again")
        await fill(pilot, "estimate", "3")
        await pilot.press("enter")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)
        seen["screen"] = pilot.app.screen

    drive(ledger, scenario)
    assert isinstance(seen["screen"], FormScreen)
    assert "refused: Code: a task 'T1' already exists" in str(seen["text"])
    assert len(ledger.tasks()) == count


# ------------------------------------------------------------------ team


def test_team_lists_everyone_with_aligned_columns(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    people = ledger.people()
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TeamScreen)
        seen["text"] = screen_text(pilot.app)

    drive(ledger, scenario)
    lines = seen["text"].splitlines()[1:]  # not the top bar, which names the acting person
    assert any("张伟" in line and "zhang.wei" in line and "资深技术专家" in line for line in lines)
    rows = {}
    for p in people:
        row = next(line for line in lines if p.name in line and f" {p.key} " in line)
        rows[p.key] = row
        if p.grade:
            assert p.grade in row and GRADE_LABELS_ZH[p.grade] in row
    # Every id starts in the same terminal column, Chinese names notwithstanding.
    columns = {cell_len(row[:row.index(f" {key} ")]) for key, row in rows.items()}
    assert len(columns) == 1
    # ... and so does every party (the later columns hold dates and days away, some empty)
    parties = {cell_len(row[:row.index("乙方" if "乙方" in row else "甲方")])
               for row in rows.values()}
    assert len(parties) == 1
    # Grade order, then signatories, then the client.
    order = [key for key, _ in sorted(rows.items(), key=lambda kv: lines.index(kv[1]))]
    assert order[:2] == ["zhou.jie", "wang.fang"] and order[-2:] == ["zhao.min", "li.na"]
    assert order.index("zhang.wei") == 6  # after the seniors (wu.lei replaced sun.lei)


def test_palette_actions_open_their_forms_on_a_fresh_view(tmp_path: Path) -> None:
    """The command palette switches view and runs the action before the view has loaded."""
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        for mode, action in (("tasks", "allocate"), ("blockers", "resolve_blocker")):
            await pilot.app.goto(mode, action)
            await settle(pilot)
            assert isinstance(pilot.app.screen, FormScreen), action
            seen[action] = screen_text(pilot.app)
            await pilot.press("escape")
            await settle(pilot)

    drive(ledger, scenario)
    assert "Allocate person-days (人天分配) on T1" in seen["allocate"]
    assert "Resolve B-002" in seen["resolve_blocker"]


def test_change_a_grade_from_the_team_view(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("down", "g")  # wang.fang, intermediate
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # → senior
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*["down"] * 6, "g")  # li.na, of the client: no grade, no form
        await settle(pilot)
        seen["notes"] = "\n".join(n.message for n in pilot.app._notifications)
        seen["text"] = screen_text(pilot.app)

    drive(ledger, scenario)
    grades = {p.key: p.grade for p in ledger.people()}
    assert grades["wang.fang"] == "senior" and grades["li.na"] is None
    assert "王芳 wang.fang is now senior 高级工程师" in seen["notes"]
    assert "李娜 li.na is of the client party and has no grade" in seen["notes"]
    row = next(line for line in seen["text"].splitlines() if "wang.fang" in line)
    assert "senior" in row and "高级工程师" in row and "2,800.00 CNY" in row
