"""The scope sign-off (需求澄清确认, SPEC §9) on SQLite and PostgreSQL: ``signoff scope``,
estimates frozen once signed, a change request's ``--estimate``/``--add-task`` applied when
it takes effect, the ``plan_confirm_days`` alert, ``verify`` and ``export sow``.

The numbers, by hand. The example SOW starts on Monday 2026-03-02 (March 2026 has no
holiday) with T1 6 PD, T2 30, T3 24 and T4 20. The vendor lead signs the scope on 03-04,
the client's signatory on 03-05: SCOPE-001 is effective on 03-05 and covers T2 = 30 PD.
CR-001 (raised 03-10) changes T2 by +4 PD and adds T9 "Second OCR engine" at 5 PD; the
vendor signs it on 03-11, the client on 03-12, so it takes effect on 03-12. As of 03-11,
T2 is 30 PD and T9 does not exist; as of 03-12, T2 is 30 + 4 = 34 PD and T9 is 5 PD; the
task breakdown then adds up to 6 + 34 + 24 + 20 + 5 = 89 PD.

``plan_confirm_days = 5``: five working days after Monday 03-02 is Monday 03-09, the day
by which the scope should be signed. As of 03-09 nothing is alerted; as of Friday 03-13,
unsigned, it is 4 working days late (03-10, 03-11, 03-12, 03-13); signed on 03-05 it is
never alerted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from model import rules
from model.errors import FieldError, LedgerError
from storage.services import Ledger
from storage.sowfile import parse_sow

from .life_support import cli, example_sow, sql, start, training, write_sow

TODAY = "2026-03-20"


@pytest.fixture
def sow(tmp_path: Path) -> Path:
    text_ = example_sow(project="plan_confirm_days = 5")
    assert "plan_confirm_days = 5" in text_
    return write_sow(tmp_path, text_)


@pytest.fixture
def led(ledger: Ledger, sow: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example SOW with a 5-working-day deadline for the scope, as the lead, on
    2026-03-20."""
    return start(ledger, sow, monkeypatch, TODAY)


def signed(led: Ledger) -> None:
    led.sign_scope("2026-03-04")
    led.acting_as("li.na").sign_scope("2026-03-05")


def estimates(led: Ledger) -> dict[str, int]:
    return {t.code: t.estimate_milli for t in led.tasks()}


# ---------------------------------------------------------------- the rule, pure


def test_estimates_as_of_a_date_add_the_effective_changes() -> None:
    scope = {"T1": 6000, "T2": 30000}
    cr1 = rules.ScopeChange("CR-001", date(2026, 3, 12), {"T2": 4000}, {"T9": ("OCR", 5000)})
    cr2 = rules.ScopeChange("CR-002", None, {"T2": -1000})  # not effective
    assert rules.estimates_at(scope, [cr1, cr2], date(2026, 3, 11)) == scope
    assert rules.estimates_at(scope, [cr1, cr2], date(2026, 3, 12)) == {
        "T1": 6000, "T2": 34000, "T9": 5000}
    with pytest.raises(FieldError, match=r"estimates T1: T1's estimate would be -1 PD, below 0"):
        rules.check_scope_change(scope, [cr1], rules.ScopeChange("x", None, {"T1": -7000}))
    with pytest.raises(FieldError, match="add_tasks T9: a task 'T9' already exists"):
        rules.check_scope_change(scope, [cr1], rules.ScopeChange("x", None, {},
                                                                 {"T9": ("again", 1000)}))
    with pytest.raises(FieldError, match="estimates: unknown task 'T7'"):
        rules.check_scope_change(scope, [cr1], rules.ScopeChange("x", None, {"T7": 1000}))


def test_the_deadline_and_its_alert_count_working_days() -> None:
    cal = rules.Calendar()
    deadline = rules.plan_confirm_deadline(cal, date(2026, 3, 2), 5)
    assert deadline == date(2026, 3, 9)
    assert rules.scope_alert_args(cal, deadline, None, date(2026, 3, 9)) is None
    assert rules.scope_alert_args(cal, deadline, None, date(2026, 3, 13)) == ("2026-03-09", "4")
    assert rules.scope_alert_args(cal, deadline, date(2026, 3, 12), date(2026, 3, 13)) is None
    assert rules.scope_alert_args(cal, None, None, date(2026, 3, 13)) is None
    assert rules.alert_text("scope_unsigned", ("2026-03-09", "4")) == (
        "the scope is not signed by both parties: it was due by 2026-03-09 "
        "(4 working days late)")
    assert "2026-03-09" in rules.alert_text("scope_unsigned", ("2026-03-09", "4"), "zh")


# ---------------------------------------------------------------- the ledger


def test_both_parties_sign_the_scope(led: Ledger) -> None:
    with pytest.raises(FieldError, match=r"liu.yang \(vendor engineer\) may not sign .* the scope"):
        led.acting_as("liu.yang").sign_scope("2026-03-04")
    first = led.sign_scope("2026-03-04")
    assert (first.kind, first.number, first.status) == ("scope", "SCOPE-001", rules.DOC_SIGNING)
    with pytest.raises(FieldError, match="zhang.wei has already signed SCOPE-001"):
        led.sign_scope("2026-03-04")
    both = led.acting_as("li.na").sign_scope("2026-03-05")
    assert (both.status, both.effective_on) == (rules.DOC_EFFECTIVE, date(2026, 3, 5))
    assert [s.person for s in both.signatures] == ["zhang.wei", "li.na"]
    content = led.scope_content()
    assert ["T2", "Claims material parsing pipeline", 30000, "high"] in content["tasks"]
    assert {s.digest for s in both.signatures} == {rules.digest(content)}
    with pytest.raises(LedgerError, match="SCOPE-001: is signed by both parties"):
        led.withdraw_signoff("SCOPE-001")
    assert led.verify()[1] == []


def test_a_signature_is_withdrawn_before_the_other_party_signs(led: Ledger) -> None:
    led.sign_scope("2026-03-04")
    assert led.withdraw_signoff("SCOPE-001").status == rules.DOC_WITHDRAWN
    led.edit_task("T2", estimate="32")  # the scope is open again
    again = led.acting_as("li.na").sign_scope("2026-03-05")
    assert (again.number, again.status) == ("SCOPE-002", rules.DOC_SIGNING)
    assert ["T2", "Claims material parsing pipeline", 32000, "high"] in (
        led.scope_content()["tasks"])
    assert [v.number for v in led.signoffs()] == ["SCOPE-001", "SCOPE-002"]


def test_estimates_are_edited_before_signing_and_refused_after(led: Ledger) -> None:
    assert led.edit_task("T2", estimate="31").estimate_milli == 31000
    led.sign_scope("2026-03-04")
    with pytest.raises(FieldError, match="the scope SCOPE-001 is being signed") as caught:
        led.edit_task("T2", estimate="33")
    assert caught.value.field == "estimate"
    led.acting_as("li.na").sign_scope("2026-03-05")
    with pytest.raises(FieldError, match=r"^estimate: the scope SCOPE-001 is signed: change "
                                         r"it with a change request \(cr new estimates …\)$"):
        led.edit_task("T2", estimate="33")
    with pytest.raises(FieldError, match="the scope SCOPE-001 is signed") as caught:
        led.add_task("T9", "Second OCR engine", "5")
    assert caught.value.field == "code"
    # the title, priority and status are not the scope's estimates: still edited directly
    assert led.edit_task("T2", priority="medium", status="in_progress").estimate_milli == 31000
    assert estimates(led)["T2"] == 31000


def test_a_change_request_changes_the_estimate_only_once_effective(led: Ledger) -> None:
    signed(led)
    cr = led.new_cr("Second OCR engine", estimates={"T2": "+4"},
                    add_tasks={"T9": "Second OCR engine:5"}, on="2026-03-10")
    assert cr.task_deltas == (("T2", 4000, None), ("T9", 5000, "Second OCR engine"))
    led.sign_cr(cr.number, "2026-03-11")
    assert estimates(led) == {"T1": 6000, "T2": 30000, "T3": 24000, "T4": 20000}
    done = led.acting_as("li.na").sign_cr(cr.number, "2026-03-12")
    assert (done.status, done.effective_on) == (rules.DOC_EFFECTIVE, date(2026, 3, 12))
    assert estimates(led) == {"T1": 6000, "T2": 34000, "T3": 24000, "T4": 20000, "T9": 5000}
    assert sum(estimates(led).values()) == 89000
    assert led.estimates_as_of("2026-03-11") == {"T1": 6000, "T2": 30000, "T3": 24000,
                                                 "T4": 20000}
    assert led.estimates_as_of("2026-03-12")["T2"] == 34000
    # the signed scope is what was signed: 30 PD
    assert ["T2", "Claims material parsing pipeline", 30000, "high"] in (
        led.scope_content()["tasks"])
    assert led.verify()[1] == []


def test_scope_changes_are_refused_naming_the_flag(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "cr", "new", "--title", "more",
                       "--estimate", "T2=+4")
    assert (rc, out) == (1, "")
    assert err == ("error: --estimate: the scope is not signed by both parties yet: edit the "
                   "task itself (task edit, task add)\n")
    signed(led)
    rc, _, err = cli(capsys, led, "--as", "zhang.wei", "cr", "new", "--title", "less",
                     "--estimate", "T2=-31")
    assert rc == 1
    assert err == ("error: --estimate T2: T2's estimate would be -1 PD, below 0 "
                   "(now 30 PD)\n")
    rc, _, err = cli(capsys, led, "--as", "zhang.wei", "cr", "new", "--title", "dup",
                     "--add-task", "T3=Again:1")
    assert (rc, err) == (1, "error: --add-task T3: a task 'T3' already exists\n")
    rc, _, err = cli(capsys, led, "--as", "zhang.wei", "cr", "new", "--title", "bad",
                     "--add-task", "T9=no estimate")
    assert (rc, err) == (1, "error: --add-task T9: expected CODE=TITLE:PD, got "
                            "T9=no estimate\n")
    assert led.change_requests() == []  # nothing half-written


def test_the_command_line_signs_lists_and_shows(led: Ledger,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cli(capsys, led, "--as", "zhang.wei", "signoff", "scope", "--on", "2026-03-04")
    assert (rc, out) == (0, "SCOPE-001: signed by one party, waiting for the other\n")
    rc, out, _ = cli(capsys, led, "--as", "li.na", "signoff", "scope", "--on", "2026-03-05")
    assert out == "SCOPE-001: signed by both parties, effective 2026-03-05\n"
    rc, out, _ = cli(capsys, led, "signoff", "list")
    assert out.splitlines()[:3] == [
        "SCOPE-001: signed by both parties, effective 2026-03-05",
        "    2026-03-04  张伟 (zhang.wei, vendor lead)",
        "    2026-03-05  李娜 (li.na, client signatory)"]
    rc, out, _ = cli(capsys, led, "--as", "zhang.wei", "cr", "new", "--title", "OCR",
                     "--estimate", "T2=+4", "--add-task", "T9=Second OCR engine:5",
                     "--on", "2026-03-10")
    assert (rc, out) == (0, "CR-001\n")
    rc, out, _ = cli(capsys, led, "cr", "show", "CR-001")
    assert "changes    T2+4 +task T9 'Second OCR engine' 5" in out


def test_the_unsigned_scope_is_alerted_after_plan_confirm_days(led: Ledger) -> None:
    def kinds(as_of: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(a.kind, a.args) for a in led.alerts(led.summary(as_of))
                if a.kind == "scope_unsigned"]

    assert kinds("2026-03-09") == []
    assert kinds("2026-03-13") == [("scope_unsigned", ("2026-03-09", "4"))]
    signed(led)  # effective 03-05
    assert kinds("2026-03-13") == []


def test_export_sow_writes_plan_confirm_days_back(led: Ledger) -> None:
    spec = led.export_sow()
    assert spec.plan_confirm_days == 5
    from storage.sowfile import dump_sow

    assert "plan_confirm_days = 5" in dump_sow(spec)
    assert parse_sow(dump_sow(spec)).plan_confirm_days == 5


@pytest.mark.parametrize("statement, named", [
    ("UPDATE scope SET content = replace(content, '30000', '20000')",
     "SCOPE-001: differs"),
    ("UPDATE change_task_delta SET pd_milli = 9000 WHERE task_code = 'T2'",
     "CR-001: differs"),
    ("UPDATE project SET plan_confirm_days = 60", "plan_confirm_days was 5, is 60"),
])
def test_verify_names_the_scope_changed_with_sql(led: Ledger, statement: str,
                                                 named: str) -> None:
    signed(led)
    led.new_cr("OCR", estimates={"T2": "+4"}, on="2026-03-10")
    assert led.verify()[1] == []
    sql(led, statement)
    problems = led.verify()[1]
    assert any(named in p for p in problems), problems


DELIVERABLE = training("Knowledge transfer")


def test_export_plan_is_the_scope_document_and_verify_follows_it(
        ledger: Ledger, sow: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    sow.write_text(sow.read_text(encoding="utf-8") + DELIVERABLE, encoding="utf-8")
    led = start(ledger, sow, monkeypatch, TODAY)
    signed(led)
    out = tmp_path / "scope.pdf"
    rc, _, err = cli(capsys, led, "--as", "zhang.wei", "export", "plan", "--out", str(out))
    assert rc == 0, err
    text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "需求范围确认（SCOPE-001）" in text
    assert "SCOPE-001 已由双方于 2026-03-05 签字确认" in text
    assert "Two training sessions; the operations manual handed over." in text
    assert "2026-03-04（系统已记录签字）" in text and "2026-03-05（系统已记录签字）" in text
    rc, out_, _ = cli(capsys, led, "verify", str(out))
    assert rc == 0 and "the scope SCOPE-001 was signed by both parties on 2026-03-05" in out_
    sql(led, "UPDATE task SET priority = 'low' WHERE code = 'T2'")
    rc, out_, err = cli(capsys, led, "verify", str(out))
    assert rc == 1 and "no longer holds this content" in out_ + err, (out_, err)
