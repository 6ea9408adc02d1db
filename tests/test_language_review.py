"""What a Chinese-speaking lead, engineer and signatory read on the command line after the
language review (issue 15): one word for one thing (账本, 姓名, 项目经理), no English left
in the lines that were, list separators and spacing as Chinese writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from .test_cli_language import _run, demo  # noqa: F401  (the fixture)


def test_the_demo_says_it_was_created_in_the_sows_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")  # the demo's SOW is Chinese
    monkeypatch.setenv("SOWTRACK_DB", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("SOWTRACK_CONFIG", str(tmp_path / "c.toml"))
    rc, out, __ = _run(capsys, "demo")
    assert rc == 0
    assert out == "已创建演示项目 DEMO-AGENT\n"


def test_the_demo_says_it_in_english_when_the_setting_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_DB", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("SOWTRACK_CONFIG", str(tmp_path / "c.toml"))
    rc, out, __ = _run(capsys, "demo")
    assert (rc, out) == (0, "created demo project DEMO-AGENT\n")


def test_the_signatures_of_a_signoff_in_chinese(demo: str,  # noqa: F811
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    rc, out, __ = _run(capsys, "signoff", "list")
    assert rc == 0
    assert "张伟（zhang.wei，乙方项目经理）" in out
    assert "李娜（li.na，甲方签字人）" in out
    assert "(zhang.wei" not in out


def test_the_signatures_of_a_signoff_in_english(demo: str,  # noqa: F811
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, __ = _run(capsys, "signoff", "list")
    assert rc == 0
    assert "  张伟 (zhang.wei, vendor lead)\n" in out


def test_the_summarys_labels_line_up_in_chinese(demo: str,  # noqa: F811
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "report", "summary")
    assert rc == 0
    starts = set()
    for label in ("加班", "费用", "阻塞天数", "预计结束", "变更申请单", "额度"):
        line = next(x for x in out.splitlines() if x.startswith(label))
        rest = line[len(label):]
        starts.add(cell_len(label) + len(rest) - len(rest.lstrip(" ")))
    assert starts == {14}


def test_people_are_named_by_their_name_in_chinese(demo: str,  # noqa: F811
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    for argv in (("person", "list"), ("report", "hours")):
        rc, out, __ = _run(capsys, *argv)
        assert rc == 0
        head = out.splitlines()[0 if argv[0] == "person" else 1].split()
        assert "姓名" in head and "名称" not in head, argv


def test_the_history_of_a_signed_timesheet_reads_as_chinese(
        demo: str, capsys: pytest.CaptureFixture[str],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "history")
    assert rc == 0
    assert "签字确认，工时表 TS-001 生效" in out
    assert "已签字，工时表 TS-001 等待另一方签字" in out
    assert "签字确认使" not in out and "签字后 " not in out


def test_a_frozen_ledger_is_the_ledger_in_chinese(demo: str,  # noqa: F811
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    assert _run(capsys, "--as", "zhang.wei", "signoff", "acceptance")[0] == 0
    rc, __, err = _run(capsys, "--as", "zhou.jie", "log", "--task", "T2", "--hours", "2")
    assert rc == 1
    assert "账本已冻结" in err and "台账" not in err



def test_an_alert_puts_a_space_between_an_id_and_the_chinese() -> None:
    from model.i18n import set_language
    from model.rules.alerts import Alert

    set_language("zh")  # conftest sets English back after the test
    assert Alert("missing", ("zhou.jie", "2026-12-04")).text == (
        "zhou.jie 在 2026-12-04 没有登记工时")
    assert Alert("grade", ("senior", "161", "160")).text.startswith("高级工程师超出预算")
    staff = Alert("staff_notice", ("wu.lei", "replace", "2026-11-02", "3", "10")).text
    assert staff.startswith("wu.lei 的人员变更") and "工作说明书要求提前 10 个工作日" in staff
    assert "SOW" not in staff


def test_a_pending_change_request_waits_for_a_party_in_chinese(
        demo: str, capsys: pytest.CaptureFixture[str],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "cr", "show", "CR-002")
    assert rc == 0
    assert "待生效：乙方已签字，等待甲方" in out


def test_a_signatory_refused_reads_as_chinese(demo: str,  # noqa: F811
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, __, err = _run(capsys, "--as", "li.na", "log", "--task", "T2", "--hours", "2")
    assert rc == 1
    assert err.startswith("错误: --as: li.na（甲方签字人）不能登记、修改或删除自己的工时；")
    assert "\n" == err[-1] and err.count("\n") == 1


def test_a_signatory_refused_in_english_is_unchanged(demo: str,  # noqa: F811
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    rc, __, err = _run(capsys, "--as", "li.na", "log", "--task", "T2", "--hours", "2")
    assert rc == 1
    assert err.startswith("error: --as: li.na (client signatory) may not ")


def test_whoami_in_chinese_punctuation(demo: str,  # noqa: F811
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "--as", "zhou.jie", "whoami")
    assert rc == 0
    assert out == ("当前身份：zhou.jie 周杰，乙方工程师\n"
                   "可以：查看报表和单据；登记、修改或删除自己的工时；提出或解决阻塞问题\n")


def test_whoami_in_english_is_unchanged(demo: str,  # noqa: F811
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, __ = _run(capsys, "--as", "zhou.jie", "whoami")
    assert (rc, out) == (0, "acting as zhou.jie 周杰, vendor engineer\n"
                            "may: read reports and sheets; log, edit or delete their own "
                            "entries; raise or resolve a blocker\n")


def test_the_task_and_person_tables_say_their_words_in_chinese(
        demo: str, capsys: pytest.CaptureFixture[str],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    tasks = _run(capsys, "task", "list")[1]
    t2 = next(line for line in tasks.splitlines() if line.startswith("T2 "))
    assert " 高 " in t2 and " 进行中 " in t2 and "in_progress" not in t2
    people = _run(capsys, "person", "list")[1]
    wang = next(line for line in people.splitlines() if line.startswith("wang.fang "))
    assert " 驻场 " in wang and "onsite" not in wang


def test_the_task_and_person_tables_keep_the_keys_in_english(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    tasks = _run(capsys, "task", "list")[1]
    t2 = next(line for line in tasks.splitlines() if line.startswith("T2 "))
    assert " high " in t2 and " in_progress " in t2
    people = _run(capsys, "person", "list")[1]
    wang = next(line for line in people.splitlines() if line.startswith("wang.fang "))
    assert " onsite " in wang
