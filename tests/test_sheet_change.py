"""The change request form, the sheet frame it shares with every sheet, and the fonts."""

from __future__ import annotations

import warnings
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports import fonts
from exports.base import money_capitals, read_keywords
from exports.render import render_pdf, render_sheet
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet, print_sheet, verify_pdf
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW
from .tui_support import demo_ledger


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _cr_pdf(led: Ledger, number: str, out: Path) -> tuple[Path, str]:
    sheet = print_sheet(led, SheetRequest("cr", cr=number))
    return render_sheet(sheet, "cr", out), sheet.meta.digest


def test_the_cr_form_prints_the_ledgers_figures(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    path, digest = _cr_pdf(led, "CR-002", tmp_path / "cr2.pdf")
    text = _text(path)
    # CR-002: +6 expert PD at 4,200.00 = 25,200.00; budget 460 -> 466; end 01-01 -> 01-08.
    assert "变更申请单 CR-002" in text
    assert "+6" in text and "4,200.00" in text and "25,200.00" in text
    assert "贰万伍仟贰佰元整" in text  # 25,200.00 in capitals
    assert "460" in text and "466" in text
    assert "1,396,000.00" in text and "1,421,200.00" in text
    assert "2027-01-01 → 2027-01-08" in text
    assert "赵敏" in text and "李娜" in text  # who signs for each party
    assert "第 1 页 / 共 1 页" in text
    fields = read_keywords(PdfReader(str(path)).metadata["/Keywords"])
    assert fields["id"] == "DEMO-AGENT/CR/CR-002" and fields["sha256"] == digest
    # The sheet is provably what was signed: its digest is the signature's.
    cr = led.change_request("CR-002")
    assert cr.signatures[0].digest == digest


def test_verify_passes_on_a_fresh_sheet_and_fails_after_the_ledger_changes(
        tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="zhang.wei")
    led.new_cr("Third OCR engine", deltas={"expert": "2"}, on="2026-11-20")
    path, _ = _cr_pdf(led, "CR-003", tmp_path / "cr3.pdf")

    def open_ledger(code: str) -> Ledger:
        return Ledger(led.engine, code)

    first = verify_pdf(path, open_ledger, render_pdf)
    assert first.matches and "CR-003 is pending: signed by nobody" == first.signed
    led.edit_cr("CR-003", deltas={"expert": "3"})
    second = verify_pdf(path, open_ledger, render_pdf)
    assert not second.matches and second.printed_digest == first.printed_digest
    Ledger(led.engine, led.project_code, "zhao.min").sign_cr("CR-003", on="2026-11-21")
    assert "signed by 赵敏 (vendor) 2026-11-21" in verify_pdf(path, open_ledger, render_pdf).signed


def test_the_cr_form_in_english_with_seven_and_a_half_hour_days(tmp_path: Path) -> None:
    text = EXAMPLE_SOW.read_text(encoding="utf-8").replace(
        "hours_per_day = 8", "hours_per_day = 7.5").replace('language = "zh"', 'language = "en"')
    led = Ledger.open(f"sqlite:///{tmp_path / 'en.db'}", actor="zhang.wei")
    led = led.for_project(led.init_project(parse_sow(text)).code)
    led.new_cr("More senior time", reason="client asked", deltas={"senior": "2.5"},
               on="2026-03-04")
    path, _ = _cr_pdf(led, "CR-001", tmp_path / "en.pdf")
    out = _text(path)
    # 2.5 PD x 2,800.00 = 7,000.00; senior 40 -> 42.5; total 90 -> 92.5
    assert "Change Request Form CR-001" in out and "client asked" in out
    assert "7,000.00" in out and "42.5" in out and "92.5" in out
    assert "page 1 of 1" in out
    assert "贰" not in out  # no capitals in English


@pytest.mark.parametrize(("amount", "words"), [
    (Decimal("47137.50"), "肆万柒仟壹佰叁拾柒元伍角"),
    (Decimal("25200"), "贰万伍仟贰佰元整"),
    (Fraction(1, 20), "伍分"),
    (0, "零元整"),
    (Decimal("-1200"), "负壹仟贰佰元整"),
])
def test_money_in_capitals(amount: object, words: str) -> None:
    assert money_capitals(amount).endswith(words) and money_capitals(amount).startswith(words[0])


def test_the_font_setting_wins_and_a_bad_one_falls_through(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    packaged = fonts._packaged_font()
    assert packaged is not None
    monkeypatch.setenv(fonts.FONT_ENV, str(tmp_path / "missing.ttf"))
    assert fonts.candidates()[:2] == [str(tmp_path / "missing.ttf"), packaged]
    fonts._choose.cache_clear()
    with pytest.warns(fonts.FontWarning, match="missing.ttf: cannot use it"):
        choice = fonts.cjk_font()
    assert choice.embedded and choice.source == packaged
    fonts._choose.cache_clear()


def test_without_a_truetype_font_the_cid_font_is_used_with_a_warning(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "candidates", lambda: [])
    fonts._choose.cache_clear()
    try:
        with pytest.warns(fonts.FontWarning, match="STSong-Light, which is not embedded"):
            choice = fonts._choose("none")
        assert (choice.regular, choice.embedded) == ("STSong-Light", False)
    finally:
        fonts._choose.cache_clear()


def test_verify_refuses_a_pdf_that_is_not_a_sheet(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from model.errors import LedgerError

    plain = tmp_path / "plain.pdf"
    c = Canvas(str(plain))
    c.drawString(100, 100, "hello")
    c.save()
    with pytest.raises(LedgerError, match="not a sowtrack sheet"):
        verify_pdf(plain, lambda code: None, render_pdf)  # type: ignore[arg-type,return-value]
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    with pytest.raises(LedgerError, match="cannot read this PDF"):
        verify_pdf(junk, lambda code: None, render_pdf)  # type: ignore[arg-type,return-value]


def test_a_sheet_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    sheet = build_sheet(led, SheetRequest("cr", cr="CR-001"), printed_on=date(2026, 11, 21))
    a = render_sheet(sheet, "cr", tmp_path / "a.pdf").read_bytes()
    b = render_sheet(sheet, "cr", tmp_path / "b.pdf").read_bytes()
    assert a == b
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the embedded font: no fallback warning
        render_sheet(sheet, "cr", tmp_path / "c.pdf")
