"""The figures at a vendor's scale: ``report summary`` and ``report burndown`` against a
plain sqlite3 GROUP BY over the same table, whole processes.

    .venv/bin/python bench/figures.py [--entries N] [--db URL] [--keep PATH] [--runs 3]

Builds a deterministic ledger shaped like issue 13's (one 3-year SOW, 400 engineers,
40 tasks, every person-day <= 20 h, some weekend days), bulk-inserting up to N entries
(default 1,000,000; 960,000 fill every person-day) straight into the table. Then runs,
each as a whole process: the reference (python + sqlite3: per-person totals, the
overtime's per-person-day GROUP BY and the daily series over ``time_entry``) and
``sowtrack report summary --json`` / ``report burndown --json``; prints the median wall
and CPU time, peak memory and the ratios to the reference.
With ``--db`` (an EMPTY PostgreSQL database) the sowtrack commands run against it and
the reference against a SQLite copy of the same rows.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE, TASKS, START, END = 400, 40, date(2026, 1, 5), date(2028, 12, 29)
AS_OF = date(2028, 12, 29)

REFERENCE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
per_person = db.execute("SELECT person_id, grade, SUM(minutes) FROM time_entry "
                        "GROUP BY person_id, grade").fetchall()
overtime = db.execute("SELECT SUM(CASE WHEN m > 480 THEN m - 480 ELSE 0 END) FROM "
                      "(SELECT person_id, \\"on\\", SUM(minutes) AS m FROM time_entry "
                      "GROUP BY person_id, \\"on\\")").fetchone()
daily = db.execute("SELECT \\"on\\", SUM(minutes) FROM time_entry GROUP BY \\"on\\"").fetchall()
print(len(per_person), overtime[0], len(daily))
"""


def sow_text() -> str:
    grades = ["junior", "intermediate", "senior", "expert", "senior_expert"]
    out = [f"""[project]
code = "PORTFOLIO"
title = "A vendor's portfolio"
client = "Client"
vendor = "Vendor"
start = {START}
end = {END}
hours_per_day = 8
currency = "CNY"
timezone = "Asia/Shanghai"

[calendar]
holidays = [2026-05-01, 2027-05-03, 2028-05-01]

[rates]
junior = 1200
intermediate = 1800
senior = 2800
expert = 4200
senior_expert = 6000

[budget]
junior = 60000
intermediate = 80000
senior = 90000
expert = 50000
senior_expert = 20000

[[person]]
id = "lead"
name = "Lead"
party = "vendor"
role = "lead"
grade = "senior_expert"
"""]
    for i in range(PEOPLE):
        out.append(f'[[person]]\nid = "e{i:03}"\nname = "E{i:03}"\nparty = "vendor"\n'
                   f'role = "engineer"\ngrade = "{grades[i % len(grades)]}"\n')
    for t in range(TASKS):
        out.append(f'[[task]]\ncode = "T{t + 1}"\ntitle = "Task {t + 1}"\nestimate = 1000\n'
                   f'priority = "medium"\nassignees = []\n')
    return "\n".join(out)


def fill(url: str, n: int) -> None:
    """Create the project and bulk-insert up to ``n`` entries (960,000 fill the 3 years):
    every person-day gets 1 to 5 entries of 60..300 minutes, at most 20 h a day."""
    from sqlalchemy import insert, select

    from storage.orm import Person, Project, Task, TimeEntry
    from storage.services import Ledger
    from storage.sowfile.parse import parse_sow

    led = Ledger.open(url, actor="lead")
    led.init_project(parse_sow(sow_text(), "portfolio.toml"))
    with led.engine.begin() as conn:
        project_id = conn.execute(select(Project.id)).scalar_one()
        people = conn.execute(select(Person.id, Person.grade).where(
            Person.project_id == project_id, Person.key != "lead")
            .order_by(Person.id)).all()
        tasks = conn.execute(select(Task.id).where(Task.project_id == project_id)
                             .order_by(Task.id)).scalars().all()
        days = [START + timedelta(days=i) for i in range((END - START).days + 1)]
        # weekdays, and every 7th Saturday (overtime on a non-working day)
        days = [d for d in days if d.weekday() < 5 or (d.weekday() == 5 and d.day % 7 == 0)]
        batch: list[dict] = []
        i = 0
        for d in days:
            for p, (pid, grade) in enumerate(people):
                for j in range(1 + (p + d.toordinal()) % 5):  # 1..5 entries this person-day
                    if i == n:
                        break
                    batch.append({"project_id": project_id, "person_id": pid,
                                  "task_id": tasks[(p + j) % len(tasks)], "on": d,
                                  "minutes": 60 + 60 * ((p * 7 + j * 3 + d.day) % 5),
                                  "grade": grade, "note": ""})
                    i += 1
                if len(batch) >= 20_000:
                    conn.execute(insert(TimeEntry), batch)
                    batch.clear()
        if batch:
            conn.execute(insert(TimeEntry), batch)
    led.engine.dispose()


def _has_project(url: str) -> bool:
    """Whether ``url`` holds a ledger already (built by an earlier run: reused)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (inspect(conn).has_table("project")
                    and conn.execute(text("SELECT count(*) FROM project")).scalar_one() > 0)
    finally:
        engine.dispose()


def run(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak KB) of one whole process, from /usr/bin/time -v.
    On a shared machine the CPU time (user + system) is the steadier figure."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True,
                       check=True)

    def field(pattern: str) -> str:
        m = re.search(pattern, p.stderr)
        assert m is not None, pattern
        return m.group(1)

    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    assert wall is not None
    secs = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    cpu = float(field(r"User time \(seconds\): ([\d.]+)")) + float(
        field(r"System time \(seconds\): ([\d.]+)"))
    return secs, cpu, int(field(r"Maximum resident set size \(kbytes\): (\d+)"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--db", help="SQLAlchemy URL of an empty database for sowtrack (one "
                    "this script filled before is reused)")
    ap.add_argument("--keep", help="the SQLite file to build (or reuse if it exists)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sqlite_path = Path(args.keep or Path(tempfile.mkdtemp()) / "figures.db")
    if not sqlite_path.exists():
        fill(f"sqlite:///{sqlite_path}", args.entries)
    url = args.db or f"sqlite:///{sqlite_path}"
    if args.db and not _has_project(args.db):
        fill(args.db, args.entries)
    exe = str(Path(sys.executable).parent / "sowtrack")
    work = {
        "reference: sqlite3 GROUP BYs": [sys.executable, "-c", REFERENCE, str(sqlite_path)],
        "report summary --json": [exe, "--db", url, "report", "summary", "--json",
                                  "--as-of", AS_OF.isoformat()],
        "report burndown --json": [exe, "--db", url, "report", "burndown", "--json",
                                   "--as-of", AS_OF.isoformat()],
    }
    ref: tuple[float, float] | None = None
    print(f"{'':<32} {'wall':>7} {'ratio':>6} {'CPU':>7} {'ratio':>6} {'peak':>7}")
    for label, cmd in work.items():
        samples = [run(cmd) for _ in range(args.runs)]
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        peak = max(s[2] for s in samples) // 1024
        ref = ref or (wall, cpu)
        print(f"{label:<32} {wall:6.2f}s {wall / ref[0]:5.1f}x {cpu:6.2f}s {cpu / ref[1]:5.1f}x "
              f"{peak:4} MB")


if __name__ == "__main__":
    main()
