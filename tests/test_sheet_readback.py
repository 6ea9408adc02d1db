"""Every sheet read back from its PDF as a signatory reads it (SPEC §8, issue 10).

Each sheet kind of the demo is printed in Chinese and in English and its text is read
back with pypdf, line by line with the position and size of each line. Then:

- no word of the glossary (grade titles, 人天, 预算人天, 消耗比例, in progress, the quota
  titles, the people's names, ...) is broken inside itself: its first part ending a
  line of a table cell and the rest starting the cell's next line ("预算人 / 天",
  "senior_exper / t", "PD chan / ge"); English may wrap at a space, Chinese nowhere
  inside a word;
- no person id (zhou.jie), grade key (senior_expert) or quota key (research-meetings)
  appears outside small print (smaller than the body's 8 pt);
- a Chinese sheet has no ASCII ``,`` ``:`` ``;`` ``(`` ``)`` next to a CJK character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from exports.fonts import cjk_font
from exports.render import render_pdf
from model.rules import GRADE_LABELS_EN, GRADE_LABELS_ZH
from model.sheet_plan import milestones
from model.sheets import LABELS, SheetRequest
from storage.demo import PEOPLE, demo_spec
from storage.services import Ledger
from storage.sheets import build_sheet, per_person_requests
from storage.sowfile import parse_sow

from .conftest import EXAMPLE_SOW
from .tui_support import TODAY, demo_ledger

SHEETS = {
    "acceptance": lambda lang: SheetRequest("acceptance", language=lang),
    "timesheet": lambda lang: SheetRequest("timesheet", date(2026, 9, 1), date(2026, 9, 30),
                                           language=lang),
    "timesheet-per-person": lambda lang: SheetRequest(
        "timesheet", date(2026, 9, 1), date(2026, 9, 30), language=lang, per_person=True),
    "cr-001": lambda lang: SheetRequest("cr", cr="CR-001", language=lang),
    "cr-002": lambda lang: SheetRequest("cr", cr="CR-002", language=lang),
    "plan": lambda lang: SheetRequest("plan", language=lang),
    "status": lambda lang: SheetRequest("status", as_of=TODAY, language=lang),
}

SPEC = demo_spec(TODAY)
PERSON_IDS = [p.key for p in PEOPLE]
GRADE_KEYS = sorted(GRADE_LABELS_EN, key=len, reverse=True)
QUOTA_KEYS = [q.key for q in SPEC.quotas]

#: words a line may not break inside (English terms may wrap at their spaces)
GLOSSARY = [
    *GRADE_LABELS_ZH.values(), *GRADE_LABELS_EN.values(), *GRADE_KEYS,
    "人天", "预算人天", "消耗比例", "已消耗人天", "剩余人天", "变更人天", "已分配人天",
    "工作日", "变更数量", "预算余量",
    "in progress", "person-days", "Person-days", "change", "Change", "Budget", "Consumed",
    "Remaining", "Allocated", "Estimate", "Variance", "overtime", "Overtime",
    *(p.name for p in PEOPLE),
    *(part for q in SPEC.quotas for part in q.title.split(" ", 1)),
    *QUOTA_KEYS, *PERSON_IDS,
]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
ASCII_NEXT_TO_CJK = re.compile(rf"[{CJK}][,:;()]|[,:;()][{CJK}]|[{CJK}] \((CNY|PD)\)")
SMALL = 7.5  # small print: at most this size (the body's cells are 8 pt)


@dataclass
class Line:
    page: int
    x: float
    y: float
    size: float  # the largest of its parts
    text: str
    large: str = ""  # its text outside small print

    def add(self, text: str, size: float) -> None:
        self.text += text
        self.size = max(self.size, size)
        if size > SMALL:
            self.large += text

    @property
    def right(self) -> float:
        return self.x + stringWidth(self.text, cjk_font().regular, self.size)


def read_lines(pdf: bytes, path: Path) -> list[Line]:
    """The PDF's lines of text, each where it is drawn and at its size."""
    path.write_bytes(pdf)
    lines: list[Line] = []
    for n, page in enumerate(PdfReader(path).pages):
        current: list[Line] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  n: int = n, current: list[Line] = current) -> None:
            if not text:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not current:
                current.append(Line(n, x, y, 0.0, ""))
            current[0].add(text, size)
            if text.endswith("\n"):
                line = current.pop()
                line.text, line.large = line.text.rstrip("\n"), line.large.rstrip("\n")
                if line.text.strip():
                    lines.append(line)

        page.extract_text(visitor_text=visit)
        lines.extend(x for x in current if x.text.strip())
    return lines


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[Line]]:
    folder = tmp_path_factory.mktemp("readback")
    led: Ledger = demo_ledger(folder)
    out = {}
    for name, request in SHEETS.items():
        for lang in ("zh", "en"):
            lines: list[Line] = []
            for k, req in enumerate(per_person_requests(led, request(lang))):
                sheet = build_sheet(led, req, printed_on=TODAY)  # one file per person
                lines += read_lines(render_pdf(sheet, req.kind),
                                    folder / f"{name}-{lang}-{k}.pdf")
            out[name, lang] = lines
    led.engine.dispose()
    return out


CASES = [(name, lang) for name in SHEETS for lang in ("zh", "en")]


def _below(a: Line, b: Line) -> bool:
    """``b`` is the next line of the same paragraph or table cell as ``a``."""
    return (a.page == b.page and 0 < a.y - b.y <= 1.6 * a.size and b.x < a.right
            and a.x < b.right)


def broken_words(lines: list[Line]) -> list[str]:
    found = []
    for a in lines:
        head = a.text.rstrip()
        for b in lines:
            if not _below(a, b):
                continue
            tail = b.text.lstrip()
            for word in GLOSSARY:
                for k in range(1, len(word)):
                    if word[k - 1] == " " or word[k] == " ":
                        continue  # a space is where English may wrap
                    if head.endswith(word[:k]) and tail.startswith(word[k:]):
                        found.append(f"{word!r}: {head!r} / {tail!r}")
    return found


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_glossary_word_is_broken_across_lines(printed: dict, name: str,
                                                 lang: str) -> None:
    lines = printed[name, lang]
    assert lines, "nothing read back"
    assert broken_words(lines) == []


def _keys_in(text: str) -> list[str]:
    for title in sorted([*GRADE_LABELS_EN.values(), *GRADE_LABELS_ZH.values()], key=len,
                        reverse=True):
        text = text.replace(title, " ")
    found = [k for k in PERSON_IDS if k in text]
    found += [k for k in QUOTA_KEYS if k in text]
    found += [k for k in GRADE_KEYS if re.search(rf"(?<![\w.-]){k}(?![\w-])", text)]
    return found


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_id_or_key_outside_small_print(printed: dict, name: str, lang: str) -> None:
    large = [line.text for line in cells(printed[name, lang]) if _keys_in(line.large)]
    assert large == []


def cells(lines: list[Line]) -> list[Line]:
    """Lines joined with the lines that continue them (a cell's or a paragraph's), so
    that a title wrapped at a space ("Technical" / "expert") is read as one."""
    out = []
    continued = {id(b) for a in lines for b in lines if _below(a, b)}
    for first in lines:
        if id(first) in continued:
            continue
        joined, line = Line(first.page, first.x, first.y, first.size, first.text,
                            first.large), first
        while (nxt := next((b for b in lines if _below(line, b)), None)) is not None:
            joined.text += " " + nxt.text.strip()
            joined.large += " " + nxt.large.strip()
            joined.size = max(joined.size, nxt.size)
            line = nxt
        out.append(joined)
    return out


@pytest.mark.parametrize("name", list(SHEETS))
def test_chinese_sheets_use_full_width_punctuation(printed: dict, name: str) -> None:
    bad = [line.text for line in printed[name, "zh"] if ASCII_NEXT_TO_CJK.search(line.text)]
    assert bad == []


def test_the_checks_find_what_the_issue_found() -> None:
    """The checks themselves: a word broken in a cell, a key, ASCII punctuation."""
    a = Line(0, 100, 700, 8, "预算人")
    b = Line(0, 100, 690, 8, "天")
    assert broken_words([a, b]) and not broken_words([a, Line(0, 300, 690, 8, "天")])
    assert broken_words([Line(0, 10, 700, 8, "PD chan"), Line(0, 10, 690, 8, "ge")])
    assert not broken_words([Line(0, 10, 700, 8, "Senior"),
                             Line(0, 10, 690, 8, "engineer")])
    assert _keys_in("zhou.jie 在 2026-11-20 没有登记工时") == ["zhou.jie"]
    heading = Line(0, 10, 700, 0, "")
    heading.add("张伟", 11)
    heading.add("（zhang.wei）", 6.5)  # the id in small print
    assert _keys_in(heading.text) and not _keys_in(heading.large)
    assert _keys_in("senior_expert 资深技术专家") == ["senior_expert"]
    assert _keys_in("Senior technical expert · Technical expert") == []
    assert ASCII_NEXT_TO_CJK.search("甲方: 示例")
    assert not ASCII_NEXT_TO_CJK.search("甲方：示例 (demo)")


# ---------------------------------------------------------------- wording, unit by unit


def _lines_of(led: Ledger, request: SheetRequest, path: Path) -> list[Line]:
    sheet = build_sheet(led, request, printed_on=TODAY)
    return read_lines(render_pdf(sheet, request.kind), path)


def _example(tmp_path: Path, replace: tuple[tuple[str, str], ...] = ()) -> Ledger:
    text = EXAMPLE_SOW.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    led = Ledger.open(f"sqlite:///{tmp_path / 'example.db'}", actor="zhang.wei")
    led = led.for_project(led.init_project(parse_sow(text)).code)
    return led


def _working(first: date, last: date) -> list[date]:
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)
            if date.fromordinal(o).weekday() < 5]


def test_plan_milestones_are_distinct_real_dates() -> None:
    """A SOW ending on 08-31 that a CR moved to 09-30: 08-31 once, as the SOW's end (it
    was listed twice, as a month's end and as the SOW's end); a start on a month's end
    and an end on one are listed once too."""
    start, sow_end, end = date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30)
    got = milestones(_working(start, end), start, sow_end, end, Fraction(100))
    days = [m.on for m in got]
    assert days == sorted(set(days))
    assert [(m.on, m.kind) for m in got] == [(start, "start"), (sow_end, "sow_end"),
                                             (end, "end")]
    got = milestones(_working(start, sow_end), start, sow_end, sow_end, Fraction(100))
    assert [(m.on, m.kind) for m in got] == [(start, "start"), (sow_end, "end")]


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["初级工程师超出 10 人天", "高级工程师超出 5 人天"]),
    ("en", ["Junior engineer over by 10 PD", "Senior engineer over by 5 PD"]),
])
def test_plan_marks_over_allocation(printed: dict, lang: str, words: list[str]) -> None:
    """The demo allocates 70 PD to juniors against a budget of 60: that grade is marked
    ▲ in the table and named with its excess in a note, in bold."""
    lines = printed["plan", lang]
    text = " ".join(line.text for line in cells(lines))
    assert all(w in text for w in words), text
    marked = [line.text for line in lines if line.text.endswith("▲")]
    assert len(marked) == 2


def test_cr_form_quota_counts_in_their_own_unit(printed: dict) -> None:
    """Prompt rounds are counted, not person-days: the quota table's headers say so."""
    def row(lang: str, first: str) -> list[str]:
        lines = printed["cr-001", lang]
        at = next(line for line in lines if line.text.strip() == first)
        return [line.text.strip() for line in lines
                if line.page == at.page and abs(line.y - at.y) < 1]

    assert row("zh", "额度") == ["额度", "变更前数量", "变更数量", "变更后数量"]
    assert row("zh", "提示词优化轮次") == ["提示词优化轮次", "5", "+2", "7"]
    assert row("en", "Quota") == ["Quota", "Before", "Change", "After"]
    assert row("en", "Prompt optimisation rounds") == ["Prompt optimisation rounds", "5",
                                                       "+2", "7"]


def test_cr_form_costs_add_up_to_their_total(tmp_path: Path) -> None:
    """Rates with cents: 0.1 PD at 2,800.05 is 280.005 and at 1,800.05 is 180.005; each
    rounded on its own, 280.00 + 180.00 falls short of the total 460.01. Rounded to the
    total (largest remainder), they add up, with the footnote."""
    from .test_sheets_foot import check_down, drawn_tables

    led = _example(tmp_path, (("senior = 2800", "senior = 2800.05"),
                              ("intermediate = 1800", "intermediate = 1800.05")))
    led.new_cr("Cents", deltas={"senior": "0.1", "intermediate": "0.1"}, on="2026-03-05")
    for lang in ("zh", "en"):
        request = SheetRequest("cr", cr="CR-001", language=lang)
        sheet = build_sheet(led, request, printed_on=TODAY)
        table = drawn_tables(sheet, "cr")[1]  # the costs by grade
        assert table[-1][-1] == "460.01", table
        assert check_down(table, [len(table[0]) - 1]) == 1
        text = " ".join(x.text for x in _lines_of(led, request, tmp_path / f"{lang}.pdf"))
        assert LABELS[lang]["foot"][:10] in text
    led.engine.dispose()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overtime_line_promises_no_list(printed: dict, lang: str) -> None:
    """The acceptance's overtime line said "另行列示" (listed separately) and listed it
    nowhere: it now says where the overtime is shown by person and day."""
    text = " ".join(line.text for line in cells(printed["acceptance", lang]))
    assert "另行列示" not in text
    assert ("逐人逐日见各期工时确认单" if lang == "zh" else
            "by person and day on each period's timesheet confirmation") in text


def test_demo_titles_are_job_titles(printed: dict) -> None:
    """The client's signatory's 职务 is a job, not a department."""
    text = " ".join(line.text for line in printed["acceptance", "zh"])
    assert "职务：信息科技部总经理" in text
    assert "职务：信息科技部 " not in text and "IT department" not in text


def test_a_quota_is_named_by_its_title_in_the_sheets_language() -> None:
    from exports.base import quota_title

    assert quota_title("场景调研会 Scenario research meetings", "zh") == "场景调研会"
    assert quota_title("场景调研会 Scenario research meetings", "en") == \
        "Scenario research meetings"
    # a title in one language, or that mixes them otherwise, is printed as written
    for title in ("场景调研会", "Research meetings", "OCR 调用次数", "调研会 3 次"):
        assert quota_title(title, "zh") == quota_title(title, "en") == title


def test_alerts_have_one_wording_that_sheets_fill_with_names() -> None:
    from exports.status import alert_sentence
    from model.rules import Alert, alert_text

    missing = Alert("missing", ("zhou.jie", "2026-11-20"))
    assert missing.text == alert_text("missing", missing.args) == \
        "zhou.jie has no entry on 2026-11-20"  # the command line: ids
    names = {"zhou.jie": "周杰"}
    assert alert_sentence("missing", missing.args, "zh", names) == "周杰在 2026-11-20 没有登记工时"
    assert alert_sentence("missing", missing.args, "en", names) == "周杰 has no entry on 2026-11-20"
    quotas = {"research-meetings": "场景调研会 Scenario research meetings"}
    args = ("research-meetings", "3", "3")
    assert alert_sentence("quota", args, "zh", quotas=quotas) == \
        "额度“场景调研会”已用尽：已用 3，上限 3"
    assert alert_sentence("grade", ("senior_expert", "61", "60"), "en") == \
        "Senior technical expert is over budget: 61 of 60 PD consumed"
