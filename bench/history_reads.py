"""How the History reads scale: a ledger with N audit rows (default 1,000,000).

    .venv/bin/python bench/history_reads.py [--rows N]

Loads the example SOW into a SQLite file, appends N audit rows (imported entries, a
valid chain) in one transaction, then times the reads the History view and
``sowtrack history`` make: the newest page, a page half-way down (keyset paging on
the row id), one record's rows and one person's rows (filters without an index of
their own: a scan of the log inside the database). Prints one line per read: median
CPU milliseconds of 3 runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from storage.audit import AuditWriter
from storage.db import writing
from storage.records.kinds import entry_json
from storage.services import Ledger
from storage.sowfile import load_sow

SOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "sow-example.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    n = parser.parse_args().rows
    path = Path(tempfile.mkdtemp(prefix="sowtrack-history-")) / "history.db"
    led = Ledger.open(f"sqlite:///{path}")
    code = led.init_project(load_sow(SOW)).code
    led = led.for_project(code)
    started = time.process_time()
    with writing(led.engine) as s:
        AuditWriter(s, code, "chen.jing").append("import", "entry", (
            (str(i), None, entry_json(i, "2026-03-09", "chen.jing", "T2", 1, "expert", "n"))
            for i in range(1, n + 1)))
    print(f"{n:,} audit rows appended in {time.process_time() - started:.1f} CPU s")

    def timed(label: str, read: Callable[[], list]) -> None:
        runs, rows = [], 0
        for _ in range(3):
            t = time.process_time()
            rows = len(read())
            runs.append(time.process_time() - t)
        print(f"{label:<32} {statistics.median(runs) * 1000:6.0f} ms CPU  ({rows} rows)")

    timed("newest page (200 rows)", lambda: led.history())
    timed("a page half-way down", lambda: led.history(before=n // 2))
    timed("one record: --record entry:13", lambda: led.history("entry:13"))
    timed("one person: --person li.na", lambda: led.history(person="li.na"))


if __name__ == "__main__":
    main()
