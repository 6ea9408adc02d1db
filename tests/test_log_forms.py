"""Issue 14: `log` as forgiving as Timewarrior or hledger, one parser per field.

Hours as ``7.5``, ``1h30m``, ``90m``, ``1:30``; dates as ``today``, ``yesterday``, ``-N``,
``mon``..``sun``, ``YYYY-MM-DD``; task codes in any case; ``--task`` defaulting to the
person's last task; the short form ``sowtrack log 7.5 T2 "note"``. The same parsers serve
the app's forms (My day accepts ``1:30`` and ``yesterday``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Static

from model.errors import FieldError
from model.formats import format_hours
from model.rules import match_task, parse_day, parse_hours
from storage.services import Ledger
from tui.cli import main

from .conftest import EXAMPLE_SOW
from .tui_support import TODAY, demo_ledger, drive, screen_text, settle

FRIDAY = date(2026, 3, 6)  # in the example SOW (2026-03-02 .. 2026-05-29)
CODE = "CLAIMS-AGENT-2026"


# ---------------------------------------------------------------- hours


@pytest.mark.parametrize(("typed", "minutes"), [
    ("7.5", 450), ("8", 480), (".25", 15), ("1h30m", 90), ("1h", 60), ("1.5h", 90),
    ("90m", 90), ("1:30", 90), ("0:05", 5), ("24:00", 1440), ("24h", 1440),
    ("1H30M", 90), ("1h 30m", 90), (" 2h ", 120), ("1440m", 1440), ("0.5h", 30),
    ("１：３０", 90), ("０７.５", 450), ("１ｈ３０ｍ", 90),  # full-width, as an IME types it
])
def test_hours_are_read_in_every_form_exactly(typed: str, minutes: int) -> None:
    assert parse_hours(typed) == minutes


@pytest.mark.parametrize(("typed", "why"), [
    ("1:75", "the minutes after ':' are 00..59"),  # a typo for 1:57 is not 2.25 h
    ("1:5", "the minutes after ':' are 00..59"),
    ("1h90m", r"the minutes after hours are below 60 \(write 2h30m or 150m\)"),
    ("1.5h30m", "not both"),
    ("0", "must be more than 0"), ("0:00", "must be more than 0"), ("0m", "must be more than 0"),
    ("-1", "must be more than 0"), ("-1h", "must be more than 0"), ("-1:30", "must be more than 0"),
    ("25h", "is more than 24 hours"), ("24:01", "is more than 24 hours"),
    ("1441m", "is more than 24 hours"), ("24.5", "is more than 24 hours"),
    ("9" * 5000 + ":00", "is more than 24 hours"), ("9" * 5000 + "h", "is more than 24 hours"),
    ("1.333h", "is not a whole number of minutes"), ("0.5m", "is not a whole number of minutes"),
    ("7.333", "is not a whole number of minutes"),
    ("abc", r"is not a number of hours \(e.g. 7.5, 1h30m, 90m or 1:30\)"),
    ("7,5", "is not a number of hours"), ("", "is not a number of hours"),
    ("nan", "is not a number of hours"), ("1d", "is not a number of hours"),
    ("1h30", "is not a number of hours"), ("h", "is not a number of hours"),
])
def test_hours_refused_naming_the_field(typed: str, why: str) -> None:
    with pytest.raises(FieldError, match=f"^hours: .*{why}") as caught:
        parse_hours(typed)
    assert caught.value.field == "hours"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=24 * 60))
def test_every_form_of_a_duration_reads_back_to_its_minutes(minutes: int) -> None:
    h, m = divmod(minutes, 60)
    assert parse_hours(f"{h}:{m:02d}") == minutes
    assert parse_hours(f"{minutes}m") == minutes
    assert parse_hours(f"{h}h{m}m" if h else f"{m}m") == minutes
    assert parse_hours(f"{h}h {m:02d}m".upper() if h else f"{m}M") == minutes
    decimal = format_hours(minutes, 6)  # 7.5, 0.25: hours as a decimal, when one is exact
    if Decimal(decimal) * 60 == minutes:
        assert parse_hours(decimal) == minutes


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_hours_are_minutes_in_range_or_one_refusal_naming_the_field(typed: str) -> None:
    try:
        minutes = parse_hours(typed)
    except FieldError as exc:
        assert exc.field == "hours" and "\n" not in exc.problem
    else:
        assert isinstance(minutes, int) and 1 <= minutes <= 1440


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("typed", "day"), [
    ("today", FRIDAY), ("yesterday", date(2026, 3, 5)), ("-0", FRIDAY), ("-1", date(2026, 3, 5)),
    ("-7", date(2026, 2, 27)), ("fri", FRIDAY), ("friday", FRIDAY), ("Fri", FRIDAY),
    ("thu", date(2026, 3, 5)), ("mon", date(2026, 3, 2)), ("sat", date(2026, 2, 28)),
    ("sun", date(2026, 3, 1)), ("Monday", date(2026, 3, 2)), ("TODAY", FRIDAY),
    ("2026-03-04", date(2026, 3, 4)), (" 2026-03-04 ", date(2026, 3, 4)),
    ("ｙｅｓｔｅｒｄａｙ", date(2026, 3, 5)),
])
def test_dates_are_read_relative_to_the_persons_today(typed: str, day: date) -> None:
    assert parse_day(typed, FRIDAY) == day


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2000, 1, 8)), st.integers(min_value=0, max_value=6),
       st.booleans())
def test_a_weekday_is_the_most_recent_such_day_today_included(
        today: date, weekday: int, short: bool) -> None:
    name = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[weekday]
    day = parse_day(name[:3] if short else name, today)
    assert day.weekday() == weekday and today - timedelta(days=6) <= day <= today


@pytest.mark.parametrize(("typed", "why"), [
    ("tomorrow", r"'tomorrow' is not a date \(today, yesterday, -N, mon..sun or YYYY-MM-DD\)"),
    ("+1", "is not a date"), ("last friday", "is not a date"), ("", "is not a date"),
    ("20260302", r"'20260302' is not a date \(YYYY-MM-DD\)$"),
    ("2026-02-30", r"is not a date \(YYYY-MM-DD\)$"), ("2026-W10-1", "is not a date"),
    ("-99999999999999", "is before the year 1"),
])
def test_dates_refused_naming_the_field(typed: str, why: str) -> None:
    with pytest.raises(FieldError, match=f"^date: .*{why}"):
        parse_day(typed, FRIDAY)


# ---------------------------------------------------------------- task codes


def test_task_codes_are_matched_without_regard_to_case() -> None:
    assert match_task("t2", ["T1", "T2"]) == "T2"
    assert match_task(" T2 ", ["T1", "T2"]) == "T2"
    assert match_task("T9", ["T1", "T2"]) is None  # the admission refuses it
    # two codes differing only in case: the exact one wins ...
    assert match_task("t2", ["T2", "t2"]) == "t2"
    assert match_task("T2", ["T2", "t2"]) == "T2"
    # ... and one matching both with neither exactly is ambiguous
    with pytest.raises(FieldError, match=r"^task: 'Ab' is ambiguous: the project has tasks "
                                         r"AB, ab; type the code exactly$"):
        match_task("Ab", ["ab", "AB"])


# ---------------------------------------------------------------- the command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        rc = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """The example project, today pinned to Friday 2026-03-06; ``cli(*args)`` runs
    ``sowtrack --db URL *args`` and returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("SOWTRACK_TODAY", FRIDAY.isoformat())
    assert run(capsys, "--db", db_url, "init", str(EXAMPLE_SOW))[0] == 0
    return lambda *args: run(capsys, "--db", db_url, *args)


def entries(db_url: str) -> list[tuple[str, str, date, int, str]]:
    led = Ledger.open(db_url, CODE)
    try:
        return [(e.person, e.task, e.on, e.minutes, e.note) for e in led.entries()]
    finally:
        led.engine.dispose()


def test_log_takes_the_short_form_and_every_form_of_hours_and_dates(cli, db_url: str) -> None:
    assert cli("--as", "liu.yang", "log", "1:30", "t2", "retry logic", "--date", "yesterday") \
        == (0, "logged 1.5 h for liu.yang on T2, 2026-03-05 Thu (entry 1, senior)\n", "")
    assert cli("--as", "liu.yang", "log", "--hours", "1h15m", "--task", "T3", "--date", "-3")[:2] \
        == (0, "logged 1.25 h for liu.yang on T3, 2026-03-03 Tue (entry 2, senior)\n")
    assert cli("--as", "liu.yang", "log", "--date", "mon", "90m", "T1")[:2] \
        == (0, "logged 1.5 h for liu.yang on T1, 2026-03-02 Mon (entry 3, senior)\n")
    assert cli("--as", "liu.yang", "log", "7.5", "T1", "--date", "fri")[0] == 0
    assert entries(db_url) == [
        ("liu.yang", "T1", date(2026, 3, 2), 90, ""),
        ("liu.yang", "T3", date(2026, 3, 3), 75, ""),
        ("liu.yang", "T2", date(2026, 3, 5), 90, "retry logic"),
        ("liu.yang", "T1", FRIDAY, 450, ""),
    ]


def test_log_defaults_to_the_persons_last_task_and_says_so(cli, db_url: str) -> None:
    rc, out, err = cli("--as", "liu.yang", "log", "2")
    assert (rc, out) == (1, "")
    assert err == "error: --task: required: liu.yang has no entry yet to take the last task " \
                  "from\n"
    assert cli("--as", "liu.yang", "log", "2", "T3", "--date", "thu")[0] == 0
    assert cli("--as", "liu.yang", "log", "1", "T2", "--date", "mon")[0] == 0  # earlier day
    # the latest entry is the latest date's (then the last recorded): T3 on Thursday
    assert cli("--as", "liu.yang", "log", "3") \
        == (0, "logged 3 h for liu.yang on T3 (your last task), 2026-03-06 Fri (entry 3, "
               "senior)\n", "")
    # the lead logging for someone else: that person's last task
    assert cli("--as", "zhang.wei", "log", "1", "--person", "liu.yang")[1] \
        == "logged 1 h for liu.yang on T3 (liu.yang's last task), 2026-03-06 Fri (entry 4, " \
           "senior)\n"
    assert [e[1] for e in entries(db_url)] == ["T2", "T3", "T3", "T3"]


def test_log_refuses_bad_hours_dates_and_tasks_in_one_line_writing_nothing(cli,
                                                                           db_url: str) -> None:
    cases = [
        (["1:75", "T2"], "error: HOURS: '1:75': the minutes after ':' are 00..59 (1:30 is an "
                         "hour and a half)\n"),
        (["--hours", "1h90m", "--task", "T2"], "error: --hours: '1h90m': the minutes after "
                                               "hours are below 60 (write 2h30m or 150m)\n"),
        (["--hours", "0", "--task", "T2"], "error: --hours: must be more than 0, got 0\n"),
        (["-1h", "T2"], None),  # an option to argparse: a usage error
        (["25h", "T2"], "error: HOURS: '25h' is more than 24 hours\n"),
        (["1.333h", "T2"], "error: HOURS: '1.333h' is not a whole number of minutes\n"),
        (["2", "T2", "--date", "tomorrow"], "error: --date: 'tomorrow' is not a date (today, "
                                            "yesterday, -N, mon..sun or YYYY-MM-DD)\n"),
        (["2", "T2", "--date", "-30"], "error: --date: 2026-02-04 is outside the SOW "
                                       "(2026-03-02..2026-05-29)\n"),
        (["2", "zz"], "error: TASK: unknown task 'zz'\n"),
        (["--hours", "2", "--task", "zz"], "error: --task: unknown task 'zz'\n"),
    ]
    for argv, message in cases:
        rc, out, err = cli("--as", "liu.yang", "log", *argv)
        assert out == "", argv
        if message is None:
            assert rc == 2 and "error: unrecognized arguments: -1h" in err, argv
        else:
            assert (rc, err) == (1, message), argv
    assert entries(db_url) == []


def test_a_field_given_by_position_and_by_flag_is_a_usage_error(cli, db_url: str) -> None:
    for argv, field in ([["7", "--hours", "8"], "hours"],
                        [["7", "T2", "--task", "T3"], "task"],
                        [["7", "T2", "x", "--note", "y"], "note"]):
        rc, out, err = cli("--as", "liu.yang", "log", *argv)
        assert (rc, out) == (2, "")
        assert re.search(f"sowtrack log: error: {field} given twice: .* as {field.upper()} and "
                         f".* as --{field}; give one", err), err
    rc, _, err = cli("--as", "liu.yang", "log", "--task", "T2")
    assert rc == 2 and "the hours are required: HOURS or --hours" in err
    assert entries(db_url) == []


def test_task_codes_in_any_case_and_an_ambiguous_one_refused(cli, db_url: str) -> None:
    assert cli("--as", "zhang.wei", "task", "add", "t2", "--title", "lower case",
               "--estimate", "1")[0] == 0
    assert cli("--as", "zhang.wei", "task", "add", "ab", "--title", "ab", "--estimate", "1")[0] \
        == 0
    assert cli("--as", "zhang.wei", "task", "add", "AB", "--title", "AB", "--estimate", "1")[0] \
        == 0
    assert cli("--as", "liu.yang", "log", "1", "t3")[0] == 0  # T3
    assert cli("--as", "liu.yang", "log", "1", "t2")[0] == 0  # exactly t2
    assert cli("--as", "liu.yang", "log", "1", "T2")[0] == 0  # exactly T2
    assert cli("--as", "liu.yang", "log", "1", "Ab") == (
        1, "", "error: TASK: 'Ab' is ambiguous: the project has tasks AB, ab; type the code "
               "exactly\n")
    assert [e[1] for e in entries(db_url)] == ["T3", "t2", "T2"]


def test_entry_edit_reads_hours_dates_and_tasks_the_same_way(cli, db_url: str) -> None:
    assert cli("--as", "liu.yang", "log", "8", "T2")[0] == 0
    assert cli("--as", "liu.yang", "entry", "edit", "1", "--hours", "6:45", "--date", "wed",
               "--task", "t3") \
        == (0, "entry 1: 6.75 h for liu.yang on T3, 2026-03-04\n", "")
    assert cli("--as", "liu.yang", "entry", "edit", "1", "--hours", "1:60")[2] \
        == "error: --hours: '1:60': the minutes after ':' are 00..59 (1:30 is an hour and a " \
           "half)\n"
    assert entries(db_url) == [("liu.yang", "T3", date(2026, 3, 4), 405, "")]


def test_log_help_reads_well_to_a_stranger(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "log", "--help")
    assert rc == 0
    assert "[HOURS] [TASK] [NOTE]" in out
    for words in ("7.5, 1h30m, 90m or 1:30", "today, yesterday, -N, mon..sun or YYYY-MM-DD",
                  "most recent such day, today included", "t2 is T2",
                  "Default: the task of your latest entry", "sowtrack log 7.5 ",
                  'sowtrack log 1h30m T2 "retry logic"', "--date yesterday"):
        assert words in out, words


# ---------------------------------------------------------------- the app


def test_my_day_accepts_clock_hours_and_yesterday(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    before = len(led.entries(person="liu.yang"))

    async def scenario(pilot) -> None:
        await pilot.press("1", ":", "3", "0")
        await settle(pilot)
        assert "senior: 38.938 PD left → 38.75 after this entry" in screen_text(pilot.app)
        pilot.app.screen.query_one("#log-date", Input).value = "yesterday"
        pilot.app.screen.query_one("#log-hours", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    drive(led, scenario)
    entries = led.entries(person="liu.yang")
    assert len(entries) == before + 1
    new = max(entries, key=lambda e: e.id)
    assert (new.on, new.minutes, new.task) == (TODAY - timedelta(days=1), 90, "T5")


def test_my_day_names_the_date_field_by_its_label(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    before = led.entries(person="liu.yang")
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await pilot.press("2")
        pilot.app.screen.query_one("#log-date", Input).value = "tomorrow"
        pilot.app.screen.query_one("#log-hours", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        seen["error"] = str(pilot.app.screen.query_one("#log-error", Static).render())

    drive(led, scenario)
    assert seen["error"] == "refused: Date: 'tomorrow' is not a date (today, yesterday, -N, " \
                            "mon..sun or YYYY-MM-DD)"
    assert led.entries(person="liu.yang") == before



def test_my_day_goes_back_to_today_after_an_entry_dated_yesterday(tmp_path: Path) -> None:
    """Issue 14: the date typed for one entry is not kept for the next: once logged, the
    date field is today's again, and the preview says which day an entry will be dated."""
    led = demo_ledger(tmp_path, actor="liu.yang")
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        date_field = pilot.app.screen.query_one("#log-date", Input)
        date_field.value = "yesterday"
        pilot.app.screen.query_one("#log-hours", Input).focus()
        await pilot.press("2", "enter")
        await settle(pilot)
        seen["after"] = date_field.value
        await pilot.press("3")  # the hours field has the focus again: the next entry
        await settle(pilot)
        seen["preview"] = screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)

    drive(led, scenario)
    assert seen["after"] == TODAY.isoformat()
    assert f"dated Sat {TODAY} (today)" in seen["preview"]
    mine = sorted(led.entries(person="liu.yang"), key=lambda e: e.id)
    assert [(e.on, e.minutes) for e in mine[-2:]] == [(TODAY - timedelta(days=1), 120),
                                                      (TODAY, 180)]


def test_my_day_preview_names_the_day_and_the_fields_by_their_labels(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    seen: list[str] = []

    async def scenario(pilot) -> None:
        pilot.app.screen.query_one("#log-date", Input).value = "mon"
        await pilot.press("4")
        await settle(pilot)
        seen.append(screen_text(pilot.app))
        await pilot.press("0", "0")  # 400 hours
        await settle(pilot)
        seen.append(screen_text(pilot.app))

    drive(led, scenario)
    assert "dated Mon 2026-11-16 (5 days ago)" in seen[0]
    assert "Hours: 400 is more than 24 hours" in seen[1]
    assert "hours: 400" not in seen[1]
