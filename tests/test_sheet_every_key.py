"""Every sheet kind rendered from a SOW with every key of SPEC §8 (the contract, billing
and tax, ``[[deliverable]]`` with a knowledge transfer), in Chinese and English, and read
back as a signatory reads it: the contract named, the deliverables with their criteria,
the knowledge transfer in its own section, the settlement adding up with its tax and in
大写, no word broken across lines, no id or key outside small print, full-width
punctuation in Chinese. (tests/test_sheet_readback.py does the same for the demo.)"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from exports.render import render_pdf
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, per_person_requests

from .conftest import as_
from .test_sheet_contract_money import EVERY_KEY, PRINTED, load, some_work
from .test_sheet_readback import ASCII_NEXT_TO_CJK, Line, _keys_in, broken_words, cells, read_lines

SHEETS = {
    "acceptance": SheetRequest("acceptance"),
    "timesheet": SheetRequest("timesheet", date(2026, 3, 2), date(2026, 3, 8)),
    "timesheet-per-person": SheetRequest("timesheet", date(2026, 3, 2), date(2026, 3, 8),
                                         per_person=True),
    "cr": SheetRequest("cr", cr="CR-001"),
    "plan": SheetRequest("plan"),
    "status": SheetRequest("status", as_of=date(2026, 3, 13)),
}
CASES = [(name, lang) for name in SHEETS for lang in ("zh", "en")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[
        list[Line], str]]:
    """Each sheet's lines (with their sizes) and its text as pdftotext lays it out."""
    folder = tmp_path_factory.mktemp("every-key")
    led = some_work(load(Ledger.open(f"sqlite:///{folder / 'ledger.db'}"),
                         EVERY_KEY.read_text(encoding="utf-8")))
    # the first week signed by both parties; the rest of March stays unconfirmed
    as_(led, "zhang.wei").sign_period("2026-03-02", "2026-03-08", on="2026-03-09")
    as_(led, "li.na").sign_period("2026-03-02", "2026-03-08", on="2026-03-10")
    led.log("T2", "6", on="2026-03-10", person="liu.yang")
    out = {}
    for name, request in SHEETS.items():
        for lang in ("zh", "en"):
            lines: list[Line] = []
            shown = []
            for k, req in enumerate(per_person_requests(
                    led, SheetRequest(**{**request.__dict__, "language": lang}))):
                sheet = build_sheet(led, req, PRINTED)
                path = folder / f"{name}-{lang}-{k}.pdf"
                lines += read_lines(render_pdf(sheet, req.kind), path)
                shown.append(subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                            check=True, capture_output=True,
                                            text=True).stdout)
            out[name, lang] = (lines, "\f".join(shown))
    led.engine.dispose()
    return out


def squeeze(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_sheet_reads_clean(printed: dict, name: str, lang: str) -> None:
    lines, shown = printed[name, lang]
    assert lines, "nothing read back"
    line = ("合同编号：HT-2026-0117 签订日期：2026-02-20" if lang == "zh"
            else "Contract no. HT-2026-0117, signed 2026-02-20")
    assert line in squeeze(shown)
    assert broken_words(lines) == []
    assert [x.text for x in cells(lines) if _keys_in(x.large)] == []
    if lang == "zh":
        assert [x.text for x in lines if ASCII_NEXT_TO_CJK.search(x.text)] == []


def _amount(text: str, label: str) -> Decimal:
    m = re.search(rf"{re.escape(label)}[^\n]*?([\d,]+\.\d\d)\s*$", text, re.M)
    assert m, f"{label!r} not printed"
    return Decimal(m.group(1).replace(",", ""))


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", {"deliver": "交付成果", "kt": "知识转移（培训及手册）", "settle": "结算金额",
            "excl": "不含税金额", "tax": "税额（税率 6%）", "incl": "价税合计",
            "capitals": "结算金额（大写）", "pd": "人天与金额"}),
    ("en", {"deliver": "Deliverables", "kt": "Knowledge transfer (training and handbooks)",
            "settle": "Settlement", "excl": "Amount excluding tax", "tax": "Tax at 6%",
            "incl": "Total including tax", "capitals": "Amount in Chinese capitals",
            "pd": "Person-days and money"}),
])
def test_the_acceptance_holds_what_the_signatory_needs(printed: dict, lang: str,
                                                       words: dict[str, str]) -> None:
    shown = squeeze(printed["acceptance", lang][1])
    deliver, kt = shown.index(words["deliver"]), shown.index(words["kt"])
    after_kt = shown[kt:shown.index(words["pd"], kt)]
    # D1 and D2 are deliverables, with their criteria; KT is the knowledge transfer only
    assert 0 < deliver < shown.index("Claims material parsing pipeline") < kt
    assert deliver < shown.index("Policy clause comparison") < kt
    assert "Field accuracy at least 95%" in shown[deliver:kt]
    assert "Knowledge transfer: training" in after_kt and "Two training sessions" in after_kt
    assert "Knowledge transfer: training" not in shown[deliver:kt]
    # the settlement: excl + tax = incl exactly as printed, and the total in capitals
    settle = shown[shown.rindex(words["settle"], 0, shown.index(words["capitals"])):]
    excl, tax, incl = (_amount(settle, words[k]) for k in ("excl", "tax", "incl"))
    assert incl > 0 and excl + tax == incl
    assert tax == (incl * Decimal("0.06") / Decimal("1.06")).quantize(Decimal("0.01"))
    assert re.search(words["capitals"] + r"[^\n]*[壹贰叁肆伍陆柒捌玖][^\n]*(整|分|角)", settle)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timesheet_carries_its_money_and_the_cr_its_contract(printed: dict,
                                                                 lang: str) -> None:
    shown = squeeze(printed["timesheet", lang][1])
    assert ("人天费用（按实结算）" if lang == "zh" else "Amounts (time and materials)") in shown
    per_person = printed["timesheet-per-person", lang][1]
    assert per_person.count("\f") >= 3  # one document (file) per person
