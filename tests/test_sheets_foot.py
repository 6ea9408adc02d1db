"""Every printed table whose rows have a total adds up exactly as printed (SPEC §8).

The rounding itself (``rules.round_to_total``: largest remainder; ``rules.round_table``:
controlled rounding for a table with row and column totals) is checked on examples and
with hypothesis. The sheets are checked as drawn: every table of every sheet kind is read
back from the flowables the PDF is built from (the strings on the page), on the demo and
on a scenario made of thirds of a person-day, where rounding each row on its own does not
add up (0.333 + 0.333 + 0.333 under a total of 1).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import KeepTogether, Paragraph, Table

from exports.base import SheetDocument
from exports.render import RENDERERS, render_sheet
from model import rules
from model.rules import round_table, round_to_total
from model.sheet_kinds import SheetKind
from model.sheets import LABELS, Sheet, SheetRequest
from storage.services import Ledger
from storage.sheets import build_sheet
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW
from .tui_support import TODAY, demo_ledger

D = Decimal

# ---------------------------------------------------------------- the rounding


def test_largest_remainder_adds_up_to_the_rounded_total() -> None:
    thirds = [Fraction(1, 3)] * 3
    assert [rules.round_pd(v) for v in thirds] == [D("0.333")] * 3  # 0.999 under 1
    assert round_to_total(thirds, 3) == [D("0.334"), D("0.333"), D("0.333")]
    # the largest remainder takes the unit, not the first row
    assert round_to_total([D("0.3331"), D("0.3336"), D("0.3333")], 3) == \
        [D("0.333"), D("0.334"), D("0.333")]
    # figures exact at the last place are never moved
    assert round_to_total([Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)], 1) == \
        [D("0.5"), D("0.3"), D("0.2")]
    assert round_to_total([Fraction(5), Fraction(7, 2)], 0) == [D("5"), D("3")]  # 8.5 -> 8
    assert round_to_total([Fraction(5), Fraction(9, 2)], 0) == [D("5"), D("5")]  # 9.5 -> 10
    # money: 2 decimals
    assert round_to_total([Fraction(1000, 3)] * 3, 2) == [D("333.34"), D("333.33"), D("333.33")]
    assert round_to_total([Fraction(2800, 3), Fraction(1000, 3), Fraction(200, 3)], 2) == \
        [D("933.33"), D("333.33"), D("66.67")]
    # negatives (remaining over budget): -0.333 + 0.667 = 0.333 ... adds to 1/3 rounded
    assert round_to_total([Fraction(-1, 3), Fraction(2, 3)], 3) == [D("-0.333"), D("0.666")]
    assert round_to_total([Fraction(-1, 3)] * 3, 3) == [D("-0.333"), D("-0.333"), D("-0.334")]
    # the total is rounded half to even, as every figure is shown
    assert sum(round_to_total([Fraction(1, 4), Fraction(1, 4)], 1)) == D("0.5")
    assert sum(round_to_total([Fraction(1, 8), Fraction(1, 8)], 1)) == D("0.2")
    assert round_to_total([], 3) == []
    # a total given: the figures add up to it
    assert round_to_total([Fraction(1, 3)] * 3, 3, total=D("0.999")) == [D("0.333")] * 3


def test_the_issue_figures_add_up() -> None:
    # by grade: consumed PD in minutes of 8-hour days, each rounded alone off by 0.002
    minutes = [2_593, 57_607, 43_207, 69_453, 1_029]
    exact = [Fraction(m, 480) for m in minutes]
    alone = sum(rules.round_pd(v) for v in exact)
    total = rules.round_pd(sum(exact, Fraction(0)))
    assert alone != total
    assert sum(round_to_total(exact, 3)) == total


values = st.lists(st.fractions(min_value=-10_000, max_value=10_000, max_denominator=10_000),
                  max_size=40)


@given(values, st.sampled_from([2, 3]))
def test_round_to_total_hypothesis(xs: list[Fraction], places: int) -> None:
    out = round_to_total(xs, places)
    unit = Fraction(1, 10**places)
    assert len(out) == len(xs)
    assert sum(out, D(0)) == rules._round(sum(xs, Fraction(0)), places)
    for v, r in zip(xs, out, strict=True):
        assert abs(Fraction(r) - v) < unit
        assert r.as_tuple().exponent == -places
        if v / unit == int(v / unit):
            assert Fraction(r) == v
    assert round_to_total(xs, places) == out  # deterministic


tables = st.integers(1, 6).flatmap(lambda cols: st.lists(
    st.lists(st.one_of(st.just(Fraction(0)),
                       st.fractions(min_value=-50, max_value=50, max_denominator=600)),
             min_size=cols, max_size=cols), min_size=1, max_size=7))


@given(tables, st.sampled_from([0, 2, 3]))
@example([[Fraction(1)], [Fraction(33, 2)]], 0)  # 17.5 is 18: the floors' sum is odd (CI)
def test_round_table_hypothesis(cells: list[list[Fraction]], places: int) -> None:
    out = round_table(cells, places)
    unit = Fraction(1, 10**places)
    for row, exact, total in zip(out.cells, cells, out.row_totals, strict=True):
        assert sum(row, D(0)) == total
        assert abs(Fraction(total) - sum(exact, Fraction(0))) < unit
        for r, v in zip(row, exact, strict=True):
            assert abs(Fraction(r) - v) < unit
            if v / unit == int(v / unit):
                assert Fraction(r) == v
    for j, total in enumerate(out.column_totals):
        assert sum((row[j] for row in out.cells), D(0)) == total
        assert abs(Fraction(total) - sum((r[j] for r in cells), Fraction(0))) < unit
    grand = sum((sum(r, Fraction(0)) for r in cells), Fraction(0))
    assert out.total == rules._round(grand, places)
    assert sum(out.row_totals, D(0)) == sum(out.column_totals, D(0)) == out.total


def test_round_table_needs_both_ways() -> None:
    """Largest remainder on the rows and on the columns apart would put a unit where the
    table has nothing (row 1 and column 1 win their ties, cell (1, 1) is 0)."""
    half = Fraction(1, 2)
    out = round_table([[0, half], [half, 0]], 0)
    assert out.total == 1
    assert out.cells in ([[0, 1], [0, 0]], [[0, 0], [1, 0]])


# ---------------------------------------------------------------- the sheets as drawn


def _text(cell: object) -> str:
    if isinstance(cell, Paragraph):
        return cell.getPlainText().strip()
    if isinstance(cell, list | tuple):
        return " ".join(_text(c) for c in cell)
    return str(cell).strip()


def _tables(flowables: list) -> list[list[list[str]]]:
    out = []
    for f in flowables:
        if isinstance(f, KeepTogether):
            out += _tables(f._content)
        elif isinstance(f, Table):
            out.append([[_text(c) for c in row] for row in f._cellvalues])
    return out


def drawn_tables(sheet: Sheet, kind: str) -> list[list[list[str]]]:
    """Every table of the sheet as the strings it prints."""
    return _tables(RENDERERS[SheetKind(kind)](sheet, SheetDocument(sheet.meta)))


def num(text: str) -> Decimal | None:
    """A printed figure (``1,234.50``, ``+2.5``, ``-0.333``); None if the cell is none."""
    text = text.replace(",", "").lstrip("+")
    if text == "":
        return D(0)
    try:
        return D(text)
    except ArithmeticError:
        return None


TOTAL = {"合计", "Total", "价税合计", "Total including tax"}  # the acceptance's settlement


def check_down(table: list[list[str]], cols: list[int]) -> int:
    """The last row is the total of the body rows in ``cols``; returns the checks made."""
    body, total = table[1:-1], table[-1]
    for c in cols:
        want = num(total[c])
        assert want is not None, (table[0][c], total[c])
        got = sum((num(r[c]) or D(0) for r in body), D(0))
        assert got == want, (table[0][c], [r[c] for r in body], total[c])
    return len(cols)


def check_across(row: list[str], cells: slice, total: int) -> None:
    values = [num(x) for x in row[cells]]
    assert None not in values, row
    assert sum(values, D(0)) == num(row[total]), row


WORDS = (("预算", "已消耗", "剩余"), ("Budget", "Consumed", "Remaining"))


def check_remaining(table: list[list[str]]) -> int:
    """Where a row prints budget, consumed and remaining: remaining = budget - consumed."""
    head, checks = table[0], 0
    for b, h in enumerate(head):
        for budget, consumed, remaining in WORDS:
            rest = h.removeprefix(budget)
            if rest != h and consumed + rest in head and remaining + rest in head:
                c, r = head.index(consumed + rest), head.index(remaining + rest)
                for row in table[1:]:
                    assert num(row[b]) - num(row[c]) == num(row[r]), (h, row)
                    checks += 1
    return checks


def check_sheet(led: Ledger, request: SheetRequest, printed_on: date) -> int:
    """Check every table with totals of the sheet; returns how many sums were checked."""
    sheet = build_sheet(led, request, printed_on=printed_on)
    content = sheet.content
    checks = 0
    for table in drawn_tables(sheet, request.kind):
        head = table[0]
        labels = [r[0] for r in table]
        if request.kind == "timesheet" and any(h in ("小计", "Subtotal") for h in head):
            # hours per day: every row adds up to its subtotal ...
            for row in table[1:]:
                check_across(row, slice(1, -1), -1)
                checks += 1
            # ... and the people's cells to each day's total (hours)
            sums = [i for i, x in enumerate(labels) if x in ("合计（小时）", "Total (hours)")]
            if sums:
                people = table[1:sums[0]]
                for c in range(1, len(head)):
                    assert sum((num(r[c]) or D(0) for r in people), D(0)) == \
                        num(table[sums[0]][c]), (head[c], [r[c] for r in people])
                    checks += 1
        elif labels[-1] in TOTAL or any(x in TOTAL for x in table[-1]):
            cols = [c for c in range(len(head)) if num(table[-1][c]) is not None
                    and table[-1][c] != "" and not table[-1][c].endswith("%")]
            if request.kind == "timesheet" and head[1] in ("姓名", "Name"):
                cols = [c for c in cols if c != 0]
            checks += check_down(table, cols)
            checks += check_remaining(table)
        elif head[0] in ("项目", "Item"):
            # acceptance: PD by grade, each row adds up across the grades to its total
            n = len(head) - 3  # grades
            figures = [r for r in table[1:] if r[1 + n] != ""]
            for row in figures:
                check_across(row, slice(1, 1 + n), 1 + n)
                checks += 1
            by = {r[0]: r for r in figures}
            budget, consumed, remaining = (by[t] for t in (
                ("预算", "已消耗", "剩余") if "预算" in by else ("Budget", "Consumed",
                                                            "Remaining")))
            parts = figures[:-3]  # baseline and each effective CR add up to the budget
            for c in range(1, n + 3):
                assert sum((num(r[c]) for r in parts), D(0)) == num(budget[c]), (head[c])
                assert num(budget[c]) - num(consumed[c]) == num(remaining[c]), head[c]
                checks += 2
    assert sheet.content == content  # drawing changes nothing of what is signed
    return checks


def _thirds(tmp_path: Path) -> Ledger:
    """The example SOW with 7.5-hour days and thirds of a person-day (150 minutes): by
    grade, by person and by day the figures are 0.333, their total 1."""
    text = EXAMPLE_SOW.read_text(encoding="utf-8").replace("hours_per_day = 8",
                                                           "hours_per_day = 7.5")
    led = Ledger.open(f"sqlite:///{tmp_path / 'thirds.db'}", actor="zhang.wei")
    led = led.for_project(led.init_project(parse_sow(text)).code)
    for person, day in (("chen.jing", 2), ("liu.yang", 3), ("wang.fang", 4)):
        Ledger(led.engine, led.project_code, person).log("T2", "2.5", on=date(2026, 3, day))
    return led


THIRDS_ON = date(2026, 3, 6)


def _requests(language: str | None, as_of: date, first: date) -> dict[str, SheetRequest]:
    last = rules.month_end(first)
    return {"acceptance": SheetRequest("acceptance", language=language),
            "status": SheetRequest("status", as_of=as_of, language=language),
            "timesheet": SheetRequest("timesheet", first, last, language=language),
            "timesheet-person": SheetRequest("timesheet", first, last, language=language,
                                             person="liu.yang"),
            "plan": SheetRequest("plan", language=language)}


KINDS = ["acceptance", "status", "timesheet", "timesheet-person", "plan"]


@pytest.fixture(scope="module")
def thirds(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return _thirds(tmp_path_factory.mktemp("thirds"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return demo_ledger(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_sheet_of_the_thirds_adds_up(thirds: Ledger, kind: str, language: str) -> None:
    request = _requests(language, THIRDS_ON, date(2026, 3, 1))[kind]
    assert check_sheet(thirds, request, THIRDS_ON) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_sheet_of_the_demo_adds_up(demo: Ledger, kind: str) -> None:
    request = _requests(None, TODAY, date(2026, 9, 1))[kind]
    assert check_sheet(demo, request, TODAY) > 0


def test_the_thirds_print_as_they_add_up(thirds: Ledger) -> None:
    """0.334 + 0.333 + 0.333 under 1, not 0.333 three times; remaining likewise."""
    sheet = build_sheet(thirds, SheetRequest("acceptance"), printed_on=THIRDS_ON)
    pd = [t for t in drawn_tables(sheet, "acceptance") if t[0][0] == "项目"][0]
    rows = {r[0]: r for r in pd}
    assert sorted(x for x in rows["已消耗"][1:-2] if x != "0") == ["0.333", "0.333", "0.334"]
    assert rows["已消耗"][-2] == "1"
    assert rows["预算"][-2] == "90" and rows["剩余"][-2] == "89"
    sheet = build_sheet(thirds, _requests("zh", THIRDS_ON, date(2026, 3, 1))["timesheet"],
                        printed_on=THIRDS_ON)
    people = [t for t in drawn_tables(sheet, "timesheet") if t[0][1] == "姓名"][0]
    assert sorted(r[-1] for r in people[1:-1] if r[-1] != "0") == ["0.333", "0.333", "0.334"]
    assert people[-1][-1] == "1"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_footnote_is_printed(tmp_path: Path, language: str) -> None:
    led = _thirds(tmp_path)
    foot = LABELS[language]["foot"]
    for request in (SheetRequest("acceptance", language=language),
                    SheetRequest("status", as_of=THIRDS_ON, language=language),
                    SheetRequest("timesheet", date(2026, 3, 1), date(2026, 3, 31),
                                 language=language)):
        sheet = build_sheet(led, request, printed_on=THIRDS_ON)
        path = render_sheet(sheet, request.kind, tmp_path / f"{request.kind}.pdf")
        text = "".join("".join(p.extract_text().split())
                       for p in PdfReader(str(path)).pages)
        assert "".join(foot.split()) in text, request.kind
