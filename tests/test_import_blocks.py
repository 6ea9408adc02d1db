"""Issue 13: ``import entries`` reads its file and admits its rows a block at a time. The
block reader gives the rows and problems that csv read row by row gives; a block
admitted as a whole admits exactly what the rows admitted one by one admit (the same
entries, the same audit records, the same refusals)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from model.errors import LedgerErrors
from storage import importing, sqlite_import
from storage.db import reading
from storage.figures import stored_sum_problems
from storage.orm import AuditEvent, DaySum, DaySumDirty, Project, TimeEntry
from storage.records import entry_batch
from storage.services import Ledger
from storage.sowfile import open_entry_file
from storage.sowfile.entries import EntryRow, _blocks, _csv_problem, _row

# ---------------------------------------------------------------------------------------
# The reader


def by_csv(body: str) -> tuple[list[EntryRow], list[str]]:
    """The rows after a header line, read by csv one record at a time (:func:`_row`)."""
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    rows: list[EntryRow] = []
    problems: list[str] = []
    first = 2
    try:
        while True:
            first = 2 + reader.line_num
            fields = next(reader, None)
            if fields is None:
                break
            row = _row(fields, first, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(f"line {first}: {_csv_problem(exc)}")
    return rows, problems


def by_blocks(body: str, size: int) -> tuple[list[EntryRow], list[str]]:
    problems: list[str] = []
    rows = [r for b in _blocks(io.StringIO(body, newline=""), 2, problems, size)
            for r in b.rows()]
    return rows, problems


PLAIN = st.text(alphabet=st.sampled_from(["a", "1", "-", ".", " ", "é", "中"]), max_size=4)
ODD = st.text(alphabet=st.sampled_from(["a", " ", ",", '"', "\n", "\r", "\t", "\x00",
                                        "\u3000", "\x85", "é"]), max_size=4)
LINE = st.one_of(
    st.lists(PLAIN, min_size=5, max_size=5),  # the common row
    st.lists(st.one_of(PLAIN, ODD), min_size=0, max_size=6),  # any row, written by csv
    ODD.map(lambda raw: [raw, None]),  # a raw line, not written by csv (a quote left open)
)


def _body(lines: list[list[Any]], ending: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator=ending)
    for fields in lines:
        if fields[-1:] == [None]:
            out.write(fields[0] + ending)
        else:
            w.writerow(fields)
    return out.getvalue()


@settings(max_examples=300)
@given(st.lists(LINE, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_the_block_reader_reads_what_csv_reads_row_by_row(lines: list[list[Any]],
                                                          ending: str, last: bool) -> None:
    body = _body(lines, ending)
    if last:  # the last line without its line break
        body = body.removesuffix(ending)
    wanted = by_csv(body)
    for size in (1, 2, 3, 5, 100):
        assert by_blocks(body, size) == wanted


def test_plain_lines_are_split_at_once_and_others_read_by_csv() -> None:
    plain = "".join(f"2026-03-{d:02},zhang.wei, T1 ,1.5,note {d}\n" for d in range(2, 8))
    quoted = '2026-03-09,zhang.wei,T1,1,"a, b"\n2026-03-10,chen.jing,T2,2,"two\nlines"\n'
    problems: list[str] = []
    blocks = list(_blocks(io.StringIO(plain + quoted + plain, newline=""), 2, problems, 6))
    assert [type(b.lines) for b in blocks] == [range, list, range]  # split, csv, split
    assert blocks[0].task == ["T1"] * 6  # stripped as csv's rows are
    assert blocks[0].note[:2] == ["note 2", "note 3"]
    # the second block's six lines: 8, the note over 9 and 10 (refused), three plain ones
    assert list(blocks[1].lines) == [8, 11, 12, 13]
    assert blocks[1].note[0] == "a, b"
    assert [p.split(" (")[0] for p in problems] == [
        "line 9: note: must be one line without control characters"]
    assert blocks[2].lines == range(14, 17)  # the rest of the file's lines, split


# ---------------------------------------------------------------------------------------
# The admission

FIRST = date(2026, 3, 2)
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang", "li.na", "zhao.min", "nobody"]
TASKS = ["T1", "T2", "T3", "T4", "T9"]
HOURS = ["1", "0.05", "8", "12.5", "23", "0", "x"]


class _Rollback(Exception):
    pass


class _Capture:
    """An import hook that reads what the import wrote, then rolls it all back."""

    def __init__(self) -> None:
        self.got: Any = None

    def before(self, s: Session, project: Project) -> None:
        pass

    def after(self, s: Session, project: Project, written: int) -> None:
        entries = s.execute(select(TimeEntry.id, TimeEntry.person_id, TimeEntry.task_id,
                                   TimeEntry.on, TimeEntry.minutes, TimeEntry.grade,
                                   TimeEntry.note).order_by(TimeEntry.id)).all()
        first = entries[0].id if entries else 0
        batches = s.execute(select(AuditEvent.after).where(
            AuditEvent.entity == entry_batch.ENTITY).order_by(AuditEvent.id)).scalars()
        # ids as offsets from the first (PostgreSQL's sequence goes on after a rollback)
        self.got = (written, [(e.id - first, *e[1:]) for e in entries],
                    [[(int(ref) - first, record.replace(f'"id":{ref},', ""))
                      for ref, record in entry_batch.batch_records(after)]
                     for after in batches])
        raise _Rollback


def _outcome(led: Ledger, path: Path) -> Any:
    f = open_entry_file(path)
    capture = _Capture()
    try:
        led.import_entries(f.rows, f.problems, hook=capture)
    except LedgerErrors as exc:
        return exc.problems
    except _Rollback:
        return capture.got
    raise AssertionError("the hook did not run")


ROW = st.tuples(st.integers(0, 95), st.sampled_from(PEOPLE), st.sampled_from(TASKS),
                st.sampled_from(HOURS))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(ROW, st.tuples(st.integers(0, 3), st.sampled_from(PEOPLE[:2]),
                                         st.sampled_from(TASKS[:2]), st.just("8"))),
                min_size=1, max_size=24))
def test_a_block_admits_what_its_rows_admit_one_by_one(
        example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        rows: list[tuple[int, str, str, str]]) -> None:
    """Random rows (unknown, client and gradeless people, unknown tasks, dates outside the
    SOW, long days, bad hours), in blocks of 4: the same entries and records, or the same
    refusals, whether each block is admitted as a whole or row by row."""
    monkeypatch.setattr(importing, "BATCH", 4)
    path = tmp_path / "rows.csv"
    path.write_text("date,person,task,hours,note\n" + "".join(
        f"{FIRST + timedelta(days=d)},{who},{task},{hours},n{i}\n"
        for i, (d, who, task, hours) in enumerate(rows)), encoding="utf-8")
    as_blocks = _outcome(example, path)
    with monkeypatch.context() as m:
        m.setattr(importing._Admission, "batch", lambda self, block: None)
        one_by_one = _outcome(example, path)
    assert as_blocks == one_by_one
    assert example.entry_count() == 0


def test_a_long_day_inside_a_block_is_refused_at_its_line(
        example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Good blocks around one where a person-day passes 24 h at a row in its middle: that
    block is admitted row by row, the row named, the refused row's hours not counted."""
    monkeypatch.setattr(importing, "BATCH", 8)
    body = [f"{FIRST + timedelta(days=i // 2)},chen.jing,T{i % 2 + 1},1,n" for i in range(40)]
    body[18:18] = ["2026-03-30,liu.yang,T1,10,a", "2026-03-30,liu.yang,T2,10,b",
                   "2026-03-30,liu.yang,T3,5,c", "2026-03-30,liu.yang,T1,4,d"]
    path = tmp_path / "long.csv"
    path.write_text("date,person,task,hours,note\n" + "\n".join(body) + "\n",
                    encoding="utf-8")
    f = open_entry_file(path)
    with pytest.raises(LedgerErrors) as caught:
        example.import_entries(f.rows, f.problems)
    assert [p.replace("hours: ", "") for p in caught.value.problems] == [
        "line 22: liu.yang would have 25 h on 2026-03-30; a day holds at most 24 h"]
    assert example.entry_count() == 0


# ---------------------------------------------------------------------------------------
# The kept sums of the dates a large import alone wrote (SQLite)


class _Dirty:
    """An import hook that reads, inside the import's transaction, the dates still dirty
    once the entries are written."""

    def __init__(self) -> None:
        self.dates: list[date] = []

    def before(self, s: Session, project: Project) -> None:
        pass

    def after(self, s: Session, project: Project, written: int) -> None:
        self.dates = sorted(s.scalars(select(DaySumDirty.on)))


def test_a_large_import_stores_the_sums_of_the_dates_it_alone_wrote(
        sqlite_example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates that held no entry: their sums from the rows (model.rules.day_sums), clean at
    once; dates that held some: summed again from the table at the commit. Every stored
    sum is the entries' own (verify recomputes them), overtime included."""
    monkeypatch.setattr(importing, "BATCH", 50)
    monkeypatch.setattr(sqlite_import, "DEFER_AT", 100)  # the trigger set aside
    led = sqlite_example
    led.log("T1", "9", on="2026-03-03", person="zhang.wei")  # held before the import
    led.log("T2", "2", on="2026-03-07", person="chen.jing")  # a Saturday
    people = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
    body = [f"{FIRST + timedelta(days=i % 9)},{people[i % 4]},T{i % 3 + 1},"
            f"{['0.25', '0.5', '1.5'][(i // 36) % 3]},n{i}" for i in range(400)]
    path = tmp_path / "sums.csv"
    path.write_text("date,person,task,hours,note\n" + "\n".join(body) + "\n",
                    encoding="utf-8")
    f = open_entry_file(path)
    dirty = _Dirty()
    assert led.import_entries(f.rows, f.problems, hook=dirty) == 400
    assert dirty.dates == [date(2026, 3, 3), date(2026, 3, 7)]
    with reading(led.engine) as s:
        assert s.scalar(select(func.count()).select_from(DaySumDirty)) == 0
        assert stored_sum_problems(s) == []
        beyond = s.scalars(select(DaySum.minutes).where(DaySum.grade == "")).all()
    assert beyond and all(m > 0 for m in beyond)  # some overtime, stored where there is
    assert led.verify()[1] == []
