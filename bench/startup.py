"""Start-up of `sowtrack log` and `sowtrack report summary --json`: where a run's CPU goes.

    python bench/startup.py [--runs N]

Builds the demo in a fresh temporary SQLite ledger (its today pinned, as the tests pin
it), then, N times each (default 11), runs as whole processes from compiled bytecode:

- `sowtrack log 0.25 T2 "bench" --date D` as chen.jing (a new entry each run, D
  inside the demo's SOW) and `sowtrack report summary --json`: user + system CPU
  seconds (os.wait4) and wall seconds, median [min–max];
- the same two commands split into phases, each measured in its own process with
  ``time.process_time()`` between the imports: Python itself, SQLAlchemy's Core, its
  ORM, sowtrack's mapped classes, their mappers configured, the rest of sowtrack's
  modules (model, storage.services, tui.cli), and the command itself (its arguments
  parsed, the ledger opened, read and written), the garbage collector paused during
  the imports as the program pauses it (tui/collector.py). Medians; the whole
  process also counts the interpreter's start before them and its exit after.

Issue 14 asks for `log` and `report` under 0.4 s; docs/performance.md ("Start-up")
records the results and what the phases say about them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-21"  # the tests' today: the demo is built as of it

PHASES = r"""
import sys, time, io, contextlib, gc
marks = [time.process_time()]
gc.disable()  # as tui.collector.collector_paused does around the first ledger import
import sqlalchemy; marks.append(time.process_time())
import sqlalchemy.orm; marks.append(time.process_time())
import storage.orm; marks.append(time.process_time())
sqlalchemy.orm.configure_mappers(); marks.append(time.process_time())
import storage.services, tui.cli; marks.append(time.process_time())
gc.freeze(); gc.enable()
sys.argv = ["sowtrack", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    rc = tui.cli.main()
marks.append(time.process_time())
if rc:
    raise SystemExit(rc)
print(" ".join(f"{b - a:.4f}" for a, b in zip([0.0, *marks], marks)))
"""

NAMES = ["Python itself", "sqlalchemy (Core)", "sqlalchemy.orm", "sowtrack's mapped classes",
         "their mappers configured", "model, storage.services, tui.cli",
         "the command (arguments, ledger opened, read, written)"]


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(cpu, wall) seconds of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv)}: {err.strip()}")
    return usage.ru_utime + usage.ru_stime, wall


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}–{max(values):.3f}]"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    sowtrack = [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "model", "storage", "exports",
                    "tui"], cwd=root, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SOWTRACK_DB": f"sqlite:///{Path(tmp) / 'demo.db'}",
               "SOWTRACK_TODAY": TODAY, "PYTHONPATH": str(root)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*sowtrack, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        ledger = ["--project", "DEMO-AGENT", "--as", "chen.jing"]
        commands = {
            "log": [*ledger, "log", "0.25", "T2", "bench", "--date", "2026-11-20"],
            "report summary --json": [*ledger, "report", "summary", "--json"],
        }
        print(f"start-up: demo ledger on SQLite, {args.runs} run(s) each, compiled bytecode; "
              "median [min–max] seconds")
        for name, argv in commands.items():
            cpu, wall = zip(*(_run([*sowtrack, *argv], env) for _ in range(args.runs)),
                            strict=True)
            print(f"{name:24s} cpu {_spread(list(cpu))}   wall {_spread(list(wall))}")
        for name, argv in commands.items():
            rows = []
            for _ in range(args.runs):
                done = subprocess.run([sys.executable, "-c", PHASES, *argv], env=env,
                                      capture_output=True, text=True, check=True)
                rows.append([float(x) for x in done.stdout.split()])
            print(f"\n{name}: cpu by phase (medians)")
            for i, phase in enumerate(NAMES):
                print(f"  {statistics.median(r[i] for r in rows):.3f}  {phase}")
            print(f"  {statistics.median(sum(r) for r in rows):.3f}  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
