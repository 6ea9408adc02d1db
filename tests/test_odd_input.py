"""No traceback for any input (SPEC.md §6–§7, issue 9).

Whatever the command line holds, sowtrack answers with exit code 0, 1 (refused: one
line per problem on stderr, naming the flag, variable or field) or 2 (usage), never a
traceback. Each attack of issue 9 is first reproduced as a plain test with the exact
line that now refuses it; then a hypothesis test throws odd arguments (huge and
negative ids, empty strings, garbage, the first and last dates Python knows) at every
command, on a fresh copy of a ledger for every example.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storage.services import Ledger, parse_assignments
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW

EXAMPLES = int(os.environ.get("SOWTRACK_FUZZ_EXAMPLES", "200"))
EXAMPLE_TEXT = EXAMPLE_SOW.read_text(encoding="utf-8")
#: far above what any database integer holds
HUGE = "99999999999999999999999"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOWTRACK_USER", "SOWTRACK_DB", "SOWTRACK_PROJECT", "SOWTRACK_TODAY"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Exit 1, nothing on stdout, one line on stderr (returned without its newline)."""
    rc, out, err = run(capsys, *argv)
    assert (rc, out) == (1, ""), (argv, rc, out, err)
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err[:-1]


@pytest.fixture
def project_url(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "--db", db_url, "init", str(EXAMPLE_SOW))[0] == 0
    assert run(capsys, "--db", db_url, "--as", "liu.yang", "log", "--task", "T2", "--hours",
               "6", "--date", "2026-03-03")[0] == 0
    return db_url


# ---------------------------------------------------------------- the attacks of issue 9


@pytest.mark.parametrize("argv", [
    ["entry", "edit", HUGE, "--hours", "1"],
    ["entry", "delete", HUGE],
    ["entry", "delete", f"-{HUGE}"],
    ["entry", "edit", "0", "--note", "x"],
    ["entry", "delete", "-1"],
    ["entry", "edit", str(2**63), "--hours", "1"],
])
def test_an_entry_id_beyond_any_database_integer_is_no_such_entry(
        project_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """`entry edit 99999999999999999999999` died with OverflowError."""
    line = refused(capsys, "--db", project_url, "--as", "zhang.wei", *argv)
    assert line == f"error: entry {int(argv[2])}: no such entry"


def test_an_empty_db_is_refused_not_the_default(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`--db ''` silently used the default ledger in the user's data directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the default is
    assert refused(capsys, "--db", "", "report", "summary") == (
        "error: --db: empty; name a ledger (e.g. sqlite:////path/to/ledger.db)")
    monkeypatch.setenv("SOWTRACK_DB", "")
    assert refused(capsys, "report", "summary") == (
        "error: SOWTRACK_DB: set but empty; name a ledger (e.g. "
        "sqlite:////path/to/ledger.db), or unset it")
    monkeypatch.setenv("SOWTRACK_DB", "  ")
    assert refused(capsys, "init", str(EXAMPLE_SOW)).startswith("error: SOWTRACK_DB: ")
    assert refused(capsys, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--as", "",
                   "whoami") == "error: --as: empty; name a person id"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("argv", [["report", "summary"], ["export", "status", "--out", "s.pdf"],
                                  [], ["whoami"], ["config", "path"]])
def test_a_bad_sowtrack_today_is_refused_naming_it(
        project_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, argv: list[str]) -> None:
    """`SOWTRACK_TODAY=notadate` was silently ignored."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOWTRACK_TODAY", "notadate")
    assert refused(capsys, "--db", project_url, *argv) == (
        "error: SOWTRACK_TODAY: 'notadate' is not a date (YYYY-MM-DD)")
    assert not (tmp_path / "s.pdf").exists()


def test_a_named_ledger_in_a_missing_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, _isolated_config: Path) -> None:
    """`--db sqlite:////new/dir/x.db report summary` created the folders and an empty
    ledger."""
    new = tmp_path / "new" / "dir"
    url = f"sqlite:///{new / 'x.db'}"
    for argv in (["report", "summary"], ["init", str(EXAMPLE_SOW)], ["demo"], ["verify"],
                 ["db", "upgrade"], ["backup", str(tmp_path / "b.db")],
                 ["restore", str(tmp_path / "b.db")]):
        assert refused(capsys, "--db", url, *argv) == (
            f"error: --db: folder {new} does not exist"), argv
    monkeypatch.setenv("SOWTRACK_DB", url)
    assert refused(capsys, "entries") == f"error: SOWTRACK_DB: folder {new} does not exist"
    monkeypatch.delenv("SOWTRACK_DB")
    _isolated_config.write_text(f'db = "{url}"\n', encoding="utf-8")
    assert refused(capsys, "whoami") == (
        f"error: config file {_isolated_config}: folder {new} does not exist")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("argv", [
    ["report", "summary"], ["report", "burndown", "--json"], ["entries"], ["verify"],
    ["whoami"], [], ["export", "sow", "--out", "s.toml"], ["export", "plan", "--out", "p.pdf"],
    ["blocker", "list"], ["cr", "list"], ["signoff", "list"], ["quota", "list"],
    ["person", "list"], ["backup", "b.db"], ["--as", "liu.yang", "log", "--task", "T2",
                                             "--hours", "1"],
])
def test_a_command_never_creates_the_ledger_it_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        argv: list[str]) -> None:
    """A typo in --db made an empty ledger, and a report on it said "no project"."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "typo.db"
    assert refused(capsys, "--db", f"sqlite:///{path}", *argv) == (
        f"error: --db: no ledger at {path}; create one with `sowtrack init FILE.toml` "
        "(or `sowtrack demo`)")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_init_demo_and_db_upgrade_create_a_named_ledger(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["init", str(EXAMPLE_SOW)], ["demo", "--today", "2026-11-21"],
                 ["db", "upgrade"]):
        path = tmp_path / f"{argv[0]}.db"
        rc, out, err = run(capsys, "--db", f"sqlite:///{path}", *argv)
        assert (rc, err) == (0, ""), err
        assert path.is_file()


# ---------------------------------------------------------------- the ends of the calendar


def _sow(tmp_path: Path, start: str, end: str) -> Path:
    path = tmp_path / f"sow-{start}.toml"
    path.write_text(EXAMPLE_TEXT.replace("start = 2026-03-02", f"start = {start}")
                    .replace("end = 2026-05-29", f"end = {end}")
                    .replace('country = "CN"             # optional', "# country")
                    .replace("holidays = [2026-04-06, 2026-05-01, 2026-05-04, 2026-05-05]",
                             "holidays = []")
                    .replace("workdays = [2026-05-09]", "workdays = []"), encoding="utf-8")
    return path


def _busy_project(capsys: pytest.CaptureFixture[str], url: str, sow: Path,
                  days: list[str], first: str, last: str) -> None:
    """Entries on ``days``, an open blocker, a signed CR, a signed period first..last,
    recorded on a day when all of it has happened (nothing may be dated after today, a
    period is signed once it is over)."""
    from datetime import date, timedelta

    today = max(max(days), (date.fromisoformat(last) + timedelta(days=1)).isoformat())

    def ok(*argv: str) -> None:
        rc, out, err = _at(today, lambda: run(capsys, "--db", url, *argv))
        assert (rc, err) == (0, ""), (argv, err)

    ok("init", str(sow))
    for d in days:
        ok("--as", "zhang.wei", "log", "--task", "T1", "--hours", "8", "--date", d,
           "--person", "liu.yang")
    ok("--as", "zhang.wei", "blocker", "add", "--title", "VPN", "--party", "client", "--on",
       days[-1])
    ok("--as", "zhang.wei", "cr", "new", "--title", "more", "--delta", "senior=1", "--on",
       days[-1])
    ok("--as", "zhang.wei", "cr", "sign", "CR-001", "--on", days[-1])
    ok("--as", "li.na", "cr", "sign", "CR-001", "--on", days[-1])
    for who in ("zhang.wei", "li.na"):
        ok("--as", who, "signoff", "period", "--from", first, "--to", last, "--on", last)


def _at(today: str, call):  # type: ignore[no-untyped-def]
    """``call()`` with SOWTRACK_TODAY pinned to ``today``."""
    saved = os.environ.get("SOWTRACK_TODAY")
    os.environ["SOWTRACK_TODAY"] = today
    try:
        return call()
    finally:
        if saved is None:
            del os.environ["SOWTRACK_TODAY"]
        else:
            os.environ["SOWTRACK_TODAY"] = saved


REPORTS = [
    ["report", "summary"], ["report", "summary", "--json"], ["report", "burndown"],
    ["export", "status"], ["export", "plan"], ["export", "acceptance"],
    ["export", "cr", "--cr", "CR-001"], ["export", "sow"], ["blocker", "list"], ["cr", "list"],
    ["signoff", "list"], ["entries"], ["verify"], [],
]
ENDS = {
    "year 9999": ("9999-10-01", "9999-12-31", ["9999-12-29", "9999-12-30", "9999-12-31"],
                  "9999-12-01", "9999-12-28",
                  ["9999-12-31", "9999-12-30", "9999-10-01", "9999-12-27"]),
    "year 1": ("0001-01-01", "0001-03-31", ["0001-01-01", "0001-01-02"], "0001-01-01",
               "0001-01-31", ["0001-01-01", "0001-01-02", "0001-03-31"]),
}


@pytest.mark.parametrize("end", list(ENDS))
def test_a_project_at_the_ends_of_the_calendar_reports_and_prints(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, end: str) -> None:
    """A SOW in year 9999, then `export status` (or the plan, or the status with no
    command): OverflowError, date value out of range."""
    start, finish, days, first, last, todays = ENDS[end]
    _busy_project(capsys, db_url, _sow(tmp_path, start, finish), days, first, last)
    n = 0
    for today in todays:
        monkeypatch.setenv("SOWTRACK_TODAY", today)
        for argv in REPORTS:
            extra: list[str] = []
            if argv[:1] == ["export"]:
                n += 1
                extra = ["--out", str(tmp_path / f"{n}.out")]
            if argv[:2] in (["report", "summary"], ["report", "burndown"]):
                extra = ["--as-of", today]
            rc, out, err = run(capsys, "--db", db_url, *argv, *extra)
            assert (rc, err) == (0, ""), (today, argv, err)
    rc, out, err = run(capsys, "--db", db_url, "export", "timesheet", "--from", first,
                       "--to", last, "--out", str(tmp_path / "ts.pdf"))
    assert (rc, err) == (0, ""), err


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01"])
def test_demo_today_at_the_ends_of_the_calendar_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], today: str) -> None:
    assert refused(capsys, "--db", f"sqlite:///{tmp_path / 'd.db'}", "demo", "--today",
                   today) == (f"error: --today: {today} is outside the years the demo can be "
                              "built in (0002-01-01 to 9998-12-31)")


@pytest.mark.parametrize(("end", "today"), [("year 9999", "9999-12-31"),
                                            ("year 9999", "9999-12-27"),
                                            ("year 1", "0001-01-01")])
def test_every_view_of_the_app_at_the_ends_of_the_calendar(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], end: str, today: str) -> None:
    """The timesheet's week of 9999-12-31 has no Sunday; the previous month of January
    in the year 1 does not exist: both took the app down."""
    from datetime import date

    from tests.tui_support import settle
    from tui.app import VIEWS, SowtrackApp

    start, finish, days, first, last, _todays = ENDS[end]
    url = f"sqlite:///{tmp_path / 'ends.db'}"
    _busy_project(capsys, url, _sow(tmp_path, start, finish), days, first, last)
    led = Ledger.open(url)
    app = SowtrackApp(Ledger(led.engine, None, "zhang.wei"), today=date.fromisoformat(today))
    seen = []

    async def walk() -> None:
        async with app.run_test(size=(150, 45)) as pilot:
            await settle(pilot)
            for mode, _key, _label in VIEWS:
                await app.switch_mode(mode)
                await settle(pilot)
                if mode == "timesheet":
                    for key in ("right_square_bracket", "right_square_bracket",
                                "left_square_bracket", "left_square_bracket"):
                        await pilot.press(key)
                        await settle(pilot)
                seen.append(mode)

    asyncio.run(walk())
    led.engine.dispose()
    assert seen == [mode for mode, _k, _l in VIEWS]


# ---------------------------------------------------------------- anything at all

IDS = [HUGE, f"-{HUGE}", "0", "-1", "1", "2", str(2**63), str(2**63 - 1), str(2**31), "1e3",
       "", " ", "１", "0x10", "9" * 400, "1.5", "CR-001", "B-001", "TS-001", "ACC-001",
       "CR-999999999999999999999", "B-" + "9" * 30]
DATES = ["9999-12-31", "0001-01-01", "0000-01-01", "2026-02-30", "2026-03-02", "2026-03-10",
         "2026-05-29", "2026-12-31", "1900-01-01", "2099-12-31", "10000-01-01", "-2026-03-02",
         "", " ", "notadate", "2026-3-2", "20260302", "2026-W10-1", "9999-12-32"]
TEXTS = ["", " ", "x", "[/oops] VPN", "a\nb", "\t", "é", "张伟", "😀", "-", "--", "x" * 300,
         "'; DROP TABLE time_entry; --", "%s%n", "../../etc/passwd", "\x1b[31mred"]
HOURS = ["1", "7.5", "0", "-1", "24.01", "1e999", "nan", "inf", HUGE, "0.001", "", "8h"]
PEOPLE = ["zhang.wei", "liu.yang", "li.na", "nobody", "", "LIU.YANG"]
KINDS = ["sow", "acceptance", "timesheet", "cr", "plan", "status"]

ids = st.one_of(st.sampled_from(IDS), st.integers().map(str))
dates = st.one_of(st.sampled_from(DATES), st.dates().map(str))
#: NUL-free: a real command line cannot carry one
texts = st.one_of(st.sampled_from(TEXTS),
                  st.text(st.characters(blacklist_characters="\x00",
                                        blacklist_categories=("Cs",)), max_size=20))
hours = st.one_of(st.sampled_from(HOURS), st.decimals(allow_nan=True).map(str))
people = st.one_of(st.sampled_from(PEOPLE), texts)


def _out(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from([name, "", ".", "/", "/dev/null", "ledger.db", "ledger.db-wal",
                            "missing/x.pdf", "exists.txt"])


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    d, t, i = draw(dates), draw(texts), draw(ids)
    commands = [
        ["entry", "edit", i, "--hours", draw(hours)],
        ["entry", "edit", i, "--date", d, "--note", t],
        ["entry", "delete", i],
        ["log", "--task", draw(st.sampled_from(["T1", "T2", t])), "--hours", draw(hours),
         "--date", d, "--person", draw(people), "--note", t],
        ["entries", "--from", d, "--to", draw(dates), "--person", draw(people)],
        ["report", draw(st.sampled_from(["summary", "burndown"])), "--as-of", d],
        ["report", "summary", "--as-of", d, "--json"],
        ["export", "status", "--as-of", d, "--out", draw(_out("s.pdf"))],
        ["export", "timesheet", "--from", d, "--to", draw(dates), "--out", draw(_out("t.pdf"))],
        ["export", draw(st.sampled_from(KINDS)), "--out", draw(_out("x.out")),
         *draw(st.sampled_from([[], ["--force"], ["--cr", i], ["--as-of", d]]))],
        ["blocker", "add", "--title", t, "--party", draw(st.sampled_from(["client", t])),
         "--on", d],
        ["blocker", "resolve", i, "--on", d],
        ["cr", "new", "--title", t, "--delta", draw(st.sampled_from(["senior=1", t])),
         "--end", d, "--on", draw(dates)],
        ["cr", draw(st.sampled_from(["sign", "withdraw", "show"])), i,
         *(["--on", d] if draw(st.booleans()) else [])],
        ["signoff", "period", "--from", d, "--to", draw(dates), "--on", draw(dates)],
        ["signoff", "withdraw", i],
        ["quota", "use", draw(st.sampled_from(["research-meetings", t])), "--n", i, "--on", d],
        ["person", "grade", draw(people), t],
        ["backup", draw(_out("b.db")), *draw(st.sampled_from([[], ["--force"]]))],
        ["verify", *draw(st.sampled_from([[], [t], ["exists.txt"]]))],
        ["whoami"], [],
    ]
    command = draw(st.sampled_from(commands))
    front = draw(st.sampled_from([[], ["--as", "zhang.wei"], ["--as", "liu.yang"],
                                  ["--as", draw(people)], ["--project", t]]))
    return [*front, *command]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with entries, a resolved blocker, a CR: copied per example."""
    path = tmp_path_factory.mktemp("pristine") / "ledger.db"
    led = Ledger.open(f"sqlite:///{path}")
    code = led.init_project(load_sow(EXAMPLE_SOW)).code
    lead = Ledger(led.engine, code, "zhang.wei")
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        lead.log("T2", "7.5", day, "liu.yang", "parsing")
    b = lead.add_blocker("VPN", "client", "2026-03-03", "T2")
    lead.resolve_blocker(b.number, "2026-03-05")
    lead.new_cr("More OCR", "", parse_assignments(["senior=2"], "--delta"), None, None,
                "2026-03-04")
    led.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@example(argv=["--as", "zhang.wei", "entry", "edit", HUGE, "--hours", "1"])
@example(argv=["report", "summary", "--as-of", "9999-12-31"])
@example(argv=["export", "status", "--as-of", "9999-12-31", "--out", "s.pdf"])
@example(argv=["export", "acceptance", "--out", "ledger.db"])
@example(argv=["export", "sow", "--out", "exists.txt"])
@example(argv=["--as", "zhang.wei", "cr", "new", "--title", "x", "--delta", "senior=1",
               "--end", "9999-12-31", "--on", "0001-01-01"])
@given(argv=command_lines())
@settings(max_examples=max(50, EXAMPLES // 2), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_command_line_is_answered_in_clear_lines(
        pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    work = tmp_path / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    shutil.copy(pristine, work / "ledger.db")
    (work / "exists.txt").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(work)
    try:
        rc = main(["--db", "sqlite:///ledger.db", *argv])
    except SystemExit as exc:  # argparse: usage errors and --help
        rc = exc.code
    out, err = capsys.readouterr()
    assert rc in (0, 1, 2), (argv, rc, err)
    assert "Traceback" not in err and "Error(" not in err, (argv, err)
    if rc == 1:
        lines = err.splitlines()
        assert lines, argv
        if "verify" not in argv:  # `verify FILE` names the file, then the signatures
            for line in lines:
                assert re.match(r"(error|warning|note): \S", line), (argv, err)
    assert "--force" in argv or (work / "exists.txt").read_bytes() == b"mine\n", argv
    with sqlite3.connect(work / "ledger.db") as conn:  # the ledger is still a ledger
        assert conn.execute("SELECT count(*) FROM project").fetchone() == (1,)
