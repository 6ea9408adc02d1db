"""Imports from other trackers (issue 15): timew, timeclock, timedot, klog, Kimai.

Each sample in tests/data/trackers/ was written by hand from the tool's documented
format, traps included (over midnight, seconds, mixed-case codes, a running interval,
timedot's ``d`` unit, unknown tags). The imports go through ``sowtrack import`` into the
example ledger on both backends and are read back as entries.
"""

from __future__ import annotations

import io
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from model.errors import LedgerError
from model.trackers import parse_timeclock, parse_timedot, parse_timew, plan_entries
from storage.services import Ledger
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import as_
from .test_timezones import lisbon_sow

DATA = Path(__file__).parent / "data" / "trackers"
D = date.fromisoformat


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOWTRACK_USER", "SOWTRACK_DB", "SOWTRACK_PROJECT", "SOWTRACK_TODAY"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], url: str, who: str,
        *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", url, "--as", who, "import", *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out.out, out.err


def rows(led: Ledger, person: str = "chen.jing") -> list[tuple[date, str, int, str]]:
    return [(e.on, e.task, e.minutes, e.note) for e in led.entries(person=person)]


def day_totals(led: Ledger, person: str = "chen.jing") -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for e in led.entries(person=person):
        out[e.on] += e.minutes
    return dict(out)


# ------------------------------------------------------------------------- timew

TIMEW_ROWS = [
    # 09:00-12:30 and 13:30-17:45:12 in Shanghai, tags T2 and t2, one note: one entry,
    # 7 h 45 min 12 s rounded once to 465 minutes
    (D("2026-03-02"), "T2", 465, "claim-form parser"),
    # 22:00-01:00 in Shanghai: split at midnight
    (D("2026-03-03"), "T3", 120, "overnight eval run"),
    (D("2026-03-04"), "T3", 60, "overnight eval run"),
    # three intervals of 20 min 20 s and one of 25 s: the day is 3,685 s = 61 min,
    # not 3 × 20; the 25 s make no entry of their own but count in the day
    (D("2026-03-05"), "T1", 20, "standup"),
    (D("2026-03-05"), "T1", 21, "sync with client"),
    (D("2026-03-05"), "T1", 20, "retro"),
]


def test_timew_export_becomes_entries_in_the_persons_days(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, db_url, "chen.jing", "timew", str(DATA / "timew.json"))
    assert rc == 0, err
    assert out.strip() == "imported 6 entries from timew.json: 7 new, 0 already imported"
    assert rows(example) == TIMEW_ROWS
    assert day_totals(example)[D("2026-03-05")] == 61


def test_a_reimport_adds_only_the_new_intervals(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "chen.jing", "timew", str(DATA / "timew.json"))[0] == 0
    rc, out, _ = run(capsys, db_url, "chen.jing", "timew", str(DATA / "timew.json"))
    assert rc == 0
    assert "0 new, 7 already imported" in out
    assert rows(example) == TIMEW_ROWS
    # a later export: the same seven (their ids shifted by one) and one more
    rc, out, _ = run(capsys, db_url, "chen.jing", "timew", str(DATA / "timew-later.json"))
    assert rc == 0
    assert out.strip() == ("imported 1 entry from timew-later.json: 1 new, "
                           "7 already imported")
    assert rows(example) == [*TIMEW_ROWS, (D("2026-03-06"), "T4", 240, "report draft")]


def test_timew_reads_standard_input(example: Ledger, db_url: str,
                                    capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = (DATA / "timew.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc, out, err = run(capsys, db_url, "chen.jing", "timew", "-")
    assert rc == 0, err
    assert "from stdin: 7 new" in out
    assert rows(example) == TIMEW_ROWS


def test_timew_problems_are_named_by_their_json_path_and_nothing_is_written(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, db_url, "chen.jing", "timew", str(DATA / "timew-bad.json"))
    assert rc == 1
    lines = err.splitlines()
    assert lines[-1].startswith("nothing imported: 4 problem(s)")
    assert "--task-map NAME=CODE" in lines[-1]
    paths = [line.split(": ")[1] for line in lines[:-1]]
    assert paths == ["[1]", "[2].start", "[3].end", "[4].end"], err  # the file's order
    assert "'standup'" in lines[0]
    assert "still running" in lines[3]
    assert rows(example) == []


def test_an_unknown_tag_is_mapped_by_task_map(example: Ledger, db_url: str,
                                              capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "standup.json"
    f.write_text('[{"id":1,"start":"20260309T010000Z","end":"20260309T011500Z",'
                 '"tags":["Standup","daily"]}]', encoding="utf-8")
    rc, _, err = run(capsys, db_url, "chen.jing", "timew", str(f))
    assert rc == 1 and "[0]: no tag or account names a task" in err
    assert err.endswith("(map a name to a task with --task-map NAME=CODE)\n")
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")  # the hint does not depend on the words
    rc, _, err = run(capsys, db_url, "chen.jing", "timew", str(f))
    assert rc == 1 and "--task-map NAME=CODE" in err and "no tag" not in err
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    rc, _, err = run(capsys, db_url, "chen.jing", "timew", str(f), "--task-map", "standup=t1")
    assert rc == 0, err
    assert rows(example) == [(D("2026-03-09"), "T1", 15, "")]
    rc, _, err = run(capsys, db_url, "chen.jing", "timew", str(f), "--task-map", "x=T9")
    assert rc == 1 and err.startswith("error: --task-map: x=T9: 'T9' is not a task")


def test_the_admissions_problems_are_listed_where_the_file_has_them(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    f = tmp_path / "early.json"
    f.write_text('[{"id":2,"start":"20260302T010000Z","end":"20260302T020000Z","tags":["T2"]},'
                 '{"id":1,"start":"20260110T010000Z","end":"20260110T020000Z","tags":["T2"]}]',
                 encoding="utf-8")
    rc, _, err = run(capsys, db_url, "chen.jing", "timew", str(f))
    assert rc == 1
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("early.json: [1] (2026-01-10, T2): date:")
    assert rows(example) == []


def test_an_interval_changed_since_its_import_is_named_and_not_imported_again(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """Its end moved in the tracker: not counted twice, named so that the person can
    correct the entry, and the file's new intervals still import (a refusal would block
    every later import of that file)."""
    f = tmp_path / "a.json"
    f.write_text('[{"id":1,"start":"20260302T010000Z","end":"20260302T020000Z","tags":["T2"]}]',
                 encoding="utf-8")
    assert run(capsys, db_url, "chen.jing", "timew", str(f))[0] == 0
    f.write_text('[{"id":2,"start":"20260302T010000Z","end":"20260302T030000Z","tags":["T2"]},'
                 '{"id":1,"start":"20260303T010000Z","end":"20260303T020000Z","tags":["T3"]}]',
                 encoding="utf-8")
    rc, out, err = run(capsys, db_url, "chen.jing", "timew", str(f))
    assert rc == 0
    assert out.strip() == ("imported 1 entry from a.json: 1 new, 1 already imported "
                           "(1 changed since)")
    assert err.startswith("a.json: [0]: imported before as 1:00:00, now 2:00:00 in the "
                          "tracker: not imported again; correct its entry")
    assert rows(example) == [(D("2026-03-02"), "T2", 60, ""), (D("2026-03-03"), "T3", 60, "")]


def test_a_later_import_of_a_day_rounds_on_from_the_seconds_before(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """Three intervals of 20 min 20 s: imported in two goes, the day is still 61 min."""
    def interval(hour: int) -> str:
        return (f'{{"start":"20260305T0{hour}0000Z","end":"20260305T0{hour}2020Z",'
                f'"tags":["T1"],"annotation":"call {hour}"}}')
    f = tmp_path / "calls.json"
    f.write_text(f"[{interval(1)},{interval(2)}]", encoding="utf-8")
    assert run(capsys, db_url, "chen.jing", "timew", str(f))[0] == 0
    assert [m for _, _, m, _ in rows(example)] == [20, 21]
    f.write_text(f"[{interval(1)},{interval(2)},{interval(3)}]", encoding="utf-8")
    assert run(capsys, db_url, "chen.jing", "timew", str(f))[0] == 0
    assert [m for _, _, m, _ in rows(example)] == [20, 21, 20]
    assert day_totals(example) == {D("2026-03-05"): 61}


# --------------------------------------------------------------------- timeclock

def test_timeclock_sessions_split_at_midnight(example: Ledger, db_url: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, db_url, "chen.jing", "timeclock", str(DATA / "work.timeclock"))
    assert rc == 0, err
    assert "3 new, 0 already imported" in out
    assert rows(example) == [
        # 3 h 30 min + 4 h 15 min 40 s, client:T2 and client:t2, one description
        (D("2026-03-02"), "T2", 466, "retry logic"),
        (D("2026-03-03"), "T3", 105, "overnight eval"),
        (D("2026-03-04"), "T3", 105, "overnight eval"),
    ]
    rc, out, _ = run(capsys, db_url, "chen.jing", "timeclock", str(DATA / "work.timeclock"))
    assert rc == 0 and "0 new, 3 already imported" in out


def test_timeclock_problems_name_their_lines(example: Ledger, db_url: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "timeclock", str(DATA / "bad.timeclock"))
    assert rc == 1
    lines = err.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == [
        "line 3", "line 4", "line 5", "line 6"], err
    assert "still open" in lines[3]
    assert rows(example) == []


# ----------------------------------------------------------------------- timedot

def test_timedot_dots_numbers_and_units(example: Ledger, db_url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "timedot", str(DATA / "march.timedot"))
    assert rc == 0, err
    assert rows(example) == [
        (D("2026-03-02"), "T2", 210, "parser work"),  # 14 dots
        (D("2026-03-02"), "T3", 90, "parser work"),  # 1.5
        (D("2026-03-03"), "T4", 90, ""),  # 90m, claims:t4
        (D("2026-03-03"), "T2", 120, ""),  # 2h
    ]


def test_timedots_day_unit_is_refused_never_a_person_day(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "timedot", str(DATA / "days.timedot"))
    assert rc == 1
    first = err.splitlines()[0]
    assert first.startswith("days.timedot: line 2: '1d'")
    assert "24 hours" in first and "not a person-day" in first
    assert rows(example) == []  # the good line 3 is not written either


# -------------------------------------------------------------------------- klog

def test_klog_ranges_durations_and_record_tags(example: Ledger, db_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "klog", str(DATA / "times.json"))
    assert rc == 0, err
    assert rows(example) == [
        # the record's tag #t2 names the task of an entry without one; its summary
        # is the note of an entry without one
        (D("2026-03-02"), "T2", 210, "Parser work #t2"),
        (D("2026-03-02"), "T3", 60, "review for #T3"),  # its own tag wins
        (D("2026-03-02"), "T2", 120, "pairing with liu.yang"),  # two lines made one
        # <23:00 - 1:00 on the 4th: an hour on the 3rd, one on the 4th; #task=T3
        (D("2026-03-03"), "T3", 60, "night eval #task=T3"),
        (D("2026-03-04"), "T3", 60, "night eval #task=T3"),
    ]


def test_klog_open_ranges_and_bad_entries_are_named_by_path(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "klog", str(DATA / "times-open.json"))
    assert rc == 1
    paths = [line.split(": ")[1] for line in err.splitlines()[:-1]]
    assert paths == ["records[0].entries[1]", "records[0].entries[2].total_mins",
                     "records[1].entries[0].start"], err
    assert "still running" in err
    assert rows(example) == []


# ------------------------------------------------------------------------- Kimai

def test_kimai_csv_by_activity_or_tag(example: Ledger, db_url: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "kimai", str(DATA / "kimai.csv"))
    assert rc == 1 and "kimai.csv: line 5: no tag or account names a task" in err
    rc, out, err = run(capsys, db_url, "chen.jing", "kimai", str(DATA / "kimai.csv"),
                       "--task-map", "Code review=T2")
    assert rc == 0, err
    assert "4 new, 0 already imported" in out
    assert rows(example) == [
        (D("2026-03-02"), "T2", 450, "claim-form parser"),  # Activity T2 / tag t2
        (D("2026-03-03"), "T3", 120, "overnight eval, run 2"),  # 22:00-01:30
        (D("2026-03-04"), "T3", 90, "overnight eval, run 2"),
        (D("2026-03-05"), "T2", 60, "review"),
    ]


def test_kimai_refuses_several_users_and_names_bad_lines(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, db_url, "chen.jing", "kimai", str(DATA / "kimai-two-users.csv"))
    assert rc == 1 and len(err.splitlines()) == 1
    assert "2 users" in err and "'刘洋' (line 3)" in err
    rc, _, err = run(capsys, db_url, "chen.jing", "kimai", str(DATA / "kimai-bad.csv"))
    assert rc == 1
    assert [line.split(": ")[1:3] for line in err.splitlines()[:-1]] == [
        ["line 2", "Date"], ["line 3", "To"], ["line 4", "From"], ["line 5", "Duration"]], err
    assert rows(example) == []


# ------------------------------------------------------------ people and time zones

def test_the_lead_imports_for_another_an_engineer_may_not(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(DATA / "march.timedot")
    rc, _, err = run(capsys, db_url, "wang.fang", "timedot", f, "--person", "chen.jing")
    assert rc == 1 and len(err.splitlines()) == 1 and err.startswith("error: ")
    assert rows(example) == []
    rc, _, err = run(capsys, db_url, "zhang.wei", "timedot", f, "--person", "chen.jing")
    assert rc == 0, err
    assert len(rows(example)) == 4 and rows(example, "zhang.wei") == []


def test_times_are_read_in_each_persons_zone_with_its_daylight_saving(
        ledger: Ledger, tmp_path: Path) -> None:
    """liu.yang works from Lisbon (summer time from 2026-03-29 01:00 UTC), chen.jing
    from Shanghai (no daylight saving). The same file means different hours."""
    view = ledger.init_project(load_sow(lisbon_sow(tmp_path)))
    led = ledger.for_project(view.code)
    night = parse_timeclock("i 2026-03-29 00:30 client:T2  across the change\n"
                            "o 2026-03-29 02:30\n")
    utc = parse_timew('[{"start":"20260320T230000Z","end":"20260321T010000Z",'
                      '"tags":["T2"]}]')
    for who in ("liu.yang", "chen.jing"):
        as_(led, who).import_tracker(night)
        as_(led, who).import_tracker(utc)
    # Lisbon: 00:30 WET to 02:30 WEST is one hour; 23:00-01:00 UTC is 23:00-01:00 there
    assert rows(led, "liu.yang") == [
        (D("2026-03-20"), "T2", 60, ""), (D("2026-03-21"), "T2", 60, ""),
        (D("2026-03-29"), "T2", 60, "across the change")]
    # Shanghai: two hours of wall clock are two hours; 07:00-09:00 on the 21st
    assert rows(led, "chen.jing") == [
        (D("2026-03-21"), "T2", 120, ""), (D("2026-03-29"), "T2", 120, "across the change")]


# ---------------------------------------------------------------- the pure rules

def test_a_running_timew_interval_is_refused_with_its_path() -> None:
    parsed = parse_timew('[{"start":"20260302T010000Z","end":"20260302T020000Z"},'
                         '{"start":"20260302T030000Z","tags":["T2"]}]')
    assert [i.where for i in parsed.intervals] == ["[0]"]
    assert parsed.problems[0].startswith("[1].end: missing: the interval is still running")


def test_not_json_or_not_an_array_is_one_line() -> None:
    with pytest.raises(LedgerError, match=r"line 1 column 2: not JSON"):
        parse_timew("[x")
    with pytest.raises(LedgerError, match="expected a JSON array"):
        parse_timew('{"records": []}')


@pytest.mark.parametrize("quantity,problem", [
    ("1d", "'d' unit is a day of 24 hours"), ("2w", "a week"), ("0.5mo", "a month"),
    ("-1", "negative"), ("abc", "letters"), ("1.5x", "expected dots")])
def test_timedot_refuses_what_it_cannot_read_as_hours(quantity: str, problem: str) -> None:
    parsed = parse_timedot(f"2026-03-02\nclient:T2  {quantity}\n")
    assert parsed.intervals == []
    assert parsed.problems[0].startswith("line 2: ") and problem in parsed.problems[0]


def test_each_days_entries_sum_to_its_seconds_rounded_once() -> None:
    """Any mix of intervals: each day's minutes are its seconds rounded half up, and
    each entry is within a minute of its own seconds."""
    import random

    rnd = random.Random(15)
    for _ in range(200):
        items = []
        for _ in range(rnd.randint(1, 8)):
            start = rnd.randint(0, 20 * 3600)
            length = rnd.randint(1, 2 * 3600)
            h, m, s = start // 3600, start // 60 % 60, start % 60
            e = start + length
            items.append(f'{{"start":"20260302T{h:02d}{m:02d}{s:02d}Z",'
                         f'"end":"20260302T{e // 3600:02d}{e // 60 % 60:02d}{e % 60:02d}Z",'
                         f'"tags":["T{rnd.randint(1, 2)}"],"annotation":"n{rnd.randint(1, 3)}"}}')
        parsed = parse_timew("[" + ",".join(items) + "]")
        plan = plan_entries(parsed.intervals, "UTC", ["T1", "T2"], {}, {}, {})
        seconds = sum(p.seconds for p in plan.pieces)
        assert sum(e.minutes for e in plan.entries) == (seconds + 30) // 60


def test_a_note_with_a_control_character_is_refused_where_the_file_has_it(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    f = tmp_path / "esc.csv"
    f.write_text("Date,From,To,Duration,User,Activity,Description,Tags\n"
                 "2026-03-02,09:00,10:00,01:00,陈静,T2,fine,\n"
                 '2026-03-03,09:00,10:00,01:00,陈静,T2,"two\nlines",\n'
                 "2026-03-04,09:00,10:00,01:00,陈静,T2,bell \x07 here,\n", encoding="utf-8")
    rc, _, err = run(capsys, db_url, "chen.jing", "kimai", str(f))
    assert rc == 1
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("esc.csv: line 5 (2026-03-04, T2): note:")
    assert "\x07" not in err
    assert rows(example) == []


def test_each_tools_help_explains_the_rules_with_an_example(
        capsys: pytest.CaptureFixture[str]) -> None:
    for tool in ("timew", "timeclock", "timedot", "klog", "kimai"):
        with pytest.raises(SystemExit):
            main(["import", tool, "--help"])
        text = capsys.readouterr().out
        for words in ("--task-map NAME=CODE", "--person P", "split at midnight",
                      "rounded once", "already imported", "example:",
                      f"sowtrack import {tool}"):
            assert words in text, (tool, words)
    with pytest.raises(SystemExit):
        main(["import", "timedot", "--help"])
    assert "The d unit is 24 hours" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("text,problem", [
    ('[{"start":"20200101T000000Z","end":"20260101T000000Z","tags":["T1"]}]',
     "[0]: lasts more than 7 days"),
    ('[{"start":"99991231T230000Z","end":"99991231T233000Z","tags":["T1"]}]',
     "[0]: its dates are beyond the calendar"),
])
def test_an_interval_left_running_or_off_the_calendar_is_one_problem(text: str,
                                                                     problem: str) -> None:
    plan = plan_entries(parse_timew(text).intervals, "Asia/Shanghai", ["T1"], {}, {}, {})
    assert plan.entries == [] and plan.problems[0].startswith(problem)


def test_klog_and_timedot_refuse_more_than_a_day() -> None:
    from model.trackers import parse_klog

    parsed = parse_klog('{"records":[{"date":"2026-03-02","entries":['
                        '{"type":"range","start_mins":0,"end_mins":100000000000000},'
                        '{"type":"duration","total_mins":1441}]}]}')
    assert [p.split(": ")[0] for p in parsed.problems] == [
        "records[0].entries[0].end", "records[0].entries[1].total_mins"]
    assert parse_timedot("2026-03-02\nT1  25h\n").problems == [
        "line 2: '25h' is more than the 24 hours of a day"]


def _klog(*records: str) -> str:
    return '{"records":[' + ",".join(records) + '],"errors":null}'


def test_a_klog_duration_keeps_its_key_when_a_range_is_added_before_it(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    # a duration's key is its place among the day's durations (README): a range written
    # before it later must not make it new again (it was imported twice, 2 h for 1 h)
    first, later = tmp_path / "first.json", tmp_path / "later.json"
    first.write_text(_klog('{"date":"2026-03-02","tags":["#t2"],"entries":['
                           '{"type":"duration","total_mins":60}]}'), encoding="utf-8")
    later.write_text(_klog('{"date":"2026-03-02","tags":["#t2"],"entries":['
                           '{"type":"range","start_mins":540,"end_mins":570},'
                           '{"type":"duration","total_mins":60}]}'), encoding="utf-8")
    assert run(capsys, db_url, "chen.jing", "klog", str(first))[0] == 0
    rc, out, err = run(capsys, db_url, "chen.jing", "klog", str(later))
    assert rc == 0, err
    assert "1 new, 1 already imported" in out
    assert day_totals(example)[D("2026-03-02")] == 90


def test_klog_records_of_one_date_are_imported_apart_and_once(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    # klog allows several records of one date: their durations are distinct intervals
    # (a database error before); the same range twice is one problem naming both
    f = tmp_path / "two.json"
    f.write_text(_klog('{"date":"2026-03-02","tags":["#t2"],"entries":['
                       '{"type":"duration","total_mins":60}]}',
                       '{"date":"2026-03-02","tags":["#t3"],"entries":['
                       '{"type":"duration","total_mins":90}]}'), encoding="utf-8")
    rc, out, err = run(capsys, db_url, "chen.jing", "klog", str(f))
    assert rc == 0, err
    assert "2 new, 0 already imported" in out
    rc, out, err = run(capsys, db_url, "chen.jing", "klog", str(f))
    assert rc == 0, err
    assert "0 new, 2 already imported" in out
    assert sorted(rows(example)) == [(D("2026-03-02"), "T2", 60, ""),
                                     (D("2026-03-02"), "T3", 90, "")]
    from model.trackers import parse_klog

    parsed = parse_klog(_klog('{"date":"2026-03-03","tags":["#t2"],"entries":['
                              '{"type":"range","start_mins":540,"end_mins":570}]}',
                              '{"date":"2026-03-03","tags":["#t3"],"entries":['
                              '{"type":"range","start_mins":540,"end_mins":600}]}'))
    assert parsed.problems == ["records[1].entries[0]: a second range starting at 9:00 on "
                               "2026-03-03 (the first is records[0].entries[0])"]


def test_a_number_too_long_for_python_is_one_line_not_a_traceback(
        example: Ledger, db_url: str, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    # json.loads raises a plain ValueError (not JSONDecodeError) for an integer of more
    # than 4,300 digits: a hostile or corrupt export crashed the import
    f = tmp_path / "big.json"
    f.write_text('{"records":[{"date":"2026-03-02","entries":[{"type":"duration",'
                 '"total_mins":' + "1" * 5000 + "}]}]}", encoding="utf-8")
    rc, _, err = run(capsys, db_url, "chen.jing", "klog", str(f))
    assert rc == 1
    assert err.strip() == ("error: big.json: not klog's JSON: a number of more than "
                           "4300 digits")
    with pytest.raises(LedgerError, match="a number of more than 4300 digits"):
        parse_timew("[" + "9" * 4301 + "]")
    assert rows(example) == []


def test_a_klog_summary_that_is_not_a_text_is_named_by_its_path() -> None:
    # a number or a list as a summary crashed the parser (TypeError, AttributeError)
    from model.trackers import parse_klog

    parsed = parse_klog(_klog(
        '{"date":"2026-03-02","summary":5,"tags":["#t2"],"entries":['
        '{"type":"duration","total_mins":60}]}',
        '{"date":"2026-03-03","tags":["#t2"],"entries":['
        '{"type":"duration","total_mins":60,"summary":["a"]},'
        '{"type":"duration","total_mins":30,"summary":"fine"}]}'))
    assert parsed.problems == ["records[0].summary: expected a text",
                               "records[1].entries[0].summary: expected a text"]
    assert [(i.where, i.note) for i in parsed.intervals] == [
        ("records[1].entries[1]", "fine")]


def test_a_kimai_night_at_the_end_of_the_calendar_is_one_problem() -> None:
    # a To before its From ends the next day: after 9999-12-31 there is none
    # (an OverflowError escaped the parser)
    from model.trackers import parse_kimai

    parsed = parse_kimai("Date,From,To\n9999-12-31,23:00,01:00\n")
    assert parsed.problems == ["line 2: To: 01:00 the next day is beyond the calendar"]
    assert parsed.intervals == []


def test_klog_values_quoted_in_a_problem_carry_no_control_characters() -> None:
    # an open range's start, a negative duration's text and klog's own errors were put
    # in the message as they were: an escape sequence reached the terminal
    from model.trackers import parse_klog

    esc = "\\u001b[2J"
    parsed = parse_klog(_klog(
        '{"date":"2026-03-02","tags":["#t2"],"entries":['
        '{"type":"open_range","start":"' + esc + '9:30"},'
        '{"type":"duration","total_mins":-60,"total":"' + esc + '-1h"}]}'))
    assert [p.split(": ")[0] for p in parsed.problems] == [
        "records[0].entries[0]", "records[0].entries[1].total_mins"]
    errors = parse_klog('{"records":[],"errors":[{"line":"' + esc + '","title":"' + esc
                        + 'bad"}]}')
    for problem in parsed.problems + errors.problems:
        assert "\x1b" not in problem, problem
        assert "␛" in problem, problem
