"""SPEC §9 "People come and go": active days, days away, replacements, staff-change notice.

The rules with no database; the services on SQLite and PostgreSQL (the ``example``
fixture: the example SOW, 2026-03-02..2026-05-29, acting as the vendor lead zhang.wei);
the SOW file's keys; the command line's one-line refusals; ``verify`` naming an edit of
a person's active days or a day away made with plain SQL.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from model.errors import FieldError, LedgerError
from model.rules import Calendar
from model.rules.alerts import alert_text, staff_alerts
from model.rules.staffing import (
    StaffChange,
    active_on,
    capacity_days,
    check_active,
    inactive_reason,
    notice_days,
    staffing,
    working_day_before,
)
from storage.services import Ledger
from storage.sowfile import dump_sow, load_sow, parse_sow
from tests.conftest import EXAMPLE_SOW, as_

from .life_support import example_cli, example_sow, help_texts, refused_and_unchanged

D = date.fromisoformat
CAL = Calendar(holidays=frozenset({D("2026-04-06")}))  # a Monday off (清明)
CODE = "CLAIMS-AGENT-2026"


# ---------------------------------------------------------------- the rules, pure


def test_active_days_run_from_first_to_leave_both_included_minus_days_away() -> None:
    st = staffing(D("2026-03-02"), D("2026-03-09"), D("2026-04-30"),
                  [(D("2026-04-13"), D("2026-04-14"))])
    assert not active_on(st, D("2026-03-06"))
    assert active_on(st, D("2026-03-09")) and active_on(st, D("2026-04-30"))
    assert not active_on(st, D("2026-05-01"))
    assert not active_on(st, D("2026-04-14")) and active_on(st, D("2026-04-15"))
    assert inactive_reason("wu.lei", st, D("2026-03-06")) == (
        "2026-03-06 is before wu.lei's first day 2026-03-09")
    assert inactive_reason("wu.lei", st, D("2026-05-04")) == (
        "2026-05-04 is after wu.lei's last working day 2026-04-30")
    assert inactive_reason("wu.lei", st, D("2026-04-13")) == (
        "wu.lei is away on 2026-04-13 (2026-04-13..2026-04-14)")
    # no from: the SOW's start
    assert staffing(D("2026-03-02"), None, None).first == D("2026-03-02")


def test_check_active_refuses_naming_the_date_field() -> None:
    st = staffing(D("2026-03-02"), None, D("2026-03-31"))
    check_active("liu.yang", st, D("2026-03-31"))
    with pytest.raises(FieldError) as exc:
        check_active("liu.yang", st, D("2026-04-01"))
    assert exc.value.field == "date"
    with pytest.raises(LedgerError, match="^date: 2026-04-01 is after"):
        check_active("liu.yang", st, D("2026-04-01"), "date")


def test_capacity_is_active_working_days_minus_working_days_away() -> None:
    start, end = D("2026-03-02"), D("2026-05-29")
    whole = staffing(start, None, None)
    assert capacity_days(CAL, whole, start, end) == CAL.count(start, end) == 64
    # April: 22 weekdays, the 6th off -> 21; away Thu 9..Tue 14 (Sat, Sun off) -> 4 working days
    april = staffing(start, D("2026-04-01"), D("2026-04-30"), [(D("2026-04-09"), D("2026-04-14"))])
    assert capacity_days(CAL, april, start, end) == 21 - 4
    # away over the holiday counts it once; away outside the active days counts nothing
    odd = staffing(start, D("2026-04-01"), D("2026-04-30"),
                   [(D("2026-04-06"), D("2026-04-07")), (D("2026-05-04"), D("2026-05-08"))])
    assert capacity_days(CAL, odd, start, end) == 21 - 1
    assert capacity_days(CAL, staffing(start, D("2026-05-01"), None), start, D("2026-04-30")) == 0


def test_notice_is_the_working_days_after_recording_up_to_the_effect() -> None:
    assert notice_days(CAL, D("2026-03-02"), D("2026-03-05")) == 3  # Monday -> Thursday
    assert notice_days(CAL, D("2026-04-03"), D("2026-04-08")) == 2  # over a weekend and 04-06
    assert notice_days(CAL, D("2026-03-05"), D("2026-03-05")) == 0
    assert notice_days(CAL, D("2026-03-09"), D("2026-03-05")) == 0  # recorded afterwards
    assert working_day_before(CAL, D("2026-04-07"), D("2026-03-02")) == D("2026-04-03")
    assert working_day_before(CAL, D("2026-03-02"), D("2026-03-02")) is None


def test_a_staff_change_at_short_notice_is_an_alert_with_its_args() -> None:
    short = StaffChange("liu.yang", "replace", D("2026-04-09"), D("2026-04-13"), 3)
    enough = StaffChange("chen.jing", "leave", D("2026-04-01"), D("2026-04-10"), 3)
    out = staff_alerts(CAL, [short, enough], D("2026-04-10"))
    assert [(a.kind, a.args) for a in out] == [
        ("staff_notice", ("liu.yang", "replace", "2026-04-13", "2", "3"))]
    assert out[0].text == ("staff change (replace) of liu.yang on 2026-04-13 was recorded "
                           "2 working days ahead; the SOW asks for 3")
    assert "liu.yang" in alert_text("staff_notice", out[0].args, "zh")
    assert staff_alerts(CAL, [short], D("2026-04-08")) == []  # not yet recorded
    assert staff_alerts(CAL, [short], D("2026-05-29")) == []  # long past
    assert staff_alerts(CAL, [StaffChange("x", "add", D("2026-04-09"), D("2026-04-13"), 0)],
                        D("2026-04-10")) == []


# ---------------------------------------------------------------- the SOW file


def _sow(extra_person: str = "", project: str = "") -> str:
    return example_sow(project, "\n[[person]]\n" + extra_person + "\n" if extra_person else "")


NEWCOMER = 'id = "wu.lei"\nname = "吴磊"\nparty = "vendor"\nrole = "engineer"\ngrade = "senior"\n'


def test_the_sow_file_takes_from_leave_replaces_and_the_notice_and_round_trips() -> None:
    spec = parse_sow(_sow(NEWCOMER + 'from = 2026-04-13\nreplaces = "liu.yang"',
                          "staff_change_notice = 3"))
    wu = spec.people[-1]
    assert (wu.active_from, wu.leave_on, wu.replaces) == (D("2026-04-13"), None, "liu.yang")
    assert spec.staff_change_notice == 3
    back = parse_sow(dump_sow(spec))
    assert back == spec
    assert "from = 2026-04-13" in dump_sow(spec) and "staff_change_notice = 3" in dump_sow(spec)
    assert load_sow(EXAMPLE_SOW).staff_change_notice == 0


@pytest.mark.parametrize(("person", "project", "message"), [
    ('from = "soon"', "", "[[person]] #7 from: expected a date"),
    ("from = 2026-02-27", "", "[[person]] #7 from: 2026-02-27 is outside the SOW"),
    ("leave = 2026-06-01", "", "[[person]] #7 leave: 2026-06-01 is after the SOW's end"),
    ("from = 2026-04-13\nleave = 2026-04-10", "",
     "[[person]] #7 leave: 2026-04-10 is before the person's first day 2026-04-13"),
    ('replaces = "li.na"', "", "[[person]] #7 replaces: 'li.na' is not a vendor person"),
    ('replaces = "nobody"', "", "[[person]] #7 replaces: 'nobody' is not a vendor person"),
    ("joined = 2026-04-13", "", "[[person]] #7 joined: unknown key"),
    ("", 'staff_change_notice = "3"', "[project] staff_change_notice: expected a whole number"),
    ("", "staff_change_notice = -1", "[project] staff_change_notice: must be at least 0"),
    ("", "staff_change_notice = 1.5", "[project] staff_change_notice: expected a whole number"),
])
def test_a_bad_key_is_one_line_naming_it(person: str, project: str, message: str) -> None:
    with pytest.raises(LedgerError) as exc:
        parse_sow(_sow(NEWCOMER + person, project))
    assert message in str(exc.value) and "\n" not in str(exc.value)


# ---------------------------------------------------------------- the services


def test_an_entry_before_from_after_leave_or_on_a_day_away_is_refused(example: Ledger) -> None:
    lead = example
    lead.add_person("wu.lei", "吴磊", "vendor", "engineer", "senior", first="2026-03-09")
    lead.leave("liu.yang", "2026-03-31")
    lead.away("chen.jing", "2026-03-10", "2026-03-11", note="annual leave")
    for who, day, why in (("wu.lei", "2026-03-06", "before wu.lei's first day 2026-03-09"),
                          ("liu.yang", "2026-04-01", "after liu.yang's last working day"),
                          ("chen.jing", "2026-03-11", "chen.jing is away on 2026-03-11")):
        with pytest.raises(FieldError, match=why) as exc:
            lead.log("T2", "8", on=day, person=who)
        assert exc.value.field == "date"
    lead.log("T2", "8", on="2026-03-09", person="wu.lei")
    lead.log("T2", "8", on="2026-03-31", person="liu.yang")
    e = lead.log("T2", "8", on="2026-03-12", person="chen.jing")
    with pytest.raises(FieldError, match="away") as exc:  # an edit onto a day away
        lead.edit_entry(e.id, on="2026-03-10")
    assert exc.value.field == "date"
    assert len(lead.entries()) == 3


def test_an_import_row_outside_the_active_days_is_refused_and_nothing_written(
        example: Ledger) -> None:
    from storage.sowfile import EntryRow

    example.leave("liu.yang", "2026-03-31")
    rows = [EntryRow(2, "2026-03-31", "liu.yang", "T2", "8", ""),
            EntryRow(3, "2026-04-01", "liu.yang", "T2", "8", "")]
    with pytest.raises(LedgerError) as exc:
        example.import_entries(rows)
    assert str(exc.value) == ("line 3: date: 2026-04-01 is after liu.yang's last working day "
                              "2026-03-31")
    assert example.entries() == []


def test_a_replacement_moves_open_allocations_and_ends_the_old_person(example: Ledger) -> None:
    lead = example
    lead.set_allocation("T2", "liu.yang", "12")
    lead.set_allocation("T4", "liu.yang", "5")
    lead.set_allocation("T4", "zhang.wei", "3")
    lead.edit_task("T4", status="done")
    lead.log("T2", "8", on="2026-04-03", person="liu.yang")
    old, new = lead.replace("liu.yang", "wu.lei", "2026-04-07", name="吴磊")
    # the example SOW's holiday 2026-04-06 (Monday): liu.yang's last day is the Friday
    assert old.last_day == D("2026-04-03") and new.first_day == D("2026-04-07")
    assert (new.grade, new.role, new.party, new.replaces) == ("senior", "engineer", "vendor",
                                                              "liu.yang")
    tasks = {t.code: dict(t.assignees) for t in lead.tasks()}
    # liu.yang keeps the 1 PD (8 h) they logged on T2, the other 11 move to wu.lei
    assert tasks["T2"] == {"chen.jing": None, "liu.yang": 1000, "wu.lei": 11000}
    assert tasks["T4"] == {"zhang.wei": 3000, "liu.yang": 5000}  # a task done keeps its own
    with pytest.raises(FieldError, match="after liu.yang's last working day"):
        lead.log("T2", "8", on="2026-04-07", person="liu.yang")
    with pytest.raises(FieldError, match="before wu.lei's first day"):
        lead.log("T2", "8", on="2026-04-06", person="wu.lei")
    lead.log("T2", "8", on="2026-04-07", person="wu.lei")
    assert lead.verify()[1] == []


def test_a_replacement_adds_to_an_allocation_the_new_person_already_has(
        example: Ledger) -> None:
    example.add_person("wu.lei", "吴磊", "vendor", "engineer", "senior", first="2026-04-13")
    example.set_allocation("T2", "wu.lei", "2")
    example.set_allocation("T2", "liu.yang", "12")
    example.replace("liu.yang", "wu.lei", "2026-04-13")
    assert dict(next(t for t in example.tasks() if t.code == "T2").assignees) == {
        "chen.jing": None, "wu.lei": 14000}


@pytest.mark.parametrize(("by", "name", "on", "field", "message"), [
    ("chen.jing", None, "2026-04-13", "by", "chen.jing is already active (from 2026-03-02)"),
    ("li.na", None, "2026-04-13", "by", "li.na is of the client party"),
    ("liu.yang", None, "2026-04-13", "by", "liu.yang is the person replaced"),
    ("wu.lei", None, "2026-04-13", "by", "wu.lei is not a person of the project"),
    ("wu.lei", "吴磊", "2026-03-02", "on", "liu.yang has no working day before 2026-03-02"),
    ("wu.lei", "吴磊", "2026-06-01", "on", "2026-06-01 is outside the SOW (2026-03-02.."),
    ("wu.lei", "吴磊", "13 April", "on", "'13 April' is not a date"),
    ("wu.lei", " ", "2026-04-13", "name", "must not be empty"),
])
def test_a_bad_replacement_is_refused_naming_the_field(example: Ledger, by: str,
                                                       name: str | None, on: str, field: str,
                                                       message: str) -> None:
    before = example.people()
    with pytest.raises(FieldError, match=re.escape(message)) as exc:
        example.replace("liu.yang", by, on, name=name)
    assert exc.value.field == field
    assert example.people() == before


def test_leave_and_away_refuse_days_with_entries_and_bad_spans(example: Ledger) -> None:
    example.log("T2", "8", on="2026-04-03", person="liu.yang")
    for call, field, message in (
            (lambda: example.leave("liu.yang", "2026-04-02"), "on",
             "liu.yang has entries after 2026-04-02"),
            (lambda: example.leave("liu.yang", "2026-06-01"), "on", "outside liu.yang's"),
            (lambda: example.away("liu.yang", "2026-04-01", "2026-04-03"), "first",
             "liu.yang has entries on 2026-04-03"),
            (lambda: example.away("liu.yang", "2026-04-10", "2026-04-09"), "last",
             "2026-04-09 is before first 2026-04-10"),
            (lambda: example.away("liu.yang", "2026-05-28", "2026-06-02"), "first",
             "is not within the SOW"),
            (lambda: example.away("nobody", "2026-04-09", "2026-04-10"), "person",
             "unknown person 'nobody'")):
        with pytest.raises(FieldError, match=message) as exc:
            call()
        assert exc.value.field == field


@pytest.mark.parametrize(("args", "field", "message"), [
    (("zhang.wei", "X", "vendor", "engineer", "senior"), "person", "already a person"),
    (("x y", "X", "vendor", "engineer", "senior"), "person", "is not a person id"),
    (("x", "", "vendor", "engineer", "senior"), "name", "must not be empty"),
    (("x", "X", "partner", "engineer", "senior"), "party", "'partner' is not one of"),
    (("x", "X", "vendor", "boss", "senior"), "role", "'boss' is not one of"),
    (("x", "X", "vendor", "engineer", "guru"), "grade", "'guru' is not one of"),
    (("x", "X", "vendor", "engineer", None), "grade", "needs a grade"),
    (("x", "X", "client", "engineer", None), "role", "can only be a signatory"),
    (("x", "X", "client", "signatory", "senior"), "grade", "has no grade"),
])
def test_a_bad_new_person_is_refused_naming_the_field(example: Ledger, args: tuple,
                                                      field: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as exc:
        example.add_person(*args)
    assert exc.value.field == field
    with pytest.raises(FieldError, match="outside the SOW") as exc:
        example.add_person("x", "X", "vendor", "engineer", "senior", first="2026-06-01")
    assert exc.value.field == "first"
    with pytest.raises(FieldError, match="not a known time zone") as exc:
        example.add_person("x", "X", "vendor", "engineer", "senior", timezone="Mars/Base")
    assert len(example.people()) == 6


def test_only_the_vendor_lead_or_the_operator_changes_the_team(example: Ledger) -> None:
    for who in ("liu.yang", "zhao.min", "li.na"):
        with pytest.raises(FieldError, match="only the vendor lead plans") as exc:
            as_(example, who).add_person("x", "X", "vendor", "engineer", "senior")
        assert exc.value.field == "actor"
        with pytest.raises(FieldError, match="only the vendor lead plans"):
            as_(example, who).away("liu.yang", "2026-04-09", "2026-04-10")
    with pytest.raises(FieldError, match="client people are added") as exc:
        example.add_person("sun.hao", "孙浩", "client", "signatory")
    assert exc.value.field == "party"
    with pytest.raises(FieldError, match="client people are added"):
        example.leave("li.na", "2026-04-30")
    operator = example.acting_as(None)
    assert operator.add_person("sun.hao", "孙浩", "client", "signatory",
                               first="2026-04-01").first_day == D("2026-04-01")
    assert operator.leave("li.na", "2026-04-30").last_day == D("2026-04-30")
    assert example.verify()[1] == []


def test_a_short_notice_vendor_change_is_alerted(ledger: Ledger,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spec = parse_sow(_sow(project="staff_change_notice = 3"))
    led = ledger.for_project(ledger.init_project(spec).code).acting_as("zhang.wei")
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-04-09")  # a Thursday
    led.replace("liu.yang", "wu.lei", "2026-04-13", name="吴磊")  # 2 working days ahead
    led.add_person("he.yu", "何雨", "vendor", "engineer", "junior", first="2026-04-15")  # 4
    summary = led.summary("2026-04-09")
    staff = [a for a in led.alerts(summary) if a.kind == "staff_notice"]
    assert [a.args for a in staff] == [("liu.yang", "replace", "2026-04-13", "2", "3")]


def test_a_persons_capacity_follows_their_active_days_and_days_away(example: Ledger) -> None:
    cal = example.calendar()[0]
    whole = cal.count(D("2026-03-02"), D("2026-05-29"))
    assert example.capacity("chen.jing") == whole
    example.away("chen.jing", "2026-04-03", "2026-04-07")  # Fri, (weekend, holiday 04-06), Tue
    assert example.capacity("chen.jing") == whole - 2
    example.replace("liu.yang", "wu.lei", "2026-04-07", name="吴磊")
    assert example.capacity("liu.yang") == cal.count(D("2026-03-02"), D("2026-04-03"))
    assert example.capacity("wu.lei") == cal.count(D("2026-04-07"), D("2026-05-29"))
    assert example.capacity("liu.yang") + example.capacity("wu.lei") == whole


def test_nobody_is_missing_an_entry_on_a_day_they_are_not_active(example: Ledger) -> None:
    def missing(as_of: str) -> set[str]:
        return {a.args[0] for a in example.alerts(example.summary(as_of))
                if a.kind == "missing"}

    assert missing("2026-04-14") == {"chen.jing", "liu.yang", "wang.fang"}  # nobody logged
    example.leave("liu.yang", "2026-04-10")
    example.away("chen.jing", "2026-04-13", "2026-04-13")
    example.add_person("wu.lei", "吴磊", "vendor", "engineer", "senior", first="2026-04-14")
    assert missing("2026-04-14") == {"wang.fang"}
    assert missing("2026-04-15") == {"chen.jing", "wang.fang", "wu.lei"}


def test_verify_names_active_days_and_days_away_edited_with_sql(example: Ledger) -> None:
    example.add_person("wu.lei", "吴磊", "vendor", "engineer", "senior", first="2026-04-13")
    example.away("chen.jing", "2026-04-09", "2026-04-10")
    assert example.verify()[1] == []
    with example.engine.begin() as conn:
        conn.execute(text("UPDATE person SET leave_on = '2026-05-29' WHERE key = 'liu.yang'"))
        conn.execute(text("UPDATE person SET active_from = '2026-03-02' WHERE key = 'wu.lei'"))
        conn.execute(text("UPDATE person_away SET last = '2026-04-17'"))
        conn.execute(text(
            "INSERT INTO person_away (project_id, person_id, first, last, note) "
            "SELECT project_id, id, '2026-04-20', '2026-04-21', 'x' FROM person "
            "WHERE key = 'wang.fang'"))
    problems = example.verify()[1]
    assert f"{CODE} person liu.yang: differs from the SOW and its audit rows (edited behind " \
           f"the program's back): leave was null, is 2026-05-29" in problems
    assert any(p.startswith(f"{CODE} person wu.lei: differs") and
               "from was 2026-04-13, is 2026-03-02" in p for p in problems)
    assert f"{CODE} away 1: differs from its last audit row (edited behind the program's " \
           f"back): last was 2026-04-10, is 2026-04-17" in problems
    assert any(p.startswith(f"{CODE} away 2: not in the audit log") for p in problems)


def test_verify_names_the_staff_change_notice_edited_with_sql(example: Ledger) -> None:
    with example.engine.begin() as conn:
        conn.execute(text("UPDATE project SET staff_change_notice = 10"))
    assert any("staff_change_notice was 0, is 10" in p for p in example.verify()[1])


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    return example_cli(db_url, capsys, monkeypatch, "2026-04-10")


def test_the_cli_adds_replaces_ends_and_lists(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("person", "add", "wu.lei", "--name", "吴磊", "--party", "vendor", "--role",
               "engineer", "--grade", "senior", "--from", "2026-04-13")[1] == (
        "wu.lei 吴磊 joins on 2026-04-13\n")
    assert cli("person", "replace", "liu.yang", "--by", "wu.lei", "--on", "2026-04-13")[1] == (
        "wu.lei replaces liu.yang: liu.yang's last working day is 2026-04-10, wu.lei starts "
        "on 2026-04-13\n")
    assert cli("person", "away", "chen.jing", "--from", "2026-04-08", "--to", "2026-04-09",
               "--note", "annual leave")[0] == 0
    assert cli("person", "leave", "wang.fang", "--on", "2026-05-15")[0] == 0
    rc, out, _ = cli("person", "list")
    assert rc == 0
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "2026-03-02..2026-04-10" in lines["liu.yang"]
    assert "2026-04-13.. (replaces liu.yang)" in lines["wu.lei"]
    assert "2026-04-08..2026-04-09" in lines["chen.jing"]
    assert "2026-03-02..2026-05-15" in lines["wang.fang"]
    rc, _, err = cli("log", "--task", "T2", "--hours", "8", "--date", "2026-04-09",
                     "--person", "chen.jing")
    assert (rc, err) == (1, "error: --date: chen.jing is away on 2026-04-09 "
                            "(2026-04-08..2026-04-09)\n")
    assert cli("verify")[0] == 0
    out_file = tmp_path / "back.toml"
    assert cli("export", "sow", "--out", str(out_file))[0] == 0
    back = load_sow(out_file)
    wu = next(p for p in back.people if p.key == "wu.lei")
    assert (wu.active_from, wu.replaces) == (D("2026-04-13"), "liu.yang")
    assert next(p for p in back.people if p.key == "liu.yang").leave_on == D("2026-04-10")


@pytest.mark.parametrize(("argv", "err"), [
    (("person", "add", "x", "--name", "X", "--party", "vendr", "--role", "engineer"),
     "error: --party: 'vendr' is not one of vendor, client\n"),
    (("person", "add", "x", "--name", "X", "--party", "vendor", "--role", "engineer"),
     "error: --grade: missing: a vendor engineer logs hours and needs a grade\n"),
    (("person", "add", "x", "--name", "X", "--party", "vendor", "--role", "engineer",
      "--grade", "senior", "--from", "2026-02-01"),
     "error: --from: 2026-02-01 is outside the SOW (2026-03-02..2026-05-29)\n"),
    (("person", "replace", "liu.yang", "--by", "chen.jing", "--on", "2026-04-13"),
     "error: --by: chen.jing is already active (from 2026-03-02); a replacement rolls on at "
     "2026-04-13\n"),
    (("person", "replace", "liu.yang", "--by", "wu.lei", "--on", "2026-04-13"),
     "error: --by: wu.lei is not a person of the project: add them first, or give --name to "
     "add them with liu.yang's grade and role\n"),
    (("person", "leave", "nobody", "--on", "2026-04-13"),
     "error: person: unknown person 'nobody'\n"),
    (("person", "away", "liu.yang", "--from", "2026-04-13", "--to", "2026-04-10"),
     "error: --to: 2026-04-10 is before --from 2026-04-13\n"),
])
def test_a_bad_cli_input_is_one_line_naming_the_flag(cli, argv: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                     err: str) -> None:
    refused_and_unchanged(cli, argv, err, ("person", "list"))


def test_the_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    said = help_texts(capsys, "person", ("add", "leave", "replace", "away"))
    assert "--from D first working day (default today, or the SOW's start)" in said["add"]
    assert "--on D the last working day" in said["leave"]
    assert "NEW rolls on at --on, OLD rolls off the working day before" in said["replace"]
    assert "--name N NEW's name: adds NEW with OLD's party, role, grade" in said["replace"]
    assert "--to D last day away" in said["away"]
