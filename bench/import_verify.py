"""`sowtrack import entries` then `sowtrack verify` at a vendor's scale, against a plain
sqlite3 load of the same CSV: wall time and peak memory of each whole process.

    .venv/bin/python bench/import_verify.py [--rows 1000000] [--people 400] [--db URL]

Writes a SOW of --people vendor engineers and 40 tasks over three years (ending before
today) and a CSV of --rows valid entries (each person-day holds a few 2 h entries), then
runs, each under ``/usr/bin/time -v``: the reference (a plain sqlite3 script loading the
CSV into one indexed table), ``sowtrack init``, ``sowtrack import entries`` and ``sowtrack
verify`` (SQLite unless --db names an empty PostgreSQL database, emptied first). Prints
each figure with its ratio to the reference load.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

SOWTRACK = Path(sys.executable).parent / "sowtrack"
START, END = date(2023, 11, 6), date(2026, 10, 30)
GRADES = ("junior", "intermediate", "senior", "expert", "senior_expert")

REFERENCE = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, on_ TEXT, person TEXT, task TEXT,"
            " minutes INTEGER, note TEXT)")
con.execute("CREATE INDEX e_person_on ON e (person, on_)")
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    con.executemany("INSERT INTO e (on_, person, task, minutes, note) VALUES (?,?,?,?,?)",
                    ((d, p, t, round(float(h) * 60), n) for d, p, t, h, n in rows))
con.commit()
"""


def person(i: int) -> str:
    return f"eng{i:04d}"


def write_sow(path: Path, people: int, tasks: int = 40) -> None:
    out = ['[project]', 'code = "VENDOR-SCALE"', 'title = "A vendor at scale"',
           'client = "Client Co."', 'vendor = "Vendor Co."', f'start = {START}',
           f'end = {END}', 'hours_per_day = 8', 'currency = "CNY"',
           'timezone = "Asia/Shanghai"', 'language = "en"', '', '[rates]']
    out += [f"{g} = {1000 + 500 * i}" for i, g in enumerate(GRADES)]
    out += ["", "[budget]"] + [f"{g} = 100000" for g in GRADES]
    for i in range(people):
        out += ["", "[[person]]", f'id = "{person(i)}"', f'name = "Engineer {i}"',
                'party = "vendor"', 'role = "engineer"', f'grade = "{GRADES[i % 5]}"']
    out += ["", "[[person]]", 'id = "client.sig"', 'name = "Client Signatory"',
            'party = "client"', 'role = "signatory"']
    for t in range(tasks):
        out += ["", "[[task]]", f'code = "T{t + 1}"', f'title = "Task {t + 1}"',
                'estimate = 1000']
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: int, people: int, tasks: int = 40) -> None:
    days = (END - START).days + 1
    with path.open("w", encoding="utf-8") as f:
        f.write("date,person,task,hours,note\n")
        for i in range(rows):
            day = START + timedelta(days=(i // people) % days)
            f.write(f"{day},{person(i % people)},T{(i // 7) % tasks + 1},2,bulk {i}\n")


def timed(label: str, cmd: list[str], env: dict[str, str] | None = None,
          cwd: str | None = None) -> tuple[float, float]:
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True,
                          env=env, cwd=cwd)
    if done.returncode != 0:
        sys.exit(f"{label} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss
    h, m, sec = wall.groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(sec), int(rss.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--db", help="an empty PostgreSQL database (default: a SQLite file)")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--code", help="run sowtrack from this source tree (e.g. an export "
                                       "of an earlier commit: a before/after comparison)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sow, csv = Path(tmp) / "sow.toml", Path(tmp) / "entries.csv"
        write_sow(sow, args.people)
        write_csv(csv, args.rows, args.people)
        ref_script = Path(tmp) / "reference.py"
        ref_script.write_text(REFERENCE, encoding="utf-8")
        ref = timed("reference", [sys.executable, str(ref_script), f"{tmp}/ref.db", str(csv)])
        print(f"reference sqlite3 load   {ref[0]:7.2f} s  {ref[1]:6.0f} MB")
        url = args.db or f"sqlite:///{tmp}/ledger.db"
        if args.db:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        sowtrack, env, cwd = [str(SOWTRACK)], None, None
        if args.code:  # run from there: `python -c` puts the working folder first
            cwd = str(Path(args.code).resolve())
            sowtrack = [sys.executable, "-c", "import sys; from tui.cli import main; "
                                              "sys.exit(main())"]
            env = {**os.environ, "PYTHONPATH": str(Path(args.code).resolve())}
        timed("init", [*sowtrack, "--db", url, "init", str(sow)], env, cwd)
        steps = [("import entries", ["import", "entries", str(csv)])]
        if not args.skip_verify:
            steps.append(("verify", ["verify"]))
        for label, cmd in steps:
            wall, rss = timed(label, [*sowtrack, "--db", url, *cmd], env, cwd)
            print(f"{label:<24} {wall:7.2f} s  {rss:6.0f} MB  {wall / ref[0]:5.1f}x the "
                  f"reference load ({'PostgreSQL' if args.db else 'SQLite'}, "
                  f"{args.rows:,} rows)")


if __name__ == "__main__":
    main()
