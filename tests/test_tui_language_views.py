"""The other views in Chinese (issue 15): blockers, change requests, sign-offs,
obligations, history, journal and exports, each with one of its forms, speak Chinese
when the language is zh (dates in prose as Chinese writes them, tables and inputs in
ISO 8601), and English stays as it was. Pilot tests on the demo, and the helpers of
tui.text, tui.sheets and tui.spreadsheets they share with the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from model.errors import FieldError
from model.i18n import set_language
from tests.tui_support import demo_ledger, drive, screen_text, settle
from tui.screens.exports import ExportsScreen
from tui.sheets import SheetOptions, sheet_request
from tui.spreadsheets import table_request
from tui.text import day_text, grade_text, in_context, party_label, refusal, signature_lines
from tui.widgets.form import FormScreen

#: the views' keys (tui.widgets.navbar.VIEWS)
VIEW_KEYS = {"blockers": "5", "changes": "6", "signoffs": "8", "journal": "9",
             "exports": "0", "obligations": "o", "history": "h"}


def _flat(text: str) -> str:
    """A screen's text with runs of spaces and box lines squeezed (a wrapped line joins)."""
    return " ".join(text.replace("│", " ").replace("█", " ").split())


def _view(text: str) -> str:
    """The view's own text: the screen without the bar of views above it (the app's)."""
    return _flat("\n".join(text.splitlines()[1:]))


def _visit(tmp_path: Path, view: str, *form_keys: str, submit: bool = False,
           size: tuple[int, int] = (150, 45)) -> tuple[str, ...]:
    """The view's screen, and the screen once ``form_keys`` are pressed on it ("" if
    none), both flattened; ``submit``: and the form's screen once submitted as it is."""
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await pilot.press(VIEW_KEYS[view])
        await settle(pilot)
        shown.append(screen_text(pilot.app))
        if form_keys:
            await pilot.press(*form_keys)
            await settle(pilot)
            assert isinstance(pilot.app.screen, FormScreen), pilot.app.screen
            shown.append(screen_text(pilot.app))
            if submit:
                await pilot.press("ctrl+s")
                await settle(pilot)
                shown.append(screen_text(pilot.app))

    drive(demo_ledger(tmp_path), scenario, size=size)
    return _view(shown[0]), _view(shown[1]) if form_keys else "", *map(_view, shown[2:])


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")


def _none_of(text: str, *english: str) -> None:
    left = [e for e in english if e in text]
    assert left == [], f"English left: {left}\n{text}"


# ------------------------------------------------------------------ the views in Chinese


@pytest.mark.usefixtures("zh")
def test_the_blockers_view_and_its_form_in_chinese(tmp_path: Path) -> None:
    view, form, refused = _visit(tmp_path, "blockers", "a", submit=True)
    # the headline's date in prose as Chinese writes it; the table's dates stay ISO
    assert "截至 2026年11月21日 损失工作日：甲方 12、乙方 2 · 1 个未解决，2 个已解决" in view
    assert "ID 责任方 提出日期 解决日期 工作日 任务 阻塞问题" in view
    assert "B-002 甲方 2026-11-11 未解决 8 T5" in view
    assert "甲方 · 2026年11月11日 提出 · 已持续 8 个工作日 · 任务 T5" in view
    assert "a 新增阻塞问题 r 解决" in view
    _none_of(view, "Working days lost", "owner", "raised", "resolved", "working day",
             "client 甲方", "Add blocker", "Resolve")
    assert "新增阻塞问题" in form and "责任方：谁的阻塞问题？" in form
    assert "— 请选择 —" in form and "任务（可选）" in form and "提出日期" in form
    _none_of(form, "Add a blocker", "Owner", "choose", "Raised on", "Task (optional)",
             "Test environment access")
    # submitted without an owner: refused in the form, in Chinese
    assert "责任方: 请选择甲方或乙方（谁的阻塞问题？）" in refused
    _none_of(refused, "choose client or vendor")


@pytest.mark.usefixtures("zh")
def test_the_change_requests_view_and_its_raise_form_in_chinese(tmp_path: Path) -> None:
    view, form = _visit(tmp_path, "changes", "n")
    assert ("变更申请单 · 截至 2026年11月21日 预算：460 人天 · 结束 2027年1月1日 · "
            "已生效：CR-001 · 待签：CR-002") in view
    assert "CR 提出日期 状态 签字 变更内容 标题" in view
    assert "乙方 ✓ 甲方 …" in view  # who has signed, the parties in Chinese
    assert "2026年11月4日 由 zhang.wei 提出" in view and "原因：" in view
    # the signatures: headers, the party and the role in Chinese
    assert "签字 姓名 人员 甲乙方 角色 签字日期 sha-256" in view
    assert "赵敏 zhao.min 乙方 签字人 2026-11-05" in view
    assert "双方签字后对预算的影响（截至 2026年11月21日 的预算 → 生效后）" in view
    assert "n 发起变更 s 签字变更 w 撤回变更" in view
    _none_of(view, "Change requests", "budget as of", "raised", "reason:", "Signatures",
             "vendor ✓", "signatory", "signed on", "Effect on the budget", "Raise CR")
    assert "发起变更申请单" in form and "各职级人天增减（负为减）" in form
    assert "发起 · 操作人 张伟 zhang.wei（项目经理）" in form
    assert "额度增减" in form and "新结束日期（可选）" in form
    # the live preview, before anything is typed
    assert "请输入人天增减（senior=5 expert=-2）、额度增减或新的结束日期。" in form
    _none_of(form, "Raise a change request", "PD deltas", "Quota deltas", "New end date",
             "Type PD deltas", "what changes")


@pytest.mark.usefixtures("zh")
def test_the_signoffs_view_and_its_period_form_in_chinese(tmp_path: Path) -> None:
    view, form = _visit(tmp_path, "signoffs", "p")
    assert "签字确认 · 期间在第一个签字时锁定，双方签字后完成 · 验收：尚未签字 (a)" in view
    assert "编号 文档 范围 状态 签字 已生效 锁定" in view
    assert ("TS-001 工时确认单 2026-09-01 .. 2026-09-30 已签字 乙方 ✓ 甲方 ✓ 2026-10-05 "
            "工时永久锁定") in view
    assert "SCOPE-001 需求范围确认 任务 · 估算 · 交付物 已签字" in view
    assert "需求范围已于 2026年8月21日 由双方签字" in view
    assert "张伟 zhang.wei 乙方 项目经理 2026-08-19" in view
    _none_of(view, "Sign-offs", "a period locks", "acceptance:", "SIGNED",
             "entries locked", "estimates change", "scope signed", "Signatures",
             "Sign period")
    assert "签字确认一个期间的工时表" in form and "默认：最早尚未签字的期间" in form
    assert "签字 · 操作人 张伟 zhang.wei（项目经理）" in form
    assert "从 2026-08-17" in form and "至 2026-08-31" in form
    assert ("新期间，共 15 天：自此第一个签字起，2026-08-17 .. 2026-08-31 的工时冻结"
            "（不可新增、修改或删除）") in form
    _none_of(form, "Sign a period", "default:", "From", "Signed on", "a new period",
             "signing as")


@pytest.mark.usefixtures("zh")
def test_the_obligations_view_and_its_delivery_form_in_chinese(tmp_path: Path) -> None:
    # tab: to the deliverables; down: AGENT, not delivered yet; v: its delivery form
    view, form = _visit(tmp_path, "obligations", "tab", "down", "v")
    assert "截至 2026年11月21日：2 项义务：0 项未完成，0 项逾期，2 项已完成" in view
    assert "交付物：4 项中已交付 1 项" in view
    assert "义务：各方须提供的事项" in view and "交付物：移交的成果（培训 = 知识转移）" in view
    assert "编号 甲乙方 到期 已完成 状态 标题" in view
    assert "ENV-ACCESS 甲方 2026-08-18 2026-08-25 已完成，逾期 4 个工作日" in view
    assert "KT 培训 2026-12-25" in view
    assert ("甲方 · 2026年8月18日 到期 （开工后 1 个工作日） · 已于 2026年8月25日 完成，"
            "逾期 4 个工作日") in view
    assert "计为甲方阻塞 4 个工作日" in view
    _none_of(view, "As of", "obligations:", "deliverables:", "working day", "done,",
             "Obligations 义务", "training 培训", "Obligation done", "Delivered")
    assert "交付物 AGENT 已交付" in form and "交付日期" in form and "记录交付" in form
    assert "已移交; 2027年1月1日 到期" in form
    _none_of(form, "Deliverable", "Delivered on", "Record delivery", "handed over", "due")


@pytest.mark.usefixtures("zh")
def test_the_history_view_and_its_filter_in_chinese(tmp_path: Path) -> None:
    view, form = _visit(tmp_path, "history", "f")
    assert "已加载全部 47 条审计记录 · 最新在前 · 显示 全部 (f)" in view
    assert "时间 记录 内容" in view
    assert "f 筛选 x 显示全部 r 重新加载" in view
    _none_of(view, "audit rows loaded", "newest first", "showing", "everything", "when",
             "Show all", "Reload")
    assert "显示历史" in form and "从 YYYY-MM-DD，记录当天 至 YYYY-MM-DD" in form
    assert "留空为全部" in form and "YYYY-MM-DD，记录当天" in form
    _none_of(form, "Show the history", "Record", "Person", "From", "empty for all",
             "the day it was recorded")


@pytest.mark.usefixtures("zh")
def test_the_journal_and_its_go_to_date_form_in_chinese(tmp_path: Path) -> None:
    view, form = _visit(tmp_path, "journal", "g")
    assert "已加载 200 / 444 条工时 · 向下滚动加载更多 · 最早在前" in view
    assert "ID 日期 人员 任务 工时 职级 备注" in view
    # the grade as SPEC §2 names it, in the table and in the detail line
    assert "1 2026-08-17 张伟 zhang.wei T1 6 资深技术专家" in view
    assert "工时 1 · 2026-08-17 · 张伟 zhang.wei · T1 · 6 小时 · 资深技术专家" in view
    assert "H 工时历史" in view
    _none_of(view, "entries loaded", "more load", "oldest first", "senior_expert", "grade",
             "entry 1", "Go to date")
    assert "工时流水起始于" in form and "YYYY-MM-DD，留空从第一条工时开始" in form
    _none_of(form, "Show the journal", "Date", "empty for the first entry")


@pytest.mark.usefixtures("zh")
def test_the_exports_view_and_a_refusal_in_chinese(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("0")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExportsScreen)
        seen["view"] = _view(screen_text(pilot.app))
        screen.query_one("#ex-first", Input).value = "2026-10-32"
        screen.query_one("#ex-out", Input).value = str(tmp_path / "ts.pdf")
        await settle(pilot)
        await pilot.press("escape", "x")
        await settle(pilot)
        seen["error"] = str(screen.query_one("#ex-error", Static).render())

    drive(demo_ledger(tmp_path), scenario)
    view = seen["view"]
    assert "导出 · 打印单据为 PDF" in view and "要打印的单据" in view
    assert "从 至" in view and "保存到" in view and "覆盖已有文件" in view
    assert "每人一个文件（按 id）" in view and "所有人（全队一张）" in view
    assert "导出 (x)" in view and "核对 (v)" in view and "x 导出 v 核对 PDF" in view
    assert "选择单据（或电子表格），按 x（或“导出”按钮）。" in view
    _none_of(view, "Exports 导出", "Sheet to print", "Save to", "overwrite", "Export (x)",
             "Verify", "Choose a sheet", "everyone", "one file per person", "Result")
    # the refusal is prefixed in Chinese and names the form's label in Chinese
    assert seen["error"].startswith("已拒绝: 从: ")
    assert "2026-10-32" in seen["error"] and not (tmp_path / "ts.pdf").exists()


# ------------------------------------------------------------------ 80×24 in Chinese


@pytest.mark.usefixtures("zh")
@pytest.mark.parametrize(("view", "headline", "footer"), [
    ("blockers", "截至 2026年11月21日 损失工作日", "a 新增阻塞问题 r 解决"),
    ("changes", "变更申请单 · 截至 2026年11月21日 预算", "n 发起变更 s 签字变更 w 撤回变更"),
    ("signoffs", "签字确认 · 期间在第一个签字时锁定", "p 签字工时表 a 签字验收 s 签字范围 w 撤回"),
    ("obligations", "截至 2026年11月21日：2 项义务", "d 义务完成 v 已交付"),
    ("history", "已加载全部 47 条审计记录", "f 筛选 x 显示全部 r 重新加载"),
    ("journal", "已加载 200 / 444 条工时", "f 筛选 g 跳至日期 r 重新加载 H 工时历史"),
    ("exports", "导出 · 打印单据为 PDF", "x 导出 v 核对 PDF"),
])
def test_each_view_fits_80_by_24_in_chinese(tmp_path: Path, view: str, headline: str,
                                           footer: str) -> None:
    """At 80×24 the headline is whole (wrapped, not cut), every key of the footer shows
    and the first table keeps its first column and its headers in Chinese."""
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await pilot.press(VIEW_KEYS[view])
        await settle(pilot)
        shown.append(screen_text(pilot.app))
        tables = list(pilot.app.screen.query(DataTable))
        if tables:
            shown.append(" ".join(str(c.label) for c in tables[0].columns.values()))

    drive(demo_ledger(tmp_path), scenario, size=(80, 24))
    text = shown[0]
    assert headline in _flat(text)
    assert footer in _flat(text.splitlines()[-1])
    if len(shown) > 1:  # the first table's headers: in Chinese, none in English
        headers = shown[1].split()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in shown[1]), headers
        assert not set(headers) & {"owner", "raised", "status", "signed", "number",
                                   "document", "key", "party", "due", "when", "record",
                                   "date", "person", "hours", "grade", "note", "title"}


# ------------------------------------------------------------------ English unchanged


@pytest.mark.parametrize(("view", "english"), [
    ("blockers", ["Working days lost as of 2026-11-21: client 甲方 12, vendor 乙方 2 · "
                  "1 open, 2 resolved", "id owner raised resolved working days task",
                  "client 甲方 · raised 2026-11-11 · open 8 working days · task T5"]),
    ("changes", ["Change requests 变更申请单 · budget as of 2026-11-21: 460 PD · "
                 "end 2027-01-01", "raised 2026-11-04 by zhang.wei",
                 "name person party role signed on sha-256",
                 "赵敏 zhao.min vendor signatory 2026-11-05"]),
    ("signoffs", ["Sign-offs 签字确认 · a period locks at its first signature",
                  "tasks · estimates · deliverables", "entries locked for good",
                  "zhang.wei vendor lead 2026-08-19"]),
    ("obligations", ["As of 2026-11-21: 2 obligations: 0 open, 0 overdue, 2 done",
                     "done, 4 working days late",
                     "due 2026-08-18 (1 working day after the start)"]),
    ("history", ["all 47 audit rows loaded · newest first · showing everything (f)"]),
    ("journal", ["200 of 444 entries loaded · more load as you scroll down · oldest first",
                 "T1 6 senior_expert", "entry 1 · 2026-08-17"]),
    ("exports", ["Sheet to print", "From To", "Save to", "Export (x)"]),
])
def test_english_is_unchanged(tmp_path: Path, view: str, english: list[str]) -> None:
    text = _visit(tmp_path, view)[0]
    for sentence in english:
        assert sentence in text, sentence
    _none_of(text, "损失工作日", "预算：", "期间在第一个签字时锁定", "项义务", "审计记录",
             "条工时", "要打印的单据", "资深技术专家", "签字人")


# ------------------------------------------------------------------ the shared helpers


def test_dates_in_prose_follow_the_language_and_english_keeps_iso() -> None:
    day = date(2026, 12, 4)
    assert day_text(day) == "2026-12-04"
    set_language("zh")
    assert day_text(day) == "2026年12月4日"
    assert day_text(None) == "None"


def test_parties_grades_and_words_in_context() -> None:
    assert party_label("client") == "client 甲方" and grade_text("senior_expert") == "senior_expert"
    assert in_context("resolution|open") == "open"
    set_language("zh")
    assert party_label("client") == "甲方" and party_label("vendor") == "乙方"
    assert party_label("third") == "third"
    assert grade_text("senior") == "高级工程师"
    # one English word, three Chinese ones: the context chooses
    from model.i18n import _

    assert [in_context(_(m)) for m in ("resolution|open", "obligation|open",
                                       "document|open")] == ["未解决", "未完成", "未签字"]
    assert signature_lines([]) == "  尚无签字"


def test_a_refusal_names_the_forms_label_in_the_language_spoken() -> None:
    exc = FieldError("first", "not a date")
    assert refusal(exc, {"first": "From"}) == "From: not a date"
    refused_actor = FieldError("actor", "may not sign")
    assert refusal(refused_actor) == "Acting as (ctrl+a): may not sign"
    set_language("zh")
    assert refusal(exc, {"first": "From"}) == "从: not a date"
    assert refusal(refused_actor) == "当前身份 (ctrl+a): may not sign"
    # a label the catalogue does not hold (user text, a formatted one) is kept as is
    assert refusal(exc, {"first": "Obligation KT"}) == "Obligation KT: not a date"


def test_the_sheets_option_refusals_in_chinese_and_english() -> None:
    def said(options: SheetOptions, spreadsheet: bool = False) -> str:
        with pytest.raises(FieldError) as caught:
            (table_request if spreadsheet else sheet_request)(options)
        return caught.value.worded(lambda field: f"--{field}")

    english = [said(SheetOptions("cr")),
               said(SheetOptions("timesheet", person="a", per_person=True)),
               said(SheetOptions("summary", first="2026-01-01"), spreadsheet=True)]
    assert english == [
        "--cr: which change request? (e.g. CR-001)",
        "--per_person: not with --person (one sheet for one person)",
        "--first: does not apply to a spreadsheet of `export summary` "
        "(only to entries, timesheet)"]
    set_language("zh")
    assert said(SheetOptions("cr")) == "--cr: 哪个变更申请单？（如 CR-001）"
    # the input named inside the message is still the interface's (a Ref)
    assert (said(SheetOptions("timesheet", person="a", per_person=True))
            == "--per_person: 不能与 --person 同用（一人一张）")
    assert (said(SheetOptions("summary", first="2026-01-01"), spreadsheet=True)
            == "--first: 不适用于 `export summary` 的电子表格（仅适用于 entries, timesheet）")
