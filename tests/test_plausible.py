"""Plausible values only (SPEC.md §7), each attack of issue 9 reproduced and refused.

Every refusal is one line naming the field, exit code 1, and nothing written (the
project's audit rows and the touched table are unchanged), on SQLite and PostgreSQL.
"Today" is pinned with SOWTRACK_TODAY, which every check honours; the example SOW is
stretched to the end of 2026 so that "signing December on 3 December" can be tried.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pendulum
import pytest

from model import rules
from model.errors import LedgerError
from storage.demo import DEMO_CODE, build_demo
from storage.services import Ledger
from storage.sowfile import parse_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW, as_
from .test_timezones import LISBON_EVENING, lisbon_sow

CODE = "CLAIMS-AGENT-2026"
TODAY = "2026-12-03"  # the "signing December on 3 December"
HEADER = "date,person,task,hours,note\n"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.delenv("SOWTRACK_DB", raising=False)
    monkeypatch.delenv("SOWTRACK_PROJECT", raising=False)
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)


def long_sow(folder: Path) -> Path:
    """The example SOW (from 2026-03-02), ending on 2026-12-31 instead of 2026-05-29."""
    text = EXAMPLE_SOW.read_text(encoding="utf-8")
    assert text.count("end = 2026-05-29") == 1
    path = folder / "sow-long.toml"
    path.write_text(text.replace("end = 2026-05-29", "end = 2026-12-31"), encoding="utf-8")
    return path


@pytest.fixture
def url(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A ledger with the long example SOW loaded through `sowtrack init`."""
    assert main(["--db", db_url, "init", str(long_sow(tmp_path))]) == 0
    capsys.readouterr()
    yield db_url


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", url, *args])
    done = capsys.readouterr()
    return rc, done.out, done.err


def ok(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    rc, out, err = run(capsys, url, *args)
    assert rc == 0, (args, err)
    return out


def ledger(url: str, actor: str | None = None) -> Ledger:
    return Ledger.open(url, CODE, actor)


def refused(capsys: pytest.CaptureFixture[str], url: str, *args: str, line: str) -> None:
    """Exit 1, exactly the one line ``error: {line}`` on stderr, and nothing written."""
    before = ledger(url).ledger_version()
    rc, out, err = run(capsys, url, *args)
    assert (rc, out, err) == (1, "", f"error: {line}\n"), args
    assert ledger(url).ledger_version() == before


# ---------------------------------------------------------------- dates of events and signatures

AFTER_TODAY = "is after today (2026-12-03); a date records what already happened"


def test_cr_new_on_1900_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Old", "--delta",
            "senior=1", "--on", "1900-01-01",
            line="--on: 1900-01-01 is before the SOW start 2026-03-02")
    assert ledger(url).change_requests() == []


def test_cr_sign_on_2099_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "OCR", "--delta", "expert=3",
       "--on", "2026-03-09")
    refused(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-001", "--on", "2099-12-31",
            line=f"--on: 2099-12-31 {AFTER_TODAY}")
    refused(capsys, url, "--as", "li.na", "cr", "sign", "CR-001", "--on", "2026-03-01",
            line="--on: 2026-03-01 is too early to sign CR-001 (not before 2026-03-09)")
    cr = ledger(url).change_request("CR-001")
    assert (cr.status, cr.signatures) == ("open", ())
    ok(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-001", "--on", TODAY)


EVENTS = [
    ("blocker-add-future", ["blocker", "add", "--title", "VPN", "--party", "client",
                            "--on", "2026-12-04"], f"--on: 2026-12-04 {AFTER_TODAY}"),
    ("blocker-add-before-start", ["blocker", "add", "--title", "VPN", "--party", "client",
                                  "--on", "2026-03-01"],
     "--on: 2026-03-01 is before the SOW start 2026-03-02"),
    ("blocker-resolve-future", ["blocker", "resolve", "B-001", "--on", "2027-01-01"],
     f"--on: 2027-01-01 {AFTER_TODAY}"),
    ("quota-use-future", ["quota", "use", "prompt-rounds", "--on", "2026-12-04"],
     f"--on: 2026-12-04 {AFTER_TODAY}"),
    ("quota-use-before-start", ["quota", "use", "prompt-rounds", "--on", "1900-01-01"],
     "--on: 1900-01-01 is before the SOW start 2026-03-02"),
    ("signoff-period-future", ["signoff", "period", "--from", "2026-03-01", "--to",
                               "2026-03-31", "--on", "2099-12-31"],
     f"--on: 2099-12-31 {AFTER_TODAY}"),
    ("signoff-acceptance-future", ["signoff", "acceptance", "--on", "2026-12-25"],
     f"--on: 2026-12-25 {AFTER_TODAY}"),
    ("signoff-acceptance-before-start", ["signoff", "acceptance", "--on", "2026-01-05"],
     "--on: 2026-01-05 is too early to sign ACC-001 (not before 2026-03-02)"),
]


@pytest.mark.parametrize("args,line", [pytest.param(a, m, id=i) for i, a, m in EVENTS])
def test_event_dated_after_today_or_before_start_is_refused(
        url: str, capsys: pytest.CaptureFixture[str], args: list[str], line: str) -> None:
    ok(capsys, url, "--as", "zhang.wei", "blocker", "add", "--title", "Test env", "--party",
       "client", "--on", "2026-03-03")
    refused(capsys, url, "--as", "zhang.wei", *args, line=line)
    led = ledger(url)
    assert [(b.number, b.resolved_on) for b in led.blockers()] == [("B-001", None)]
    assert led.signoffs() == []
    assert {q.key: q.used for q in led.quotas()}["prompt-rounds"] == 0


def test_event_on_today_in_the_actors_zone_is_accepted(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The bound is today itself (and the default --on is never refused)."""
    ok(capsys, url, "--as", "zhang.wei", "quota", "use", "prompt-rounds", "--on", TODAY)
    ok(capsys, url, "--as", "zhang.wei", "blocker", "add", "--title", "VPN", "--party",
       "client")
    assert ledger(url).blockers()[0].raised_on == date(2026, 12, 3)


# ---------------------------------------------------------------- entries


def test_future_entry_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8", "--date",
            "2026-12-04", line=f"--date: 2026-12-04 {AFTER_TODAY}")
    assert ledger(url).entries() == []
    ok(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8")  # today
    entry = ledger(url).entries()[0]
    assert entry.on == date(2026, 12, 3)
    refused(capsys, url, "--as", "liu.yang", "entry", "edit", str(entry.id), "--date",
            "2026-12-10", line=f"--date: 2026-12-10 {AFTER_TODAY}")
    assert ledger(url).entries() == [entry]


def test_future_entry_in_an_import_is_refused(url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "dec.csv"
    f.write_text(HEADER + "2026-12-03,liu.yang,T2,8,today\n2026-12-04,liu.yang,T2,8,tomorrow\n",
                 encoding="utf-8")
    rc, out, err = run(capsys, url, "import", "entries", str(f))
    assert (rc, out) == (1, "")
    assert err == (f"dec.csv: line 3: date: 2026-12-04 {AFTER_TODAY}\n"
                   "nothing imported: 1 bad row(s)\n")
    assert ledger(url).entries() == []


def test_future_entry_is_judged_in_the_working_persons_zone(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """23:30 on the 10th in Lisbon is 07:30 on the 11th in Shanghai: the Lisbon engineer
    cannot log the 11th yet, the Shanghai engineer can, whoever types it."""
    monkeypatch.delenv("SOWTRACK_TODAY")
    led = Ledger.open(db_url)
    code = led.init_project(parse_sow(lisbon_sow(tmp_path).read_text(encoding="utf-8"))).code
    lead = Ledger(led.engine, code, "zhang.wei")
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        with pytest.raises(LedgerError, match=r"^date: 2026-03-11 is after today "
                                              r"\(2026-03-10\)"):
            lead.log("T2", "2", on="2026-03-11", person="liu.yang")
        assert lead.log("T2", "2", on="2026-03-11", person="chen.jing").on == date(2026, 3, 11)
        assert lead.log("T2", "2", person="liu.yang").on == date(2026, 3, 10)
    assert [(e.person, e.on) for e in lead.entries()] == [("liu.yang", date(2026, 3, 10)),
                                                          ("chen.jing", date(2026, 3, 11))]
    led.engine.dispose()


# ---------------------------------------------------------------- periods


def test_signing_december_on_3_december_is_refused(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = ("--to: the period ends on 2026-12-31, which is not over yet (today is 2026-12-03); "
            "sign it from 2027-01-01 on")
    refused(capsys, url, "--as", "zhang.wei", "signoff", "period", "--from", "2026-12-01",
            "--to", "2026-12-31", line=line)
    refused(capsys, url, "--as", "zhang.wei", "signoff", "period", "--from", "2026-12-01",
            "--to", "2026-12-03", line=line.replace("2026-12-31", "2026-12-03")
            .replace("2027-01-01", "2026-12-04"))
    assert ledger(url).signoffs() == []
    # December is still open for entries; November, whose last day is over, can be signed.
    ok(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8", "--date",
       "2026-12-02")
    ok(capsys, url, "--as", "zhang.wei", "signoff", "period", "--from", "2026-11-01", "--to",
       "2026-11-30")
    assert [s.number for s in ledger(url).signoffs()] == ["TS-001"]


def test_period_end_is_judged_in_the_signers_zone(db_url: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """At 23:30 on the 10th in Lisbon the 10th is not over there, but is in Shanghai."""
    monkeypatch.delenv("SOWTRACK_TODAY")
    li_na = 'id = "li.na"\nname = "李娜"\n'
    text = long_sow(tmp_path).read_text(encoding="utf-8").replace(
        li_na, li_na + 'timezone = "Europe/Lisbon"\n')
    assert "Europe/Lisbon" in text
    led = Ledger.open(db_url)
    code = led.init_project(parse_sow(text)).code
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        with pytest.raises(LedgerError, match=r"^last: the period ends on 2026-03-10, which is "
                                              r"not over yet \(today is 2026-03-10\)"):
            Ledger(led.engine, code, "li.na").sign_period("2026-03-02", "2026-03-10")
        Ledger(led.engine, code, "zhang.wei").sign_period("2026-03-02", "2026-03-10")
    led.engine.dispose()


# ---------------------------------------------------------------- change requests


def test_cr_that_changes_nothing_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = ("--delta: the change request changes nothing: give a PD delta (--delta), a quota "
            "delta (--quota) or a new end (--end)")
    for extra in ([], ["--delta", "senior=0", "--quota", "prompt-rounds=0"],
                  ["--end", "2026-12-31"]):
        refused(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Nothing", *extra,
                line=line)
    assert ledger(url).change_requests() == []
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "OCR", "--delta", "expert=3")
    refused(capsys, url, "--as", "zhang.wei", "cr", "edit", "CR-001", "--delta", "expert=0",
            line=line)
    assert ledger(url).change_request("CR-001").deltas == (("expert", 3000),)


def test_cr_making_a_grade_budget_negative_is_refused(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's CR took the 95 PD budget to −999,905 PD with −1,000,000 PD on one
    grade; here senior's 45 PD would become −999,955."""
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "More", "--delta",
       "senior=5", "--on", "2026-03-04")
    ok(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-001", "--on", "2026-03-05")
    ok(capsys, url, "--as", "li.na", "cr", "sign", "CR-001", "--on", "2026-03-06")
    assert ledger(url).summary().budget_pd == 95
    refused(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Oops", "--delta",
            "senior=-1000000",
            line="--delta senior: would make the senior budget -999955 PD (it is 45 PD); a "
                 "budget cannot be negative")
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Less", "--delta",
       "senior=-45")  # down to 0 is fine
    refused(capsys, url, "--as", "zhang.wei", "cr", "edit", "CR-002", "--delta",
            "senior=-45.001",
            line="--delta senior: would make the senior budget -0.001 PD (it is 45 PD); a "
                 "budget cannot be negative")
    assert [c.number for c in ledger(url).change_requests()] == ["CR-001", "CR-002"]
    assert ledger(url).summary().budget_pd == 95


def test_cr_checked_again_when_it_takes_effect(url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Each CR alone leaves senior at 10 and 20 PD; together −10: the second to take
    effect is refused at the signature that would make it effective."""
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "A", "--delta", "senior=-30")
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "B", "--delta", "senior=-20")
    ok(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-001")
    ok(capsys, url, "--as", "li.na", "cr", "sign", "CR-001")
    ok(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-002")  # not effective yet
    refused(capsys, url, "--as", "li.na", "cr", "sign", "CR-002",
            line="--delta senior: would make the senior budget -10 PD (it is 10 PD); a budget "
                 "cannot be negative")
    cr = ledger(url).change_request("CR-002")
    assert (cr.status, [s.person for s in cr.signatures]) == ("signing", ["zhang.wei"])
    assert {g.grade: g.budget_pd for g in ledger(url).summary().by_grade}["senior"] == 10


def test_cr_making_a_quota_limit_negative_is_refused(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Fewer", "--quota",
            "research-meetings=-4",
            line="--quota research-meetings: would make its limit -1 (it is 3); a quota limit "
                 "cannot be negative")
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Fewer", "--quota",
       "research-meetings=-3")
    ok(capsys, url, "--as", "zhang.wei", "cr", "new", "--title", "Fewer still", "--quota",
       "research-meetings=-1")
    for who in ("zhang.wei", "li.na"):
        ok(capsys, url, "--as", who, "cr", "sign", "CR-001")
    ok(capsys, url, "--as", "zhang.wei", "cr", "sign", "CR-002")
    refused(capsys, url, "--as", "li.na", "cr", "sign", "CR-002",
            line="--quota research-meetings: would make its limit -1 (it is 0); a quota limit "
                 "cannot be negative")
    assert {q.key: q.limit for q in ledger(url).quotas()}["research-meetings"] == 0


# ---------------------------------------------------------------- estimates and allocations


@pytest.mark.parametrize("call,line", [
    (lambda led: led.add_task("T9", "New", "-1"), "estimate: must not be negative, got -1"),
    (lambda led: led.edit_task("T1", estimate="-0.5"),
     "estimate: must not be negative, got -0.5"),
    (lambda led: led.set_allocation("T1", "liu.yang", "-2"), "PD: must not be negative, got -2"),
], ids=["task-add", "task-edit", "allocate"])
def test_negative_estimate_or_allocation_is_refused(url: str, call, line: str) -> None:
    led = ledger(url, "zhang.wei")
    before = (led.tasks(), led.ledger_version())
    with pytest.raises(LedgerError, match=f"^{re.escape(line)}$"):
        call(led)
    assert (led.tasks(), led.ledger_version()) == before


ALLOCATION = '\n[[allocation]]\ntask = "T1"\nperson = "zhang.wei"\npd = 5\n'


@pytest.mark.parametrize("old,new,line", [
    ("senior = 40\n", "senior = -40\n", "SOW: [budget] senior: must not be negative, got -40"),
    ("estimate = 6\n", "estimate = -6\n", "SOW: [[task]] #1 estimate: must not be negative, "
                                          "got -6"),
    ("pd = 5\n", "pd = -5\n", "SOW: [[allocation]] #1 pd: must not be negative, got -5"),
    ("limit = 3\n", "limit = -3\n", "SOW: [[quota]] #1 limit: must be at least 0, got -3"),
], ids=["baseline", "estimate", "allocation", "quota-limit"])
def test_sow_with_a_negative_value_is_refused(old: str, new: str, line: str) -> None:
    text = EXAMPLE_SOW.read_text(encoding="utf-8") + ALLOCATION
    parse_sow(text)  # as it is, valid
    assert old in text
    with pytest.raises(LedgerError, match=f"^{re.escape(line)}$"):
        parse_sow(text.replace(old, new, 1))


# ---------------------------------------------------------------- entry files


def entry_count(url: str) -> int:
    return ledger(url).entry_count()


def test_unclosed_quote_does_not_swallow_the_next_rows(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "march.csv"
    f.write_text(HEADER + '2026-03-02,liu.yang,T2,8,"parser\n'
                 "2026-03-03,liu.yang,T2,8,retry logic\n"
                 "2026-03-04,liu.yang,T2,8,tests\n", encoding="utf-8")
    before = ledger(url).ledger_version()
    rc, out, err = run(capsys, url, "import", "entries", str(f))
    assert (rc, out) == (1, "")
    assert err == ('march.csv: line 2: a quote (") opened in this row is never closed: the '
                   "rest of the file would become its value\nnothing imported: 1 bad row(s)\n")
    assert (entry_count(url), ledger(url).ledger_version()) == (0, before)


def test_quote_closed_in_a_later_row_is_refused(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "march.csv"
    f.write_text(HEADER + '2026-03-02,liu.yang,T2,8,"parser\n'
                 '2026-03-03,liu.yang,T2,8,"retry, logic"\n', encoding="utf-8")
    rc, out, err = run(capsys, url, "import", "entries", str(f))
    assert (rc, out) == (1, "")
    assert err.splitlines()[0] == ('march.csv: line 2: a closing quote (") must be followed '
                                   'by "," or the end of the line')
    assert entry_count(url) == 0


def test_wrong_number_of_fields_is_refused(url: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "march.csv"
    f.write_text(HEADER + "2026-03-02,liu.yang,T2,8,ok\n2026-03-03,liu.yang,T2,8\n"
                 "2026-03-04,liu.yang,T2,8,a,b\n", encoding="utf-8")
    rc, out, err = run(capsys, url, "import", "entries", str(f))
    assert (rc, out) == (1, "")
    assert err == ("march.csv: line 3: expected 5 fields (date,person,task,hours,note), got 4\n"
                   "march.csv: line 4: expected 5 fields (date,person,task,hours,note), got 6\n"
                   "nothing imported: 2 bad row(s)\n")
    assert entry_count(url) == 0


def test_importing_the_same_file_twice_is_refused(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "march.csv"
    f.write_text(HEADER + "2026-03-02,liu.yang,T2,8,parser\n2026-03-03,wang.fang,T3,7.5,\n",
                 encoding="utf-8")
    assert ok(capsys, url, "--as", "zhang.wei", "import", "entries", str(f)) == \
        "imported 2 entries\n"
    consumed = ledger(url).summary().consumed_pd
    before = ledger(url).ledger_version()
    rc, out, err = run(capsys, url, "import", "entries", str(f))
    assert (rc, out) == (1, "")
    assert err.startswith("error: march.csv: this file was already imported (2 entries) on ")
    assert err.endswith(" UTC by zhang.wei; importing it again would count its hours twice "
                        "(use --again if that is meant)\n")
    assert err.count("\n") == 1
    # A copy under another name is the same bytes: refused too, naming the first name.
    copy = tmp_path / "march-copy.csv"
    copy.write_bytes(f.read_bytes())
    rc, _, err = run(capsys, url, "import", "entries", str(copy))
    assert rc == 1 and "march-copy.csv: this file was already imported as march.csv" in err
    assert (entry_count(url), ledger(url).ledger_version()) == (2, before)
    assert ledger(url).summary().consumed_pd == consumed
    # One byte more is another file.
    f.write_text(f.read_text(encoding="utf-8") + "2026-03-04,liu.yang,T2,1,\n", encoding="utf-8")
    ok(capsys, url, "import", "entries", str(f))
    assert entry_count(url) == 5


def test_import_again_imports_the_same_file_once_more(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "march.csv"
    f.write_text(HEADER + "2026-03-02,liu.yang,T2,4,morning\n", encoding="utf-8")
    ok(capsys, url, "import", "entries", str(f))
    assert ok(capsys, url, "import", "entries", "--again", str(f)) == "imported 1 entries\n"
    assert entry_count(url) == 2
    rc, _, err = run(capsys, url, "import", "entries", str(f))
    assert rc == 1 and "already imported" in err
    # Both imports are in the audit log, each with the file's digest, name and row count.
    from sqlalchemy import select

    from storage.db import reading
    from storage.orm import AuditEvent

    with reading(ledger(url).engine) as s:
        rows = s.execute(select(AuditEvent.ref, AuditEvent.after, AuditEvent.project_code)
                         .where(AuditEvent.entity == "import")).all()
    import hashlib
    import json

    digest = hashlib.sha256(f.read_bytes()).hexdigest()
    assert [(r.ref, json.loads(r.after), r.project_code) for r in rows] == [
        (digest, {"sha256": digest, "name": "march.csv", "rows": 1}, CODE)] * 2


def test_a_refused_import_is_not_recorded(url: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Fixing the file's bad row makes another file; the refused one may be imported once
    it is valid (no import of it was recorded)."""
    f = tmp_path / "march.csv"
    f.write_text(HEADER + "2026-03-02,liu.yang,T2,4,ok\n2026-03-03,li.na,T2,4,client\n",
                 encoding="utf-8")
    assert run(capsys, url, "import", "entries", str(f))[0] == 1
    assert entry_count(url) == 0
    f.write_text(HEADER + "2026-03-02,liu.yang,T2,4,ok\n", encoding="utf-8")
    ok(capsys, url, "import", "entries", str(f))
    assert entry_count(url) == 1


# ---------------------------------------------------------------- today and the demo


def test_sowtrack_today_pins_every_check(url: str, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-03-10")
    refused(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8", "--date",
            "2026-03-11",
            line="--date: 2026-03-11 is after today (2026-03-10); a date records what already "
                 "happened")
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-03-32")
    refused(capsys, url, "--as", "liu.yang", "log", "--task", "T2", "--hours", "8",
            line="SOWTRACK_TODAY: '2026-03-32' is not a date (YYYY-MM-DD)")


def test_demo_builds_as_of_any_day(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's dates are all plausible as of the day it is built for, even a day the
    clock has not reached: its ledger is pinned to that day."""
    monkeypatch.delenv("SOWTRACK_TODAY")
    led = Ledger.open(db_url)
    day = date(2099, 6, 3)
    assert build_demo(led, day) == (DEMO_CODE, True)
    demo = as_(Ledger(led.engine, DEMO_CODE), "zhang.wei")
    assert demo.entries()[-1].on < day
    # the first whole month's timesheet and the scope, each signed by both parties
    assert sorted((s.kind, s.status) for s in demo.signoffs()) == [
        ("period", "effective"), ("scope", "effective")]
    assert demo.verify()[1] == []
    # The pin is the demo's own: a ledger on the same database uses the clock.
    with pytest.raises(LedgerError, match="is after today"):
        demo.log("T2", "1", on=day - date.resolution)
    led.engine.dispose()


# ---------------------------------------------------------------- the rules, pure


def test_check_date_bounds() -> None:
    today, start = date(2026, 12, 3), date(2026, 3, 2)
    rules.check_date(today, "--on", today, start)
    rules.check_date(start, "--on", today, start)
    rules.check_date(date(1900, 1, 1), "--date", today)  # no start: entries check the SOW
    with pytest.raises(LedgerError, match=r"^--on: 2026-12-04 is after today \(2026-12-03\)"):
        rules.check_date(date(2026, 12, 4), "--on", today, start)
    with pytest.raises(LedgerError, match=r"^--on: 2026-03-01 is before the SOW start"):
        rules.check_date(date(2026, 3, 1), "--on", today, start)


def test_check_period_over() -> None:
    rules.check_period_over(date(2026, 11, 30), date(2026, 12, 1))
    for last in (date(2026, 12, 1), date(2026, 12, 31)):
        with pytest.raises(LedgerError, match=r"^last: the period ends on"):
            rules.check_period_over(last, date(2026, 12, 1))


def test_check_change_rules() -> None:
    end = date(2026, 5, 29)
    nothing = rules.ChangeFact("CR-009", date(2026, 3, 2), deltas={"senior": 0},
                               quota_deltas={"q": 0}, new_end=end)
    with pytest.raises(LedgerError, match=r"^deltas: the change request changes nothing"):
        rules.check_change_not_empty(nothing, end)
    rules.check_change_not_empty(nothing, date(2026, 5, 22))  # a new end is a change
    q = rules.QuotaFact("q", "Q", 3)
    # PD deltas and the baseline in thousandths of a PD, as stored.
    effective = rules.ChangeFact("CR-001", date(2026, 3, 2), effective_on=date(2026, 3, 3),
                                 deltas={"senior": -30_000}, quota_deltas={"q": -2})
    pending = rules.ChangeFact("CR-002", date(2026, 3, 2), deltas={"senior": -30_000})
    cut = rules.ChangeFact("CR-003", date(2026, 3, 2), deltas={"senior": -10_000},
                           quota_deltas={"q": -1})
    # A pending CR does not count, the change itself counts once (listed or not).
    rules.check_change_not_negative(cut, {"senior": 40_000}, [q], [effective, pending, cut])
    with pytest.raises(LedgerError, match=r"^deltas senior: would make the senior budget "
                                          r"-0.001 PD \(it is 10 PD\)"):
        rules.check_change_not_negative(
            rules.ChangeFact("CR-003", date(2026, 3, 2), deltas={"senior": -10_001}),
            {"senior": 40_000}, [q], [effective])
    with pytest.raises(LedgerError, match=r"^quotas q: would make its limit -1 \(it is 1\)"):
        rules.check_change_not_negative(
            rules.ChangeFact("CR-003", date(2026, 3, 2), quota_deltas={"q": -2}),
            {"senior": 40_000}, [q], [effective])
    with pytest.raises(LedgerError, match=r"^deltas expert: would make the expert budget -1 PD"):
        rules.check_change_not_negative(
            rules.ChangeFact("CR-003", date(2026, 3, 2), deltas={"expert": -1000}),
            {"senior": 40_000}, [q], [])
