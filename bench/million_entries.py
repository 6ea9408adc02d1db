"""How the TUI's reads scale: a ledger with a million time entries.

    .venv/bin/python bench/million_entries.py [--entries N] [--db URL]

Loads the example SOW, bulk-inserts N entries (default 1,000,000) straight into
the table (the point is reading, not the audit chain), then times the reads the
TUI makes: the journal's first page and a page deep in the ledger (keyset paging),
the entry count, the dashboard's summary and burn-down. Prints one line per
measurement (median of 5 runs, in milliseconds).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from storage.orm import Person, Project, Task, TimeEntry
from storage.services import Ledger
from storage.sowfile import load_sow

SOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "sow-example.toml"


def fill(led: Ledger, n: int) -> None:
    with led.engine.begin() as conn:
        project_id = conn.execute(select(Project.id)).scalar_one()
        people = conn.execute(select(Person.id, Person.grade).where(
            Person.project_id == project_id, Person.grade.is_not(None))).all()
        tasks = conn.execute(select(Task.id).where(Task.project_id == project_id)).scalars().all()
        start, days = date(2026, 3, 2), 89
        batch = []
        for i in range(n):
            pid, grade = people[i % len(people)]
            batch.append({"project_id": project_id, "person_id": pid,
                          "task_id": tasks[i % len(tasks)],
                          "on": start + timedelta(days=(i // len(people)) % days),
                          "minutes": 1, "grade": grade, "note": f"bench {i}"})
            if len(batch) == 20_000:
                conn.execute(insert(TimeEntry), batch)
                batch.clear()
        if batch:
            conn.execute(insert(TimeEntry), batch)


def timed(label: str, fn, runs: int = 5) -> None:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<42} {statistics.median(samples):9.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--db", help="SQLAlchemy URL of an EMPTY database (default: a temp SQLite)")
    args = ap.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    led = Ledger.open(url, actor="zhang.wei")
    led = led.for_project(led.init_project(load_sow(SOW)).code)
    t0 = time.perf_counter()
    fill(led, args.entries)
    print(f"{'insert ' + format(args.entries, ',') + ' entries':<42} "
          f"{(time.perf_counter() - t0) * 1000:9.1f} ms (once)")
    middle = led.entries_after(None, 1)[0]
    deep = (middle.on + timedelta(days=44), 0)
    timed("journal: first page of 200 (keyset)", lambda: led.entries_after(None, 200))
    timed("journal: a page of 200 half-way (keyset)", lambda: led.entries_after(deep, 200))
    timed("journal: entry count", led.entry_count)
    # Cold: a new Ledger each run, so the figures are read from the entries.
    timed("dashboard: summary (cold)", lambda: Ledger(led.engine, led.project_code)
          .summary(date(2026, 5, 29)), runs=3)
    timed("dashboard: burn-down (cold)", lambda: Ledger(led.engine, led.project_code)
          .burndown(date(2026, 5, 29)), runs=3)
    # Warm: the same Ledger (as the app keeps it), the ledger unchanged since.
    led.summary(date(2026, 5, 29))
    timed("dashboard: summary (ledger unchanged)", lambda: led.summary(date(2026, 5, 29)))
    timed("dashboard: burn-down (ledger unchanged)", lambda: led.burndown(date(2026, 5, 29)))
    # Any change (here a blocker; the filled days are past 24 h, so no entry fits) is a
    # new audit row: the figures are read again.
    timed("dashboard: summary after a change", lambda: (
        led.add_blocker("bench", "client", on="2026-05-28"),
        led.summary(date(2026, 5, 29))), runs=3)


if __name__ == "__main__":
    main()
