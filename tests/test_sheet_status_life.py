"""The status report's obligations and staff changes, and the acceptance's deliveries and
obligation blockers (SPEC §9), on SQLite and PostgreSQL.

By hand. The example SOW starts on Monday 2026-03-02 (March 2026: no holiday) and asks
3 working days' notice of a vendor staff change. As of Friday 2026-03-20:

- ENV-ACCESS (client) due Friday 03-06, done Friday 03-13: done late, 4 working days
  (03-09 to 03-12), counted as client blocked days; as of Wednesday 03-11 it is overdue,
  3 working days late (03-09, 03-10, 03-11), and an open client blocker under its key.
- CV-NDA (vendor) due 3 working days after the start, Thursday 03-05, never done:
  overdue from Friday 03-06 to 03-20, 11 working days (03-06, 03-09..13, 03-16..20).
- liu.yang is replaced by wu.lei from Monday 03-16, recorded on Thursday 03-12: notice is
  counted from the day after, Friday 03-13 and Monday 03-16 = 2 working days < 3, so it
  is marked. chen.jing is away 03-18..03-19. he.tao joins on 03-30, after the report's
  date: not listed as of 03-20, listed as of 03-31 (recorded on 03-20: 6 working days'
  notice, not marked).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from exports.render import render_pdf, render_sheet
from model.rules.staffing import StaffChange
from model.sheet_status import ObligationLine, StaffLine
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, print_sheet, verify_pdf
from storage.sowfile import parse_sow

from .life_support import OBLIGATIONS, example_sow, training
from .txcount import TxCount

LIFE = training("Operations training and manual") + OBLIGATIONS


def _at(led: Ledger, today: str) -> Ledger:
    return Ledger(led.engine, led.project_code, "zhang.wei", today=date.fromisoformat(today))


@pytest.fixture
def life(ledger: Ledger) -> Ledger:
    text = example_sow("staff_change_notice = 3", LIFE)
    code = ledger.init_project(parse_sow(text, "sow.toml")).code
    led = Ledger(ledger.engine, code, "zhang.wei", today=date(2026, 3, 20))
    _at(led, "2026-03-12").replace("liu.yang", "wu.lei", "2026-03-16", name="吴磊")
    _at(led, "2026-03-13").obligation_done("ENV-ACCESS", on="2026-03-13")
    led.away("chen.jing", "2026-03-18", "2026-03-19")
    led.add_person("he.tao", "何涛", "vendor", "engineer", "junior", first="2026-03-30")
    led.deliverable_done("KT", on="2026-03-20", note="two sessions, manual v1")
    return led


def test_the_status_content_lists_obligations_and_staff_changes(life: Ledger) -> None:
    sheet = build_sheet(life, SheetRequest("status", as_of=date(2026, 3, 20)),
                        printed_on=date(2026, 3, 20))
    data = sheet.data
    assert data.overdue == (ObligationLine(
        "CV-NDA", "Engineers' CVs and signed NDAs", "vendor", date(2026, 3, 5), None, 11),)
    assert data.done_late == (ObligationLine(
        "ENV-ACCESS", "Test environment and VPN accounts", "client", date(2026, 3, 6),
        date(2026, 3, 13), 4),)
    assert data.done_late[0].blocks and not data.overdue[0].blocks
    assert data.staff == (
        StaffLine("wu.lei", "吴磊", "replace", date(2026, 3, 16), other="liu.yang",
                  other_name="刘洋", short_notice=(2, 3)),
        StaffLine("chen.jing", "陈静", "away", date(2026, 3, 18), until=date(2026, 3, 19)))
    # structured, never worded: kinds, keys, dates and numbers
    assert sheet.content["obligations"] == {
        "overdue": [["CV-NDA", "vendor", "2026-03-05", None, 11]],
        "done_late": [["ENV-ACCESS", "client", "2026-03-06", "2026-03-13", 4]]}
    assert sheet.content["staff_changes"] == [
        ["wu.lei", "replace", "2026-03-16", None, "liu.yang", [2, 3]],
        ["chen.jing", "away", "2026-03-18", "2026-03-19", None, None]]
    # ENV-ACCESS was resolved on 03-13: no longer an open blocker on the 20th
    assert "ENV-ACCESS" not in [b[0] for b in sheet.content["open_blockers"]]


def test_as_of_an_earlier_date_the_late_client_obligation_is_an_open_blocker(
        life: Ledger) -> None:
    data = build_sheet(life, SheetRequest("status", as_of=date(2026, 3, 11)),
                       printed_on=date(2026, 3, 20)).data
    assert [(o.key, o.done_on, o.days_late) for o in data.overdue] == [
        ("ENV-ACCESS", None, 3), ("CV-NDA", None, 4)]
    assert data.done_late == () and data.staff == ()
    assert [(b.number, b.party, b.raised_on, b.age_days) for b in data.open_blockers] == [
        ("ENV-ACCESS", "client", date(2026, 3, 9), 3)]
    # later, the joiner is listed, with enough notice (6 working days): no mark
    later = build_sheet(life, SheetRequest("status", as_of=date(2026, 3, 31)),
                        printed_on=date(2026, 3, 20)).data
    assert StaffLine("he.tao", "何涛", "join", date(2026, 3, 30)) in later.staff


def test_the_acceptance_lists_deliveries_and_the_obligation_blocker(life: Ledger) -> None:
    data = build_sheet(life, SheetRequest("acceptance"), printed_on=date(2026, 3, 20)).data
    kt = next(d for d in data.sow_deliverables if d.key == "KT")
    assert (kt.training, kt.delivered_on, kt.delivery_note) == (
        True, date(2026, 3, 20), "two sessions, manual v1")
    env = next(b for b in data.blockers if b.number == "ENV-ACCESS")
    assert (env.party, env.raised_on, env.resolved_on, env.working_days) == (
        "client", date(2026, 3, 9), date(2026, 3, 13), 4)
    # the blockers listed add up to the client's blocked days (none raised by hand)
    assert sum(b.working_days for b in data.blockers if b.party == "client") == \
        dict(data.blocked_days)["client"] == 4


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_printed_status_shows_the_sections_and_verifies(life: Ledger, tmp_path: Path,
                                                            lang: str) -> None:
    request = SheetRequest("status", as_of=date(2026, 3, 20), language=lang)
    sheet = print_sheet(life, request, printed_on=date(2026, 3, 20))
    path = render_sheet(sheet, request.kind, tmp_path / "status.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    zh = lang == "zh"
    assert ("义务事项（逾期或逾期完成）" if zh else "Obligations overdue or done late") in text
    assert ("人员变更" if zh else "Staff changes") in text
    assert "ENV-ACCESS" in text and "CV-NDA" in text
    assert ("计入甲方阻塞工作日" if zh else "counts as client") in text
    assert "吴磊" in text and "刘洋" in text and "wu.lei" in text
    assert ("通知不足" if zh else "short notice") in text
    result = verify_pdf(path, lambda code: Ledger(life.engine, code), render_pdf)
    assert result.matches


def test_the_ledger_lists_the_staff_changes_recorded_by_a_date(life: Ledger) -> None:
    """Ledger.staff_changes: what the status report's notice marks read, as views; inside a
    snapshot it opens no transaction of its own."""
    replaced = StaffChange("liu.yang", "replace", date(2026, 3, 12), date(2026, 3, 16), 3)
    joins = StaffChange("he.tao", "add", date(2026, 3, 20), date(2026, 3, 30), 3)
    assert life.staff_changes() == [replaced, joins]
    assert life.staff_changes(date(2026, 3, 19)) == [replaced]
    assert life.staff_changes(date(2026, 3, 11)) == []
    with TxCount(life.engine) as tx, life.snapshot():
        assert life.staff_changes(date(2026, 3, 20)) == [replaced, joins]
        assert len(life.people()) > 1
    assert tx.kinds == ["read"]
