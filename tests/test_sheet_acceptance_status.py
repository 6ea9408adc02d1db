"""The acceptance report and the status report: printed, read back, checked against the ledger."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.base import fmt_money, fmt_pd, money_capitals, read_keywords
from exports.render import render_pdf, render_sheet
from model import rules
from model.sheets import Sheet, SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, print_sheet, verify_pdf
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW
from .tui_support import TODAY, demo_ledger

CODE = "CLAIMS-AGENT-2026"
BASE14 = {"Helvetica", "Helvetica-Bold", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def _text(path: Path) -> str:
    return "\n".join(_pages(path))


def _print(led: Ledger, request: SheetRequest, out: Path) -> tuple[Path, Sheet]:
    sheet = print_sheet(led, request, printed_on=TODAY)
    return render_sheet(sheet, request.kind, out), sheet


def _opener(led: Ledger) -> Callable[[str], Ledger]:
    return lambda code: Ledger(led.engine, code)


def _as(led: Ledger, person: str) -> Ledger:
    return Ledger(led.engine, led.project_code, person)


def _keywords(path: Path) -> dict[str, str]:
    return read_keywords(str(PdfReader(str(path)).metadata["/Keywords"]))


def _acceptance_totals(led: Ledger) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """(budget PD, consumed PD, budget money, consumed money) from the acceptance content."""
    content = led.acceptance_content()
    mpd = led.project().minutes_per_day
    rates = led.rates()
    budget = {g: Fraction(v) for g, v in content["budget_pd"].items()}
    consumed = {g: Fraction(m, mpd) for g, m in content["consumed_minutes"].items()}

    def cost(pd: dict[str, Fraction]) -> Fraction:
        return sum((v * Fraction(rates.get(g, 0), 100) for g, v in pd.items()), Fraction(0))

    return (sum(budget.values(), Fraction(0)), sum(consumed.values(), Fraction(0)),
            cost(budget), cost(consumed))


def _scenario(tmp_path: Path, language: str = "zh") -> Ledger:
    """The example SOW with 7.5-hour person-days, a few weeks of entries, a signed CR,
    a resolved client blocker and an open vendor blocker."""
    text = EXAMPLE_SOW.read_text(encoding="utf-8").replace("hours_per_day = 8",
                                                           "hours_per_day = 7.5")
    if language == "en":
        text = text.replace('language = "zh"', 'language = "en"')
    led = Ledger.open(f"sqlite:///{tmp_path / f'{language}.db'}", actor="zhang.wei")
    led = led.for_project(led.init_project(parse_sow(text)).code)
    for day in range(2, 21):
        on = date(2026, 3, day)
        if on.weekday() >= 5:
            continue
        _as(led, "chen.jing").log("T2", "7.5", on=on)
        _as(led, "liu.yang").log("T2", "6.25", on=on, note="parsing")
        _as(led, "wang.fang").log("T3", "8", on=on)  # half an hour of overtime
        _as(led, "zhang.wei").log("T1", "1.75", on=on)
    _as(led, "liu.yang").log("T2", "3", on=date(2026, 3, 7), note="weekend fix")
    led.new_cr("More senior time for the parser", reason="handwritten forms",
               deltas={"senior": "2.5", "expert": "1.25"}, quota_deltas={"prompt-rounds": 1},
               new_end="2026-06-05", on="2026-03-09")
    led.sign_cr("CR-001", on="2026-03-10")
    _as(led, "li.na").sign_cr("CR-001", on="2026-03-11")
    led.new_cr("An extra evaluation batch", deltas={"intermediate": "4"}, on="2026-03-16")
    _as(led, "zhao.min").sign_cr("CR-002", on="2026-03-17")
    b1 = led.add_blocker("Test accounts not granted", "client", on="2026-03-03", task="T2")
    led.resolve_blocker(b1.number, on="2026-03-09")
    led.add_blocker("Sample data late", "vendor", on="2026-03-16", task="T3")
    led.use_quota("research-meetings", on="2026-03-04", note="claims flow")
    return led


# ---------------------------------------------------------------- the acceptance report


def test_the_acceptance_report_prints_the_ledgers_figures(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    path, sheet = _print(led, SheetRequest("acceptance"), tmp_path / "acc.pdf")
    text = _text(path)
    assert sheet.content == led.acceptance_content()
    assert "项目验收报告" in text and "验收状态" in text and "未签字" in text
    budget, consumed, budget_cost, consumed_cost = _acceptance_totals(led)
    # Demo: 460 PD budget (445 baseline + 15 of CR-001), 348.812 consumed, 111.188 left.
    assert (fmt_pd(budget), fmt_pd(consumed)) == ("460", "348.812")
    for figure in (fmt_pd(budget), fmt_pd(consumed), fmt_pd(budget - consumed),
                   fmt_money(budget_cost), fmt_money(consumed_cost),
                   fmt_money(budget_cost - consumed_cost)):
        assert figure in text
    for amount in (budget_cost, consumed_cost, budget_cost - consumed_cost):
        assert money_capitals(amount) in text
    # by grade, with the CR's column of deltas
    # (rounded so that the grades add up to the total: tests/test_sheets_foot.py)
    by_grade = led.summary(TODAY).by_grade
    consumed_shown = rules.round_to_total([g.consumed_pd for g in by_grade], 3)
    for g, shown in zip(by_grade, consumed_shown, strict=True):
        assert abs(shown - rules.round_pd(g.consumed_pd)) <= Decimal("0.001")
        assert fmt_pd(shown) in text and fmt_pd(g.budget_pd - Fraction(shown)) in text
    assert "+10" in text and "+5" in text and "37,000.00" in text
    # dates: the SOW's end and the current end after effective CRs (CR-002 is pending)
    project = led.project()
    assert str(project.start) in text and str(project.end) in text
    # every change request, by its document id, with its status
    for cr in led.change_requests():
        assert SheetRequest("cr", cr=cr.number).doc_id(project.code) in text
    assert "已生效" in text and "一方已签" in text
    # blockers and the working days lost per party
    blocked = led.summary(sheet.data.as_of).blocked_days
    assert f"{blocked['client']} 个工作日" in text and f"{blocked['vendor']} 个工作日" in text
    for b in led.blockers():
        assert b.number in text
    # signed periods, quotas, deliverables
    period = next(s for s in led.signoffs() if s.kind == "period")
    assert period.number in text and str(period.effective_on) in text
    for q in led.quotas(date.max):  # by their title in the sheet's language, not their key
        assert q.title.split(" ")[0] in text and q.key not in text
    for task in led.tasks():
        assert task.code in text
    # both parties' signatories, and the page numbers
    assert "张伟" in text and "赵敏" in text and "李娜" in text
    pages = _pages(path)
    assert f"第 1 页 / 共 {len(pages)} 页" in pages[0]
    fields = _keywords(path)
    head_id, head_hash = led.chain_head()
    assert fields == {"id": "DEMO-AGENT/ACC", "sha256": sheet.meta.digest,
                      "revision": "1", "head": f"{head_id}:{head_hash}",
                      "printed": str(sheet.meta.printed_on), "lang": "zh"}


def test_the_acceptance_digest_is_the_signatures_and_verify_follows_the_ledger(
        tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="zhang.wei")
    path, sheet = _print(led, SheetRequest("acceptance"), tmp_path / "acc.pdf")
    first = verify_pdf(path, _opener(led), render_pdf)
    assert first.matches and "not signed" in first.signed
    # a new entry changes what the acceptance covers: the print no longer matches
    led.log("T4", "2", on="2026-11-20", note="one more review")
    second = verify_pdf(path, _opener(led), render_pdf)
    assert not second.matches and second.printed_digest == sheet.meta.digest

    path, sheet = _print(led, SheetRequest("acceptance"), tmp_path / "acc2.pdf")
    led.sign_acceptance(on="2026-11-21")
    acc = next(s for s in led.signoffs() if s.kind == "acceptance")
    assert acc.signatures[0].digest == sheet.meta.digest == _keywords(path)["sha256"]
    report = verify_pdf(path, _opener(led), render_pdf)
    assert report.matches and "signed by one party: 张伟 (vendor) 2026-11-21" in report.signed
    # printed again, the vendor's signature is on record and the client's awaited
    text = _text(_print(led, SheetRequest("acceptance"), tmp_path / "acc3.pdf")[0])
    assert "一方已签字" in text and "系统已记录签字" in text and "李娜" in text
    assert "赵敏" not in text  # the vendor side prints who signed

    _as(led, "li.na").sign_acceptance(on="2026-11-23")
    report = verify_pdf(path, _opener(led), render_pdf)
    assert report.matches and "accepted on 2026-11-23" in report.signed
    accepted, sheet = _print(led, SheetRequest("acceptance"), tmp_path / "acc4.pdf")
    assert "已于 2026-11-23 验收通过" in _text(accepted)
    assert sheet.data.as_of == date(2026, 11, 23)  # blocked days up to the acceptance


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_acceptance_with_seven_and_a_half_hour_days(tmp_path: Path, language: str) -> None:
    led = _scenario(tmp_path, language)
    path, sheet = _print(led, SheetRequest("acceptance"), tmp_path / "acc.pdf")
    text = _text(path)
    budget, consumed, budget_cost, consumed_cost = _acceptance_totals(led)
    # 90 + 2.5 + 1.25 (CR-001; CR-002 is pending); 1 PD = 450 minutes
    assert budget == Fraction(375, 4)
    assert consumed.denominator != 1 and consumed == sheet.data.total("consumed_pd")
    for figure in (fmt_pd(budget), fmt_pd(consumed), fmt_pd(budget - consumed),
                   fmt_money(budget_cost), fmt_money(consumed_cost)):
        assert figure in text
    for cr in ("CR-001", "CR-002"):
        assert f"{CODE}/CR/{cr}" in text
    assert "2026-06-05" in text  # the current end after CR-001
    blocked = led.summary(sheet.data.as_of).blocked_days
    assert blocked["client"] == 4  # 03-03..03-06: raised 03-03, resolved 03-09 (Monday)
    if language == "zh":
        assert "1 人天 = 7.5 小时" in text and "项目验收报告" in text
        assert money_capitals(consumed_cost) in text and money_capitals(budget_cost) in text
        assert f"{blocked['client']} 个工作日" in text
        assert f"{blocked['vendor']} 个工作日" in text
    else:
        assert "1 PD = 7.5 hours" in text and "Acceptance Report" in text
        # in English, the capitals of the settlement amount only (SPEC §8)
        assert money_capitals(budget_cost) not in text
        assert "Amount in Chinese capitals" in text and money_capitals(consumed_cost) in text
        assert f"{blocked['client']} working days" in text
        assert f"{blocked['vendor']} working days" in text
    assert "+2.5" in text and "+1.25" in text
    assert verify_pdf(path, _opener(led), render_pdf).matches
    led.log("T4", "0.5", on="2026-03-20")
    assert not verify_pdf(path, _opener(led), render_pdf).matches


def test_long_tables_break_across_pages_with_their_header(tmp_path: Path) -> None:
    led = _scenario(tmp_path, "en")
    for n in range(45):
        led.add_blocker(f"Waiting for item {n} <of the list>", "client" if n % 2 else "vendor",
                        on=date(2026, 3, 2 + n % 20))
    path, _ = _print(led, SheetRequest("acceptance"), tmp_path / "acc.pdf")
    pages = _pages(path)
    with_rows = [p for p in pages if "Waiting for item" in p]
    assert len(with_rows) >= 2
    assert all("Resolved" in p for p in with_rows)  # the header row repeats
    assert "Waiting for item 44 <of the list>" in _text(path)


# ---------------------------------------------------------------- the status report


def test_the_status_report_prints_the_figures_as_of_its_date(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    request = SheetRequest("status", as_of=TODAY)
    path, sheet = _print(led, request, tmp_path / "status.pdf")
    text = _text(path)
    s = led.summary(TODAY)
    assert "项目状态报告（截至 2026-11-21）" in text
    for figure in (fmt_pd(s.budget_pd), fmt_pd(s.consumed_pd), fmt_pd(s.remaining_pd),
                   fmt_money(s.budget_cost), fmt_money(s.consumed_cost)):
        assert figure in text
    # (rounded so that the grades add up to the total: tests/test_sheets_foot.py)
    consumed_shown = rules.round_to_total([g.consumed_pd for g in s.by_grade], 3)
    for g, shown in zip(s.by_grade, consumed_shown, strict=True):
        assert abs(shown - rules.round_pd(g.consumed_pd)) <= Decimal("0.001")
        assert fmt_pd(g.budget_pd) in text and fmt_pd(g.budget_pd - Fraction(shown)) in text
    assert f"{s.working_days_elapsed} / {s.working_days_total}" in text
    assert s.forecast_end is not None and str(s.forecast_end) in text
    assert str(s.end) in text
    assert f"甲方 {s.blocked_days['client']} 天 · 乙方 {s.blocked_days['vendor']} 天" in text
    # open blockers only (the demo's environment access, a late client obligation, was
    # done in August); pending CRs with who signed and who is awaited
    assert "B-002" in text and "B-001" not in text
    assert "DEMO-AGENT/CR/CR-002" in text and "DEMO-AGENT/CR/CR-001" not in text
    assert "乙方 赵敏 2026-11-05" in text and "甲方（李娜）" in text
    # the alerts, in the sheet's language
    assert "周杰在 2026-11-20 没有登记工时" in text  # by name, not by id
    assert "额度“场景调研会”已用尽" in text  # by title, not by key
    # the chart: its legend and dated axis
    assert "理想燃尽线" in text and "2026-10-01" in text and "CR-001 +15" in text
    assert "a status report is not signed" == verify_pdf(path, _opener(led), render_pdf).signed
    fields = _keywords(path)
    assert fields["id"] == "DEMO-AGENT/STATUS/2026-11-21"
    assert fields["sha256"] == sheet.meta.digest
    # the content: the figures as of that date, the same however often it is built
    assert sheet.content["summary"] == s.to_json()
    assert sheet.content["burndown"] == [r.to_json() for r in led.burndown(TODAY)]
    assert sheet.content["pending_crs"] == [["CR-002", [["赵敏", "vendor", "2026-11-05"]]]]
    assert [b[0] for b in sheet.content["open_blockers"]] == ["B-002"]
    assert build_sheet(led, request).meta.digest == sheet.meta.digest


def test_the_status_report_verifies_until_the_figures_as_of_its_date_change(
        tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="zhang.wei")
    path, _ = _print(led, SheetRequest("status", as_of=date(2026, 11, 18)),
                     tmp_path / "status.pdf")
    assert verify_pdf(path, _opener(led), render_pdf).matches
    led.log("T4", "1", on="2026-11-20")  # after the as-of date: not in the report
    assert verify_pdf(path, _opener(led), render_pdf).matches
    led.log("T4", "1", on="2026-11-18")  # on the as-of date: the figures moved
    assert not verify_pdf(path, _opener(led), render_pdf).matches


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_status_report_with_seven_and_a_half_hour_days(tmp_path: Path,
                                                           language: str) -> None:
    led = _scenario(tmp_path, language)
    as_of = date(2026, 3, 18)
    path, sheet = _print(led, SheetRequest("status", as_of=as_of), tmp_path / "status.pdf")
    text = _text(path)
    s = led.summary(as_of)
    assert s.consumed_pd.denominator != 1
    for figure in (fmt_pd(s.budget_pd), fmt_pd(s.consumed_pd), fmt_pd(s.remaining_pd),
                   fmt_money(s.consumed_cost), fmt_pd(s.overtime_pd)):
        assert figure in text
    assert f"{CODE}/CR/CR-002" in text  # pending: the vendor signed, the client is awaited
    assert "B-002" in text and "B-001" not in text
    assert str(s.forecast_end) in text
    if language == "en":
        assert "Status Report as of 2026-03-18" in text
        assert (f"client {s.blocked_days['client']} · vendor {s.blocked_days['vendor']}"
                in text)
        assert "client (李娜)" in text
    else:
        assert "待签字" in text and "甲方（李娜）" in text
    assert verify_pdf(path, _opener(led), render_pdf).matches
    led.log("T3", "2", on="2026-03-18", person="wang.fang")
    assert not verify_pdf(path, _opener(led), render_pdf).matches
    assert sheet.data.steps[0].number == "CR-001" and sheet.data.steps[0].on == date(2026, 3, 11)


def test_a_status_report_before_the_start_and_after_the_end(tmp_path: Path) -> None:
    led = _scenario(tmp_path, "en")
    for as_of in (date(2026, 2, 20), date(2026, 7, 1)):
        path, sheet = _print(led, SheetRequest("status", as_of=as_of), tmp_path / "s.pdf")
        assert verify_pdf(path, _opener(led), render_pdf).matches
        s = led.summary(as_of)
        assert fmt_pd(s.remaining_pd) in _text(path)
        assert sheet.data.working_days_elapsed == s.working_days_elapsed


# ---------------------------------------------------------------- fonts


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler) not installed")
def test_both_sheets_embed_their_font(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    for request in (SheetRequest("acceptance"), SheetRequest("status", as_of=TODAY)):
        path, _ = _print(led, request, tmp_path / f"{request.kind}.pdf")
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        # name, type..., emb sub uni object ID: "emb" is the fifth field from the end.
        embedded = [line.split()[0] for line in listing if line.split()[-5] == "yes"]
        others = [line.split()[0] for line in listing if line.split()[-5] != "yes"]
        assert any("WenQuanYi" in name or "+" in name for name in embedded), listing
        # ReportLab's canvas declares Helvetica (a base-14 font: readers always have it)
        assert set(others) <= BASE14, listing


def test_acceptance_figures_equal_the_rules(tmp_path: Path) -> None:
    """The sheet's per-grade figures are the rules' budget and consumption."""
    led = _scenario(tmp_path)
    sheet = build_sheet(led, SheetRequest("acceptance"))
    facts = led.facts()
    budget = rules.budget_at(facts.baseline, facts.changes, date.max)
    for g in sheet.data.grades:
        assert g.budget_pd == budget.get(g.grade, 0)
    assert sheet.data.effective == ("CR-001",)
    assert sheet.data.overtime_pd == Fraction(30 * 15 + 180, 450)


def test_a_forecast_years_away_is_cut_at_the_edge_of_the_chart(tmp_path: Path) -> None:
    led = _scenario(tmp_path, "en")
    _as(led, "chen.jing").log("T2", "1", on="2026-04-08")  # the only work of 10 days
    as_of = date(2026, 4, 10)
    path, sheet = _print(led, SheetRequest("status", as_of=as_of), tmp_path / "slow.pdf")
    s = led.summary(as_of)
    assert s.forecast_end is not None and s.forecast_end.year > 2030
    text = _text(path)
    assert f"Forecast {s.forecast_end}" in text  # in the legend
    assert f"{sheet.data.forecast_shift} working days after the end" in text
    assert "forecast end" in text  # the alert


def test_both_sheets_are_reproducible_byte_for_byte(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    for request in (SheetRequest("acceptance"), SheetRequest("status", as_of=TODAY)):
        sheet = build_sheet(led, request, printed_on=TODAY)
        a = render_sheet(sheet, request.kind, tmp_path / "a.pdf").read_bytes()
        b = render_sheet(sheet, request.kind, tmp_path / "b.pdf").read_bytes()
        assert a == b


@pytest.mark.parametrize("language", ["zh", "en"])
def test_rewording_an_alert_changes_no_status_digest(tmp_path: Path, language: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The status sheet holds its alerts as kind and arguments: the sentence is worded
    when drawn, so a printed sheet's digest survives a reworded message."""
    led = demo_ledger(tmp_path)
    request = SheetRequest("status", as_of=TODAY, language=language)
    before = build_sheet(led, request, printed_on=TODAY)
    assert ["missing", ["zhou.jie", "2026-11-20"]] in before.content["alerts"]
    table = "ALERT_TEXT_ZH" if language == "zh" else "ALERT_TEXT"
    wording = sys.modules[rules.alert_text.__module__]  # where the templates are read
    reworded = {**getattr(wording, table), "missing": "REWORDED: {0} logged nothing on {1}"}
    monkeypatch.setattr(wording, table, reworded)
    after = build_sheet(led, request, printed_on=TODAY)
    assert after.meta.digest == before.meta.digest and after.content == before.content
    path = render_sheet(after, "status", tmp_path / "status.pdf")
    assert "REWORDED: 周杰 logged nothing on 2026-11-20" in _text(path).replace("\n", " ")
