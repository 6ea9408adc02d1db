"""The timesheet confirmation (工时确认单) and the work plan (工作计划), read back from the PDF.

Figures are checked against the ledger's entries (not against the sheet's own data):
on the demo (8-hour days, a signed September) and on a 7.5-hour scenario with overtime,
a weekend, a holiday and minutes that are no round fraction of a person-day.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.base import fmt_pd, read_keywords
from exports.render import render_pdf, render_sheet
from exports.timesheet import chunks, fmt_hours
from model.rules import digest
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, per_person_requests, print_sheet, verify_pdf
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW
from .tui_support import demo_ledger

SEPT = (date(2026, 9, 1), date(2026, 9, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))


# ---------------------------------------------------------------- helpers


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def lines(path: Path) -> list[str]:
    return [line.strip() for text in pages(path) for line in text.splitlines()]


def keywords(path: Path) -> dict[str, str]:
    return read_keywords(str(PdfReader(str(path)).metadata["/Keywords"]))


def render(led: Ledger, request: SheetRequest, path: Path) -> Path:
    return render_sheet(print_sheet(led, request), request.kind, path)


def expected(led: Ledger, first: date, last: date) -> dict:
    """Per person: minutes and overtime minutes, from the ledger's entries and calendar."""
    cal, _, _ = led.calendar()
    mpd = led.project().minutes_per_day
    day: dict[tuple[str, date], int] = defaultdict(int)
    for e in led.entries(first, last):
        day[(e.person, e.on)] += e.minutes
    minutes: dict[str, int] = defaultdict(int)
    overtime: dict[str, int] = defaultdict(int)
    overtime_days: list[tuple[str, date, int]] = []
    for (person, on), m in day.items():
        minutes[person] += m
        ot = max(0, m - mpd) if cal.is_working(on) else m
        overtime[person] += ot
        if ot:
            overtime_days.append((person, on, m))
    return {"minutes": dict(minutes), "overtime": dict(overtime), "mpd": mpd,
            "overtime_days": overtime_days, "total": sum(minutes.values())}


def check_person_rows(text: list[str], exp: dict) -> None:
    """The per-person table: after each person's id come grade, days, hours, overtime, PD."""
    for person, minutes in exp["minutes"].items():
        i = text.index(person)
        row = text[i + 1:i + 6]
        hours, ot, pd = (Fraction(minutes, 60), Fraction(exp["overtime"][person], 60),
                         Fraction(minutes, exp["mpd"]))
        # rounded so that each column adds up to its total (tests/test_sheets_foot.py):
        # within one unit of the last place of the exact figure
        got = [Fraction(Decimal(x)) for x in row[2:]]
        assert all(abs(g - e) < u for g, e, u in zip(
            got, (hours, ot, pd), (Fraction(1, 100), Fraction(1, 100), Fraction(1, 1000)),
            strict=True)), (person, row, hours, ot, pd)


def overtime_marks(text: list[str]) -> list[str]:
    return [t for t in text if re.fullmatch(r"\+\d+(\.\d+)?", t)]


# ---------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return demo_ledger(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def september(demo: Ledger, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sept") / "sept.pdf"
    return render(demo, SheetRequest("timesheet", *SEPT), out)


def test_demo_september_figures_match_the_ledger(demo, september):
    exp = expected(demo, *SEPT)
    text = lines(september)
    check_person_rows(text, exp)
    total_h, total_pd = fmt_hours(exp["total"]), fmt_pd(Fraction(exp["total"], 480))
    assert f"{total_h} 小时 = {total_pd} 人天，其中加班 " \
           f"{fmt_hours(sum(exp['overtime'].values()))} 小时" in text
    # the grand total rows: per person (hours, overtime, PD) and per grade (hours, PD)
    rows = [text[n:n + 3] for n, t in enumerate(text) if t == total_h]
    assert [total_h, fmt_hours(sum(exp["overtime"].values())), total_pd] in rows
    assert any(r[:2] == [total_h, total_pd] for r in rows)
    assert "工时确认单" in text[0]
    assert "TS-001 已生效（2026-10-05）：张伟 2026-10-03、李娜 2026-10-05" in text


def test_demo_overtime_is_marked_once_per_overtime_day(demo, september):
    exp = expected(demo, *SEPT)
    assert exp["overtime_days"], "the demo has overtime in September"
    marks = overtime_marks(lines(september))
    assert sorted(marks) == sorted("+" + fmt_hours(m) for _, _, m in exp["overtime_days"])
    # China's 2026 calendar: the demo's September has late days but no weekend fix (its
    # weekend fixes fall in October and November), so every overtime day is a working day
    assert all(on.weekday() < 5 for _, on, _ in exp["overtime_days"])
    assert "说明：“+”及红色表示当日含加班" in "".join(pages(september)[0].split())


def test_demo_september_digest_is_the_one_its_signatures_cover(demo, september):
    period = next(s for s in demo.signoffs() if s.number == "TS-001")
    assert (period.first, period.last) == SEPT and period.status == "effective"
    signed = {sig.digest for sig in period.signatures}
    assert len(signed) == 1
    fields = keywords(september)
    assert fields["sha256"] == signed.pop()
    assert fields["id"] == "DEMO-AGENT/TS/2026-09-01..2026-09-30"
    report = verify_pdf(september, lambda code: Ledger(demo.engine, code), render_pdf)
    assert report.matches
    assert "TS-001" in report.signed and "effective since 2026-10-05" in report.signed


def test_demo_per_person_is_a_document_per_person(demo, tmp_path):
    """--per-person: each person's sheet is a document of its own (id, digest, title,
    QR, page numbering from 1), not pages 2..n of one whole-period document."""
    requests = per_person_requests(demo, SheetRequest("timesheet", *OCT, per_person=True))
    exp = expected(demo, *OCT)
    people = [p for p in demo.people() if p.party == "vendor" and p.grade]
    assert [r.person for r in requests] == [p.key for p in people]
    digests = set()
    for p, request in zip(people, requests, strict=True):
        path = render(demo, request, tmp_path / f"pp-{p.key}.pdf")
        texts = pages(path)
        assert f"{p.name}（{p.key}）" in texts[0]
        assert f"工时确认单 {p.name}" in texts[0]  # its own title, on its own first page
        page = [line.strip() for line in texts[0].splitlines()]
        minutes = exp["minutes"].get(p.key, 0)
        assert (f"{fmt_hours(minutes)} 小时 = {fmt_pd(Fraction(minutes, 480))} 人天，其中加班 "
                f"{fmt_hours(exp['overtime'].get(p.key, 0))} 小时") in page
        assert "盖章" in "".join(texts)
        for n, text in enumerate(texts, start=1):  # numbered within this document
            assert f"第 {n} 页 / 共 {len(texts)} 页" in text
        fields = keywords(path)
        assert fields["id"] == f"DEMO-AGENT/TS/2026-10-01..2026-10-31/{p.key}"
        own = {**demo.period_content(*OCT), "person": p.key,
               "entries": [e for e in demo.period_content(*OCT)["entries"] if e[1] == p.key]}
        assert fields["sha256"] == digest(own)
        digests.add(fields["sha256"])
    assert len(digests) == len(people)
    assert digest(demo.period_content(*OCT)) not in digests


def test_demo_one_person(demo, tmp_path):
    request = SheetRequest("timesheet", *OCT, person="liu.yang")
    sheet = build_sheet(demo, request)
    assert sheet.meta.doc_id == "DEMO-AGENT/TS/2026-10-01..2026-10-31/liu.yang"
    full = demo.period_content(*OCT)
    assert sheet.content == {**full, "person": "liu.yang",
                             "entries": [e for e in full["entries"] if e[1] == "liu.yang"]}
    path = render_sheet(sheet, "timesheet", tmp_path / "liu.pdf")
    text = "\n".join(pages(path))
    exp = expected(demo, *OCT)
    minutes = exp["minutes"]["liu.yang"]
    assert f"{fmt_hours(minutes)} 小时 = {fmt_pd(Fraction(minutes, 480))} 人天" in text
    assert "刘洋" in text and "陈静" not in text
    assert verify_pdf(path, lambda code: Ledger(demo.engine, code), render_pdf).matches


def test_demo_unknown_or_client_person_is_refused(demo):
    from model.errors import LedgerError

    with pytest.raises(LedgerError, match="^person: no person 'nobody'"):
        build_sheet(demo, SheetRequest("timesheet", *OCT, person="nobody"))
    with pytest.raises(LedgerError, match="client party"):
        build_sheet(demo, SheetRequest("timesheet", *OCT, person="li.na"))


def test_demo_verify_fails_once_an_entry_of_the_period_changes(tmp_path):
    led = demo_ledger(tmp_path, actor="zhang.wei")
    path = render(led, SheetRequest("timesheet", *OCT), tmp_path / "oct.pdf")
    report = verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf)
    assert report.matches and report.signed.startswith("not signed yet")
    entry = led.entries(*OCT)[0]
    led.edit_entry(entry.id, hours=str(entry.minutes / 60 + 0.5))
    assert not verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches
    # an entry outside the period leaves the sheet as it was
    path = render(led, SheetRequest("timesheet", *OCT), tmp_path / "oct2.pdf")
    other = led.entries(date(2026, 11, 2), date(2026, 11, 20))[0]
    led.edit_entry(other.id, note="changed")
    assert verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler) not installed")
def test_the_font_is_embedded(september):
    listing = subprocess.run(["pdffonts", str(september)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    embedded = [line for line in listing if "TrueType" in line and " yes yes yes " in line]
    assert embedded, listing


def test_demo_plan(demo, tmp_path):
    path = render(demo, SheetRequest("plan"), tmp_path / "plan.pdf")
    text = lines(path)
    assert "需求范围确认（SCOPE-001）" in text[0]
    tasks = demo.tasks()
    for t in tasks:
        i = text.index(t.code)
        assert fmt_pd(Fraction(t.estimate_milli, 1000)) in text[i + 1:i + 8]
    # tasks by priority: high before medium before low
    order = [text.index(t.code) for t in sorted(tasks, key=lambda t: ("high", "medium",
                                                                       "low").index(t.priority))]
    assert order == sorted(order)
    summary = demo.summary(date(2026, 11, 21))
    assert f"基线 445 人天，当前预算 {fmt_pd(summary.budget_pd)} 人天（含已生效变更 CR-001" \
           f"（2026-09-14））" in text
    assert "项目开始" in text and "项目结束" in text
    report = verify_pdf(path, lambda code: Ledger(demo.engine, code), render_pdf)
    # the demo's scope is signed by both parties: the signature blocks carry their dates
    assert "SCOPE-001 已由双方于 2026-08-21 签字确认" in text
    assert "姓名：李娜" in text and "日期：2026-08-21（系统已记录签字）" in text
    assert "姓名：张伟" in text and "日期：2026-08-19（系统已记录签字）" in text
    assert report.matches and report.signed == (
        "the scope SCOPE-001 was signed by both parties on 2026-08-21 (张伟 (vendor) "
        "2026-08-19, 李娜 (client) 2026-08-21)")


# ---------------------------------------------------------------- 7.5-hour days


@pytest.fixture(params=["zh", "en"])
def short_days(request: pytest.FixtureRequest, tmp_path: Path) -> Ledger:
    text = EXAMPLE_SOW.read_text(encoding="utf-8").replace("hours_per_day = 8",
                                                          "hours_per_day = 7.5")
    text = text.replace('language = "zh"', f'language = "{request.param}"')
    led = Ledger.open(f"sqlite:///{tmp_path}/x.db", actor="zhang.wei")
    led.init_project(parse_sow(text, "sow-7.5.toml"))
    led = Ledger(led.engine, "CLAIMS-AGENT-2026", "zhang.wei")
    for task, hours, on, person in [
        ("T1", "7.5", "2026-04-01", "zhang.wei"),  # exactly 1 PD
        ("T2", "9", "2026-04-01", "chen.jing"),  # 1.5 h overtime
        ("T2", "4", "2026-04-11", "liu.yang"),  # a Saturday: all overtime
        ("T2", "1.1", "2026-04-13", "liu.yang"),  # 66 minutes: 0.14666… PD
        ("T3", "3", "2026-04-02", "wang.fang"),
        ("T3", "2.25", "2026-04-02", "wang.fang"),  # 5.25 h on one day, two entries
        ("T3", "2", "2026-04-06", "wang.fang"),  # a holiday of the SOW: overtime
        ("T4", "7.75", "2026-04-30", "zhang.wei"),  # 0.25 h overtime
        ("T1", "8", "2026-03-31", "zhang.wei"),  # outside the period
    ]:
        led.log(task, hours, on, person)
    return led


def test_short_days_timesheet(short_days, tmp_path):
    led = short_days
    lang = led.project().language
    assert led.project().minutes_per_day == 450
    path = render(led, SheetRequest("timesheet", *APRIL), tmp_path / "april.pdf")
    exp = expected(led, *APRIL)
    assert exp["minutes"] == {"zhang.wei": 915, "chen.jing": 540, "liu.yang": 306,
                              "wang.fang": 435}
    text = lines(path)
    check_person_rows(text, exp)
    assert fmt_pd(Fraction(306, 450)) == "0.68"
    total = exp["total"]
    total_text = (f"{fmt_hours(total)} 小时 = {fmt_pd(Fraction(total, 450))} 人天，其中加班 "
                  f"{fmt_hours(sum(exp['overtime'].values()))} 小时" if lang == "zh" else
                  f"{fmt_hours(total)} hours = {fmt_pd(Fraction(total, 450))} PD, of which "
                  f"{fmt_hours(sum(exp['overtime'].values()))} hours overtime")
    assert total_text in text
    assert sorted(overtime_marks(text)) == sorted(["+9", "+4", "+2", "+7.75"])
    assert ("1 人天 = 7.5 小时；工时以小时计，人天 = 工时 ÷ 7.5" if lang == "zh"
            else "1 PD = 7.5 hours; PD = hours ÷ 7.5") in text
    # daily totals in PD: 1 April has 7.5 + 9 h = 16.5 h = 2.2 PD
    assert "16.5" in text and "2.2" in text
    assert (("工时确认单" if lang == "zh" else "Timesheet Confirmation") in text[0])
    fields = keywords(path)
    assert fields["sha256"] == digest(led.period_content(*APRIL))
    assert verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches
    led.log("T1", "1", "2026-04-15", "zhang.wei")
    assert not verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches


def test_short_days_signed_period_digest(short_days, tmp_path):
    led = short_days
    led.sign_period(*APRIL, on="2026-05-06")
    Ledger(led.engine, "CLAIMS-AGENT-2026", "li.na").sign_period(*APRIL, on="2026-05-07")
    path = render(led, SheetRequest("timesheet", *APRIL), tmp_path / "signed.pdf")
    period = next(s for s in led.signoffs() if (s.first, s.last) == APRIL)
    assert period.status == "effective"
    assert {s.digest for s in period.signatures} == {keywords(path)["sha256"]}
    report = verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf)
    assert report.matches and "effective since 2026-05-07" in report.signed
    text = "\n".join(pages(path))
    assert "2026-05-06" in text and "2026-05-07" in text  # the signatures on record
    # per person: a document each, none with the period's digest or its signatures
    for request in per_person_requests(led, SheetRequest("timesheet", *APRIL,
                                                         per_person=True)):
        pp = render(led, request, tmp_path / f"pp-{request.person}.pdf")
        assert keywords(pp)["sha256"] != keywords(path)["sha256"]
        text = "\n".join(pages(pp))
        assert "2026-05-06" not in text and "2026-05-07" not in text


def test_short_days_plan(short_days, tmp_path):
    led = short_days
    lang = led.project().language
    cr = led.new_cr("More evaluation", deltas={"senior": 10}, new_end="2026-06-12",
                    on="2026-04-20")
    led.sign_cr(cr.number, on="2026-04-21")
    Ledger(led.engine, "CLAIMS-AGENT-2026", "li.na").sign_cr(cr.number, on="2026-04-22")
    led.set_allocation("T2", "liu.yang", "12.5")
    path = render(led, SheetRequest("plan"), tmp_path / "plan.pdf")
    text = lines(path)
    joined = "\n".join(text)
    if lang == "zh":
        assert "基线 90 人天，当前预算 100 人天（含已生效变更 CR-001（2026-04-22））" in text
        assert "SOW 原定结束" in text and "项目结束（经 CR-001 调整）" in text
    else:
        assert ("baseline 90 PD, budget now 100 PD (with effective change requests CR-001 "
                "(2026-04-22))") in text
        assert "SOW end (original)" in text and "End (moved by CR-001)" in text
    assert "2026-06-12" in joined and "2026-05-29" in joined
    assert "12.5" in joined  # liu.yang's planned PD on T2
    # the ideal remaining PD is 0 at the end and the whole budget at the start
    cal, start, end = led.calendar()
    assert end == date(2026, 6, 12)
    sheet = build_sheet(led, SheetRequest("plan"))
    ms = sheet.data.milestones
    assert ms[0].ideal == 100 and ms[-1].ideal == 0 and ms[-1].on == end
    total = len(cal.working_days(start, end))
    for m in ms[1:]:
        assert m.ideal == Fraction(100) * (total - cal.count(start, m.on)) / total
    content = sheet.content
    assert content["budget_milli"]["senior"] == 50_000 and content["end"] == "2026-06-12"
    assert keywords(path)["sha256"] == digest(content)
    assert verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches
    led.log("T2", "3", "2026-04-23", "liu.yang")  # consumption is not part of the plan
    assert verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches
    led.set_allocation("T2", "liu.yang", "13")
    assert not verify_pdf(path, lambda code: Ledger(led.engine, code), render_pdf).matches


def test_a_month_is_split_into_readable_tables():
    days = [date(2026, 1, d) for d in range(1, 32)]
    assert [len(c) for c in chunks(days)] == [16, 15]
    assert [len(c) for c in chunks(days[:28])] == [14, 14]
    assert [len(c) for c in chunks(days[:7])] == [7]
    assert fmt_hours(450) == "7.5" and fmt_hours(66) == "1.1" and fmt_hours(10) == "0.17"
