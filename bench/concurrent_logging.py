"""Many processes logging at once: wall time, the longest wait, errors, retries.

    .venv/bin/python bench/concurrent_logging.py [--db URL] [--processes 16] [--entries 250]
        [--sqlite-busy-ms MS] [--no-retry]

Loads the example SOW into a fresh ledger (a temporary SQLite file unless --db names
an empty database), starts the processes (spawned interpreters, each with its own
Ledger), lets them go together and has each log --entries entries, one transaction
each, as the vendor lead for one of the four vendor people. Prints the wall time, the
longest single `log`, the errors a user would have seen, how many times sowtrack
backed off and retried, and whether the ledger holds every entry and verifies.

Two knobs for experiments: --sqlite-busy-ms sets SQLite's own wait inside each
BEGIN IMMEDIATE (sowtrack uses 30,000 ms); --no-retry turns sowtrack's back-off
off, so a busy error reaches the user as it did before it existed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from storage.services import Ledger
from storage.sowfile import load_sow

SOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "sow-example.toml"
TEAM = {"zhang.wei": "T1", "chen.jing": "T2", "liu.yang": "T4", "wang.fang": "T3"}


def worker(url: str, code: str, person: str, n: int, busy_ms: int | None, retry: bool,
           start: Any, results: Any) -> None:
    from storage.db import busy, unit

    retries = 0
    backoff = busy._backoff

    def counted(attempt: int) -> float:
        nonlocal retries
        retries += 1
        return backoff(attempt)

    busy._backoff = counted
    if busy_ms is not None:
        busy._SQLITE_BUSY_MS = busy_ms
    if not retry:
        # every busy error goes straight to the user (unit.py asks too, mid-transaction)
        busy.busy_kind = unit.busy_kind = lambda exc: None
    led = Ledger.open(url, code, "zhang.wei")
    errors: list[str] = []
    start.wait()
    longest = 0.0
    for i in range(n):
        t = time.monotonic()
        try:
            led.log(TEAM[person], "0.05", on=date(2026, 3, 2) + timedelta(days=i % 80),
                    person=person)
        except Exception as exc:  # noqa: BLE001 - what a user would have seen
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        longest = max(longest, time.monotonic() - t)
    led.engine.dispose()
    results.put((errors, longest, retries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--entries", type=int, default=250, help="per process")
    parser.add_argument("--sqlite-busy-ms", type=int)
    parser.add_argument("--no-retry", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'ledger.db'}"
        led = Ledger.open(url)
        code = led.init_project(load_sow(SOW)).code
        led.engine.dispose()
        ctx = multiprocessing.get_context("spawn")
        start, results = ctx.Barrier(args.processes + 1), ctx.Queue()
        people = list(TEAM)
        procs = [ctx.Process(target=worker, args=(
            url, code, people[i % len(people)], args.entries, args.sqlite_busy_ms,
            not args.no_retry, start, results)) for i in range(args.processes)]
        for p in procs:
            p.start()
        start.wait()
        t0 = time.monotonic()
        reports = [results.get() for _ in procs]
        wall = time.monotonic() - t0
        for p in procs:
            p.join()
        errors = [e for r in reports for e in r[0]]
        print(f"{args.processes} x {args.entries} entries: wall {wall:.1f} s, longest log "
              f"{max(r[1] for r in reports):.2f} s, {len(errors)} errors, "
              f"{sum(r[2] for r in reports)} retries")
        for text, n in Counter(errors).most_common(3):
            print(f"  {n} x {text}")
        led = Ledger.open(url, code, "zhang.wei")
        count, problems = led.verify()
        print(f"ledger: {led.entry_count()} entries, {count} audit rows, "
              f"{'verified' if not problems else problems[0]}")
        led.engine.dispose()


if __name__ == "__main__":
    main()
