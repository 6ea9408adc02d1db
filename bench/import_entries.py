"""A large `sowtrack import entries`: wall time and peak memory of the real command.

    .venv/bin/python bench/import_entries.py [--db URL] [--rows 100000] [--runs 3]

Writes a CSV of --rows valid entries (the example SOW's four vendor people, four
tasks, every day of the SOW, 3 minutes each), then for each run loads the example
SOW into a fresh ledger (a temporary SQLite file unless --db names an empty
PostgreSQL database, which is emptied between runs) and times the console script
`sowtrack import entries` as a child process. Prints each run's wall time and the
child's peak resident memory, and the median time.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

SOW = Path(__file__).resolve().parent.parent / "tests" / "data" / "sow-example.toml"
SOWTRACK = Path(sys.executable).parent / "sowtrack"
PEOPLE, TASKS = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"], ["T1", "T2", "T3", "T4"]
FIRST, DAYS = date(2026, 3, 2), 89


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("date,person,task,hours,note\n")
        for i in range(rows):
            day = FIRST + timedelta(days=(i // 4) % DAYS)
            f.write(f"{day},{PEOPLE[i % 4]},{TASKS[(i // 356) % 4]},0.05,bulk {i}\n")


def empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty PostgreSQL database (default: SQLite files)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "entries.csv"
        write_csv(csv, args.rows)
        for run in range(args.runs):
            url = args.db or f"sqlite:///{tmp}/ledger-{run}.db"
            if args.db:
                empty(url)
            env_cmd = [str(SOWTRACK), "--db", url]
            subprocess.run([*env_cmd, "init", str(SOW)], check=True, capture_output=True)
            t0 = time.perf_counter()
            done = subprocess.run([*env_cmd, "import", "entries", str(csv)],
                                  capture_output=True, text=True)
            took = time.perf_counter() - t0
            if done.returncode != 0:
                sys.exit(done.stderr)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            times.append(took)
            print(f"run {run + 1}: {args.rows:,} rows in {took:.2f} s; "
                  f"peak memory of the largest child so far {peak:.0f} MB")
    print(f"median {statistics.median(times):.2f} s over {len(times)} runs "
          f"({'PostgreSQL' if args.db else 'SQLite'})")


if __name__ == "__main__":
    main()
