"""The project's life, the rules left over (issue 12), on SQLite and PostgreSQL.

The numbers, by hand. The SOW (tests/data/sow-every-key.toml) runs Monday 2026-03-02 to
Friday 2026-05-29 with tasks T1..T4. The vendor lead signs the scope on 03-04, the
client's signatory on 03-05 (SCOPE-001 effective 03-05). CR-001, raised 03-10, adds T9
"Second OCR engine" at 5 PD; signed 03-11 (vendor) and 03-12 (client), it takes effect
on Thursday 03-12: T9 exists from 03-12, so an hour on T9 dated 03-11 is refused
whichever way it comes (log, entry edit, import), and one dated 03-12 is taken.

chen.jing is away Tuesday 04-07..Thursday 04-09, 3 working days (Monday 04-06 is the
Qingming holiday, outside it): her
capacity drops by 3 PD, and comes back when the day away is cancelled, which frees those
days for entries again.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from model.errors import FieldError, Hint, LedgerError
from storage.services import Ledger
from storage.sowfile import load_sow
from tui.cli import main
from tui.flags import HINTS, flag_namer
from tui.text import HINT_LABELS, days_away_text, refusal

from .conftest import SHARED

SOW = SHARED / "sow-every-key.toml"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def led(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The every-key SOW as the vendor lead, today 2026-04-20."""
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-04-20")
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    code = ledger.init_project(load_sow(SOW)).code
    return ledger.for_project(code).acting_as("zhang.wei")


def cli(capsys: pytest.CaptureFixture[str], led: Ledger, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", led.engine.url.render_as_string(hide_password=False), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def scope_signed(led: Ledger) -> None:
    led.sign_scope("2026-03-04")
    led.acting_as("li.na").sign_scope("2026-03-05")


def cr_adding_t9(led: Ledger) -> None:
    """CR-001 adds T9 at 5 PD; effective on 2026-03-12."""
    led.new_cr("Second OCR engine", on="2026-03-10", add_tasks={"T9": "Second OCR engine:5"})
    led.sign_cr("CR-001", "2026-03-11")
    led.acting_as("li.na").sign_cr("CR-001", "2026-03-12")


# ---------------------------------------------------------------- 1. a CR's task, dated


def test_an_entry_before_the_cr_that_added_its_task_took_effect_is_refused(
        led: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scope_signed(led)
    cr_adding_t9(led)
    before = "2026-03-11 is before task T9 exists: CR-001 added it, effective 2026-03-12"
    with pytest.raises(FieldError, match=f"^date: {before}$"):
        led.log("T9", 4, "2026-03-11", person="chen.jing")
    assert cli(capsys, led, "--as", "chen.jing", "log", "--task", "T9", "--hours", "4",
               "--date", "2026-03-11") == (1, "", f"error: --date: {before}\n")
    entry = led.log("T9", 4, "2026-03-12", person="chen.jing")  # the day it took effect
    assert (entry.task, entry.on) == ("T9", date.fromisoformat("2026-03-12"))
    # entry edit moves it back: refused, the entry untouched
    assert cli(capsys, led, "--as", "zhang.wei", "entry", "edit", str(entry.id),
               "--date", "2026-03-11") == (1, "", f"error: --date: {before}\n")
    # an entry of another task moved onto T9 before 03-12: refused too
    other = led.log("T1", 2, "2026-03-11", person="chen.jing")
    with pytest.raises(FieldError, match=f"^date: {before}$"):
        led.edit_entry(other.id, task="T9")
    # import: the row named, nothing written
    csv = tmp_path / "t9.csv"
    csv.write_text("date,person,task,hours,note\n2026-03-13,chen.jing,T9,2,ok\n"
                   "2026-03-11,chen.jing,T9,2,too early\n", encoding="utf-8")
    assert cli(capsys, led, "--as", "zhang.wei", "import", "entries", str(csv)) == (
        1, "", f"{csv.name}: line 3: date: {before}\nnothing imported: 1 bad row(s)\n")
    assert [(e.task, str(e.on)) for e in led.entries()] == [("T1", "2026-03-11"),
                                                            ("T9", "2026-03-12")]
    # a task of the SOW exists from the start: T1 on the first day is taken
    assert led.log("T1", 1, "2026-03-02", person="chen.jing").task == "T1"
    assert led.verify()[1] == []


# ---------------------------------------------------------------- 2. cr edit, scope changes


def test_cr_edit_changes_a_pending_crs_estimates_and_added_tasks(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    led.new_cr("More parsing", on="2026-03-03", deltas={"senior": 1})
    with pytest.raises(FieldError, match="^estimates: the scope is not signed by both "
                                         "parties yet"):
        led.edit_cr("CR-001", estimates={"T2": "+4"})
    scope_signed(led)
    led.edit_cr("CR-001", estimates={"T2": "+4"})
    assert led.change_request("CR-001").task_deltas == (("T2", 4000, None),)
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "cr", "edit", "CR-001",
                       "--estimate", "T2=+6", "--add-task", "T9=Second OCR engine:5",
                       "--estimate", "T9=-1")
    assert (rc, out, err) == (0, "CR-001 updated\n", "")
    assert led.change_request("CR-001").task_deltas == (
        ("T2", 6000, None), ("T9", -1000, None), ("T9", 5000, "Second OCR engine"))
    # what is not given stays: a title edit keeps the scope changes, --add-task alone
    # keeps the estimate changes (checked with them: T9's -1 needs T9 added)
    led.edit_cr("CR-001", title="More parsing and OCR")
    assert len(led.change_request("CR-001").task_deltas) == 3
    with pytest.raises(FieldError, match="^estimates: unknown task 'T9'"):
        led.edit_cr("CR-001", add_tasks={})
    assert cli(capsys, led, "--as", "zhang.wei", "cr", "edit", "CR-001", "--add-task",
               "T1=Again:1") == (1, "", "error: --add-task T1: a task 'T1' already exists\n")
    rc, _, err = cli(capsys, led, "--as", "zhang.wei", "cr", "edit", "CR-001", "--estimate",
                     "T2=-99")
    assert (rc, err.startswith("error: --estimate T2: T2's estimate would be ")) == (1, True)
    assert len(led.change_request("CR-001").task_deltas) == 3  # nothing half-written
    # decided: frozen, the refusal names the field given
    led.sign_cr("CR-001", "2026-03-11")
    assert cli(capsys, led, "--as", "zhang.wei", "cr", "edit", "CR-001", "--estimate",
               "T2=+1") == (1, "", "error: --estimate: CR-001 carries a signature; its "
                                   "content is frozen (withdraw it and raise a new one)\n")
    led.acting_as("li.na").sign_cr("CR-001", "2026-03-12")
    with pytest.raises(FieldError, match=r"^add_tasks: CR-001 is effective since 2026-03-12; "
                                         r"its content is frozen"):
        led.edit_cr("CR-001", add_tasks={"T8": "x:1"})
    with pytest.raises(FieldError, match="^title: CR-001 is effective since 2026-03-12"):
        led.edit_cr("CR-001", title="late")
    assert {t.code: t.estimate_milli for t in led.tasks()}["T9"] == 4000  # 5 - 1
    led.new_cr("Dropped", on="2026-03-13", estimates={"T3": "+1"})
    led.withdraw_cr("CR-002")
    with pytest.raises(FieldError, match="^estimates: CR-002 is withdrawn; its content is "
                                         "frozen"):
        led.edit_cr("CR-002", estimates={"T3": "+2"})
    assert led.verify()[1] == []


# ---------------------------------------------------------------- 3. days away


def test_a_day_away_has_a_note_and_can_be_cancelled(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    full = led.capacity("chen.jing")
    led.away("chen.jing", "2026-04-07", "2026-04-09", note="年假 annual leave")
    assert led.capacity("chen.jing") == full - 3
    view = next(p for p in led.people() if p.key == "chen.jing")
    assert view.away == ((date.fromisoformat("2026-04-07"), date.fromisoformat("2026-04-09")),)
    assert [(d.note, d.cancelled_on) for d in view.days_away] == [("年假 annual leave", None)]
    rc, out, _ = cli(capsys, led, "person", "list")
    assert "2026-04-07..2026-04-09 年假 annual leave" in out
    with pytest.raises(FieldError, match="is away on 2026-04-08"):
        led.log("T1", 8, "2026-04-08", person="chen.jing")
    # an engineer may not cancel it; a span not recorded has nothing to cancel
    with pytest.raises(FieldError, match="^actor: liu.yang"):
        led.acting_as("liu.yang").cancel_away("chen.jing", "2026-04-07", "2026-04-09")
    assert cli(capsys, led, "--as", "zhang.wei", "person", "away", "chen.jing", "--from",
               "2026-04-07", "--to", "2026-04-08", "--cancel") == (
        1, "", "error: --from: chen.jing has no day away 2026-04-07..2026-04-08 to cancel "
               "(days away: 2026-04-07..2026-04-09)\n")
    assert cli(capsys, led, "--as", "zhang.wei", "person", "away", "chen.jing", "--from",
               "2026-04-07", "--to", "2026-04-09", "--cancel", "--note", "x") == (
        1, "", "error: --note: a cancellation takes no note (the day away keeps its own)\n")
    assert cli(capsys, led, "--as", "zhang.wei", "person", "away", "chen.jing", "--from",
               "2026-04-07", "--to", "2026-04-09", "--cancel") == (
        0, "chen.jing: day away 2026-04-07..2026-04-09 cancelled\n", "")
    assert led.capacity("chen.jing") == full
    view = next(p for p in led.people() if p.key == "chen.jing")
    assert view.away == ()
    assert days_away_text(view) == ("2026-04-07..2026-04-09 年假 annual leave "
                                    "(cancelled on 2026-04-20)")
    assert led.log("T1", 8, "2026-04-08", person="chen.jing").minutes == 480
    with pytest.raises(FieldError, match="^first: chen.jing has no day away "
                                         r"2026-04-07..2026-04-09 to cancel \(none stands\)"):
        led.cancel_away("chen.jing", "2026-04-07", "2026-04-09")
    assert led.verify()[1] == []
    # the cancellation undone behind the program's back: verify names the day away
    with led.engine.begin() as conn:
        conn.execute(text("UPDATE person_away SET cancelled_on = NULL"))
    problems = led.verify()[1]
    assert len(problems) == 1 and "away" in problems[0] and "cancelled was 2026-04-20, is null" \
        in problems[0]


def test_a_day_away_in_a_signed_period_cannot_be_cancelled(led: Ledger) -> None:
    led.away("chen.jing", "2026-03-09", "2026-03-10", note="sick")
    led.log("T1", 8, "2026-03-02", person="chen.jing")
    led.sign_period("2026-03-01", "2026-03-31", "2026-04-01")
    with pytest.raises(FieldError, match=r"^first: 2026-03-09..2026-03-10 overlaps period "
                                         r"TS-001 \(2026-03-01..2026-03-31\), which is being "
                                         r"signed$"):
        led.cancel_away("chen.jing", "2026-03-09", "2026-03-10")
    assert next(p for p in led.people() if p.key == "chen.jing").away != ()


# ---------------------------------------------------------------- 4. a structured hint


def test_the_late_obligation_refusal_carries_a_hint_each_interface_words(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(LedgerError, match="resolved when it is done") as caught:
        led.resolve_blocker("ENV-ACCESS")
    exc = caught.value
    assert Hint("obligation_done", "ENV-ACCESS") in exc.parts
    assert not any("sowtrack" in p for p in exc.parts if isinstance(p, str))
    assert str(exc) == ("blocker: ENV-ACCESS is a late obligation, resolved when it is done: "
                        "obligation_done ENV-ACCESS")
    assert exc.worded(flag_namer(None)).endswith(": `sowtrack obligation done ENV-ACCESS`")
    assert refusal(exc).endswith(": Obligations (o), then Obligation done (d) on ENV-ACCESS")
    assert cli(capsys, led, "blocker", "resolve", "ENV-ACCESS") == (
        1, "", "error: blocker: ENV-ACCESS is a late obligation, resolved when it is done: "
               "`sowtrack obligation done ENV-ACCESS`\n")


def test_every_hint_below_the_tui_is_worded_by_both_interfaces() -> None:
    used = set()
    for p in [p for pkg in ("model", "storage", "exports") for p in (ROOT / pkg).rglob("*.py")]:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Hint" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert "obligation_done" in used
    assert used <= set(HINTS) and used <= set(HINT_LABELS)


# ---------------------------------------------------------------- 5. done on a day


def test_obligations_and_deliverables_are_marked_done_once_by_one_rule(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    done = led.obligation_done("ENV-ACCESS", "2026-03-12")
    assert done.done_on == date.fromisoformat("2026-03-12")
    assert led.deliverable_done("D1", "2026-04-16", note="v1.0").delivered_on == \
        date.fromisoformat("2026-04-16")
    assert cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "ENV-ACCESS") == (
        1, "", "error: key: obligation ENV-ACCESS was already done on 2026-03-12\n")
    assert cli(capsys, led, "--as", "zhang.wei", "deliverable", "done", "D1") == (
        1, "", "error: key: deliverable D1 was already delivered on 2026-04-16\n")
    with pytest.raises(FieldError, match="^key: unknown deliverable 'D9'"):
        led.deliverable_done("D9")
    with pytest.raises(FieldError, match=r"^actor: liu.yang \(vendor engineer\) may not"):
        led.acting_as("liu.yang").deliverable_done("D2")
    with pytest.raises(FieldError, match="^on: "):
        led.obligation_done("CV-NDA", "2026-13-01")
    with led.engine.connect() as conn:
        rows = conn.execute(text("SELECT action, entity, ref FROM audit_event WHERE entity IN "
                                 "('obligation', 'deliverable') ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("done", "obligation", "ENV-ACCESS"),
                                        ("deliver", "deliverable", "D1")]
    assert led.verify()[1] == []


# ---------------------------------------------------------------- 6. after the acceptance


def test_delivery_and_done_dates_are_frozen_once_the_acceptance_is_signed(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    led.deliverable_done("D1", "2026-04-16")
    led.sign_acceptance("2026-04-17")
    frozen = ("error: acceptance ACC-001 carries a signature; the ledger is frozen until it "
              "is fully signed or withdrawn\n")
    assert cli(capsys, led, "--as", "zhang.wei", "deliverable", "done", "D2") == (1, "", frozen)
    assert cli(capsys, led, "--as", "li.na", "obligation", "done", "ENV-ACCESS") == (
        1, "", frozen)
    led.acting_as("li.na").sign_acceptance("2026-04-20", "accepted")
    read_only = "error: project CLAIMS-AGENT-2026 was accepted on 2026-04-20; the ledger is " \
                "read-only\n"
    assert cli(capsys, led, "--as", "zhang.wei", "deliverable", "done", "D2") == (
        1, "", read_only)
    assert cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "CV-NDA") == (
        1, "", read_only)
    assert [d.delivered_on for d in led.deliverables()][:2] == [
        date.fromisoformat("2026-04-16"), None]
    assert led.verify()[1] == []
    # a delivery date moved behind the program's back after acceptance: verify names it
    with led.engine.begin() as conn:
        conn.execute(text("UPDATE deliverable SET delivered_on = '2026-04-10' "
                          "WHERE key = 'D1'"))
    problems = led.verify()[1]
    assert any("deliverable D1" in p and "2026-04-16" in p for p in problems), problems


# ---------------------------------------------------------------- PostgreSQL: who cancels


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_on_postgresql_only_the_lead_cancels_a_day_away(
        db_url: str, roles, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_pg_rls import LIU, ZHANG, Team, _ok, _sql

    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-04-10")
    team = Team(db_url, roles)
    try:
        _ok(team, capsys, ZHANG, "person", "away", "chen.jing", "--from", "2026-04-14",
            "--to", "2026-04-15", "--note", "年假")
        cancel = "UPDATE person_away SET cancelled_on = '2026-04-10'"
        assert _sql(team.url[LIU], cancel) in ("42501", 0)  # an engineer: refused or hidden
        assert _sql(team.url[ZHANG], "UPDATE person_away SET note = 'x'") == "42501"
        _ok(team, capsys, ZHANG, "person", "away", "chen.jing", "--from", "2026-04-14",
            "--to", "2026-04-15", "--cancel")
        days = next(p for p in team.owner.people() if p.key == "chen.jing").days_away
        assert [(d.note, str(d.cancelled_on)) for d in days] == [("年假", "2026-04-10")]
        assert team.owner.verify()[1] == []
    finally:
        team.owner.engine.dispose()
