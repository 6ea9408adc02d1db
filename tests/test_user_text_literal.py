"""SPEC §7 "Input is data, never markup": user text is shown literally in every view and sheet.

The attack (issue 9): an engineer's blocker titled ``[/oops] VPN down`` took the lead's
dashboard down on open (Rich MarkupError), a note or a task title did the same to other
views, and ``[WIP] waiting for VPN [client]`` showed as `` waiting for VPN``. Here every
field a user fills holds such text (``tests/hostile.py``); every view is opened with
Textual's ``run_test`` and must show each string exactly, and every sheet is built and
must print each string exactly.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import Select
from textual.widgets._toast import Toast

from exports.render import render_sheet
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet
from tui.app import SowtrackApp
from tui.text import literal

from . import hostile as h
from .tui_support import screen_text, settle

SIZE = (200, 60)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile ledger (a SQLite file: the app's thread workers need one), built once."""
    folder = tmp_path_factory.mktemp("hostile")
    led = h.build_hostile(f"sqlite:///{folder / 'ledger.db'}", folder)
    led.engine.dispose()
    return folder / "ledger.db"


@pytest.fixture
def hostile(hostile_db: Path, tmp_path: Path) -> Callable[[str], Ledger]:
    """A private copy of the hostile ledger, acting as the given person."""
    path = tmp_path / "ledger.db"
    shutil.copy(hostile_db, path)
    engine = Ledger.open(f"sqlite:///{path}").engine
    code = Ledger(engine).project().code

    def acting(person: str) -> Ledger:
        return Ledger(engine, code, person)

    return acting


def run_app(ledger: Ledger, scenario: Callable[[Pilot], Awaitable[None]]) -> SowtrackApp:
    """Run the app on ``ledger`` and play ``scenario``; a crash (MarkupError in a view's
    worker, say) propagates and fails the test."""
    app = SowtrackApp(ledger, today=h.TODAY)

    async def main() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await scenario(pilot)
            await settle(pilot)

    asyncio.run(main())
    assert app.return_code in (None, 0)
    return app


def assert_shown(text: str, *expected: str) -> None:
    missing = [e for e in expected if e not in text]
    assert not missing, f"not shown literally: {missing}\n{text}"


def assert_row(text: str, *parts: str) -> None:
    """Some line shows ``parts`` in this order (a table pads its columns)."""
    pattern = r"\s+".join(re.escape(p) for p in parts)
    assert re.search(pattern, text), f"no line shows {parts}\n{text}"


def view(ledger: Ledger, key: str, *keys: str) -> str:
    """What the screen shows after switching to the view on ``key`` and pressing ``keys``."""
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press(key)
        await settle(pilot)
        for k in keys:
            await pilot.press(k)
            await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    run_app(ledger, scenario)
    return seen["text"]


# ---------------------------------------------------------------- every view


def test_the_dashboard(hostile: Callable[[str], Ledger]) -> None:
    """The issue's attack: the lead's dashboard opens (it did not), titles intact."""
    text = view(hostile("zhang.wei"), "1")
    assert_shown(text, h.BLOCKER_1, h.BLOCKER_2, h.QUOTAS["research-meetings"],
                 "[/oops] eval", "as 张伟 [lead] zhang.wei (lead)")  # a narrow panel wraps


def test_my_day(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("liu.yang"), "2")
    assert_shown(text, "[b]刘洋[/b] liu.yang", h.NOTE_TODAY, h.TASKS["T2"],
                 f"T2 {h.TASKS['T2']}")  # the task chosen in the log form


def test_the_timesheet_and_its_cells(hostile: Callable[[str], Ledger]) -> None:
    lead = hostile("zhang.wei")
    # Down to chen.jing, left to Tuesday 03-10: the cell's entry line with its note.
    text = view(lead, "3", "down", "left", "left", "left")
    assert_shown(text, *(h.NAMES[k] for k in ("zhang.wei", "chen.jing", "liu.yang",
                                                "wang.fang")),
                 f"{h.NAMES['chen.jing']} chen.jing  T3  9 h  {h.NOTE_2}",
                 "[ Prev week", "] Next week")  # the footer's week keys
    # chen.jing's tasks × days: the task's title (cut to the column's width).
    text = view(lead, "3", "down", "v")
    assert_shown(text, f"tasks × days of {h.NAMES['chen.jing']} chen.jing",
                 "T3 [@click=app.quit]x[/] clau")
    # The add form's choices: people by name, tasks by title.
    text = view(lead, "3", "down", "left", "a")
    assert_shown(text, "Add a time entry", f"T3  {h.TASKS['T3']}")
    assert_row(text, h.NAMES["chen.jing"], "chen.jing", "(expert)")


def test_tasks(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "4")
    assert_shown(text, h.TASKS["T1"], h.TASKS["T2"], h.TASKS["T3"], "<b>&amp;</b> evaluation",
                 h.NAMES["wang.fang"], h.NAMES["zhang.wei"])  # T1's allocations


def test_blockers_and_the_resolve_form(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "5")
    assert_shown(text, h.BLOCKER_1, h.BLOCKER_2)
    text = view(hostile("zhang.wei"), "5", "r")  # the form quotes the blocker's title
    assert_shown(text, "Resolve B-001", h.BLOCKER_1)


def test_change_requests(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "6")  # CR-002 (pending) is selected
    assert_shown(text, h.CR_1, h.CR_2, f"CR-002  {h.CR_2}")
    text = view(hostile("zhang.wei"), "6", "up")  # CR-001 in detail, its reason on 2 lines
    first, second = h.CR_1_REASON.split("\n")
    assert_shown(text, f"CR-001  {h.CR_1}", f"reason: {first}", second,
                 f"quota prompt-rounds ({h.QUOTAS['prompt-rounds']})")
    assert_row(text, h.NAMES["zhang.wei"], "zhang.wei", "vendor", "lead")  # signatures
    assert_row(text, h.NAMES["li.na"], "li.na", "client", "signatory")
    text = view(hostile("zhang.wei"), "6", "s")  # the sign form quotes the title
    assert_shown(text, f"CR-002 {h.CR_2}", f"signing as {h.NAMES['zhang.wei']} zhang.wei")


def test_team_and_a_notification(hostile: Callable[[str], Ledger]) -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        seen["team"] = screen_text(pilot.app)
        # The client signatory is the last row; g says, in a notification, that she has
        # no grade: the notification quotes her name.
        for _ in range(6):
            await pilot.press("down")
        await pilot.press("g")
        await settle(pilot)
        seen["notes"] = [(n.message, n.markup) for n in pilot.app._notifications]
        seen["toasts"] = [toast.render().plain for toast in pilot.app.screen.query(Toast)]

    run_app(hostile("zhang.wei"), scenario)
    assert_shown(str(seen["team"]), *h.NAMES.values())
    message = f"{h.NAMES['li.na']} li.na is of the client party and has no grade"
    assert (message, False) in seen["notes"]
    assert message in seen["toasts"]  # what the toast draws


def test_sign_offs(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "8")
    assert_row(text, h.NAMES["zhang.wei"], "zhang.wei", "vendor", "lead")
    assert_row(text, h.NAMES["li.na"], "li.na", "client", "signatory")


def test_the_journal(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "9")
    assert_shown(text, h.NOTE_1, h.NOTE_2, h.NOTE_TODAY, h.NAMES["chen.jing"],
                 h.NAMES["liu.yang"], h.NAMES["wang.fang"])
    text = view(hostile("zhang.wei"), "9", "f")  # filter by person: a pick list of names
    assert_shown(text, "Show the entries of")
    assert_row(text, h.NAMES["liu.yang"], "liu.yang", "(senior)")


def test_exports_choices(hostile: Callable[[str], Ledger]) -> None:
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("0")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#ex-person", Select).value = "liu.yang"
        await settle(pilot)
        seen["person"] = screen_text(pilot.app)
        screen.query_one("#ex-kind", Select).value = "cr"
        await settle(pilot)
        seen["cr"] = screen_text(pilot.app)

    run_app(hostile("zhang.wei"), scenario)
    assert_shown(seen["person"], f"{h.NAMES['liu.yang']} liu.yang (senior)")
    assert_shown(seen["cr"], f"CR-002  pending  {h.CR_2}")


def test_act_as(hostile: Callable[[str], Ledger]) -> None:
    text = view(hostile("zhang.wei"), "ctrl+a")
    assert_shown(text, *(f"{name}  {key}" for key, name in h.NAMES.items()))


def test_the_help_screen(hostile: Callable[[str], Ledger]) -> None:
    """The help dropped the timesheet's ``[`` / ``]`` keys: markup swallowed them."""
    text = view(hostile("zhang.wei"), "question_mark")
    assert_shown(text, "[           Prev week", "]           Next week")


# ---------------------------------------------------------------- the helper


def test_literal_shows_markup_and_controls_as_they_are() -> None:
    for hostile_text in ("[/oops] VPN down", "[WIP] waiting for VPN [client]",
                         "[@click=app.quit]x[/]", "[b]x[/b]", "<b>&amp;</b>"):
        assert literal(hostile_text).plain == hostile_text
        assert not literal(hostile_text).spans
    # Controls never reach the terminal (an older ledger may hold one): their symbols.
    assert literal("a\x1b[31mb\x07\x7f").plain == "a␛[31mb␇␡"
    assert literal("line\nnext").plain == "line\nnext"
    assert literal("line\nnext", one_line=True).plain == "line␊next"
    assert literal("\x85\u2028").plain == "\N{REPLACEMENT CHARACTER}" * 2
    assert literal(None).plain == ""


# ---------------------------------------------------------------- every sheet


def _pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return " ".join(text.split())  # a table cell may wrap a title over lines


SHEETS = {
    "acceptance": (SheetRequest("acceptance"),
                   [h.PROJECT_TITLE, h.CLIENT, h.VENDOR, *h.TASKS.values(), *h.QUOTAS.values(),
                    h.BLOCKER_1, h.BLOCKER_2, h.CR_1, h.CR_2, h.NAMES["zhang.wei"],
                    h.NAMES["li.na"], h.PERSON_TITLE]),
    "timesheet": (SheetRequest("timesheet", first=h.TODAY.replace(day=2), last=h.TODAY),
                  [h.PROJECT_TITLE, h.CLIENT, h.VENDOR, h.NAMES["zhang.wei"],
                   h.NAMES["chen.jing"], h.NAMES["liu.yang"], h.NAMES["wang.fang"]]),
    "cr": (SheetRequest("cr", cr="CR-001"),
           [h.PROJECT_TITLE, h.CR_1, *h.CR_1_REASON.split("\n"), h.QUOTAS["prompt-rounds"]]),
    "plan": (SheetRequest("plan"),
             [h.PROJECT_TITLE, *h.TASKS.values(), h.NAMES["zhang.wei"], h.NAMES["liu.yang"]]),
    "status": (SheetRequest("status", as_of=h.TODAY),
               [h.PROJECT_TITLE, h.BLOCKER_1, h.BLOCKER_2, h.CR_2]),
}


@pytest.mark.parametrize("kind", list(SHEETS))
def test_every_sheet_prints_user_text_literally(kind: str, hostile: Callable[[str], Ledger],
                                                tmp_path: Path) -> None:
    """ReportLab reads a Paragraph as markup: ``<b>&amp;</b>`` would print a bold "&",
    ``<font size=40>`` a huge word, ``<x>`` fail the build. Each prints as typed."""
    request, expected = SHEETS[kind]
    sheet = build_sheet(hostile("zhang.wei"), request, h.TODAY)
    out = render_sheet(sheet, kind, tmp_path / f"{kind}.pdf")
    text = _pdf_text(out)
    missing = [e for e in expected if " ".join(e.split()) not in text]
    assert not missing, f"{kind}: not printed literally: {missing}\n{text}"
