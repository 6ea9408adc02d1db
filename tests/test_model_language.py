"""The ledger's rules speak the language chosen (issue 15): refusals of model.rules, the
locks, the permission matrix and the trackers' parse errors, and the history's sentences,
in Chinese under ``set_language("zh")`` and word for word as before in English. A
refusal that names another input keeps it a Ref: the command line names it by its flag,
the app by its form field's label, in either language."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from model import rules
from model.errors import FieldError, LedgerError, Ref
from model.history import AuditRow, describe, line, parse_record
from model.i18n import language, set_language
from model.locks import Document, check_day_open, check_not_accepted
from model.permissions import Action, Actor, require
from model.rules.capacity import check_capacity
from model.rules.facts import ChangeFact, SignatureFact
from model.rules.plausible import check_change_not_empty, check_date, check_period
from model.rules.signoff import check_signature
from model.sheets import PrintedIdentity
from model.trackers import parse_kimai, parse_timedot, parse_timew
from model.trackers.days import plan_entries
from model.usertext import check_text
from storage.services import Ledger
from tui.cli import main
from tui.flags import worded
from tui.text import refusal

from .tui_support import demo_ledger, drive, settle

NAMES = {"li.na": "李娜", "chen.jing": "陈静", "wang.fang": "王芳"}


def refused(action, *args, **kwargs) -> LedgerError:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError) as e:
        action(*args, **kwargs)
    return e.value


def in_both(action, *args, **kwargs) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The refusal's text in English, then in Chinese."""
    set_language("en")
    english = str(refused(action, *args, **kwargs))
    set_language("zh")
    return english, str(refused(action, *args, **kwargs))


# ---------------------------------------------------------------- the rules


def test_typed_values_are_refused_in_chinese_and_in_the_same_english() -> None:
    en, zh = in_both(rules.parse_hours, "abc")
    assert en == "hours: 'abc' is not a number of hours (e.g. 7.5, 1h30m, 90m or 1:30)"
    assert zh == "hours: 'abc' 不是小时数（例如 7.5, 1h30m, 90m or 1:30）"
    en, zh = in_both(rules.parse_hours, "25")
    assert (en, zh) == ("hours: 25 is more than 24 hours", "hours: 25 超过 24 小时")
    en, zh = in_both(rules.pd_to_milli, "1.2345", Ref("estimate"))
    assert en == "estimate: 1.2345 has more than 3 decimals"
    assert zh == "estimate: 1.2345 的小数超过 3 位"
    en, zh = in_both(rules.parse_day, "someday", date(2026, 3, 2))
    assert en.startswith("date: 'someday' is not a date (today, yesterday")
    assert zh.startswith("date: 'someday' 不是日期（today, yesterday")
    set_language("en")
    assert str(rules.unknown_person("nobody")) == "person: unknown person 'nobody'"
    set_language("zh")
    assert str(rules.unknown_person("nobody")) == "person: 未知人员 'nobody'"


def test_dates_and_signatures_are_refused_in_chinese() -> None:
    en, zh = in_both(check_date, date(2026, 3, 9), Ref("date"), date(2026, 3, 2))
    assert en == ("date: 2026-03-09 is after today (2026-03-02); a date records what "
                  "already happened")
    assert zh == "date: 2026-03-09 晚于今天（2026-03-02）；日期记录的是已发生的事"
    signer = SignatureFact("chen.jing", "vendor", "engineer", date(2026, 3, 2))
    en, zh = in_both(check_signature, "CR-002", "open", (), signer)
    assert en == ("actor: chen.jing is a vendor engineer; only a vendor lead or signatory "
                  "and a client signatory can sign CR-002")
    # the party and the role are the vocabulary's words (model.i18n.word)
    assert zh == ("actor: chen.jing 是乙方工程师；只有乙方项目经理或签字人以及甲方签字人"
                  "可以签字确认 CR-002")
    en, zh = in_both(check_signature, "CR-002", "withdrawn", (), signer)
    assert (en, zh) == ("CR-002: is withdrawn and cannot be signed", "CR-002: 已撤回，不能签字")


def test_the_locks_refuse_in_chinese() -> None:
    period = Document("period", "TS-001", "effective", date(2026, 3, 1), date(2026, 3, 31))
    en, zh = in_both(check_day_open, [period], date(2026, 3, 5), Ref("date"))
    assert en == "date: 2026-03-05 lies in period TS-001 (2026-03-01..2026-03-31), which is signed"
    assert zh == "date: 2026-03-05 属于期间 TS-001（2026-03-01..2026-03-31），该期间已签字确认"
    en, zh = in_both(check_not_accepted, "CODE", date(2026, 12, 1))
    assert en == "project CODE was accepted on 2026-12-01; the ledger is read-only"
    assert zh == "项目 CODE 已于 2026-12-01 验收，账本为只读"


def test_user_text_refusals_speak_chinese() -> None:
    en, zh = in_both(check_text, "a\x1bb", "title")
    assert en == "title: must be one line without control characters (it holds '\\x1b')"
    assert zh == "title: 须为一行且不含控制字符（含有 '\\x1b'）"


# ---------------------------------------------------------------- another input, named


def test_a_refusal_names_the_other_input_by_flag_and_by_label_in_chinese() -> None:
    set_language("zh")
    e = refused(check_period, date(2026, 3, 5), date(2026, 3, 1))
    assert isinstance(e, FieldError) and e.field == "last"
    assert Ref("first") in e.problem_parts  # a Ref, not a word: each interface names it
    assert worded(e) == "--to: 2026-03-01 早于 --from 2026-03-05"
    assert refusal(e, {"first": "起始日", "last": "截止日"}) == (
        "截止日: 2026-03-01 早于 起始日 2026-03-05")
    set_language("en")
    assert worded(refused(check_period, date(2026, 3, 5), date(2026, 3, 1))) == (
        "--to: 2026-03-01 is before --from 2026-03-05")

    set_language("zh")
    change = ChangeFact("CR-009", date(2026, 3, 2))
    e = refused(check_change_not_empty, change, date(2026, 6, 30))
    assert worded(e) == ("--delta: 该变更申请单没有任何变更：请给出人天增减（--delta）、"
                         "额度增减（--quota）或新的结束日期（--end）")
    e = refused(check_capacity, "wang.fang", 120_000, 100, False)
    text = refusal(e, {"PD": "计划人天", "over": "允许超出可用人天"})
    assert text == ("计划人天: wang.fang 的人天分配合计将达 120 人天，超出其可用人天 100 人天"
                    "（在岗工作日减去请假天数）；请调低，或用 允许超出可用人天 允许超出")


# ---------------------------------------------------------------- who may do what


def test_the_permission_matrix_refuses_in_chinese() -> None:
    client = Actor("li.na", "client", "engineer")
    en, zh = in_both(require, client, Action.SIGN)
    assert en == ("actor: li.na (client lead or engineer) may not sign (or withdraw) a change "
                  "request, a period timesheet, the acceptance or the scope; only a vendor "
                  "lead or signatory and a client signatory sign")
    assert zh == ("actor: li.na（甲方项目经理或工程师）不能签字（或撤回）变更申请单、工时确认单、"
                  "验收单或需求范围；只有乙方项目经理或签字人以及甲方签字人可以签字")
    set_language("zh")
    e = refused(require, Actor(None), Action.SIGN)
    assert worded(e).startswith("--as: 请指明操作人（--as、SOWTRACK_USER")
    set_language("en")
    assert worded(refused(require, Actor(None), Action.SIGN)).startswith(
        "--as: name who is acting (--as, SOWTRACK_USER")


# ---------------------------------------------------------------- trackers' files


def test_the_trackers_parse_errors_speak_chinese() -> None:
    timew = '[{"start": "yesterday"}, {"start": "20261120T083000Z"}]'
    set_language("en")
    assert parse_timew(timew).problems == [
        "[0].start: expected a UTC time like 20261120T083000Z, got 'yesterday'",
        "[1].end: missing: the interval is still running; stop it (timew stop) and "
        "export again"]
    set_language("zh")
    # the place in the file stays as the file names it; the problem is Chinese
    assert parse_timew(timew).problems == [
        "[0].start: 应为 UTC 时间（如 20261120T083000Z），实际为 'yesterday'",
        "[1].end: 缺失：该时间段仍在计时；请停止（timew stop）后重新导出"]
    assert parse_timedot("  T2  1d\n").problems == ["line 1: 时间行出现在任何日期行之前"]
    with pytest.raises(LedgerError) as e:
        parse_timew("[1, 2")
    assert str(e.value).startswith("第 1 行第 6 列：不是 JSON")
    kimai = ("Date,From,To,Duration,User,Activity\n2026-03-02,09:00,10:00,1:00,ann,T2\n"
             "2026-03-02,11:00,12:00,1:00,bob,T2\n")
    with pytest.raises(LedgerError) as e:
        parse_kimai(kimai)
    assert str(e.value).startswith("该文件含有 2 个用户的时间（'ann' (line 2)")


def test_an_interval_naming_no_task_is_refused_in_chinese() -> None:
    parsed = parse_timew('[{"start": "20261120T083000Z", "end": "20261120T093000Z", '
                         '"tags": ["lunch"]}]')
    set_language("zh")
    plan = plan_entries(parsed.intervals, "UTC", ["T1", "T2"], {}, {}, {})
    assert plan.problems == ["[0]: 没有标签或账户对应项目中的任务（名称：'lunch'）；"
                             "请在标签中写明任务代码，或将名称映射到任务"]


# ---------------------------------------------------------------- the history


def row(action: str, entity: str, ref: str, before: dict | None = None,
        after: dict | None = None, actor: str = "chen.jing") -> AuditRow:
    return AuditRow(1, datetime(2026, 11, 2, 3, 0), actor, action, entity, ref, before, after)


ENTRY = {"id": 13, "date": "2026-11-02", "person": "chen.jing", "task": "T2", "minutes": 450,
         "grade": "expert", "note": "parsing"}


def test_the_history_speaks_chinese_and_the_same_english() -> None:
    day = date(2026, 11, 2)
    edited = row("edit", "entry", "13", ENTRY, {**ENTRY, "minutes": 480, "note": "parsing v2"})
    signed = row("sign", "signature", "CR-002/li.na", None,
                 {"doc": "CR-002", "person": "li.na", "party": "client", "role": "signatory",
                  "on": "2026-10-03", "digest": "ab"}, actor="li.na")
    blocker = row("add", "blocker", "B-001", None,
                  {"title": "no VPN", "party": "client", "raised_on": "2026-11-02",
                   "task": "T2"}, actor="wang.fang")
    set_language("en")
    assert describe(edited, NAMES, day) == (
        "陈静 edited entry 13 on 2026-11-02: hours 7.5 → 8, note “parsing” → “parsing v2”")
    assert describe(signed, NAMES, date(2026, 10, 5)) == (
        "李娜 signed CR-002 on 2026-10-03 (recorded on 2026-10-05) as client signatory")
    assert describe(blocker, NAMES, day) == (
        "王芳 raised blocker B-001 “no VPN” owned by the client on 2026-11-02, task T2")
    set_language("zh")
    assert describe(edited, NAMES, day) == (
        "陈静 于 2026-11-02 修改了工时 13：工时 7.5 → 8, 备注 “parsing” → “parsing v2”")
    assert describe(signed, NAMES, date(2026, 10, 5)) == (
        "李娜 于 2026-10-03（2026-10-05 登记）签字确认了 CR-002（甲方签字人）")
    assert describe(blocker, NAMES, day) == (
        "王芳 于 2026-11-02 提出阻塞问题 B-001 “no VPN”，由甲方负责，任务 T2")
    # a record the filter cannot read is refused in Chinese, naming the field
    with pytest.raises(FieldError) as e:
        parse_record("widget:1")
    assert e.value.field == "record" and "不是记录类型" in e.value.problem


def test_the_history_in_json_stays_english() -> None:
    signed = row("sign", "signature", "CR-002/li.na", None,
                 {"doc": "CR-002", "person": "li.na", "party": "client", "role": "signatory",
                  "on": "2026-11-02", "digest": "ab"}, actor="li.na")
    set_language("zh")
    shown = line(signed, NAMES, "UTC")
    assert shown.text == "李娜 于 2026-11-02 签字确认了 CR-002（甲方签字人）"
    assert shown.to_json()["text"] == "李娜 signed CR-002 on 2026-11-02 as client signatory"
    assert language() == "zh"  # still spoken after the English copy


def test_the_history_command_refuses_in_chinese_naming_the_flag(
        example: Ledger, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    set_language("zh")
    capsys.readouterr()
    rc = main(["--db", example.engine.url.render_as_string(hide_password=False), "history",
               "--from", "2026-03-05", "--to", "2026-03-01", "--json"])
    out = capsys.readouterr()
    assert rc == 1 and out.out == ""
    assert out.err.endswith("--to: 2026-03-01 早于 --from 2026-03-05\n"), out.err
    assert out.err.count("\n") == 1
    rc = main(["--db", example.engine.url.render_as_string(hide_password=False), "history",
               "--limit", "1", "--json"])
    doc = json.loads(capsys.readouterr().out)
    text = doc["rows"][0]["text"]  # JSON is for programs: English whatever is spoken
    assert rc == 0 and " on 20" in text and "于" not in text, text


def test_the_calendars_warning_and_a_sheets_metadata_speak_chinese() -> None:
    cn = rules.Calendar(country="CN")
    set_language("zh")
    assert rules.country_warning(cn, date(2026, 3, 2), date(2027, 6, 30)) == (
        "警告：holidays 库尚未发布 CN 2027 年的官方节假日安排；请在 [calendar] 中明确列出"
        "这些年份的节假日和调休工作日")
    with pytest.raises(ValueError) as e:
        PrintedIdentity.parse({"id": "nonsense"})
    assert str(e.value) == "'nonsense' 不是 sowtrack 文档编号"
    set_language("en")
    assert str(refused(rules.parse_hours, "1h90m")) == (
        "hours: '1h90m': the minutes after hours are below 60 (write 2h30m or 150m)")
    set_language("zh")
    assert str(refused(rules.parse_hours, "1h90m")) == (
        "hours: '1h90m': 小时后的分钟须小于 60（请写 2h30m 或 150m）")


def test_the_dashboards_alerts_speak_the_language_chosen() -> None:
    over = rules.Alert("grade", ("senior", "10", "8"))
    blocker = rules.Alert("blocker", ("B-001", "client", "5"))
    set_language("en")
    assert over.text == "senior is over budget: 10 of 8 PD consumed"
    assert blocker.text == "blocker B-001 (client) open for 5 working days"
    set_language("zh")
    assert over.text == "高级工程师超出预算：已消耗 10 人天，预算 8 人天"
    assert blocker.text == "阻塞问题 B-001（甲方）已持续 5 个工作日"


def test_a_staff_change_is_said_in_words_in_chinese_and_by_its_key_in_english() -> None:
    short = rules.Alert("staff_notice", ("liu.yang", "add", "2026-03-10", "2", "5"))
    joined = row("add", "staff_change", "liu.yang", None,
                 {"person": "liu.yang", "effective_on": "2026-03-10",
                  "recorded_on": "2026-03-06", "required": 5}, actor="zhang.wei")
    set_language("en")
    assert short.text == ("staff change (add) of liu.yang on 2026-03-10 was recorded 2 working "
                          "days ahead; the SOW asks for 5")
    assert describe(joined, NAMES, date(2026, 3, 6)) == (
        "zhang.wei recorded a vendor staff change (add) of liu.yang on 2026-03-06: effective "
        "2026-03-10, recorded 2026-03-06, 5 working days of notice required")
    set_language("zh")
    assert "（新增人员）" in short.text and "add" not in short.text
    assert describe(joined, NAMES, date(2026, 3, 6)) == (
        "zhang.wei 于 2026-03-06 登记了 liu.yang 的乙方人员变更（新增人员）：2026-03-10 生效，"
        "2026-03-06 登记，须提前 5 个工作日通知")
    # the JSON copy of the same row keeps the key
    assert "(add)" in line(joined, NAMES, "UTC").to_json()["text"]


# ---------------------------------------------------------------- in the app


def test_the_app_shows_a_refusal_of_the_rules_in_the_sows_chinese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")  # the demo SOW's language is zh
    led = demo_ledger(tmp_path, actor="liu.yang")
    before = led.entries(person="liu.yang")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("2")
        pilot.app.screen.query_one("#log-date", Input).value = "tomorrow"
        pilot.app.screen.query_one("#log-hours", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        seen["error"] = str(pilot.app.screen.query_one("#log-error", Static).render())

    drive(led, scenario)
    # the form names its field by its label; the rule's words are Chinese
    assert "'tomorrow' 不是日期（today, yesterday, -N, mon..sun or YYYY-MM-DD）" in seen["error"]
    assert "is not a date" not in seen["error"]
    assert led.entries(person="liu.yang") == before
