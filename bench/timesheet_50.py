"""Benchmark: a month's timesheet confirmation of a 50-engineer team, built and drawn.

    .venv/bin/python bench/timesheet_50.py [--runs 5] [--keep DIR]

Builds a SOW with 50 vendor engineers of every grade, a lead and a client signatory,
imports one month of entries (8 h per working day each, 1,100 entries) and times
``print_sheet`` + ``render_sheet`` of that month's timesheet; prints the median of the
runs. The requirement is under 2 seconds. Then times ``verify_pdf`` of the print (it
prints the sheet again and compares each page), as written and as re-saved by another
tool (every page's drawing then compared operation by operation).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from exports.render import render_pdf, render_sheet
from model.rules import GRADES, Calendar
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import print_sheet, verify_pdf
from storage.sowfile import EntryRow, parse_sow

ENGINEERS = 50
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def sow_text() -> str:
    lines = ['[project]', 'code = "BENCH-50"', 'title = "Timesheet benchmark, 50 engineers"',
             'client = "Example Mutual Insurance Co."', 'vendor = "Example Cloud AI Services"',
             'start = 2026-03-02', 'end = 2026-06-30', 'hours_per_day = 8',
             'language = "zh"', '', '[rates]']
    lines += [f"{g} = {1200 + 1200 * i}" for i, g in enumerate(GRADES)]
    lines += ['', '[budget]'] + [f"{g} = 1000" for g in GRADES]
    people = [("lead", "项目经理", "lead", "senior_expert"),
              ("client.sign", "甲方代表", "signatory", None)]
    for i in range(ENGINEERS):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[i % 5]
        people.append((f"eng{i:02d}", name, "engineer", GRADES[i % len(GRADES)]))
    for key, name, role, grade in people:
        lines += ['', '[[person]]', f'id = "{key}"', f'name = "{name}"',
                  f'party = "{"client" if key == "client.sign" else "vendor"}"',
                  f'role = "{role}"']
        if grade:
            lines.append(f'grade = "{grade}"')
    lines += ['', '[[task]]', 'code = "T1"', 'title = "Build"', 'estimate = 2000']
    return "\n".join(lines) + "\n"


def month_rows() -> list[EntryRow]:
    cal = Calendar()
    rows = []
    d = FIRST
    while d <= LAST:
        if cal.is_working(d) and d >= date(2026, 3, 2):
            for i in range(ENGINEERS):
                rows.append(EntryRow(len(rows) + 2, d.isoformat(), f"eng{i:02d}", "T1", "8",
                                     "bench"))
        d += timedelta(days=1)
    return rows


def resave(path: Path) -> Path:
    """The PDF as another tool writes it: objects renumbered, content streams rewritten."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream

    reader = PdfReader(str(path))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for page in writer.pages:
        parsed = ContentStream(page.get_contents(), writer)
        rewritten = ContentStream(None, None)
        rewritten.operations = parsed.operations
        stream = ContentStream(None, None)
        stream.set_data(rewritten.get_data())
        page.replace_contents(stream)
    writer.add_metadata(reader.metadata)
    out = path.with_name(path.stem + "-resaved.pdf")
    writer.write(str(out))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="write the PDFs into this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.keep or tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        ledger = Ledger.open(f"sqlite:///{Path(tmp) / 'bench.db'}", actor="lead")
        ledger.init_project(parse_sow(sow_text(), "bench SOW"))
        ledger = Ledger(ledger.engine, "BENCH-50", "lead")
        t0 = time.perf_counter()
        n = ledger.import_entries(month_rows())
        print(f"imported {n} entries in {time.perf_counter() - t0:.2f} s")
        request = SheetRequest("timesheet", FIRST, LAST)
        times = []
        for i in range(args.runs):
            t0 = time.perf_counter()
            sheet = print_sheet(ledger, request)  # its revision recorded, as export does
            built = time.perf_counter()
            path = render_sheet(sheet, "timesheet", out_dir / f"timesheet-{i}.pdf")
            done = time.perf_counter()
            times.append(done - t0)
            print(f"run {i + 1}: build {built - t0:.3f} s + render {done - built:.3f} s "
                  f"= {done - t0:.3f} s")
        for label, pdf in (("as written", path), ("re-saved", resave(path))):
            t0 = time.perf_counter()
            report = verify_pdf(pdf, lambda code: Ledger(ledger.engine, code), render_pdf)
            print(f"verify {label}: {time.perf_counter() - t0:.3f} s "
                  f"({'ok' if report.ok else 'REFUSED: ' + '; '.join(report.problems)})")
        median = statistics.median(times)
        print(f"timesheet of {ENGINEERS} engineers, {FIRST}..{LAST}: median {median:.3f} s "
              f"over {args.runs} runs ({path.stat().st_size // 1024} KiB); "
              f"requirement < 2 s: {'OK' if median < 2 else 'TOO SLOW'}")
        return 0 if median < 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
