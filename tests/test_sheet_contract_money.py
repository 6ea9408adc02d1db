"""Sheets and the SOW's contract terms (SPEC §8), read back from the PDF.

Every sheet names the contract number and its date when the SOW has them, and its
digest covers them (so do the signatures of a period, a CR and the acceptance); a
timesheet confirmation carries each person's PD, day rate and amount with
``billing = "actual"``, the amounts footing as printed, and no money with ``fixed``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import text

from exports.render import render_sheet
from model.rules import digest, round_money
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW, SHARED, as_
from .tui_support import demo_ledger

EVERY_KEY = SHARED / "sow-every-key.toml"
CODE = "CLAIMS-AGENT-2026"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
PRINTED = date(2026, 3, 20)

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def load(led: Ledger, sow_text: str) -> Ledger:
    return led.for_project(led.init_project(parse_sow(sow_text)).code).acting_as("zhang.wei")


def some_work(led: Ledger) -> Ledger:
    """Entries of every vendor grade in March, hours that are no round fraction of a PD
    (7.5 h, 2.25 h, 1.25 h), and a CR raised."""
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        led.log("T2", "8", on=day, person="liu.yang")
        led.log("T3", "7.5", on=day, person="chen.jing")
        led.log("T1", "2.25", on=day, person="wang.fang")
    led.log("T1", "1", on="2026-03-05", person="zhang.wei")
    led.log("T4", "0.5", on="2026-03-06", person="zhang.wei")
    led.log("T2", "1.25", on="2026-03-06", person="chen.jing")
    led.new_cr("Second OCR engine", deltas={"expert": 3}, on="2026-03-09")
    return led


@pytest.fixture
def terms(ledger: Ledger) -> Ledger:
    return some_work(load(ledger, EVERY_KEY.read_text(encoding="utf-8")))


REQUESTS = {
    "timesheet": SheetRequest("timesheet", *MARCH),
    "acceptance": SheetRequest("acceptance"),
    "cr": SheetRequest("cr", cr="CR-001"),
    "plan": SheetRequest("plan"),
    "status": SheetRequest("status", as_of=date(2026, 3, 13)),
}


@needs_pdftotext
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_names_the_contract_and_its_date(terms: Ledger, tmp_path: Path,
                                                     lang: str) -> None:
    line = ("合同编号：HT-2026-0117　签订日期：2026-02-20" if lang == "zh"
            else "Contract no. HT-2026-0117, signed 2026-02-20")
    for kind, request in REQUESTS.items():
        sheet = build_sheet(terms, SheetRequest(**{**request.__dict__, "language": lang}),
                            PRINTED)
        assert sheet.content["contract"] == "HT-2026-0117", kind
        assert sheet.content["contract_signed_on"] == "2026-02-20", kind
        assert sheet.meta.digest == digest(sheet.content), kind
        shown = pdf_text(render_sheet(sheet, kind, tmp_path / f"{kind}-{lang}.pdf"))
        first_page = shown.split("\f")[0]
        # pdftotext shows the ideographic space as a space
        assert line.replace("\u3000", " ") in re.sub(r"[ \t]+", " ", first_page), (kind, lang)


@needs_pdftotext
def test_a_sow_without_a_contract_prints_no_contract_line(example: Ledger,
                                                         tmp_path: Path) -> None:
    sheet = build_sheet(example, SheetRequest("plan"), PRINTED)
    assert "contract" not in sheet.content and "contract_signed_on" not in sheet.content
    shown = pdf_text(render_sheet(sheet, "plan", tmp_path / "plan.pdf"))
    assert "合同编号" not in shown and "签订日期" not in shown


def test_only_a_contract_number_or_only_a_date(ledger: Ledger) -> None:
    from exports.base import contract_line

    base = EXAMPLE_SOW.read_text(encoding="utf-8")
    anchor = 'language = "zh"            # zh or en: the language of printed sheets\n'
    ledger = load(ledger, base.replace(anchor, anchor + 'contract = "SOW-42"\n', 1))
    sheet = build_sheet(ledger, SheetRequest("plan", language="en"), PRINTED)
    assert sheet.content["contract"] == "SOW-42" and "contract_signed_on" not in sheet.content
    assert contract_line(sheet.meta) == "Contract no. SOW-42"
    zh = build_sheet(ledger, SheetRequest("plan", language="zh"), PRINTED)
    assert contract_line(zh.meta) == "合同编号：SOW-42"


def sql(led: Ledger, statement: str) -> None:
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def test_the_signatures_cover_the_contract(terms: Ledger) -> None:
    """What a period's and a CR's signatures cover names the contract: the printed sheet's
    digest is the signature's, and a contract number changed with SQL afterwards is
    named by verify, with the signatures that no longer match."""
    lead, client = as_(terms, "zhang.wei"), as_(terms, "li.na")
    lead.sign_period("2026-03-02", "2026-03-08", on="2026-03-09")
    client.sign_period("2026-03-02", "2026-03-08", on="2026-03-10")
    lead.sign_cr("CR-001", on="2026-03-10")
    signed = {s.number: s for s in terms.signoffs()}["TS-001"]
    request = SheetRequest("timesheet", date(2026, 3, 2), date(2026, 3, 8))
    sheet = build_sheet(terms, request, PRINTED)
    assert {sig.digest for sig in signed.signatures} == {sheet.meta.digest}
    week = terms.period_content(date(2026, 3, 2), date(2026, 3, 8))
    assert week["contract"] == "HT-2026-0117"
    assert terms.change_content("CR-001")["contract_signed_on"] == "2026-02-20"
    assert terms.acceptance_content()["contract"] == "HT-2026-0117"
    assert terms.verify()[1] == []

    sql(terms, "UPDATE project SET contract = 'HT-2026-0999'")
    assert build_sheet(terms, request, PRINTED).meta.digest != sheet.meta.digest
    assert terms.verify()[1] == [
        f"{CODE}: differs from the SOW and its audit rows (edited behind the program's "
        f"back): contract was HT-2026-0117, is HT-2026-0999",
        f"{CODE} CR-001 signature of zhang.wei: the document no longer matches what was "
        f"signed on 2026-03-10",
        f"{CODE} TS-001 signature of zhang.wei: the document no longer matches what was "
        f"signed on 2026-03-09",
        f"{CODE} TS-001 signature of li.na: the document no longer matches what was "
        f"signed on 2026-03-10"]


# ---------------------------------------------------------------- money on the timesheet


ROW = re.compile(r"^\s*(\d+)\s+(.+?)\s+([\d.]+)\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)\s*$")
TOTAL = re.compile(r"^\s*(?:合计|Total)\s+([\d.]+)\s+([\d,]+\.\d\d)\s*$")


def amounts_table(shown: str, title: str) -> tuple[list[tuple[str, Decimal, Decimal, Decimal]],
                                                   tuple[Decimal, Decimal]]:
    """(rows: name and grade, PD, rate, amount; total: PD, amount) of the amounts table."""
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    rows = []
    for line in lines[start + 2:]:
        if (m := TOTAL.match(line)) is not None:
            return rows, (Decimal(m[1]), Decimal(m[2].replace(",", "")))
        m = ROW.match(line)
        assert m is not None, line
        rows.append((m[2], Decimal(m[3]), Decimal(m[4].replace(",", "")),
                     Decimal(m[5].replace(",", ""))))
    raise AssertionError("no total row")


def exact_charges(led: Ledger, first: date, last: date) -> dict[str, Fraction]:
    """Per person (name): the exact amount, from the ledger's entries and its rate card."""
    rates = led.rates()
    names = {p.key: p.name for p in led.people()}
    mpd = led.project().minutes_per_day
    out: dict[str, Fraction] = {}
    for e in led.entries(first, last):
        out[names[e.person]] = (out.get(names[e.person], Fraction(0))
                                + Fraction(e.minutes, mpd) * Fraction(rates[e.grade], 100))
    return out


@needs_pdftotext
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timesheet_carries_pd_rate_and_amount_that_foot(terms: Ledger, tmp_path: Path,
                                                            lang: str) -> None:
    sheet = build_sheet(terms, SheetRequest("timesheet", *MARCH, language=lang), PRINTED)
    shown = pdf_text(render_sheet(sheet, "timesheet", tmp_path / f"ts-{lang}.pdf"))
    title = "人天费用（按实结算）" if lang == "zh" else "Amounts (time and materials)"
    assert (("人天单价（CNY）" in shown and "金额（CNY）" in shown) if lang == "zh"
            else ("Day rate (CNY)" in shown and "Amount (CNY)" in shown))
    rows, (total_pd, total) = amounts_table(shown, title)
    exact = exact_charges(terms, *MARCH)
    assert len(rows) == len(exact) == 4
    # the columns foot exactly as printed
    assert sum(r[3] for r in rows) == total == round_money(sum(exact.values()))
    assert sum(r[1] for r in rows) == total_pd
    rates = {p.name: Decimal(p.day_rate_minor) / 100 for p in terms.people() if p.grade}
    for label, pd, rate, amount in rows:
        name = next(n for n in exact if label.startswith(n))
        assert rate == rates[name]
        # the amount is the exact PD × rate, within the cent the footing may move it
        assert abs(amount - Decimal(exact[name].numerator) / exact[name].denominator) <= Decimal(
            "0.01"), (name, amount)
        assert abs(pd * rate - amount) <= rate / 1000  # PD printed to 3 decimals
    # 0.1875 × 6000 + 2.96875 × 4200 + 3 × 2800 + 0.84375 × 1800
    assert total == Decimal("23512.50")
    note = ("金额 = 人天 × 人天单价" if lang == "zh" else "Amount = PD × day rate")
    assert note in re.sub(r"\s+", " ", shown)


@needs_pdftotext
def test_the_demo_timesheet_amounts_foot(tmp_path: Path) -> None:
    """The demo (no contract terms: billing is actual by default), September."""
    led = demo_ledger(tmp_path)
    first, last = date(2026, 9, 1), date(2026, 9, 30)
    sheet = build_sheet(led, SheetRequest("timesheet", first, last, language="en"))
    shown = pdf_text(render_sheet(sheet, "timesheet", tmp_path / "demo-ts.pdf"))
    rows, (total_pd, total) = amounts_table(shown, "Amounts (time and materials)")
    exact = exact_charges(led, first, last)
    assert rows and sum(r[3] for r in rows) == total == round_money(sum(exact.values()))
    assert sum(r[1] for r in rows) == total_pd
    for label, _pd, _rate, amount in rows:
        name = next(n for n in exact if label.startswith(n))
        assert abs(amount - round_money(exact[name])) <= Decimal("0.01")


@needs_pdftotext
def test_a_fixed_price_timesheet_carries_no_money(ledger: Ledger, tmp_path: Path) -> None:
    sow = EVERY_KEY.read_text(encoding="utf-8").replace(
        'billing = "actual"', 'billing = "fixed"\nprice = 480000', 1)
    led = some_work(load(ledger, sow))
    for lang, words in (("zh", ("人天费用", "人天单价", "金额")),
                        ("en", ("Amounts", "Day rate", "Amount"))):
        sheet = build_sheet(led, SheetRequest("timesheet", *MARCH, language=lang), PRINTED)
        assert all(not section.charges for section in sheet.data.sections)
        shown = pdf_text(render_sheet(sheet, "timesheet", tmp_path / f"fixed-{lang}.pdf"))
        assert not any(w in shown for w in words), lang
        assert "HT-2026-0117" in shown
