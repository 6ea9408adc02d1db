"""The command line speaks the language chosen (issue 15): `--help`, argparse's own words,
usage errors, refusals, confirmations and the human tables in Chinese when the setting
says zh or, with no setting, when the SOW is Chinese; English unchanged otherwise; JSON
the same in both."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from storage.db import default_url, sqlite_file
from storage.demo import DEMO_CODE
from tui.cli import build_parser, main
from tui.commands.language import sqlite_path, wrap_cells

from .processes import cli_env
from .tui_support import demo_ledger

DAY = "2026-11-20"  # a Friday inside the demo's SOW


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo ledger (its SOW is Chinese), named by SOWTRACK_DB as a user's would be."""
    led = demo_ledger(tmp_path)
    led.engine.dispose()
    url = f"sqlite:///{tmp_path / 'tui.db'}"
    monkeypatch.setenv("SOWTRACK_DB", url)
    monkeypatch.setenv("SOWTRACK_PROJECT", DEMO_CODE)
    monkeypatch.setenv("SOWTRACK_TODAY", DAY)
    return url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        rc = main(list(argv))
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    done = capsys.readouterr()
    return rc, done.out, done.err


# ------------------------------------------------------------------ --help

def test_help_in_chinese(capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "--help")
    assert rc == 0
    for words in ("用法: sowtrack", "位置参数:", "选项:", "全局选项:", "显示此帮助信息并退出",
                  "按工作说明书跟踪以人天计价的专业服务项目", "登记一条工时", "阻塞问题",
                  "变更申请单", "示例："):
        assert words in out, words
    assert "sowtrack init sow.toml" in out  # the examples stay as they are
    for english in ("usage:", "options:", "show this help message", "log one time entry",
                    "example:"):
        assert english not in out, english


def test_help_in_english_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, __ = _run(capsys, "--help")
    assert rc == 0
    assert out.startswith("usage: sowtrack [-h]")
    for words in ("positional arguments:", "options:", "global options:",
                  "show this help message and exit", "log one time entry", "example:"):
        assert words in out, words
    assert "用法" not in out and "登记" not in out


def test_a_groups_and_a_commands_help_in_chinese(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    __, group, __ = _run(capsys, "task", "--help")
    assert "用法: sowtrack task" in group
    assert "工作分解（任务）：新增、修改、为人员分配人天、列出" in group
    assert "新增任务及其估算" in group and "the work breakdown" not in group
    __, command, __ = _run(capsys, "log", "--help")
    assert "登记一条工时：某天在某个任务上的小时数" in command
    # a help text with the forms filled in after it is translated
    assert "工作小时数：7.5, 1h30m, 90m or 1:30" in command
    assert "sowtrack log 1h30m T2 \"retry logic\"" in command  # the examples as they are
    assert "hours worked" not in command and "The short form" not in command


def test_every_help_fits_its_width_in_chinese(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A Chinese character takes two cells: each command's help is wrapped by cells, so
    no line but an example is wider than the terminal."""
    import argparse

    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    monkeypatch.setenv("COLUMNS", "80")

    def commands(parser: argparse.ArgumentParser, path: list[str]):  # type: ignore[no-untyped-def]
        yield path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from commands(sub, [*path, name])

    wide = []
    for path in commands(build_parser(), []):
        __, out, __ = _run(capsys, *path, "--help")
        assert "用法" in out
        wide += [line for line in out.splitlines()
                 if cell_len(line) > 80 and not line.lstrip().startswith(("sowtrack", "#"))]
    assert wide == []


def test_the_examples_stay_whole_in_chinese(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An example wider than the terminal is not cut in two in Chinese (it could not be
    copied): the examples are printed as in English, only their heading translated."""
    monkeypatch.setenv("COLUMNS", "80")
    example = ("  sowtrack blocker add --title 'Test environment access not granted' "
               "--party client\n")
    __, english, __ = _run(capsys, "blocker", "add", "--help")
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    __, chinese, __ = _run(capsys, "blocker", "add", "--help")
    assert english.endswith("example:\n" + example)
    assert chinese.endswith("示例：\n" + example)
    __, chinese, __ = _run(capsys, "config", "--help")
    assert "  sowtrack config set db postgresql://" in chinese


def test_wrap_cells() -> None:
    lines = wrap_cells("按工作说明书跟踪以人天计价的专业服务项目（PostgreSQL：用 pg_dump），"
                       "每一行不超过二十个单元格", 20)
    assert all(cell_len(line) <= 20 for line in lines), lines
    assert "".join(lines).replace(" ", "") == (
        "按工作说明书跟踪以人天计价的专业服务项目（PostgreSQL：用pg_dump），每一行不超过二十个单元格")
    assert not any(line.startswith(("，", "）", "：")) or line.endswith("（") for line in lines)


# ------------------------------------------------------------------ which language

def test_help_follows_the_sows_language_with_no_setting(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    __, out, __ = _run(capsys, "--help")
    assert "用法: sowtrack" in out and "usage:" not in out


def test_the_setting_wins_over_the_sow(demo: str, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    __, out, __ = _run(capsys, "--help")
    assert "usage: sowtrack" in out and "用法" not in out
    rc, out, __ = _run(capsys, "blocker", "list")
    assert rc == 0 and "party" in out and "甲乙方" not in out


def test_the_config_files_language(demo: str, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    assert _run(capsys, "config", "set", "language", "en")[0] == 0
    __, out, __ = _run(capsys, "entries", "--from", DAY)
    assert "entries," in out and "条工时" not in out


def test_help_with_no_ledger_is_english(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    monkeypatch.setenv("SOWTRACK_DB", f"sqlite:///{tmp_path / 'none.db'}")
    __, out, __ = _run(capsys, "--help")
    assert "usage: sowtrack" in out
    assert not (tmp_path / "none.db").exists()  # asking for help creates no ledger


def test_help_follows_the_sow_on_both_backends(
        example: object, db_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite is read with sqlite3, PostgreSQL through SQLAlchemy: the example SOW is zh."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    monkeypatch.setenv("SOWTRACK_DB", db_url)
    __, out, __ = _run(capsys, "task", "--help")
    assert "用法: sowtrack task" in out


def test_an_english_sow_speaks_english(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    sow = tmp_path / "sow.toml"
    text = (Path(__file__).parent / "data" / "sow-example.toml").read_text(encoding="utf-8")
    assert 'language = "zh"' in text
    sow.write_text(text.replace('language = "zh"', 'language = "en"', 1), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'en.db'}"
    rc, out, err = _run(capsys, "--db", url, "init", str(sow))
    assert rc == 0, err
    assert out.startswith("created project ")
    monkeypatch.setenv("SOWTRACK_DB", url)
    assert "usage: sowtrack" in _run(capsys, "--help")[1]


def test_a_language_sowtrack_does_not_speak_is_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "fr")
    rc, out, err = _run(capsys, "--help")
    assert rc == 1 and out == ""
    assert err.count("\n") == 1 and "SOWTRACK_LANGUAGE" in err and "'fr'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("bad", ['"fr"', '""', "5"])
def test_a_bad_language_in_the_config_file_can_be_repaired(
        bad: str, _isolated_config: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A language the config file gets wrong refuses every command in one line, but the
    `config` commands its refusal points to, which repair it: they run, in English."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    monkeypatch.setenv("SOWTRACK_DB", f"sqlite:///{_isolated_config.parent / 'none.db'}")
    _isolated_config.write_text(f'person = "liu.yang"\nlanguage = {bad}\n', encoding="utf-8")
    rc, out, err = _run(capsys, "entries")
    assert rc == 1 and out == "" and err.count("\n") == 1 and "language" in err
    rc, out, err = _run(capsys, "config", "unset", "language")
    assert (rc, err) == (0, "") and out.startswith("language removed from ")
    assert _isolated_config.read_text(encoding="utf-8") == 'person = "liu.yang"\n'
    _isolated_config.write_text(f'person = "liu.yang"\nlanguage = {bad}\n', encoding="utf-8")
    rc, out, err = _run(capsys, "--db", "sqlite://", "config", "set", "language", "zh")
    assert (rc, err) == (0, "") and out.startswith("language = zh  (in ")
    assert 'language = "zh"' in _isolated_config.read_text(encoding="utf-8")
    assert _run(capsys, "config", "--help")[1].startswith("用法: sowtrack config")


def test_a_bad_language_in_the_environment_leaves_the_config_commands(
        _isolated_config: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "fr")
    rc, out, err = _run(capsys, "--as", "liu.yang", "config", "set", "language", "zh")
    assert rc == 0 and out.startswith("language = zh  (in ")
    assert err == "note: SOWTRACK_LANGUAGE is set in your environment and wins over the " \
                  "config file's language\n"
    assert _run(capsys, "entries")[0] == 1


def test_config_names_every_key_it_sets(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`config set`'s help lists the language among its keys, in both languages."""
    assert "or language (zh or en)" in " ".join(_run(capsys, "config", "set", "--help")[1]
                                                .split())
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    assert "或 language（zh 或 en）" in _run(capsys, "config", "set", "--help")[1]


def test_the_default_ledger_is_the_one_help_reads() -> None:
    assert sqlite_path(None) == sqlite_file(default_url())
    assert sqlite_path("sqlite:////tmp/x.db") == Path("/tmp/x.db")
    assert sqlite_path("sqlite+pysqlite:///rel.db?timeout=3") == Path("rel.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql+psycopg://u@h/db") is None


# ------------------------------------------------------------------ usage errors

def test_usage_errors_in_chinese(capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, __, err = _run(capsys, "blocker", "add", "--title", "VPN")
    assert rc == 2
    assert "用法: sowtrack blocker add" in err
    assert "sowtrack blocker add: 错误: 缺少以下参数: --party" in err
    rc, __, err = _run(capsys, "frob")
    assert rc == 2 and "无效的选择: 'frob'" in err and "invalid choice" not in err
    rc, __, err = _run(capsys, "history", "--limit", "0")
    assert rc == 2 and "参数 --limit: 必须大于等于 1" in err


def test_usage_errors_in_english_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    rc, __, err = _run(capsys, "blocker", "add", "--title", "VPN")
    assert rc == 2
    assert "sowtrack blocker add: error: the following arguments are required: --party" in err


def test_a_usage_error_follows_the_sows_language(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Worded before any ledger is opened: worded again once the SOW's language is read."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    rc, __, err = _run(capsys, "blocker", "add", "--title", "VPN")
    assert rc == 2 and "错误: 缺少以下参数: --party" in err and "error" not in err
    rc, __, err = _run(capsys, "log", "2", "--hours", "3")
    assert rc == 2 and "hours 给出了两次" in err and "given twice" not in err


# ------------------------------------------------------------------ what the commands print

def test_a_confirmation_and_a_table_by_the_sows_language(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    rc, out, err = _run(capsys, "--as", "chen.jing", "log", "2", "T2", "测试", "--date", DAY)
    assert rc == 0, err
    assert out.startswith("已登记 chen.jing 在 T2 上 2 小时，2026-11-20 周五（工时 ")
    rc, out, __ = _run(capsys, "entries", "--from", DAY)
    head = out.splitlines()[0].split()
    assert head == ["ID", "日期", "人员", "任务", "工时", "职级", "备注"]
    assert out.rstrip().endswith("小时") and "条工时" in out
    rc, out, __ = _run(capsys, "blocker", "list")
    assert "甲乙方" in out and "甲方" in out and "未解决" in out and "open" not in out


def test_a_confirmation_and_a_table_in_english(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(capsys, "--as", "chen.jing", "log", "2", "T2", "test", "--date", DAY)
    assert rc == 0, err
    assert out.startswith("logged 2 h for chen.jing on T2, 2026-11-20 Fri (entry ")
    __, out, __ = _run(capsys, "entries", "--from", DAY)
    assert out.splitlines()[0].split() == ["id", "date", "person", "task", "hours", "grade",
                                           "note"]
    __, out, __ = _run(capsys, "blocker", "list")
    assert "party" in out and "client" in out and "open" in out and "甲方" not in out


def test_a_refusal_in_chinese(demo: str, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, err = _run(capsys, "--as", "zhang.wei", "task", "edit", "T2")
    assert rc == 1 and out == ""
    assert err == ("错误: T2: 没有要修改的内容：请给出 --title、--estimate、--priority 或 "
                   "--status\n")
    rc, __, err = _run(capsys, "config", "get", "person")
    assert rc == 1 and err.startswith("错误: config: person 未设置（在 ")


def test_a_refusal_in_english(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, __, err = _run(capsys, "--as", "zhang.wei", "task", "edit", "T2")
    assert rc == 1
    assert err == ("error: T2: nothing to change: give --title, --estimate, --priority or "
                   "--status\n")


def test_the_summary_in_chinese(demo: str, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys, "report", "summary")
    assert rc == 0
    for words in ("截至 ", "预算人天", "已消耗人天", "加班", "人天（已计入已消耗）",
                  "阻塞天数      甲方 ", "变更申请单    已生效："):
        assert words in out, words
    assert "overtime" not in out and "as of" not in out


def test_the_status_counts_a_blockers_days_in_chinese(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The status printed when output is piped: an open blocker's age in working days."""
    import re

    rc, out, __ = _run(capsys)
    assert rc == 0 and re.search(r"B-002 \(client, \d+ d\) ", out), out
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    rc, out, __ = _run(capsys)
    assert rc == 0 and re.search(r"B-002 \(甲方, \d+ 个工作日\) ", out), out
    assert " d)" not in out


def test_json_is_the_same_in_both_languages(demo: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for lang in ("en", "zh"):
        monkeypatch.setenv("SOWTRACK_LANGUAGE", lang)
        for argv in (["report", "summary", "--json"], ["report", "hours", "--json"],
                     ["report", "burndown", "--json"]):
            rc, out, err = _run(capsys, *argv)
            assert rc == 0, err
            json.loads(out)
            outputs.append(out)
    assert outputs[:3] == outputs[3:]


def test_help_reads_the_sow_without_sqlalchemy(demo: str) -> None:
    """With no setting, `--help` reads the SOW's language with sqlite3: start-up stays
    light (tests/test_startup.py checks the same with the setting)."""
    code = ("import sys\nfrom tui.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import json\n"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n")
    env = cli_env(SOWTRACK_DB=demo)
    env.pop("SOWTRACK_LANGUAGE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert "用法: sowtrack" in done.stdout, done.stderr
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert not modules & {"sqlalchemy", "textual", "reportlab", "babel"}


def test_help_does_not_wait_for_a_database_server_that_does_not_answer() -> None:
    """With no setting, `--help` reads the SOW's language from PostgreSQL: a server that
    takes the connection and never answers (a hung host behind a proxy) does not hang
    the help; after a short wait it is printed in English."""
    import socket

    from tui.commands.language import HELP_CONNECT_SECONDS

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # connections are queued, never answered
        port = silent.getsockname()[1]
        env = cli_env(SOWTRACK_DB=f"postgresql://nobody:pw@127.0.0.1:{port}/none")
        env.pop("SOWTRACK_LANGUAGE", None)
        code = "from tui.cli import main\nmain(['--help'])\n"
        try:
            done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, timeout=HELP_CONNECT_SECONDS + 20, env=env)
        except subprocess.TimeoutExpired:
            pytest.fail("--help waited for the database server")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: sowtrack [-h]")


def test_a_parser_used_alone_follows_the_setting(demo: str, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """build_parser() without main (as a test or a tool would use it): the setting still
    wins over the SOW's language."""
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    assert "usage: sowtrack" in capsys.readouterr().out


def test_help_reads_the_ledger_db_names(demo: str, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    """`--db` on the same line names the ledger whose SOW --help speaks, before the
    environment's."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    monkeypatch.setenv("SOWTRACK_DB", f"sqlite:///{tmp_path / 'none.db'}")
    __, out, __ = _run(capsys, "--db", demo, "report", "--help")
    assert "用法: sowtrack report" in out
    __, out, __ = _run(capsys, f"--db={demo}", "report", "--help")
    assert "用法: sowtrack report" in out
    __, out, __ = _run(capsys, "report", "--help")
    assert "usage: sowtrack report" in out


def test_the_sheets_are_named_in_the_language_spoken(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    monkeypatch.setenv("COLUMNS", "200")
    __, out, __ = _run(capsys, "export", "--help")
    assert "验收报告、工时确认单" in out and "acceptance report" not in out
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    __, out, __ = _run(capsys, "export", "--help")
    assert "acceptance report, timesheet confirmation" in out


def test_before_the_ledger_is_opened_the_sows_language(
        demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite ledger's SOW is read before the command runs: a refusal before the ledger
    is opened, and a command that never opens it as a Ledger (backup, db status), speak
    its language too."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    rc, __, err = _run(capsys, "entries", "--from", "garbage")
    assert rc == 1 and err.startswith("错误: --from: ")
    rc, out, err = _run(capsys, "backup", str(tmp_path / "copy.db"))
    assert rc == 0, err
    assert out.startswith("已写出 ") and "条审计记录" in out
    rc, out, __ = _run(capsys, "db", "status")
    assert rc == 0 and out.startswith("数据库    ") and "待迁移    无：已是最新" in out


def test_chinese_to_an_ascii_only_stream_is_escaped_not_a_traceback(tmp_path: Path) -> None:
    """PYTHONIOENCODING=ascii (or an old terminal): the help, a refusal and a report in
    Chinese come out with their characters escaped, whole, and the exit codes hold."""
    env = cli_env(PYTHONIOENCODING="ascii", SOWTRACK_LANGUAGE="zh",
                  SOWTRACK_DB=f"sqlite:///{tmp_path / 'none.db'}")
    sowtrack = [sys.executable, "-c", "import sys; from tui.cli import main; "
                "sys.exit(main(sys.argv[1:]))"]
    done = subprocess.run([*sowtrack, "--help"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"\\u7528\\u6cd5: sowtrack" in done.stdout  # 用法
    done = subprocess.run([*sowtrack, "nosuch"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"'nosuch'" in done.stderr and b"\\u" in done.stderr
