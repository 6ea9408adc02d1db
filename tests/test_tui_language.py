"""The app speaks the language chosen (issue 15): Chinese when the SOW is Chinese and
nothing is set, English when the setting says so. Pilot tests, one per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.tui_support import demo_ledger, drive, screen_text, settle_reloads


def _footer_and_screen(tmp_path: Path) -> str:
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        shown.append(screen_text(pilot.app))

    drive(demo_ledger(tmp_path), scenario)
    return shown[0]


def test_the_app_speaks_the_sows_chinese(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")  # the demo SOW's language is zh
    text = _footer_and_screen(tmp_path)
    assert "帮助" in text and "刷新" in text
    assert "Help" not in text and "Refresh" not in text


def test_the_setting_keeps_the_app_in_english(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    text = _footer_and_screen(tmp_path)
    assert "Help" in text and "Refresh" in text and "帮助" not in text


# ---------------------------------------------------------------- the frame and first views

#: what each view shows in Chinese, and the English it showed before (none of it left)
CHINESE_VIEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dashboard": (("截至 2026年11月21日", "剩余人天", "预测结束日", "燃尽图（人天）", "刷新"),
                  ("as of", "remaining PD", "forecast end", "Burn-down", "Refresh")),
    "myday": (("今日已登记", "登记工时", "今天的工时", "我的任务", "小时", "备注"),
              ("logged today", "Log hours", "Today's entries", "My tasks", "Hours", "Note")),
    "timesheet": (("每日合计", "人员 × 日期", "加班", "上一周", "日"),
                  ("daily total", "people × days", "overtime", "Prev week", "person")),
    "tasks": (("个任务（单位：人天）", "人天分配", "优先级", "进行中", "新增任务"),
              ("tasks (figures", "Allocations", "priority", "in_progress", "Add task")),
    "team": (("在岗日期", "工作说明书", "调整职级", "职级名称"),
             ("active days", "to the end of the SOW", "Change grade", "people: vendor")),
}
#: the frame's own words in English: the top bar, the footer's keys
ENGLISH_FRAME = ("Dashboard", "My day", "Timesheet", "Help", "palette", "acting as", "as 张伟")


def _chinese_views(tmp_path: Path, size: tuple[int, int]) -> dict[str, str]:
    shown: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        for mode in CHINESE_VIEWS:
            await pilot.app.switch_mode(mode)
            await settle_reloads(pilot)
            await pilot.pause()
            await settle_reloads(pilot)
            shown[mode] = screen_text(pilot.app)
            if mode == "timesheet":  # the week whole, its Chinese day headers included
                grid = pilot.app.screen.query_one("#ts-grid", DataTable)
                shown["grid fits"] = str(grid.virtual_size.width
                                         <= grid.scrollable_content_region.width)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=size)
    return shown


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_frame_and_first_views_speak_chinese(tmp_path: Path, size: tuple[int, int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    shown = _chinese_views(tmp_path, size)
    assert shown.pop("grid fits") == "True", "the week's grid scrolls sideways in Chinese"
    for mode, text in shown.items():
        lines = text.splitlines()
        assert len(lines) == size[1], mode
        # The top bar: the view's Chinese name, the acting person whole, in Chinese.
        assert lines[0].rstrip().endswith("操作人 张伟 zhang.wei（项目经理）"), lines[0]
        chinese, english = CHINESE_VIEWS[mode]
        for words in chinese:
            assert words in text, (mode, words)
        for words in (*english, *ENGLISH_FRAME):
            assert words not in text, (mode, words)
    assert " 1 仪表盘 " in shown["dashboard"].splitlines()[0]
    # Sunday the 22nd heads its column in Chinese, each day's header apart from the next
    # (a Chinese day of the week is two cells a character).
    sunday = {80: " 日 22", 120: " 日 11-22", 200: " 周日 11-22"}[size[0]]
    head = next(line for line in shown["timesheet"].splitlines()
                if line.lstrip().startswith("人员"))
    assert sunday in head, head
    assert not re.search(r"\d[周一二三四五六日]", head), head
    if size[0] >= 200:  # every view's name whole, the footer's palette key in Chinese
        assert "2 我的一天" in shown["dashboard"] and "命令面板" in shown["dashboard"]


def test_help_and_a_form_speak_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    shown: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        await settle_reloads(pilot)
        shown["help"] = screen_text(pilot.app)
        await pilot.press("escape")
        await pilot.app.switch_mode("timesheet")
        await settle_reloads(pilot)
        await pilot.press("a")
        await settle_reloads(pilot)
        shown["form"] = screen_text(pilot.app)
        await pilot.press("7")  # the hours field has the focus: the form is touched
        await pilot.press("escape")
        await settle_reloads(pilot)
        shown["discard"] = screen_text(pilot.app)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=(80, 24))
    help_text = shown["help"]
    for words in ("按键", "全局", "1 仪表盘", "切换为另一位操作人", "登记工时", "帮助"):
        assert words in help_text, words
    assert "1 仪表盘、2 我的一天、3 工时表" in help_text  # a Chinese list
    for words in ("Global", "act as another person", "Log hours", "Help", "Dashboard"):
        assert words not in help_text, words
    form = shown["form"]
    for words in ("新增工时", "人员", "任务", "日期", "小时", "备注", "取消", "新增"):
        assert words in form, words
    for words in ("Add a time entry", "Person", "Hours", "Cancel", "e.g."):
        assert words not in form, words
    assert "放弃修改？" in shown["discard"] and "Discard" not in shown["discard"]


def test_a_refused_field_is_named_by_its_chinese_label(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """My day's log form: the hours typed are refused as the form names them (小时), the
    notification titled in Chinese; nothing is logged."""
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    led = demo_ledger(tmp_path, "zhang.wei")
    before = len(led.entries(person="zhang.wei"))
    shown: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.app.switch_mode("myday")
        await settle_reloads(pilot)
        pilot.app.screen.query_one("#log-hours", Input).value = "25"
        await pilot.pause()
        shown["preview"] = str(pilot.app.screen.query_one("#log-preview", Static).render())
        await pilot.press("enter")
        await settle_reloads(pilot)
        said.extend((n.title, n.message) for n in pilot.app._notifications)

    said: list[tuple[str, str]] = []
    drive(led, scenario, size=(120, 40))
    assert shown["preview"].startswith("小时: "), shown["preview"]
    assert [title for title, _message in said] == ["已拒绝"], said
    assert said[0][1].startswith("小时: "), said
    assert len(led.entries(person="zhang.wei")) == before


def test_the_command_palette_speaks_chinese(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    titles: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        titles.extend(c.title for c in pilot.app.get_system_commands(pilot.app.screen))

        await pilot.press("ctrl+p")  # the palette itself: its search field's hint
        await settle_reloads(pilot)
        titles.append(screen_text(pilot.app))

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario)
    palette = titles.pop()
    assert "搜索命令…" in palette and "Search for commands" not in palette
    for title in ("前往仪表盘", "前往工时表", "登记工时", "分配人天", "切换操作人…", "退出应用",
                  "导出验收报告（acceptance report）", "任务：编辑任务"):
        assert title in titles, (title, titles)
    english = [t for t in titles if t.startswith(("Go to", "Quit", "Log hours", "Export the",
                                                  "Act as", "Tasks:"))]
    assert not english, english


def test_the_palette_stays_english_when_english_is_spoken(tmp_path: Path) -> None:
    titles: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        titles.extend(c.title for c in pilot.app.get_system_commands(pilot.app.screen))

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario)
    assert "Go to Dashboard" in titles and "Log hours" in titles and "Quit" in titles
    assert "Export the acceptance report 验收报告" in titles
    assert not [t for t in titles if "前往" in t or "登记" in t]


def test_a_days_notes_fit_its_cells_in_chinese() -> None:
    """The week's compact header at 80 columns: a Chinese note (two cells a character)
    right-aligned in the day's six cells, never wider (an English one as before)."""
    from rich.cells import cell_len

    from tui.widgets.week_grid import rjust_cells

    assert rjust_cells("今天 ", 6) == " 今天 " and cell_len(rjust_cells("今天 ", 6)) == 6
    assert rjust_cells("today ", 6) == "today "
    assert cell_len(rjust_cells("星期六星期六", 6)) == 6


def test_the_current_views_short_label_before_none_at_80_columns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change requests' whole label (变更申请单) does not fit beside the acting
    person at 80 columns: the current view shows its short label (变更单), not none."""
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("6")
        await pilot.pause()
        shown.append(screen_text(pilot.app).splitlines()[0])

    drive(demo_ledger(tmp_path), scenario, size=(80, 24))
    assert " 6 变更单 " in shown[0] and "操作人" in shown[0]
