"""The command line as a user meets it (SPEC.md §4–§6).

Every refusal is exit code 1 with one clear line on stderr that names the
field, key or row at fault, and nothing written; usage errors are exit code 2.
``tui.cli.main`` runs in-process on a SQLite file; one test runs the installed
console script to see what a shell sees.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from model.errors import LedgerError
from storage.services import Ledger
from tui.cli import build_parser, main

from .conftest import EXAMPLE_SOW, WORKED, worked_commands

CODE = "CLAIMS-AGENT-2026"


# ---------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No acting person or database leaks in from the environment."""
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.delenv("SOWTRACK_DB", raising=False)
    monkeypatch.delenv("SOWTRACK_PROJECT", raising=False)


@pytest.fixture
def url(tmp_path: Path) -> str:
    """An empty ledger (the file is created on first use)."""
    return f"sqlite:///{tmp_path / 'x.db'}"


@pytest.fixture
def ex(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A ledger with the example SOW loaded through `sowtrack init`."""
    assert main(["--db", url, "init", str(EXAMPLE_SOW)]) == 0
    capsys.readouterr()
    return url


class Run:
    def __init__(self, rc: int, out: str, err: str):
        self.rc, self.out, self.err = rc, out, err


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> Run:
    capsys.readouterr()
    rc = main(["--db", url, *args])
    done = capsys.readouterr()
    return Run(rc, done.out, done.err)


def ok(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    r = run(capsys, url, *args)
    assert r.rc == 0, (args, r.err)
    assert "Traceback" not in r.err
    return r.out


def refused(capsys: pytest.CaptureFixture[str], url: str, *args: str,
            names: tuple[str, ...] = ()) -> str:
    """Exit 1, exactly one line on stderr starting with 'error: ' and naming each of ``names``
    (plain substrings, or regexes when they start with 're:')."""
    r = run(capsys, url, *args)
    assert r.rc == 1, (args, r.rc, r.out, r.err)
    lines = r.err.splitlines()
    assert len(lines) == 1, f"{args}: expected one line on stderr, got:\n{r.err}"
    line = lines[0]
    assert line.startswith("error: "), line
    for name in names:
        if name.startswith("re:"):
            assert re.search(name[3:], line), f"{args}: {line!r} does not name {name[3:]!r}"
        else:
            assert name in line, f"{args}: {line!r} does not name {name!r}"
    return line


@contextmanager
def opened(url: str, project: str | None = None, actor: str | None = None) -> Iterator[Ledger]:
    """The ledger behind ``url``, read directly through the services."""
    led = Ledger.open(url, project, actor)
    try:
        yield led
    finally:
        led.engine.dispose()


def projects(url: str) -> list[str]:
    with opened(url) as led:
        return [p.code for p in led.projects()]


def entries(url: str, project: str | None = None) -> list:
    with opened(url, project) as led:
        return led.entries()


def change_requests(url: str) -> list:
    with opened(url) as led:
        return led.change_requests()


def sow_text(*edits: tuple[str, str]) -> str:
    """The example SOW with textual edits, each of a text that occurs exactly once."""
    text = EXAMPLE_SOW.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique: {old!r}"
        text = text.replace(old, new)
    return text


def write_csv(tmp_path: Path, lines: list[str], name: str = "entries.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "date,person,task,hours,note"


# ---------------------------------------------------------------- init: the SOW file

BAD_SOWS = [
    # id, edits, what the one line must name
    ("unknown-project-key",
     [('currency = "CNY"', 'currency = "CNY"\ncolour = "blue"')],
     ("colour", "[project]", "unknown key")),
    ("unknown-top-level-table",
     [("[calendar]", "[extras]\nfoo = 1\n\n[calendar]")],
     ("extras",)),
    ("duplicate-key",
     [("hours_per_day = 8", "hours_per_day = 8\nhours_per_day = 7")],
     ("hours_per_day",)),
    ("bad-date",
     [("start = 2026-03-02", 'start = "yesterday"')],
     ("re:\\bstart\\b", "yesterday")),
    ("end-before-start",
     [("end = 2026-05-29", "end = 2026-02-01")],
     ("re:\\bend\\b", "2026-02-01")),
    ("unknown-grade-in-budget",
     [("intermediate = 30", "intermediate = 30\nboss = 3")],
     ("boss", "[budget]")),
    ("unknown-grade-of-person",
     [('grade = "senior"\n', 'grade = "guru"\n')],
     ("re:\\bgrade\\b", "guru", "[[person]]")),
    ("unknown-party",
     [('party = "client"', 'party = "martians"')],
     ("re:\\bparty\\b", "martians")),
    ("client-person-with-grade",
     [('party = "client"\nrole = "signatory"',
       'party = "client"\nrole = "signatory"\ngrade = "senior"')],
     ("re:\\bgrade\\b", "client")),
    ("engineer-without-grade",
     [('\ngrade = "intermediate"', "")],
     ("re:\\bgrade\\b", "[[person]]")),
    ("duplicate-person-id",
     [('id = "chen.jing"', 'id = "zhang.wei"')],
     ("re:\\bid\\b", "zhang.wei", "duplicate")),
    ("assignee-not-a-person",
     [('assignees = ["liu.yang", "chen.jing"]', 'assignees = ["liu.yang", "ghost"]')],
     ("assignees", "ghost")),
    ("negative-rate",
     [("senior = 2800", "senior = -2800")],
     ("[rates]", "re:\\bsenior\\b", "negative")),
    ("estimate-not-a-number",
     [("estimate = 6\n", 'estimate = "six"\n')],
     ("estimate", "six")),
]


@pytest.mark.parametrize("edits,names", [pytest.param(e, n, id=i) for i, e, n in BAD_SOWS])
def test_init_refuses_a_bad_sow_file(tmp_path: Path, url: str,
                                     capsys: pytest.CaptureFixture[str],
                                     edits: list[tuple[str, str]],
                                     names: tuple[str, ...]) -> None:
    sow = tmp_path / "sow.toml"
    sow.write_text(sow_text(*edits), encoding="utf-8")
    refused(capsys, url, "init", str(sow), names=names)
    # Nothing was written: not even an empty ledger file.
    r = run(capsys, url, "report", "summary")
    assert r.rc == 1 and "--db: no ledger at" in r.err, r.err
    assert not Path(url.removeprefix("sqlite:///")).exists()


def test_init_accepts_seven_and_a_half_hour_days(tmp_path: Path, url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sow = tmp_path / "sow.toml"
    sow.write_text(sow_text(("hours_per_day = 8", "hours_per_day = 7.5")), encoding="utf-8")
    ok(capsys, url, "init", str(sow))
    with opened(url) as led:
        assert led.project().minutes_per_day == 450
    # 7.5 h is then one person-day.
    ok(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "7.5",
       "--date", "2026-03-02")
    s = json.loads(ok(capsys, url, "report", "summary", "--as-of", "2026-03-02", "--json"))
    assert s["consumed_pd"] == 1.0


def test_init_of_the_same_file_twice(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, ex, "init", str(EXAMPLE_SOW), names=("already exists", CODE))
    assert projects(ex) == [CODE]


def test_init_of_a_missing_file(tmp_path: Path, url: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, url, "init", str(tmp_path / "nope.toml"), names=("nope.toml",))
    assert projects(url) == []


# ---------------------------------------------------------------- log

LOG_REFUSALS = [
    ("unknown-task", ["--as", "liu.yang", "log", "--task", "T9", "--hours", "3",
                      "--date", "2026-03-10"], ("--task", "T9")),
    ("unknown-person", ["--as", "zhang.wei", "log", "--person", "nobody", "--task", "T1",
                        "--hours", "3", "--date", "2026-03-10"], ("--person", "nobody")),
    ("unknown-acting-person", ["--as", "nobody", "log", "--task", "T1", "--hours", "3",
                               "--date", "2026-03-10"], ("--as", "nobody")),
    ("client-logs-as-self", ["--as", "li.na", "log", "--task", "T1", "--hours", "3",
                             "--date", "2026-03-10"], ("--as", "li.na")),
    ("client-logged-for", ["--as", "zhang.wei", "log", "--person", "li.na", "--task", "T1",
                           "--hours", "3", "--date", "2026-03-10"], ("--person", "li.na")),
    ("date-after-sow", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "3",
                        "--date", "2026-06-01"], ("--date", "2026-06-01")),
    ("date-before-sow", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "3",
                         "--date", "2026-03-01"], ("--date", "2026-03-01")),
    ("date-not-a-date", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "3",
                         "--date", "2026-13-01"], ("--date",)),
    ("hours-zero", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "0",
                    "--date", "2026-03-10"], ("--hours",)),
    ("hours-negative", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "-1",
                        "--date", "2026-03-10"], ("--hours",)),
    ("hours-not-a-number", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "abc",
                            "--date", "2026-03-10"], ("--hours", "abc")),
    ("hours-fraction-of-a-minute", ["--as", "liu.yang", "log", "--task", "T2",
                                    "--hours", "7.333", "--date", "2026-03-10"],
     ("--hours", "7.333")),
    ("hours-over-a-day", ["--as", "liu.yang", "log", "--task", "T2", "--hours", "25",
                          "--date", "2026-03-10"], ("--hours",)),
    ("nobody-acting", ["log", "--task", "T2", "--hours", "3", "--date", "2026-03-10"],
     ("re:--person|--as",)),
]


@pytest.mark.parametrize("args,names", [pytest.param(a, n, id=i) for i, a, n in LOG_REFUSALS])
def test_log_refusals(ex: str, capsys: pytest.CaptureFixture[str], args: list[str],
                      names: tuple[str, ...]) -> None:
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "4",
       "--date", "2026-03-09")
    refused(capsys, ex, *args, names=names)
    assert len(entries(ex)) == 1


def test_log_a_day_total_over_24_hours(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "13",
       "--date", "2026-03-10")
    refused(capsys, ex, "--as", "liu.yang", "log", "--task", "T4", "--hours", "13",
            "--date", "2026-03-10", names=("--hours", "24"))
    assert [(e.person, e.minutes) for e in entries(ex)] == [("liu.yang", 13 * 60)]


def test_log_person_defaults_to_the_acting_person(ex: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "7.5",
             "--date", "2026-03-10", "--note", "retry logic")
    assert "liu.yang" in out and "7.5" in out
    # Global options are also accepted after the command.
    ok(capsys, ex, "log", "--as", "chen.jing", "--task", "T3", "--hours", "2",
       "--date", "2026-03-10")
    got = [(e.person, e.task, e.minutes, e.grade, e.note) for e in entries(ex)]
    assert got == [("liu.yang", "T2", 450, "senior", "retry logic"),
                   ("chen.jing", "T3", 120, "expert", "")]


def test_log_for_someone_else(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, ex, "--as", "zhang.wei", "log", "--person", "wang.fang", "--task", "T1",
       "--hours", "8", "--date", "2026-03-02")
    assert [(e.person, e.grade) for e in entries(ex)] == [("wang.fang", "intermediate")]


def test_sowtrack_user_acts_as_as(ex: str, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_USER", "chen.jing")
    ok(capsys, ex, "log", "--task", "T3", "--hours", "6", "--date", "2026-03-05")
    assert [e.person for e in entries(ex)] == ["chen.jing"]
    # --as wins over the environment.
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "6",
       "--date", "2026-03-05")
    assert [e.person for e in entries(ex)] == ["chen.jing", "liu.yang"]


def test_log_date_defaults_to_today(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The example SOW ends on 2026-05-29; today (2026-11-21 or later) is outside it, and
    the refusal names --date although it was not given."""
    line = refused(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "3",
                   names=("--date", "outside the SOW"))
    today = re.search(r"\d{4}-\d\d-\d\d", line)
    assert today and today.group(0) >= "2026-11-21", line
    assert entries(ex) == []


# ---------------------------------------------------------------- import entries


def test_import_wrong_header(tmp_path: Path, ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    f = write_csv(tmp_path, ["date,who,task,hours,note", "2026-03-02,zhang.wei,T1,8,x"])
    refused(capsys, ex, "import", "entries", str(f), names=("line 1",))
    assert entries(ex) == []


def test_import_lists_every_bad_row_and_writes_nothing(tmp_path: Path, ex: str,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    f = write_csv(tmp_path, [
        HEADER,                                         # line 1
        "2026-03-02,zhang.wei,T1,8,good",               # line 2
        "2026-03-02,nobody,T1,8,unknown person",        # line 3
        "2026-03-03,liu.yang,T2,8",                     # line 4: four fields
        "2026-03-03,wang.fang,T1,abc,bad hours",        # line 5
        "2026-06-01,chen.jing,T2,8,outside the SOW",    # line 6
        "2026-03-04,li.na,T1,4,client person",          # line 7
        "2026-03-05,chen.jing,T3,13,first half",        # line 8: good on its own
        "2026-03-05,chen.jing,T2,13,second half",       # line 9: 26 h on 03-05
        "2026-03-06,liu.yang,T9,8,unknown task",        # line 10
        "2026-03-06,wang.fang,T3,8,good",               # line 11
    ])
    r = run(capsys, ex, "import", "entries", str(f))
    assert r.rc == 1, r.err
    assert "Traceback" not in r.err
    lines = r.err.splitlines()
    assert "nothing imported" in lines[-1], r.err
    bad = lines[:-1]
    numbers = []
    for line in bad:
        m = re.search(r"\bline (\d+): \S", line)
        assert m, f"not a 'line N: reason' line: {line!r}"
        numbers.append(int(m.group(1)))
    assert numbers == [3, 4, 5, 6, 7, 9, 10], r.err
    by_line = dict(zip(numbers, bad, strict=True))
    assert "nobody" in by_line[3]
    assert "abc" in by_line[5] or "hours" in by_line[5]
    assert "2026-06-01" in by_line[6]
    assert "li.na" in by_line[7]
    assert "24" in by_line[9]
    assert "T9" in by_line[10]
    assert entries(ex) == []


def test_import_accepts_a_bom(tmp_path: Path, ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\r\n2026-03-02,zhang.wei,T1,8,kickoff\r\n"
                                     "2026-03-02,wang.fang,T1,8,notes\r\n").encode("utf-8"))
    out = ok(capsys, ex, "import", "entries", str(f))
    assert "2" in out
    assert [(e.person, e.note) for e in entries(ex)] == [("zhang.wei", "kickoff"),
                                                        ("wang.fang", "notes")]


def test_import_keeps_a_quoted_note_with_a_comma_and_chinese(tmp_path: Path, ex: str,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    f = write_csv(tmp_path, [HEADER, '2026-03-10,chen.jing,T3,8,"prompt v2, 第二轮"'])
    ok(capsys, ex, "import", "entries", str(f))
    assert [e.note for e in entries(ex)] == ["prompt v2, 第二轮"]
    assert "prompt v2, 第二轮" in ok(capsys, ex, "entries")


def test_import_refuses_a_file_that_is_not_utf8(tmp_path: Path, ex: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "latin.csv"
    f.write_bytes((HEADER + "\n2026-03-02,zhang.wei,T1,8,réunion café\n").encode("latin-1"))
    refused(capsys, ex, "import", "entries", str(f), names=("latin.csv", "UTF-8"))
    assert entries(ex) == []


def test_import_of_the_worked_entries(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, ex, "import", "entries", str(WORKED / "entries.csv"))
    assert "15" in out
    assert len(entries(ex)) == 15
    listing = ok(capsys, ex, "entries")
    assert "15 entries" in listing and "107.5 h" in listing


# ---------------------------------------------------------------- change requests


def test_cr_lifecycle_and_refusals(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert ok(capsys, ex, "--as", "zhang.wei", "cr", "new", "--title", "Fraud hints",
              "--delta", "senior=5", "--quota", "prompt-rounds=1",
              "--on", "2026-03-04").strip() == "CR-001"
    assert ok(capsys, ex, "--as", "zhang.wei", "cr", "new", "--title", "Second OCR engine",
              "--delta", "expert=3", "--on", "2026-03-09").strip() == "CR-002"

    # An engineer cannot sign; nobody acting cannot sign.
    refused(capsys, ex, "--as", "liu.yang", "cr", "sign", "CR-001", "--on", "2026-03-05",
            names=("--as", "liu.yang"))
    refused(capsys, ex, "cr", "sign", "CR-001", "--on", "2026-03-05", names=("--as",))

    out = ok(capsys, ex, "--as", "zhang.wei", "cr", "sign", "CR-001", "--on", "2026-03-05")
    assert "CR-001" in out and "pending" in out

    # Carrying a signature, it is frozen.
    refused(capsys, ex, "--as", "zhang.wei", "cr", "edit", "CR-001", "--delta", "senior=6",
            names=("CR-001", "frozen"))

    out = ok(capsys, ex, "--as", "li.na", "cr", "sign", "CR-001", "--on", "2026-03-06")
    assert "CR-001" in out and "effective" in out and "2026-03-06" in out

    # An effective CR cannot be withdrawn.
    refused(capsys, ex, "--as", "zhang.wei", "cr", "withdraw", "CR-001", names=("CR-001",))

    # The client signatory signs CR-002, then tries again.
    out = ok(capsys, ex, "--as", "li.na", "cr", "sign", "CR-002", "--on", "2026-03-10")
    assert "pending" in out
    refused(capsys, ex, "--as", "li.na", "cr", "sign", "CR-002", "--on", "2026-03-11",
            names=("--as", "li.na"))

    # Withdrawn, it cannot be signed.
    assert "withdrawn" in ok(capsys, ex, "--as", "zhang.wei", "cr", "withdraw", "CR-002")
    refused(capsys, ex, "--as", "zhang.wei", "cr", "sign", "CR-002", "--on", "2026-03-11",
            names=("CR-002", "withdrawn"))

    crs = {c.number: c for c in change_requests(ex)}
    assert crs["CR-001"].status == "effective"
    assert crs["CR-001"].deltas == (("senior", 5000),)
    assert [s.person for s in crs["CR-002"].signatures] == ["li.na"]
    assert crs["CR-002"].status == "withdrawn"
    s = json.loads(ok(capsys, ex, "report", "summary", "--as-of", "2026-03-10", "--json"))
    assert s["budget_pd"] == 95.0
    assert s["change_requests"] == {"effective": ["CR-001"], "pending": []}


def test_cr_edit_before_any_signature(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, ex, "--as", "zhang.wei", "cr", "new", "--title", "OCR", "--delta", "expert=3",
       "--on", "2026-03-09")
    ok(capsys, ex, "--as", "zhang.wei", "cr", "edit", "CR-001", "--delta", "expert=4")
    assert change_requests(ex)[0].deltas == (("expert", 4000),)


CR_NEW_REFUSALS = [
    ("unknown-grade", ["--delta", "boss=3"], ("--delta", "boss")),
    ("delta-not-a-number", ["--delta", "senior=x"], ("--delta",)),
    ("unknown-quota", ["--quota", "nope=1"], ("--quota", "nope")),
    ("quota-not-whole", ["--quota", "prompt-rounds=1.5"], ("--quota",)),
    ("delta-without-equals", ["--delta", "senior"], ("--delta", "senior")),
    ("bad-end", ["--end", "someday"], ("--end",)),
    ("bad-on", ["--on", "2026-02-30"], ("--on",)),
    ("empty-title", ["--title", " "], ("--title",)),
]


@pytest.mark.parametrize("extra,names", [pytest.param(a, n, id=i) for i, a, n in CR_NEW_REFUSALS])
def test_cr_new_refusals(ex: str, capsys: pytest.CaptureFixture[str], extra: list[str],
                         names: tuple[str, ...]) -> None:
    title = [] if "--title" in extra else ["--title", "A change"]
    refused(capsys, ex, "--as", "zhang.wei", "cr", "new", *title, *extra, names=names)
    assert change_requests(ex) == []
    # The numbering did not move.
    assert ok(capsys, ex, "--as", "zhang.wei", "cr", "new", "--title", "ok",
              "--delta", "senior=1").strip() == "CR-001"


def test_cr_new_without_as(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, ex, "cr", "new", "--title", "A change", names=("--as",))
    assert change_requests(ex) == []


def test_cr_unknown_id(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, ex, "--as", "zhang.wei", "cr", "sign", "CR-042", names=("CR-042",))
    refused(capsys, ex, "cr", "show", "CR-042", names=("CR-042",))


# ---------------------------------------------------------------- sign-offs and locks


def test_signoff_period_by_an_engineer(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, ex, "--as", "liu.yang", "signoff", "period", "--from", "2026-03-02",
            "--to", "2026-03-31", "--on", "2026-04-01", names=("--as", "liu.yang"))
    with opened(ex) as led:
        assert led.signoffs() == []


def test_a_signed_period_locks_its_entries(tmp_path: Path, ex: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8",
       "--date", "2026-03-10")
    # The March timesheet, although the SOW starts on Monday 03-02 (the example of
    # `sowtrack signoff period --help`).
    out = ok(capsys, ex, "--as", "zhang.wei", "signoff", "period", "--from", "2026-03-01",
             "--to", "2026-03-31", "--on", "2026-04-01")
    assert "TS-001" in out and "waiting" in out
    out = ok(capsys, ex, "--as", "li.na", "signoff", "period", "--from", "2026-03-01",
             "--to", "2026-03-31", "--on", "2026-04-02")
    assert "TS-001" in out and "2026-04-02" in out
    before = entries(ex)

    refused(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "2",
            "--date", "2026-03-10", names=("--date", "TS-001"))
    f = write_csv(tmp_path, [HEADER, "2026-03-11,liu.yang,T2,8,late"])
    r = run(capsys, ex, "import", "entries", str(f))
    assert r.rc == 1 and "line 2:" in r.err and "TS-001" in r.err, r.err

    with opened(ex, actor="zhang.wei") as led:
        with pytest.raises(LedgerError, match="TS-001"):
            led.edit_entry(before[0].id, hours="4")
        with pytest.raises(LedgerError, match="TS-001"):
            led.edit_entry(before[0].id, on="2026-04-10")
        with pytest.raises(LedgerError, match="TS-001"):
            led.delete_entry(before[0].id)
    assert entries(ex) == before

    # April is still open.
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "2",
       "--date", "2026-04-01")
    # An overlapping period is refused.
    refused(capsys, ex, "--as", "zhang.wei", "signoff", "period", "--from", "2026-03-15",
            "--to", "2026-04-15", names=("TS-001", "overlaps"))
    refused(capsys, ex, "--as", "zhang.wei", "signoff", "period", "--from", "2026-04-30",
            "--to", "2026-04-01", names=("--to",))
    assert ok(capsys, ex, "verify").startswith("ok")


def test_after_acceptance_the_ledger_is_read_only(tmp_path: Path, ex: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8",
       "--date", "2026-03-10")
    refused(capsys, ex, "--as", "liu.yang", "signoff", "acceptance", "--on", "2026-06-01",
            names=("--as",))
    ok(capsys, ex, "--as", "zhang.wei", "signoff", "acceptance", "--on", "2026-06-01")
    ok(capsys, ex, "--as", "li.na", "signoff", "acceptance", "--on", "2026-06-02")

    f = write_csv(tmp_path, [HEADER, "2026-05-20,liu.yang,T2,8,late"])
    for args in (
        ["--as", "liu.yang", "log", "--task", "T2", "--hours", "2", "--date", "2026-05-20"],
        ["--as", "zhang.wei", "blocker", "add", "--title", "x", "--party", "client",
         "--on", "2026-05-20"],
        ["--as", "zhang.wei", "cr", "new", "--title", "x", "--delta", "senior=1",
         "--on", "2026-05-20"],
        ["--as", "zhang.wei", "quota", "use", "research-meetings", "--on", "2026-05-20"],
        ["import", "entries", str(f)],
    ):
        refused(capsys, ex, *args, names=("read-only",))
    assert len(entries(ex)) == 1
    assert change_requests(ex) == []
    assert "CLAIMS-AGENT-2026" in ok(capsys, ex, "report", "summary", "--as-of", "2026-05-29")
    assert ok(capsys, ex, "verify").startswith("ok")


# ---------------------------------------------------------------- quotas


def test_quota_refusals(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ex, "--as", "zhang.wei", "quota", "use", "research-meetings",
                   "--n", "4", "--on", "2026-03-02", names=("research-meetings",))
    assert re.search(r"\b3\b", line), f"the limit 3 is not in {line!r}"
    refused(capsys, ex, "--as", "zhang.wei", "quota", "use", "nope", "--on", "2026-03-02",
            names=("nope",))
    refused(capsys, ex, "--as", "zhang.wei", "quota", "use", "research-meetings", "--n", "0",
            "--on", "2026-03-02", names=("--n",))
    with opened(ex) as led:
        assert {q.key: q.used for q in led.quotas()} == {
            "research-meetings": 0, "prompt-rounds": 0, "eval-records": 0}
    out = ok(capsys, ex, "--as", "zhang.wei", "quota", "use", "research-meetings", "--n", "3",
             "--on", "2026-03-02")
    assert "3 of 3" in out
    line = refused(capsys, ex, "--as", "zhang.wei", "quota", "use", "research-meetings",
                   "--on", "2026-03-03", names=("research-meetings",))
    assert re.search(r"\b3\b", line)


# ---------------------------------------------------------------- blockers


def test_blockers(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert ok(capsys, ex, "--as", "zhang.wei", "blocker", "add", "--title", "No test env",
              "--party", "client", "--on", "2026-03-10").strip() == "B-001"
    refused(capsys, ex, "--as", "zhang.wei", "blocker", "add", "--title", "Aliens",
            "--party", "martians", "--on", "2026-03-10", names=("--party", "martians"))
    refused(capsys, ex, "--as", "zhang.wei", "blocker", "add", "--title", "Blocked",
            "--party", "vendor", "--task", "T9", "--on", "2026-03-10", names=("--task", "T9"))
    assert ok(capsys, ex, "--as", "zhang.wei", "blocker", "add", "--title", "Laptop lost",
              "--party", "vendor", "--on", "2026-03-11", "--task", "T2").strip() == "B-002"
    refused(capsys, ex, "--as", "zhang.wei", "blocker", "resolve", "B-009", names=("B-009",))
    refused(capsys, ex, "--as", "zhang.wei", "blocker", "resolve", "B-001",
            "--on", "2026-03-05", names=("--on", "2026-03-05"))
    out = ok(capsys, ex, "--as", "zhang.wei", "blocker", "resolve", "B-001",
             "--on", "2026-03-12")
    assert "B-001" in out and "2026-03-12" in out
    refused(capsys, ex, "--as", "zhang.wei", "blocker", "resolve", "B-001",
            "--on", "2026-03-13", names=("B-001",))
    with opened(ex) as led:
        got = [(b.number, b.party, b.resolved_on and b.resolved_on.isoformat())
               for b in led.blockers()]
    assert got == [("B-001", "client", "2026-03-12"), ("B-002", "vendor", None)]


# ---------------------------------------------------------------- usage errors and help


@pytest.mark.parametrize("argv", [
    pytest.param(["frobnicate"], id="unknown-command"),
    pytest.param(["log", "3", "--hours", "3"], id="log-hours-given-twice"),
    pytest.param(["log", "--task", "T1"], id="log-without-hours"),
    pytest.param(["cr"], id="cr-without-action"),
    pytest.param(["quota", "use", "research-meetings", "--n", "many"], id="quota-n-not-int"),
    pytest.param(["export", "pdf", "--out", "x"], id="export-unknown-kind"),
    pytest.param(["report", "summary", "--bogus"], id="unknown-option"),
])
def test_usage_errors_exit_2(url: str, argv: list[str],
                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match=r"^2$"):  # argparse's usage error
        main(["--db", url, *argv])
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


def _command_paths() -> list[list[str]]:
    """Every command and sub-command of the parser, found by walking it."""
    paths: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        paths.append(prefix)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return paths


COMMAND_PATHS = _command_paths()


def test_the_walk_finds_the_commands() -> None:
    names = {" ".join(p) for p in COMMAND_PATHS}
    assert {"", "init", "log", "import entries", "cr sign", "report burndown",
            "signoff acceptance", "export", "verify"} <= names


@pytest.mark.parametrize("path", COMMAND_PATHS,
                         ids=[" ".join(p) or "sowtrack" for p in COMMAND_PATHS])
def test_help_of_every_command_has_an_example(path: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match=r"^0?$"):  # help: exit 0 (or None)
        main([*path, "--help"])
    out = capsys.readouterr().out
    assert "usage:" in out
    assert "example:" in out, f"`sowtrack {' '.join(path)} --help` shows no example"


# ---------------------------------------------------------------- reports, export, verify



@pytest.fixture
def worked(url: str, worked_dir: Path, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> str:
    """The worked example replayed through the command line (but its last report)."""
    monkeypatch.chdir(worked_dir)
    commands = worked_commands()
    assert commands[-1][:2] == ["report", "summary"]
    for args in commands[:-1]:
        assert main(["--db", url, *args]) == 0, args
    capsys.readouterr()
    return url


def test_report_summary_human(worked: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, worked, "report", "summary", "--as-of", "2026-03-10")
    assert CODE in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert rows["senior_expert"][-3:] == ["8", "3", "5"]
    assert rows["expert"][-3:] == ["12", "2.75", "9.25"]
    assert rows["senior"][-3:] == ["45", "3.75", "41.25"]
    assert rows["intermediate"][-3:] == ["30", "3.938", "26.062"]
    assert rows["total"][-3:] == ["95", "13.438", "81.562"]
    assert "47,137.50" in out and "278,400.00" in out
    assert "2026-05-15" in out
    assert "CR-001" in out and "CR-002" in out


def test_report_summary_json_matches_the_worked_example(worked: str,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    s = json.loads(ok(capsys, worked, "report", "summary", "--as-of", "2026-03-10", "--json"))
    expected = json.loads((WORKED / "expected-summary.json").read_text(encoding="utf-8"))
    expected["cost"]["currency"] = "CNY"
    assert s == expected


def test_report_burndown_json(worked: str, capsys: pytest.CaptureFixture[str]) -> None:
    b = json.loads(ok(capsys, worked, "report", "burndown", "--as-of", "2026-03-10", "--json"))
    assert b["project"] == CODE
    series = b["series"]
    assert len(series) == 62
    assert series[0]["date"] == "2026-03-02" and series[-1]["date"] == "2026-05-29"
    assert "2026-04-06" not in {r["date"] for r in series}      # holiday
    assert "2026-05-09" in {r["date"] for r in series}          # make-up working day
    for r in series:
        assert set(r) == {"date", "budget_pd", "consumed_pd", "remaining_pd", "ideal_pd"}
        if r["date"] <= "2026-03-10":
            assert isinstance(r["consumed_pd"], float | int), r
        else:
            assert r["consumed_pd"] is None and r["remaining_pd"] is None, r
    last_known = [r for r in series if r["date"] == "2026-03-10"][0]
    assert last_known["consumed_pd"] == 13.438 and last_known["budget_pd"] == 95.0
    # The human form too: one row per working day after the header and its rule.
    human = ok(capsys, worked, "report", "burndown", "--as-of", "2026-03-10")
    assert len(human.strip().splitlines()) == 62 + 2


def test_export_sow_round_trips(tmp_path: Path, ex: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "first.toml"
    assert "first.toml" in ok(capsys, ex, "export", "sow", "--out", str(first))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    ok(capsys, other, "init", str(first))
    second = tmp_path / "second.toml"
    ok(capsys, other, "export", "sow", "--out", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert 'code = "CLAIMS-AGENT-2026"' in first.read_text(encoding="utf-8")


def test_export_to_an_unwritable_place(tmp_path: Path, ex: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, ex, "export", "sow", "--out", str(tmp_path / "no" / "such" / "dir.toml"),
            names=("--out",))


def test_verify_on_a_clean_ledger(worked: str, capsys: pytest.CaptureFixture[str]) -> None:
    r = run(capsys, worked, "verify")
    assert r.rc == 0 and r.err == ""
    assert r.out.startswith("ok")


# ---------------------------------------------------------------- database and project


@pytest.mark.parametrize("make_url", [
    pytest.param(lambda tmp: "notadb://x", id="unknown-dialect"),
    pytest.param(lambda tmp: f"sqlite:///{tmp / 'afile' / 'x.db'}", id="folder-is-a-file"),
    pytest.param(lambda tmp: f"sqlite:///{tmp}", id="a-directory"),
])
def test_an_unusable_db_url(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            make_url) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("not a folder\n", encoding="utf-8")
    refused(capsys, make_url(tmp_path), "report", "summary", names=("--db",))


def test_no_command_shows_the_status(ex: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, ex)
    assert CODE in out and "forecast" in out


def test_no_command_on_an_empty_database(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, url, "db", "upgrade")  # an empty ledger: the schema and nothing else
    refused(capsys, url, names=("no project",))


def test_project_option_with_two_projects(tmp_path: Path, ex: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.toml"
    other.write_text(sow_text((f'code = "{CODE}"', 'code = "OTHER-2026"')), encoding="utf-8")
    ok(capsys, ex, "init", str(other))
    assert projects(ex) == [CODE, "OTHER-2026"]
    refused(capsys, ex, "report", "summary", names=("--project",))
    refused(capsys, ex, "--as", "liu.yang", "log", "--task", "T2", "--hours", "3",
            "--date", "2026-03-10", names=("--project",))
    out = ok(capsys, ex, "--project", "OTHER-2026", "report", "summary", "--as-of", "2026-03-10")
    assert "OTHER-2026" in out and CODE not in out
    ok(capsys, ex, "--project", "OTHER-2026", "--as", "liu.yang", "log", "--task", "T2",
       "--hours", "3", "--date", "2026-03-10")
    assert len(entries(ex, "OTHER-2026")) == 1
    assert entries(ex, CODE) == []
    refused(capsys, ex, "--project", "NOPE", "report", "summary", names=("--project", "NOPE"))


# ---------------------------------------------------------------- the real console script


def test_console_script_refuses_without_a_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "sowtrack"
    assert script.exists(), script
    db = f"sqlite:///{tmp_path / 'x.db'}"
    bad = tmp_path / "sow.toml"
    bad.write_text(sow_text(("senior = 2800", "senior = -2800")), encoding="utf-8")
    # English, as every test speaks (the example SOW is Chinese: tests/conftest.py)
    env = {"PATH": str(script.parent), "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "SOWTRACK_LANGUAGE": "en"}
    cases = [
        ([str(script), "--db", db, "init", str(bad)], 1),
        ([str(script), "--db", db, "init", str(EXAMPLE_SOW)], 0),
        ([str(script), "--db", db, "--as", "liu.yang", "log", "--task", "T2", "--hours",
          "abc", "--date", "2026-03-10"], 1),
        ([str(script), "--db", "notadb://x", "report", "summary"], 1),
        ([str(script), "--db", db, "frobnicate"], 2),
    ]
    for argv, code in cases:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == code, (argv, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        if code == 1:
            assert len(done.stderr.splitlines()) == 1, done.stderr
            assert done.stderr.startswith("error: "), done.stderr


def test_entry_edit_and_delete_on_the_command_line(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'e.db'}"]
    assert main([*db, "init", str(EXAMPLE_SOW)]) == 0
    assert main([*db, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8",
                 "--date", "2026-03-02"]) == 0
    capsys.readouterr()
    assert main([*db, "--as", "liu.yang", "entry", "edit", "1", "--hours", "6.5",
                 "--note", "fixed"]) == 0
    assert capsys.readouterr().out.strip() == "entry 1: 6.5 h for liu.yang on T2, 2026-03-02"
    assert main([*db, "--as", "liu.yang", "entry", "edit", "1", "--hours", "0"]) == 1
    assert capsys.readouterr().err.strip() == "error: --hours: must be more than 0, got 0"
    assert main([*db, "--as", "liu.yang", "entry", "delete", "7"]) == 1
    assert capsys.readouterr().err.strip() == "error: entry 7: no such entry"
    assert main([*db, "--as", "liu.yang", "entry", "delete", "1"]) == 0
    assert main([*db, "entries"]) == 0
    assert "0 entries, 0 h" in capsys.readouterr().out
