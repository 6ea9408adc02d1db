"""bench/portfolio.py's plumbing: whole processes timed, ledgers made fresh, the script run.

    python bench/portfolio_run.py script FILE URL

runs each ``sowtrack ...`` line of FILE (the portfolio's CRs, blockers and sign-offs)
against the ledger at URL, in this one process, stopping at the first refusal.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
SOWTRACK = str(Path(sys.executable).parent / "sowtrack")
#: GNU time, for a child's own peak memory (else wait4's, an upper bound)
TIME = shutil.which("time", path="/usr/bin:/bin")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    output: str  # the child's stdout
    cpu: float = 0.0  # user + system seconds of the process and its children (GNU time)


class Failed(Exception):
    """A measured command did not succeed: its words and the first lines it printed."""


def measure(cmd: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run ``cmd`` as a whole process: wall seconds, its peak resident memory, its stdout.

    The peak is GNU time's %M (the child's ru_maxrss, as wait4 reports it to the small
    `time` process that started it): a child forked from this larger process would carry
    this process's own peak in its ru_maxrss. Stdout and stderr go to ``log`` and
    ``log``.err (files, so no pipe can stall the child)."""
    err, mem = (log.with_name(log.name + suffix) for suffix in (".err", ".mem"))
    timed = [TIME, "-f", "%M %U %S", "-o", str(mem), *cmd] if TIME else cmd
    with log.open("wb") as out, err.open("wb") as errf:
        env = {**env, "SOWTRACK_BENCH_T0": repr(time.time())}
        t0 = time.perf_counter()
        proc = subprocess.Popen(timed, stdout=out, stderr=errf, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        lines = (err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                 or text.strip().splitlines() or ["(nothing printed)"])
        raise Failed(f"{shlex.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}"
                     f": exit {proc.returncode}: {lines[-1]}")
    if TIME:  # its last line: the status line, if any, comes before
        kb, user, system = mem.read_text().split("\n")[-2].split()
        peak, cpu = int(kb) / 1024, float(user) + float(system)
    else:
        peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    mem.unlink(missing_ok=True)
    if not err.stat().st_size:
        err.unlink()
    return Measured(took, peak, text, cpu)


def child_env(out: Path, today: str) -> dict[str, str]:
    """The environment of every command: today pinned, no user config or ledger."""
    # PYTHONDONTWRITEBYTECODE dropped: an installed sowtrack runs from compiled bytecode,
    # and a run that compiled every module of the project each time would time that
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOWTRACK_DB", "SOWTRACK_PROJECT", "SOWTRACK_USER",
                        "PYTHONDONTWRITEBYTECODE")}
    env.update(SOWTRACK_TODAY=today, SOWTRACK_CONFIG=str(out / "no-config.toml"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH.parent),
                                                        env.get("PYTHONPATH")])))
    return env


class Ledgers:
    """Fresh ledgers: a new SQLite file each time, or the one PostgreSQL database named by
    --db, emptied (it must be empty at the start: the benchmark never empties a database
    that held anything else)."""

    def __init__(self, pg_url: str | None, folder: Path):
        self.pg_url, self.folder = pg_url, folder
        if pg_url and self._tables():
            raise Failed(f"--db: the database holds {self._tables()} table(s); name an "
                         "empty database (the benchmark empties it between steps)")
        folder.mkdir()

    def _tables(self) -> int:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.pg_url or "")
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = 'public'")).scalar_one()
        engine.dispose()
        return int(n)

    def fresh(self, name: str) -> str:
        """A new, empty ledger's URL."""
        if self.pg_url:
            self._drop()
            return self.pg_url
        return f"sqlite:///{self.folder / f'{name}.db'}"

    def clear(self) -> None:
        """Every ledger made so far gone (the SQLite files, the PostgreSQL tables)."""
        for f in self.folder.iterdir():
            f.unlink()
        if self.pg_url:
            self._drop()

    def _drop(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.pg_url or "")
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def run_script(path: Path, url: str) -> int:
    from tui.cli import main

    done = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("sowtrack "):
            continue
        rc = main(["--db", url, *shlex.split(line)[1:]])
        if rc != 0:
            print(f"{path.name}: refused: {line}", file=sys.stderr)
            return rc
        done += 1
    print(f"{done} commands run")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "script":
        sys.exit(run_script(Path(sys.argv[2]), sys.argv[3]))
    sys.exit(__doc__)
