"""The ledger's storage speaks the chosen language (issue 15): the SOW file's and the
entry CSV's errors, the config file's, the services' refusals and verify's findings
are Chinese when Chinese is spoken, and the same English as before otherwise. What is
stored (the audit log, the tables) does not depend on the language."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from model import i18n
from model.errors import FieldError, LedgerError
from storage import config
from storage.orm import AuditEvent
from storage.services import Ledger
from storage.sowfile import EntryRow, open_entry_file, parse_entry_csv, parse_sow
from tests.conftest import EXAMPLE_SOW, as_

CODE = "CLAIMS-AGENT-2026"
SOW = EXAMPLE_SOW.read_text(encoding="utf-8")


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chinese, chosen as the app and the command line choose it (the setting)."""
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    i18n.set_language(i18n.choose("zh", None))


def refusal(call, *args, **kwargs) -> LedgerError:
    with pytest.raises(LedgerError) as info:
        call(*args, **kwargs)
    return info.value


def _sow(old: str, new: str) -> str:
    assert old in SOW
    return SOW.replace(old, new, 1)


# ------------------------------------------------------------------ the SOW file

def test_a_sow_files_errors_in_chinese_keep_the_where(zh: None) -> None:
    bad = _sow('end = 2026-05-29', 'end = 2026-01-05')
    assert str(refusal(parse_sow, bad)) == \
        "SOW: [project] end: 2026-01-05 早于开始日期 2026-03-02"
    unknown = str(refusal(parse_sow, _sow("hours_per_day = 8", "hours_per_day = 8\nsurprise = 1")))
    assert unknown.startswith("SOW: [project] surprise: 未知的键（已知: ")
    assert "unknown key" not in unknown
    table = str(refusal(parse_sow, _sow('end = 2026-05-29', 'end = { a = 1 }')))
    assert table == "SOW: [project] end: 应为日期（YYYY-MM-DD），实际为 一个表"


def test_a_sow_files_errors_stay_english_when_english_is_spoken() -> None:
    bad = _sow('end = 2026-05-29', 'end = 2026-01-05')
    assert str(refusal(parse_sow, bad)) == \
        "SOW: [project] end: 2026-01-05 is before start 2026-03-02"
    table = str(refusal(parse_sow, _sow('end = 2026-05-29', 'end = { a = 1 }')))
    assert table == "SOW: [project] end: expected a date (YYYY-MM-DD), got a table"


def test_the_words_of_the_vocabulary_are_the_glossarys(zh: None) -> None:
    """A vendor lead without a grade: the role is named in Chinese (model.i18n.word),
    and the glossary's term for grade is used."""
    lead = 'role = "lead"              # lead | engineer | signatory'
    bad = _sow(f'{lead}\ngrade = "senior_expert"', lead)
    assert str(refusal(parse_sow, bad)) == \
        "SOW: [[person]] #1 grade: 缺少: 乙方项目经理要记工时，需要职级"


# ------------------------------------------------------------------ the entry CSV

def test_an_entry_files_errors_in_chinese_keep_the_line(zh: None) -> None:
    header = str(refusal(parse_entry_csv, "day,person,task,hours,note\n", "march.csv"))
    assert header == ("march.csv: line 1: 表头必须是 date,person,task,hours,note，"
                      "实际为 day,person,task,hours,note")
    rows, problems = parse_entry_csv("date,person,task,hours,note\n"
                                     "2026-03-02,liu.yang,T2,8\n"
                                     '2026-03-03,liu.yang,T2,8,"open\n')
    assert rows == []
    assert problems == ["line 2: 应有 5 个字段（date,person,task,hours,note），实际为 4 个",
                        'line 3: 此行中的引号（"）没有闭合：文件的其余部分都会成为它的值']


def test_an_entry_files_errors_in_english_are_unchanged() -> None:
    __, problems = parse_entry_csv("date,person,task,hours,note\n2026-03-02,liu.yang,T2,8\n")
    assert problems == ["line 2: expected 5 fields (date,person,task,hours,note), got 4"]


def test_importing_a_file_twice_is_refused_in_chinese(example: Ledger, tmp_path: Path,
                                                      zh: None) -> None:
    f = tmp_path / "march.csv"
    f.write_text("date,person,task,hours,note\n2026-03-02,liu.yang,T2,8,parser\n"
                 "2026-03-03,wang.fang,T3,7.5,\n", encoding="utf-8")
    source = open_entry_file(f)
    assert example.import_entries(source.rows, source.problems, source=source) == 2
    again = open_entry_file(f)
    refused = refusal(example.import_entries, again.rows, again.problems, source=again)
    message = str(refused)
    assert message.startswith("march.csv: 此文件已由 zhang.wei 于 ")
    assert message.endswith(" UTC 导入（2 条工时）；再次导入会重复计算工时"
                            "（如确有此意，请用 again）")
    # each interface still names the input its own way
    assert refused.worded(lambda field: f"--{field}").endswith("请用 --again）")
    # what is stored does not follow the reader's language
    with example.engine.connect() as conn:
        after = conn.execute(select(AuditEvent.after).where(AuditEvent.entity == "import")
                             ).scalar_one()
    assert '"name": "march.csv"' in after or '"name":"march.csv"' in after


def test_a_bad_row_of_an_import_names_its_line_in_chinese(example: Ledger, zh: None) -> None:
    rows = [EntryRow(2, "2026-03-02", "liu.yang", "T2", "8", ""),
            EntryRow(3, "2026-03-03", "li.na", "T2", "8", "")]
    with pytest.raises(LedgerError) as info:
        as_(example, "liu.yang").import_entries(rows)
    assert isinstance(info.value, FieldError) and info.value.field == "actor"
    # the actor's label is the model's (model.permissions); the sentence is storage's
    assert str(info.value) == "actor: liu.yang（乙方工程师）不能导入他人的工时：第 3 行属于 'li.na'"


# ------------------------------------------------------------------ the config file

def test_the_config_files_errors_in_chinese(tmp_path: Path, zh: None) -> None:
    path = tmp_path / "config.toml"
    path.write_text('colour = "red"\n', encoding="utf-8")
    message = str(refusal(config.load_config, path))
    assert message == (f"配置文件 {path}: 未知的键 'colour'（已知: "
                       f"{', '.join(config.KEYS)}）")
    path.write_text('person = 3\n', encoding="utf-8")
    assert str(refusal(config.load_config, path)) == \
        f"配置文件 {path}: person: 必须是字符串，而不是整数"
    assert str(refusal(config.check_db_url, "nothing")).startswith("config: db: 不是数据库 URL")


def test_the_config_files_errors_in_english_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('colour = "red"\n', encoding="utf-8")
    assert str(refusal(config.load_config, path)) == \
        f"config file {path}: unknown key 'colour' (known: {', '.join(config.KEYS)})"


def test_an_empty_setting_is_refused_with_its_hint_in_chinese(
        monkeypatch: pytest.MonkeyPatch, zh: None) -> None:
    monkeypatch.setenv("SOWTRACK_USER", " ")
    assert str(refusal(config.setting, "person")) == \
        "SOWTRACK_USER: 已设置但为空；请指定人员 id，或取消设置"


# ------------------------------------------------------------------ the services

def test_the_services_refuse_in_chinese(example: Ledger, zh: None) -> None:
    refused = refusal(example.add_task, "T2", "Again", "1")
    assert isinstance(refused, FieldError) and refused.field == "code"
    assert str(refused) == "code: 任务 'T2' 已存在"
    assert str(refusal(example.add_person, "x.y", "X", "vendor", "engineer", "junior",
                       first="2027-01-01")) == \
        "first: 2027-01-01 不在工作说明书期间内（2026-03-02..2026-05-29）"
    example.use_quota("research-meetings", n=3, on="2026-03-05")
    assert str(refusal(example.use_quota, "research-meetings", on="2026-03-05")) == \
        "额度 research-meetings: 2026-03-05 的上限为 3，已用 3；再用 1 将达到 4"
    assert str(refusal(example.resolve_blocker, "B-404")) == "阻塞问题: 没有阻塞问题 'B-404'"


def test_the_services_refuse_in_english_as_before(example: Ledger) -> None:
    assert str(refusal(example.add_task, "T2", "Again", "1")) == "code: a task 'T2' already exists"
    example.use_quota("research-meetings", n=3, on="2026-03-05")
    assert str(refusal(example.use_quota, "research-meetings", on="2026-03-05")) == \
        "quota research-meetings: limit is 3 on 2026-03-05 and 3 are used; 1 more would make 4"


def test_a_refusal_naming_another_input_keeps_it_an_input(example: Ledger, zh: None) -> None:
    refused = refusal(example.replace, "liu.yang", "new.one", on="2026-04-01")
    assert isinstance(refused, FieldError) and refused.field == "by"
    assert refused.worded(lambda field: f"--{field}") == (
        "--by: new.one 不是项目人员: 请先添加，或给出 --name 以 liu.yang 的职级和角色添加")


# ------------------------------------------------------------------ verify's findings

def _tamper(led: Ledger) -> None:
    with led.engine.begin() as conn:
        conn.execute(text("INSERT INTO calendar_day (project_id, \"on\", kind) "
                          "SELECT id, '2026-04-15', 'holiday' FROM project"))


def test_verify_names_what_was_changed_in_chinese(example: Ledger, zh: None) -> None:
    _tamper(example)
    assert example.verify()[1] == [
        f"{CODE} calendar 2026-04-15: 不在审计日志中（有人绕过程序添加）"]


def test_verify_names_what_was_changed_in_english(example: Ledger) -> None:
    _tamper(example)
    assert example.verify()[1] == [f"{CODE} calendar 2026-04-15: not in the audit log (added "
                                   f"behind the program's back)"]


# ------------------------------------------------------------------ files written, reminders

def test_an_existing_output_file_is_refused_in_chinese(tmp_path: Path, zh: None) -> None:
    from storage.outfile import check_target

    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"%PDF")
    refused = refusal(check_target, str(out), force=False)
    assert str(refused) == f"out: {out} 已存在；加上 force 可覆盖它"
    assert refused.worded(lambda field: f"--{field}") == \
        f"--out: {out} 已存在；加上 --force 可覆盖它"
    assert str(refusal(check_target, str(tmp_path / "no" / "x.pdf"), force=False)) == \
        f"out: 文件夹 {tmp_path / 'no'} 不存在"


def test_an_existing_output_file_is_refused_in_english(tmp_path: Path) -> None:
    from storage.outfile import check_target

    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"%PDF")
    assert str(refusal(check_target, str(out), force=False)) == \
        f"out: {out} exists; add force to overwrite it"


def test_a_reminder_channels_missing_secret_is_named_in_chinese(
        monkeypatch: pytest.MonkeyPatch, zh: None) -> None:
    from exports.notify import SendError, secret
    from model.reminders import Channel

    monkeypatch.delenv("ROBOT_SECRET", raising=False)
    with pytest.raises(SendError, match="^环境变量 ROBOT_SECRET 未设置$"):
        secret(Channel("team", "dingtalk", url="https://example.invalid"), "ROBOT_SECRET")


def test_verify_names_an_edited_time_entry_in_chinese(example: Ledger, zh: None) -> None:
    entry = as_(example, "liu.yang").log("T2", "8", on="2026-03-02")
    with example.engine.begin() as conn:
        conn.execute(text(f"UPDATE time_entry SET minutes = 600 WHERE id = {entry.id}"))
    assert example.verify()[1] == [
        f"{CODE} entry {entry.id}: 与其最后一条审计行不符（有人绕过程序改动）: "
        "minutes 原为 480，现为 600"]
