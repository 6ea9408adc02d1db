"""The change request form's budget before and after (two CRs signed the same day, a
pending CR), its wording (names, grade titles, quota counts), the signature blocks of
every sheet, and `export --lang` on every kind."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

import storage.demo
from exports.render import render_sheet
from model.sheets import SheetRequest, read_keywords
from storage.demo import build_demo
from storage.services import Ledger
from storage.sheets import build_sheet
from tui.cli import main

from .conftest import as_

TODAY = date(2026, 11, 21)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _cr_form(led: Ledger, number: str, out: Path, language: str | None = None):
    sheet = build_sheet(led, SheetRequest("cr", cr=number, language=language))
    return sheet, render_sheet(sheet, "cr", out)


def _sign_both(led: Ledger, number: str, on: str) -> None:
    as_(led, "zhao.min").sign_cr(number, on=on)
    as_(led, "li.na").sign_cr(number, on=on)


def _budget(led: Ledger, as_of: str) -> dict[str, object]:
    summary = led.summary(as_of)
    return {g.grade: g.budget_pd for g in summary.by_grade if g.budget_pd}


# ---------------------------------------------------------------- before and after


def test_two_crs_signed_the_same_day_print_the_ledgers_budget(example: Ledger,
                                                               tmp_path: Path) -> None:
    """The second CR to take effect on a day starts from the budget after the first:
    before and after are the ledger's budget before and after, not 'the day before'."""
    example.new_cr("First", deltas={"senior": "4"}, quota_deltas={"prompt-rounds": "2"},
                   on="2026-03-05")
    example.new_cr("Second", deltas={"senior": "3", "expert": "1"},
                   quota_deltas={"prompt-rounds": "1"}, on="2026-03-05")
    # CR-002 takes effect first, CR-001 later the same day: the order of effect, not
    # of the numbers, decides which is "earlier".
    _sign_both(example, "CR-002", "2026-03-10")
    _sign_both(example, "CR-001", "2026-03-10")
    day_before, day = _budget(example, "2026-03-09"), _budget(example, "2026-03-10")
    assert day_before["senior"] == 40 and day["senior"] == 47

    second = build_sheet(example, SheetRequest("cr", cr="CR-001")).data
    first = build_sheet(example, SheetRequest("cr", cr="CR-002")).data
    # The first to take effect: from the budget of the day before.
    assert {g.grade: g.before_pd for g in first.grades if g.before_pd} == day_before
    assert first.budget_before == sum(day_before.values()) == 90
    assert first.budget_after == 94
    # The second: from the budget after the first, to the ledger's budget that day.
    assert {g.grade: g.before_pd for g in second.grades} == {
        g.grade: g.after_pd for g in first.grades}
    assert {g.grade: g.after_pd for g in second.grades if g.after_pd} == day
    assert (second.budget_before, second.budget_after) == (94, sum(day.values()))
    assert sum(day.values()) == 98
    quotas = {q.key: (q.before, q.before + q.delta) for q in second.quotas}
    assert quotas == {"prompt-rounds": (6, 8)}
    assert {q.key: q.before for q in first.quotas} == {"prompt-rounds": 5}

    _, path = _cr_form(example, "CR-001", tmp_path / "cr1.pdf")
    text = _text(path)
    assert "94" in text and "98" in text and "43" in text and "47" in text


def test_a_pending_cr_starts_from_the_budget_in_effect_now(example: Ledger) -> None:
    example.new_cr("Effective", deltas={"senior": "4"}, on="2026-03-05")
    _sign_both(example, "CR-001", "2026-03-10")
    example.new_cr("Pending", deltas={"senior": "2"}, on="2026-03-11")
    as_(example, "zhao.min").sign_cr("CR-002", on="2026-03-12")  # one party only
    sheet = build_sheet(example, SheetRequest("cr", cr="CR-002"),
                        printed_on=date(2026, 3, 12))
    now = _budget(example, "2026-03-12")
    assert {g.grade: g.before_pd for g in sheet.data.grades if g.before_pd} == now
    assert (sheet.data.budget_before, sheet.data.budget_after) == (94, 96)
    senior = next(g for g in sheet.data.grades if g.grade == "senior")
    assert (senior.before_pd, senior.after_pd) == (44, 46)


# ---------------------------------------------------------------- wording


@pytest.mark.parametrize("language, title, grade, counts", [
    ("zh", "变更申请单", "高级工程师", "变更前数量"),
    ("en", "Change Request Form", "Senior engineer", "Before"),
])
def test_the_form_names_people_and_grades_and_counts_quotas(
        example: Ledger, tmp_path: Path, language: str, title: str, grade: str,
        counts: str) -> None:
    example.new_cr("More rounds", deltas={"senior": "2"},
                   quota_deltas={"prompt-rounds": "3"}, on="2026-03-05")
    _, path = _cr_form(example, "CR-001", tmp_path / f"{language}.pdf", language)
    text = _text(path)
    assert title in text and grade in text and counts in text
    assert "张伟" in text  # raised by: the person's name
    assert "zhang.wei" not in text  # not their id
    assert "senior" not in text.replace("Senior", "")  # no grade key
    assert "prompt-rounds" not in text  # the quota's title, not its key
    # The quota table counts rounds: no person-day unit between its heading and the next.
    heading = "额度变更" if language == "zh" else "Quota changes"
    end = "工期影响" if language == "zh" else "Schedule impact"
    quota_part = text[text.index(heading):text.index(end)]
    assert "人天" not in quota_part and "PD" not in quota_part, quota_part
    assert "+3" in quota_part


# ---------------------------------------------------------------- signature blocks


def _labels_at(path: Path, labels: tuple[str, ...]) -> list[tuple[str, float, float]]:
    """(label, x, y) of every text run on the last page starting with one of ``labels``."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):  # noqa: ANN001 - pypdf's visitor
        for label in labels:
            if text.startswith(label):
                found.append((label, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(str(path)).pages[-1].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("language, client, vendor, seal", [
    ("zh", "甲方", "乙方", "盖章"), ("en", "Client", "Vendor", "Company seal")])
def test_the_client_signs_first_and_each_party_has_a_seal_box(
        example: Ledger, tmp_path: Path, language: str, client: str, vendor: str,
        seal: str) -> None:
    example.new_cr("More senior time", deltas={"senior": "2"}, on="2026-03-05")
    _, path = _cr_form(example, "CR-001", tmp_path / "cr.pdf", language)
    text = _text(path)
    colon = "：" if language == "zh" else ": "  # full-width punctuation in Chinese
    for label in (client, vendor):
        assert f"{label}{colon}" in text
    runs = _labels_at(path, (client, vendor, seal))
    seals = [r for r in runs if r[0] == seal]
    assert len(seals) == 2, runs  # one seal box per party
    # The signature block's party headings: the client's column left of the vendor's.
    # (The heading's "甲方: … 乙方: …" line is on the first page above them.)
    block = [r for r in runs if r[0] != seal and r[2] < max(s[2] for s in seals) + 200]
    client_x = min(r[1] for r in block if r[0] == client)
    vendor_x = min(r[1] for r in block if r[0] == vendor)
    assert client_x < vendor_x, runs
    # One seal box under each column: the second 88 mm to the right of the first.
    left, right = sorted(x for _, x, _ in seals)
    assert left < vendor_x <= right and right - left > 80 * 72 / 25.4, seals


# ---------------------------------------------------------------- export --lang


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo, built once in Chinese (its SOW's language) and once with an English SOW."""
    out = {}
    for language in ("zh", "en"):
        path = tmp_path_factory.mktemp(f"demo-{language}") / "demo.db"
        led = Ledger.open(f"sqlite:///{path}")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(storage.demo, "demo_spec",
                       lambda day, spec=storage.demo.demo_spec, lang=language:
                       dataclasses.replace(spec(day), language=lang))
            build_demo(led, TODAY)
        assert led.projects()[0].language == language
        led.engine.dispose()
        out[language] = path
    return out


def _copy(src: Path, dst: Path) -> str:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    with b:
        a.backup(b)
    a.close()
    b.close()
    return f"sqlite:///{dst}"


KINDS = {
    "acceptance": ([], {"zh": "项目验收报告", "en": "Acceptance Report"}),
    "timesheet": (["--from", "2026-09-01", "--to", "2026-09-30"],
                  {"zh": "工时确认单", "en": "Timesheet Confirmation"}),
    "cr": (["--cr", "CR-001"], {"zh": "变更申请单", "en": "Change Request Form"}),
    "plan": ([], {"zh": "需求范围确认", "en": "Scope Confirmation"}),
    "status": (["--as-of", "2026-11-21"], {"zh": "项目状态报告", "en": "Status Report"}),
}


@pytest.mark.parametrize("sow, lang", [("zh", "en"), ("en", "zh")])
@pytest.mark.parametrize("kind", list(KINDS))
def test_export_lang_overrides_the_sows_language(kind, sow, lang, demos, tmp_path,
                                                 capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY.isoformat())
    db = _copy(demos[sow], tmp_path / "ledger.db")
    options, titles = KINDS[kind]
    out = tmp_path / f"{kind}.pdf"
    argv = ["--db", db, "--as", "zhang.wei", "export", kind, *options, "--out", str(out)]
    assert main([*argv, "--lang", lang]) == 0, capsys.readouterr()
    reader = PdfReader(str(out))
    assert read_keywords(str(reader.metadata["/Keywords"]))["lang"] == lang
    first = reader.pages[0].extract_text()
    assert titles[lang] in first and titles[sow] not in first
    page_label = "第 1 页" if lang == "zh" else "page 1 of"
    assert page_label in first
    if kind in ("cr", "plan"):  # grades by their title in the sheet's language (one function)
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert ("资深技术专家" if lang == "zh" else "Senior technical expert") in text
        assert "senior_expert" not in text
    capsys.readouterr()
    # verify prints it again in the language it carries: every page matches.
    assert main(["--db", db, "verify", str(out)]) == 0, capsys.readouterr()
    assert "still holds exactly" in capsys.readouterr().out
    # Without --lang: the SOW's language.
    default = tmp_path / f"{kind}-default.pdf"
    argv[-1] = str(default)
    assert main(argv) == 0
    assert titles[sow] in PdfReader(str(default)).pages[0].extract_text()


@pytest.mark.parametrize("argv, message", [
    (["export", "cr", "--cr", "CR-001", "--lang", "fr"],
     "error: --lang: 'fr' is not one of zh, en"),
    (["export", "sow", "--lang", "en"],
     "error: --lang: does not apply to `export sow` (only to a sheet)"),
])
def test_a_bad_lang_is_refused_and_writes_nothing(argv, message, demos, tmp_path,
                                                  capsys) -> None:
    db = _copy(demos["zh"], tmp_path / "ledger.db")
    out = tmp_path / "x.out"
    assert main(["--db", db, "--as", "zhang.wei", *argv, "--out", str(out)]) == 1
    _, err = capsys.readouterr()
    assert err.strip().splitlines() == [message]
    assert not out.exists()
