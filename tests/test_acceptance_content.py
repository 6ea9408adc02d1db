"""SPEC §8, the acceptance report's content: deliverables with their criteria and a result,
the knowledge transfer, the person-days no signed period confirms, the blocked days per
party, the settlement amount with tax and in 大写. Pure rules first, then the ledger on
SQLite and PostgreSQL, then the printed sheet read back."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from exports.acceptance import money_costs, percent, section_title
from exports.base import money_capitals
from exports.render import render_sheet
from model import rules
from model.errors import LedgerError
from model.sheet_acceptance import (
    DELIVERED,
    IN_PROGRESS,
    NO_TASKS,
    NOT_STARTED,
    GradeLine,
    deliverable_lines,
    deliverable_state,
    round_half_up,
    settlement,
)
from model.sheets import Sheet, SheetRequest
from model.views import ContractTerms, DeliverableView
from storage.services import Ledger
from storage.sheets import build_sheet
from tests.conftest import as_

D = Decimal
PRINTED = date(2026, 11, 21)


# ---------------------------------------------------------------- settlement


def test_time_and_materials_without_tax_is_consumed_times_rates() -> None:
    s = settlement(ContractTerms(), Fraction(169001, 10))
    assert (s.billing, s.amount, s.excl_tax, s.tax, s.incl_tax) == (
        "actual", D("16900.10"), D("16900.10"), D("0.00"), D("16900.10"))
    assert s.total == D("16900.10")


def test_a_fixed_price_ignores_the_consumption() -> None:
    terms = ContractTerms(billing="fixed", price_minor=50_000_000)
    s = settlement(terms, Fraction(123456789, 100))
    assert s.amount == s.total == D("500000.00")


def test_prices_including_tax_give_the_tax_inside_the_amount() -> None:
    terms = ContractTerms(tax_rate=Fraction(6, 100), prices_include_tax=True)
    s = settlement(terms, Fraction(1060))  # 1,060.00 incl. 6 %: 1,000.00 + 60.00
    assert (s.excl_tax, s.tax, s.incl_tax) == (D("1000.00"), D("60.00"), D("1060.00"))
    # the demo's consumption: tax = 1,149,412.50 x 0.06 / 1.06 = 65,061.0849... -> 65,061.08
    s = settlement(terms, Fraction(114941250, 100))
    assert (s.excl_tax, s.tax, s.incl_tax) == (D("1084351.42"), D("65061.08"),
                                               D("1149412.50"))


def test_prices_excluding_tax_add_the_tax_on_top() -> None:
    terms = ContractTerms(tax_rate=Fraction(13, 100), prices_include_tax=False)
    s = settlement(terms, Fraction(1000))
    assert (s.amount, s.excl_tax, s.tax, s.incl_tax) == (
        D("1000.00"), D("1000.00"), D("130.00"), D("1130.00"))
    assert s.total == D("1130.00")


def test_halves_go_up_once_at_the_end() -> None:
    """0.125 is 0.13 (half up), not 0.12 (half to even); a tax of exactly half a cent is
    one cent; the consumption is rounded once, not grade by grade."""
    assert settlement(ContractTerms(), Fraction(1, 8)).amount == D("0.13")
    assert round_half_up(Fraction(-1, 8)) == D("-0.13")
    excl = ContractTerms(tax_rate=Fraction(1, 100), prices_include_tax=False)
    assert settlement(excl, Fraction(1, 2)).tax == D("0.01")  # 0.005 -> 0.01
    # two grades of 0.004 each: 0.008 -> 0.01 (rounding each grade first would give 0.00)
    assert settlement(ContractTerms(), Fraction(4, 1000) + Fraction(4, 1000)).amount == \
        D("0.01")


def test_a_fixed_price_needs_a_price_and_billing_is_actual_or_fixed() -> None:
    with pytest.raises(LedgerError, match=r'^price: billing = "fixed" needs the price$'):
        settlement(ContractTerms(billing="fixed"), Fraction(0))
    with pytest.raises(LedgerError, match=r"^billing: 'monthly' is not one of actual, fixed$"):
        settlement(ContractTerms(billing="monthly"), Fraction(0))


amounts = st.fractions(min_value=0, max_value=10**9, max_denominator=10**6)
rates = st.integers(min_value=0, max_value=3000).map(lambda n: Fraction(n, 10_000))


@given(amounts, rates, st.booleans(), st.sampled_from(["actual", "fixed"]),
       st.integers(min_value=0, max_value=10**11))
def test_the_parts_add_up_to_the_total_exactly(amount: Fraction, rate: Fraction,
                                               inclusive: bool, billing: str,
                                               price: int) -> None:
    terms = ContractTerms(billing=billing, price_minor=price if billing == "fixed" else None,
                          tax_rate=rate, prices_include_tax=inclusive)
    s = settlement(terms, amount)
    exact = amount if billing == "actual" else Fraction(price, 100)
    cent = Fraction(1, 100)
    for part in (s.amount, s.excl_tax, s.tax, s.incl_tax):
        assert part == part.quantize(D("0.01"))  # cents, as printed
    assert s.excl_tax + s.tax == s.incl_tax == s.total  # exactly, as printed
    assert s.amount == round_half_up(exact)
    if inclusive:
        exact_tax = exact * rate / (1 + rate)
        assert s.incl_tax == s.amount
        assert abs(Fraction(s.excl_tax) - (exact - exact_tax)) <= cent
    else:
        exact_tax = exact * rate
        assert s.excl_tax == s.amount
        assert abs(Fraction(s.incl_tax) - (exact + exact_tax)) <= cent
    assert abs(Fraction(s.tax) - exact_tax) <= cent / 2


@given(amounts)
def test_without_a_tax_rate_the_amount_is_the_total(amount: Fraction) -> None:
    s = settlement(ContractTerms(), amount)
    assert s.tax == 0 and s.amount == s.excl_tax == s.incl_tax == round_half_up(amount)


def test_tax_rates_print_as_percentages_and_sections_are_numbered() -> None:
    assert (percent(Fraction(6, 100)), percent(Fraction(13, 200)), percent(Fraction(0))) == (
        "6%", "6.5%", "0%")
    assert [section_title(n, "x", "zh") for n in (1, 10, 11, 20)] == [
        "一、x", "十、x", "十一、x", "二十、x"]
    assert section_title(11, "Acceptance", "en") == "11. Acceptance"


# ---------------------------------------------------------------- deliverables


def test_a_deliverable_is_delivered_when_all_its_tasks_are_done() -> None:
    assert deliverable_state(["done", "done"]) == DELIVERED
    assert deliverable_state(["done", "in_progress"]) == IN_PROGRESS
    assert deliverable_state(["done", "open"]) == IN_PROGRESS
    assert deliverable_state(["open", None]) == NOT_STARTED
    assert deliverable_state(["done", None]) == IN_PROGRESS  # a task the ledger lacks
    assert deliverable_state([]) == NO_TASKS
    lines = deliverable_lines(
        [DeliverableView("D1", "Parser", ("T1", "T2"), "95 %", date(2026, 5, 29)),
         DeliverableView("KT", "Training", ("T3",), "2 sessions", None, "training")],
        {"T1": "done", "T2": "done", "T3": "open"})
    assert [(d.key, d.state, d.training) for d in lines] == [
        ("D1", DELIVERED, False), ("KT", NOT_STARTED, True)]


# ---------------------------------------------------------------- confirmed hours


def test_only_a_period_signed_by_both_parties_confirms_its_days() -> None:
    periods = [(date(2026, 3, 2), date(2026, 3, 6), rules.DOC_EFFECTIVE),
               (date(2026, 3, 9), date(2026, 3, 13), rules.DOC_SIGNING),
               (date(2026, 3, 16), date(2026, 3, 20), rules.DOC_WITHDRAWN),
               (date(2026, 3, 23), date(2026, 3, 27), rules.DOC_OPEN)]
    spans = rules.confirmed_spans(periods)
    assert spans == ((date(2026, 3, 2), date(2026, 3, 6)),)
    assert rules.is_confirmed(date(2026, 3, 2), spans)  # both ends included
    assert rules.is_confirmed(date(2026, 3, 6), spans)
    assert not rules.is_confirmed(date(2026, 3, 1), spans)
    assert not rules.is_confirmed(date(2026, 3, 9), spans)  # one party's signature only
    days = [rules.DaySums(date(2026, 3, 3), {"senior": 480, "expert": 15}),
            rules.DaySums(date(2026, 3, 10), {"senior": 240}),
            rules.DaySums(date(2026, 3, 18), {"expert": 60}),
            rules.DaySums(date(2026, 3, 4), {"senior_expert": 30})]
    assert rules.unconfirmed_minutes(days, spans) == {
        "senior": 240, "expert": 60, "senior_expert": 0}


# ---------------------------------------------------------------- the ledger


def _scenario(led: Ledger) -> Ledger:
    """Entries in three weeks; the first week signed by both parties, the second by the
    vendor only, the third by nobody; a client blocker over both ends of a weekend and an
    overlapping one, and a vendor blocker."""
    for on in ("2026-03-02", "2026-03-03", "2026-03-09", "2026-03-16"):
        as_(led, "liu.yang").log("T2", "8", on=on)  # senior, 2,800.00
    for on in ("2026-03-04", "2026-03-17"):
        as_(led, "chen.jing").log("T2", "4", on=on)  # expert, 4,200.00
    as_(led, "zhang.wei").log("T1", "2", on="2026-03-06")  # senior expert, 6,000.00
    as_(led, "zhang.wei").sign_period("2026-03-02", "2026-03-06", on="2026-03-09")
    as_(led, "li.na").sign_period("2026-03-02", "2026-03-06", on="2026-03-10")
    as_(led, "zhang.wei").sign_period("2026-03-09", "2026-03-13", on="2026-03-16")
    b1 = led.add_blocker("Test accounts", "client", on="2026-03-05")
    led.resolve_blocker(b1.number, on="2026-03-10")  # 03-05, 03-06, 03-09: 3 days
    b2 = led.add_blocker("VPN", "client", on="2026-03-09")
    led.resolve_blocker(b2.number, on="2026-03-11")  # 03-09, 03-10: 2 (03-09 overlaps)
    b3 = led.add_blocker("Sample data", "vendor", on="2026-03-16")
    led.resolve_blocker(b3.number, on="2026-03-17")  # 1
    return led


def test_the_signed_content_holds_the_unconfirmed_pd_and_the_settlement(
        example: Ledger) -> None:
    """Both backends: the acceptance's content (its signatures' digest) counts the minutes
    no period signed by both parties covers, and the settlement of time and materials;
    the second party's signature on a period moves its minutes out and changes the digest."""
    led = _scenario(example)
    content = led.acceptance_content()
    # senior: 03-09 (signed by the vendor only) and 03-16; expert: 03-17; 03-02..06 signed
    assert content["unconfirmed_minutes"] == {"senior": 960, "expert": 240,
                                              "senior_expert": 0}
    # 4 PD x 2,800 + 1 PD x 4,200 + 0.25 PD x 6,000
    assert content["settlement"] == {
        "billing": "actual", "tax_rate": None, "prices_include_tax": True,
        "amount": "16900.00", "excl_tax": "16900.00", "tax": "0.00", "incl_tax": "16900.00"}
    assert content["terms"] == {"contract": None, "signed_on": None, "billing": "actual",
                                "price_minor": None, "tax_rate": None,
                                "prices_include_tax": True}
    assert content["deliverables"] == []  # none in the example SOW
    before = rules.digest(content)
    as_(led, "li.na").sign_period("2026-03-09", "2026-03-13", on="2026-03-17")
    after = led.acceptance_content()
    assert after["unconfirmed_minutes"] == {"senior": 480, "expert": 240, "senior_expert": 0}
    assert rules.digest(after) != before
    # the sheet's figures are the content's
    sheet = build_sheet(Ledger(led.engine, led.project_code), SheetRequest("acceptance"),
                        printed_on=PRINTED)
    assert sheet.content == after
    mpd = led.project().minutes_per_day
    assert dict(sheet.data.unconfirmed) == {
        g: Fraction(m, mpd) for g, m in after["unconfirmed_minutes"].items()}
    assert sheet.data.settlement.content() == after["settlement"]


def test_no_period_is_confirmed_under_a_signed_acceptance(example: Ledger) -> None:
    """The vendor signs the acceptance while a week is unconfirmed: the client cannot then
    confirm that week (the unconfirmed PD the signature covers would change), and hours
    moved into a confirmed week behind the program's back are named by verify."""
    led = _scenario(example)
    as_(led, "zhang.wei").sign_acceptance("2026-03-18")
    with pytest.raises(LedgerError, match=r"^acceptance ACC-001 carries a signature; the "
                                          r"ledger is frozen"):
        as_(led, "li.na").sign_period("2026-03-09", "2026-03-13", on="2026-03-19")
    assert led.acceptance_content()["unconfirmed_minutes"]["senior"] == 960
    assert led.verify()[1] == []
    # an unconfirmed day's hours moved into the confirmed week behind the program's back:
    # the PD, the money and the signed periods are unchanged, the unconfirmed PD is not
    with led.engine.begin() as c:
        c.execute(text("UPDATE time_entry SET \"on\" = '2026-03-03' "
                       "WHERE \"on\" = '2026-03-16'"))
    assert led.acceptance_content()["unconfirmed_minutes"]["senior"] == 480
    problems = led.verify()[1]
    assert any("ACC-001" in p for p in problems), problems


# ---------------------------------------------------------------- the printed sheet


def _layout(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _section(text: str, start: str, end: str) -> list[str]:
    """The lines from the heading containing ``start`` up to the one containing ``end``."""
    lines = text.splitlines()
    first = next(i for i, x in enumerate(lines) if start in x)
    last = next(i for i in range(first + 1, len(lines)) if end in lines[i])
    return [x.strip() for x in lines[first + 1:last] if x.strip()]


def _figures(line: str) -> list[Decimal]:
    return [D(x.replace(",", "")) for x in re.findall(r"-?\d[\d,]*(?:\.\d+)?", line)]


def _print(led: Ledger, tmp_path: Path, lang: str, **data: object) -> str:
    sheet = build_sheet(Ledger(led.engine, led.project_code),
                        SheetRequest("acceptance", language=lang), printed_on=PRINTED)
    if data:
        sheet = Sheet(sheet.meta, sheet.content, replace(sheet.data, **data))
    return _layout(render_sheet(sheet, "acceptance", tmp_path / f"acc-{lang}.pdf"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_prints_the_unconfirmed_pd_by_grade_footing(example: Ledger,
                                                               tmp_path: Path,
                                                               lang: str) -> None:
    text = _print(_scenario(example), tmp_path, lang)
    heading, nxt = ("五、未经确认人天", "六、额度使用") if lang == "zh" else (
        "5. Unconfirmed person-days", "6. Quotas")
    rows = _section(text, heading, nxt)
    labels = rules.GRADE_LABELS_ZH if lang == "zh" else rules.GRADE_LABELS_EN
    # by title (English sheets print the key until grade titles reach them)
    grades = {labels[g]: g for g in ("senior", "expert", "senior_expert")} | (
        {} if lang == "zh" else {g: g for g in ("senior", "expert", "senior_expert")})
    body = {grades[r.split("  ")[0].strip()]: _figures(r) for r in rows
            if r.split("  ")[0].strip() in grades}
    # PD, rate, amount: 03-09 and 03-16 of the senior, 03-17 of the expert
    assert body == {"senior": [D(2), D(2800), D(5600)], "expert": [D("0.5"), D(4200), D(2100)],
                    "senior_expert": [D(0), D(6000), D(0)]}
    total = next(_figures(r) for r in rows if r.startswith(("合计", "Total")))
    assert total == [D("2.5"), D(7700)]
    assert total[0] == sum(v[0] for v in body.values())  # foots as printed
    assert total[1] == sum(v[2] for v in body.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_prints_blocked_days_per_party_with_the_blockers(example: Ledger,
                                                                    tmp_path: Path,
                                                                    lang: str) -> None:
    text = _print(_scenario(example), tmp_path, lang)
    heading, nxt = ("七、阻塞问题与损失工作日", "八、已签字确认的工时期间") if lang == "zh" else (
        "7. Blockers and working days lost", "8. Signed periods")
    rows = _section(text, heading, nxt)
    client, vendor = ("甲方", "乙方") if lang == "zh" else ("client", "vendor")
    unit = "个工作日" if lang == "zh" else "working days"
    # per party: blockers, the sum of their working days, the distinct days lost
    assert any(re.fullmatch(rf"{client}\s+2\s+5\s+4 {unit}", r) for r in rows), rows
    assert any(re.fullmatch(rf"{vendor}\s+1\s+1\s+1 {unit}", r) for r in rows), rows
    sub_client = "甲方小计" if lang == "zh" else "Subtotal, client"
    sub_vendor = "乙方小计" if lang == "zh" else "Subtotal, vendor"
    b1 = next(r for r in rows if r.startswith("B-001"))
    b2 = next(r for r in rows if r.startswith("B-002"))
    subtotal = next(r for r in rows if r.startswith(sub_client))
    # the blockers' days add up to the party's subtotal as printed
    assert _figures(b1)[-1] + _figures(b2)[-1] == _figures(subtotal)[-1] == 5
    assert _figures(next(r for r in rows if r.startswith(sub_vendor)))[-1] == 1


DELIVERABLES = (
    DeliverableView("D1", "Claims parser", ("T1",), "95 % of 500 sample forms read right",
                    date(2026, 5, 29)),
    DeliverableView("D2", "Evaluation report", ("T2", "T3"), "Reviewed by the business",
                    date(2026, 5, 29)),
    DeliverableView("KT1", "Operations training and handbook", ("T4",),
                    "Two sessions of three hours; a handbook", date(2026, 5, 29), "training"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deliverables_with_criteria_and_a_result_and_the_knowledge_transfer(
        example: Ledger, tmp_path: Path, lang: str) -> None:
    led = _scenario(example)
    led.edit_task("T1", status="done")
    led.edit_task("T2", status="in_progress")
    status = {t.code: t.status for t in led.tasks()}
    data = {"sow_deliverables": deliverable_lines(DELIVERABLES, status)}
    text = _print(led, tmp_path, lang, **data)
    zh = lang == "zh"
    deliver = _section(text, "二、交付成果" if zh else "2. Deliverables",
                       "三、知识转移（培训及手册）" if zh else
                       "3. Knowledge transfer (training and handbooks)")
    kt = _section(text, "三、知识转移（培训及手册）" if zh else "3. Knowledge transfer",
                  "四、人天与金额" if zh else "4. Person-days and money")
    joined, kt_joined = "\n".join(deliver), "\n".join(kt)
    assert "95 % of 500 sample forms read right" in joined and "D2" in joined
    assert ("已交付" if zh else "delivered") in joined  # D1: its one task is done
    assert ("进行中" if zh else "in progress") in joined  # D2: T2 in progress
    assert "KT1" not in joined and "KT1" in kt_joined  # training in its own section
    assert "Two sessions of three hours; a handbook" in kt_joined
    boxes = ("□ 通过", "□ 不通过") if zh else ("□ Accepted", "□ Rejected")
    for box in boxes:  # unsigned: a box for each deliverable
        assert joined.count(box) == 2 and kt_joined.count(box) == 1
    assert "CR-001" not in joined  # the task list is replaced by the deliverables
    # once a party has signed the acceptance, no box is offered any more
    as_(led, "zhang.wei").sign_acceptance("2026-03-18")
    signed = _print(led, tmp_path, lang, **data)
    deliver = "\n".join(_section(signed, "二、交付成果" if zh else "2. Deliverables",
                                 "四、人天与金额" if zh else "4. Person-days and money"))
    assert boxes[1] not in deliver and ("已交付" if zh else "delivered") in deliver


def test_without_deliverables_the_tasks_are_listed(example: Ledger, tmp_path: Path) -> None:
    text = _print(_scenario(example), tmp_path, "zh")
    deliver = "\n".join(_section(text, "二、交付成果", "三、知识转移"))
    assert all(t.code in deliver for t in example.tasks())
    assert "工作说明书未约定培训或手册类交付物" in text


@pytest.mark.parametrize(("lang", "inclusive"), [("zh", True), ("en", True), ("zh", False),
                                                 ("en", False)])
def test_the_settlement_with_tax_foots_and_is_in_capitals(example: Ledger, tmp_path: Path,
                                                          lang: str, inclusive: bool) -> None:
    led = _scenario(example)
    terms = ContractTerms(tax_rate=Fraction(6, 100), prices_include_tax=inclusive)
    data = led.summary(PRINTED)
    s = settlement(terms, data.consumed_cost)
    text = _print(led, tmp_path, lang, terms=terms, settlement=s)
    zh = lang == "zh"
    rows = _section(text, "十、结算金额" if zh else "10. Settlement",
                    "十一、验收结论" if zh else "11. Acceptance")
    joined = "\n".join(rows)
    excl = next(_figures(r) for r in rows if r.startswith("不含税金额" if zh else
                                                         "Amount excluding tax"))
    tax = next(_figures(r)[-1:] for r in rows if r.startswith("税额" if zh else "Tax at"))
    incl = next(_figures(r) for r in rows if r.startswith("价税合计" if zh else
                                                         "Total including tax"))
    assert excl[-1] + tax[-1] == incl[-1]  # foots as printed
    if inclusive:  # 16,900.00 includes tax: 16,900 x 0.06 / 1.06 = 956.60
        assert (excl[-1], tax[-1], incl[-1]) == (D("15943.40"), D("956.60"), D("16900.00"))
    else:
        assert (excl[-1], tax[-1], incl[-1]) == (D("16900.00"), D("1014.00"), D("17914.00"))
    assert ("税率 6%" if zh else "Tax at 6%") in joined
    assert money_capitals(incl[-1]) in joined  # 大写, in both languages
    assert ("按实结算" if zh else "Time and materials") in joined


def test_a_fixed_price_is_the_settlement(example: Ledger, tmp_path: Path) -> None:
    led = _scenario(example)
    terms = ContractTerms(billing="fixed", price_minor=30_000_000)
    text = _print(led, tmp_path, "zh", terms=terms, settlement=settlement(terms, Fraction(0)))
    rows = "\n".join(_section(text, "十、结算金额", "十一、验收结论"))
    assert "固定总价" in rows and "300,000.00" in rows and "叁拾万元整" in rows


def test_the_consumed_money_is_the_settlement_amount_to_the_cent(example: Ledger) -> None:
    """Billed on time and materials, the money table's consumed total is the settlement
    amount (half up), not a second figure rounded half to even: 0.125 is 0.13 in both."""
    sheet = build_sheet(Ledger(example.engine, example.project_code),
                        SheetRequest("acceptance"), printed_on=PRINTED)
    lines = (GradeLine("senior", 100, Fraction(1), (), Fraction(1, 16)),
             GradeLine("expert", 100, Fraction(1), (), Fraction(1, 16)))
    data = replace(sheet.data, grades=lines, effective=(),
                   settlement=settlement(ContractTerms(), Fraction(1, 8)))
    budget, consumed, remaining = money_costs(data)
    assert sum(consumed, D(0)) == data.settlement.amount == D("0.13")
    assert all(b - c == r for b, c, r in zip(budget, consumed, remaining, strict=True))
    assert rules.round_money(Fraction(1, 8)) == D("0.12")  # what half to even would print
