"""SPEC §8: the acceptance's conclusion (accepted, conditional, rejected) and comments,
recorded with the client's signature; a rejected acceptance does not close the project."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from exports.render import render_sheet
from model import rules
from model.errors import LedgerError
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet
from tests.conftest import as_
from tui.cli import main


def _logged(example: Ledger) -> Ledger:
    as_(example, "liu.yang").log("T2", "8", on="2026-03-02")
    return example


def test_only_the_client_records_a_conclusion(example: Ledger) -> None:
    led = _logged(example)
    with pytest.raises(LedgerError, match=r"^conclusion: only the client's signature records "
                                          r"the acceptance's conclusion and comments$"):
        as_(led, "zhang.wei").sign_acceptance("2026-06-01", "accepted")
    with pytest.raises(LedgerError, match=r"^comment: only the client's signature"):
        as_(led, "zhang.wei").sign_acceptance("2026-06-01", None, "fine")
    assert [s for s in led.signoffs() if s.kind == "acceptance"] == []  # nothing written


@pytest.mark.parametrize("conclusion", ["conditional", "rejected"])
def test_conditions_and_reasons_are_written_down(example: Ledger, conclusion: str) -> None:
    led = _logged(example)
    with pytest.raises(LedgerError, match=rf"^comment: a {conclusion} acceptance says why"):
        as_(led, "li.na").sign_acceptance("2026-06-02", conclusion)
    with pytest.raises(LedgerError, match=r"^conclusion: 'maybe' is not one of accepted, "
                                          r"conditional, rejected$"):
        as_(led, "li.na").sign_acceptance("2026-06-02", "maybe")


def test_a_rejected_acceptance_does_not_close_the_project(example: Ledger) -> None:
    led = _logged(example)
    as_(led, "zhang.wei").sign_acceptance("2026-06-01")
    view = as_(led, "li.na").sign_acceptance("2026-06-02", "rejected",
                                             "OCR accuracy below 95% on handwritten forms")
    assert (view.number, view.status, view.conclusion) == ("ACC-001", rules.DOC_REJECTED,
                                                           "rejected")
    assert view.comment == "OCR accuracy below 95% on handwritten forms"
    assert led.project().accepted_on is None
    as_(led, "liu.yang").log("T2", "4", on="2026-03-03")  # the ledger is not frozen
    again = as_(led, "zhang.wei").sign_acceptance("2026-06-03")
    assert again.number == "ACC-002"
    done = as_(led, "li.na").sign_acceptance("2026-06-04", "conditional", "fix the timeout")
    assert (done.status, done.conclusion) == (rules.DOC_EFFECTIVE, "conditional")
    assert str(led.project().accepted_on) == "2026-06-04"
    assert led.verify()[1] == []


def test_without_a_conclusion_the_client_accepts(example: Ledger) -> None:
    led = _logged(example)
    as_(led, "zhang.wei").sign_acceptance("2026-06-01")
    assert as_(led, "li.na").sign_acceptance("2026-06-02").conclusion == "accepted"


def test_a_conclusion_changed_with_sql_is_named(example: Ledger) -> None:
    led = _logged(example)
    as_(led, "zhang.wei").sign_acceptance("2026-06-01")
    as_(led, "li.na").sign_acceptance("2026-06-02", "conditional", "fix the timeout")
    with led.engine.begin() as conn:
        conn.execute(text("UPDATE acceptance SET conclusion = 'accepted', comment = ''"))
    assert led.verify()[1] == [
        "CLAIMS-AGENT-2026 ACC-001: differs from its last audit row (edited behind the "
        "program's back): comment was fix the timeout, is \"\"; conclusion was conditional, "
        "is accepted"]


def _text(led: Ledger, tmp_path, name: str) -> str:  # type: ignore[no-untyped-def]
    sheet = build_sheet(Ledger(led.engine, led.project_code, None), SheetRequest("acceptance"))
    pdf = render_sheet(sheet, "acceptance", tmp_path / name)
    return "".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_the_sheet_offers_the_choice_then_prints_the_recorded_one(example: Ledger,
                                                                  tmp_path) -> None:
    led = _logged(example)
    unsigned = _text(led, tmp_path, "unsigned.pdf")
    assert "□ 通过" in unsigned and "□ 有条件通过" in unsigned and "□ 不通过" in unsigned
    assert "验收意见" in unsigned and "▣" not in unsigned
    assert "验收通过，台账转为只读" not in unsigned  # no conclusion written in advance
    as_(led, "zhang.wei").sign_acceptance("2026-06-01")
    as_(led, "li.na").sign_acceptance("2026-06-02", "conditional", "<b>修复</b> OCR 超时")
    signed = _text(led, tmp_path, "signed.pdf")
    assert "▣ 有条件通过" in signed and "□ 通过" in signed and "□ 不通过" in signed
    assert "<b>修复</b> OCR 超时" in signed  # the comment, literally


def test_the_command_line(example: Ledger, db_url: str,
                          capsys: pytest.CaptureFixture[str]) -> None:
    _logged(example)
    base = ["--db", db_url, "--project", "CLAIMS-AGENT-2026"]
    assert main([*base, "--as", "zhang.wei", "signoff", "acceptance", "--on", "2026-06-01",
                 "--conclusion", "accepted"]) == 1
    assert capsys.readouterr().err == ("error: --conclusion: only the client's signature "
                                       "records the acceptance's conclusion and comments\n")
    assert main([*base, "--as", "li.na", "signoff", "acceptance", "--on", "2026-06-02",
                 "--conclusion", "rejected", "--comment", "not yet"]) == 0
    assert capsys.readouterr().out == "ACC-001: rejected by the client\n"
