"""A project's own grade ladder (SPEC §9 "Grades") on SQLite and PostgreSQL: ``[[grade]]``
in the SOW file replaces the default ladder of SPEC §2; rates, budgets, people, CR deltas,
``person grade``/``person add --grade``, the summary's order, ``export sow``, a printed
sheet's labels and ``verify`` all follow it."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from model import rules
from model.errors import FieldError, LedgerError
from storage.services import Ledger
from storage.sowfile import dump_sow, load_sow, parse_sow

from .life_support import cli, sql, start, write_sow
from .test_pg_rls import _sql

CODE = "LADDER-1"
TODAY = "2026-03-20"

HEAD = """
[project]
code = "LADDER-1"
title = "A vendor with its own ladder"
client = "Client Co."
vendor = "Vendor Co."
start = 2026-03-02
end = 2026-05-29
language = "en"
"""

#: three grades of the vendor's own ladder, most junior first
LADDER = """
[[grade]]
key = "l1"
zh = "一级工程师"
en = "Level 1 engineer"

[[grade]]
key = "l2"
zh = "二级工程师"
en = "Level 2 engineer"

[[grade]]
key = "l3"
zh = "三级专家"
en = "Level 3 specialist"
"""

BODY = """
[rates]
l3 = 5000
l1 = 1000
l2 = 2000

[budget]
l3 = 5
l1 = 20
l2 = 10

[[person]]
id = "lead"
name = "Lead Person"
party = "vendor"
role = "lead"
grade = "l3"

[[person]]
id = "eng"
name = "Engineer Person"
party = "vendor"
role = "engineer"
grade = "l1"

[[person]]
id = "client"
name = "Client Person"
party = "client"
role = "signatory"

[[task]]
code = "T1"
title = "Build it"
estimate = 30
"""

#: the guide's order: 资深技术专家 below 高级技术专家 (the default ladder has them the other
#: way round)
GUIDE_LADDER = """
[[grade]]
key = "senior"
zh = "高级工程师"
en = "Senior engineer"

[[grade]]
key = "senior_expert"
zh = "资深技术专家"
en = "Senior technical expert"

[[grade]]
key = "expert"
zh = "高级技术专家"
en = "Technical expert"
"""

GUIDE_BODY = """
[rates]
senior = 2800
senior_expert = 4200
expert = 6000

[budget]
expert = 5
senior_expert = 8
senior = 10

[[person]]
id = "lead"
name = "Lead Person"
party = "vendor"
role = "lead"
grade = "expert"

[[person]]
id = "eng"
name = "Engineer Person"
party = "vendor"
role = "engineer"
grade = "senior_expert"

[[task]]
code = "T1"
title = "Build it"
estimate = 20
"""


def sow_text() -> str:
    return HEAD + LADDER + BODY


@pytest.fixture
def sow(tmp_path: Path) -> Path:
    return write_sow(tmp_path, sow_text())


@pytest.fixture
def led(ledger: Ledger, sow: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    return start(ledger, sow, monkeypatch, TODAY, lead="lead")


# ---------------------------------------------------------------- the SOW file, pure

def test_the_ladder_is_read_in_order_with_its_labels() -> None:
    ladder = parse_sow(sow_text()).ladder
    assert ladder.custom and ladder.keys() == ("l1", "l2", "l3")
    assert [ladder.label("l3", lang) for lang in ("zh", "en")] == ["三级专家",
                                                                   "Level 3 specialist"]
    assert sorted(["l3", "zz", "l1", "l2"], key=ladder.sort_key) == ["l1", "l2", "l3", "zz"]


def test_without_grade_tables_the_default_ladder_of_section_2() -> None:
    spec = parse_sow(HEAD + BODY.replace("l3", "expert").replace("l1", "junior")
                     .replace("l2", "senior"))
    assert spec.ladder == rules.DEFAULT_LADDER and not spec.ladder.custom
    assert "[[grade]]" not in dump_sow(spec)


@pytest.mark.parametrize(("body", "named"), [
    (BODY.replace("l2 = 2000", "senior = 2000"),
     "SOW: [rates] senior: 'senior' is not a grade (l1, l2, l3)"),
    (BODY.replace("l2 = 10", "junior = 10"),
     "SOW: [budget] junior: 'junior' is not a grade (l1, l2, l3)"),
    (BODY.replace('grade = "l1"', 'grade = "expert"'),
     "SOW: [[person]] #2 grade: 'expert' is not one of l1, l2, l3"),
])
def test_an_unknown_grade_is_refused_naming_the_key_and_listing_the_ladder(
        body: str, named: str) -> None:
    with pytest.raises(LedgerError, match="is not") as exc:
        parse_sow(HEAD + LADDER + body)
    assert str(exc.value) == named


@pytest.mark.parametrize(("ladder", "named"), [
    (LADDER.replace('key = "l2"', 'key = "l1"'),
     "SOW: [[grade]] #2 key: duplicate grade 'l1'"),
    (LADDER.replace('key = "l2"', 'key = "level two"'),
     "SOW: [[grade]] #2 key: 'level two' is not one word (letters, digits, _ . -)"),
    (LADDER.replace('key = "l2"', 'key = "a_grade_key_of_17"'),
     "SOW: [[grade]] #2 key: at most 16 characters, got 17"),
    (LADDER.replace('zh = "二级工程师"', 'zh = ""'),
     "SOW: [[grade]] #2 zh: expected a non-empty string, got ''"),
    (LADDER.replace('en = "Level 2 engineer"\n', ''), "SOW: [[grade]] #2 en: missing"),
    (LADDER.replace('en = "Level 2 engineer"', 'en = "x"\nrate = 3'),
     "SOW: [[grade]] #2 rate: unknown key (known: en, key, zh)"),
])
def test_a_bad_grade_table_is_refused_naming_the_key(ladder: str, named: str) -> None:
    with pytest.raises(LedgerError, match=r"\[\[grade\]\] #2") as exc:
        parse_sow(HEAD + ladder + BODY)
    assert str(exc.value) == named


def test_a_key_of_16_characters_fits_the_grade_columns() -> None:
    key = "a_grade_key_of16"
    spec = parse_sow(HEAD + LADDER.replace('"l2"', f'"{key}"')
                     + BODY.replace("l2", key))
    assert spec.ladder.keys()[1] == key and spec.rates[key] == 200000


def test_dump_writes_the_ladder_back_in_order() -> None:
    spec = parse_sow(sow_text())
    again = dump_sow(spec)
    assert parse_sow(again) == spec
    assert again.index('key = "l1"') < again.index('key = "l2"') < again.index('key = "l3"')
    # the rates and the budget in the ladder's order, not the file's
    rates = again[again.index("[rates]"):again.index("[budget]")]
    assert rates.index("l1") < rates.index("l2") < rates.index("l3")


# ---------------------------------------------------------------- the ledger

def test_init_log_and_summary_in_the_ladders_order(led: Ledger) -> None:
    assert led.ladder() == parse_sow(sow_text()).ladder
    led.log("T1", 8, on="2026-03-02", person="eng")
    led.log("T1", 4, on="2026-03-02", person="lead")
    s = led.summary("2026-03-20")
    assert [(g.grade, g.budget_pd, g.consumed_pd) for g in s.by_grade] == [
        ("l1", 20, 1), ("l2", 10, 0), ("l3", 5, Fraction(1, 2))]
    assert s.consumed_cost == 1000 + 2500


def test_the_guides_order_puts_senior_expert_below_expert(ledger: Ledger,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         ) -> None:
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)
    spec = parse_sow(HEAD + GUIDE_LADDER + GUIDE_BODY)
    led = ledger.for_project(ledger.init_project(spec).code).acting_as("lead")
    assert [g.grade for g in led.summary("2026-03-20").by_grade] == [
        "senior", "senior_expert", "expert"]
    rc, out, _ = cli(capsys, led, "report", "summary", "--as-of", TODAY)
    rows = [line.split()[:2] for line in out.splitlines()[5:8]]
    assert rc == 0 and rows == [["senior", "高级工程师"], ["senior_expert", "资深技术专家"],
                                ["expert", "高级技术专家"]]
    assert led.export_sow().ladder.keys() == ("senior", "senior_expert", "expert")


def test_a_cr_delta_on_a_custom_grade_and_an_unknown_one(led: Ledger) -> None:
    cr = led.new_cr("More level 2", deltas={"l2": "5", "l1": "-2"}, on="2026-03-10")
    assert cr.deltas == (("l1", -2000), ("l2", 5000))
    with pytest.raises(FieldError, match="is not a grade") as exc:
        led.new_cr("Old words", deltas={"senior": "5"}, on="2026-03-10")
    assert (exc.value.field, exc.value.problem) == (
        "deltas", "'senior' is not a grade (l1, l2, l3)")


def test_person_grade_and_person_add_take_the_ladder(led: Ledger,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert led.change_grade("eng", "l2").grade == "l2"
    with pytest.raises(FieldError, match="'expert' is not a grade"):
        led.change_grade("eng", "expert")
    rc, out, err = cli(capsys, led, "--as", "lead", "person", "add", "new", "--name", "New",
                       "--party", "vendor", "--role", "engineer", "--grade", "l3",
                       "--from", "2026-03-23")
    assert (rc, err) == (0, "")
    assert next(p for p in led.people() if p.key == "new").grade == "l3"
    rc, out, err = cli(capsys, led, "--as", "lead", "person", "add", "other", "--name", "O",
                       "--party", "vendor", "--role", "engineer", "--grade", "senior")
    assert (rc, out) == (1, "")
    assert err == "error: --grade: 'senior' is not one of l1, l2, l3\n"
    rc, out, err = cli(capsys, led, "--as", "lead", "cr", "new", "--title", "Old",
                       "--delta", "junior=1")
    assert rc == 1 and err == "error: --delta: 'junior' is not a grade (l1, l2, l3)\n"


def test_export_sow_round_trips_the_ladder(led: Ledger, sow: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.toml"
    rc, _, err = cli(capsys, led, "export", "sow", "--out", str(out))
    assert (rc, err) == (0, "")
    assert load_sow(out) == load_sow(sow)
    written = out.read_text(encoding="utf-8")
    assert written.count("[[grade]]") == 3 and 'zh = "三级专家"' in written


def test_export_sow_of_a_default_ladder_writes_no_grade(ledger: Ledger, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str],
                                                        ) -> None:
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)
    spec = parse_sow(HEAD + BODY.replace("l3", "expert").replace("l1", "junior")
                     .replace("l2", "senior"))
    led = ledger.for_project(ledger.init_project(spec).code)
    assert led.ladder() == rules.DEFAULT_LADDER
    out = tmp_path / "out.toml"
    rc, _, _ = cli(capsys, led, "export", "sow", "--out", str(out))
    written = out.read_text(encoding="utf-8")
    assert rc == 0 and "[[grade]]" not in written and load_sow(out) == spec


@pytest.mark.parametrize(("statement", "named"), [
    ("UPDATE grade SET en = 'Level 9' WHERE key = 'l3'", f"{CODE} grade l3: differs"),
    ("UPDATE grade SET position = position + 10 WHERE key = 'l1'",
     f"{CODE} grade l1: differs"),
])
def test_verify_names_a_label_or_the_order_edited_with_sql(led: Ledger, statement: str,
                                                          named: str) -> None:
    assert led.verify()[1] == []
    sql(led, statement)
    found = led.verify()[1]
    assert len(found) == 1 and found[0].startswith(named), found


def test_verify_names_a_grade_added_or_removed_with_sql(led: Ledger) -> None:
    sql(led, "DELETE FROM grade WHERE key = 'l2'")
    found = led.verify()[1]
    assert len(found) == 1 and found[0].startswith(f"{CODE} grade l2"), found


def _pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_timesheet_prints_the_ladders_labels(led: Ledger, tmp_path: Path, lang: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    led.log("T1", 8, on="2026-03-02", person="eng")
    led.log("T1", 8, on="2026-03-03", person="lead")
    pdf = tmp_path / "march.pdf"
    rc, _, err = cli(capsys, led, "export", "timesheet", "--from", "2026-03-01", "--to",
                     "2026-03-31", "--lang", lang, "--out", str(pdf))
    assert (rc, err) == (0, "")
    words = _pdftotext(pdf)
    l1, l3 = (("一级工程师", "三级专家") if lang == "zh"
              else ("Level 1 engineer", "Level 3 specialist"))
    assert l1 in words and l3 in words
    # the totals per grade in the ladder's order; the default ladder's words appear nowhere
    by_grade = words[words.index("按职级汇总" if lang == "zh" else "Totals per grade"):]
    assert by_grade.index(l1) < by_grade.index(l3)
    assert "Junior" not in words and "初级" not in words


def test_the_status_report_prints_the_ladders_labels(led: Ledger, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    led.log("T1", 8, on="2026-03-02", person="eng")
    pdf = tmp_path / "status.pdf"
    rc, _, err = cli(capsys, led, "export", "status", "--as-of", TODAY, "--lang", "en",
                     "--out", str(pdf))
    assert (rc, err) == (0, "")
    words = _pdftotext(pdf)
    # the grades' table in the ladder's order (a label wraps in its cell)
    table = words[words.index("Remaining by grade"):]
    assert table.index("Level 1") < table.index("Level 2") < table.index("Level 3")
    assert "specialist" in table and "Junior" not in words


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_on_postgresql_a_login_role_reads_the_ladder_and_cannot_change_it(
        led: Ledger, roles) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    url = roles("lead")
    led.bind_role("lead", str(create_engine(url).url.username))

    def as_lead(statement: str) -> int | str:  # the rows it affects, or the SQLSTATE
        return _sql(url, statement)

    assert as_lead("SELECT key FROM grade") == 3
    # 42501 insufficient_privilege: only the owner writes the ladder (migration 0012)
    assert as_lead("UPDATE grade SET en = 'x'") == "42501"
    assert as_lead("DELETE FROM grade") == "42501"
    assert as_lead("INSERT INTO grade (project_id, position, key, zh, en) "
                   "SELECT id, 9, 'l9', 'x', 'x' FROM project") == "42501"
    assert led.verify()[1] == []
