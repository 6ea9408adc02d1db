"""A vendor's portfolio ledger, measured against a plain sqlite3 reference (issue 13).

    .venv/bin/python bench/portfolio.py [--entries 1000000] [--runs 3] [--db URL] [--out DIR]

Generates the input deterministically (bench/portfolio_data.py: one 3-year SOW with 400
engineers and 40 tasks, an entries CSV of about --entries rows with no person-day over
20 h, a script of sowtrack commands for the CRs, blockers and signed periods), then for
each run times, as whole processes and side by side: the reference
(bench/portfolio_reference.py: load the CSV into one indexed table; per-person totals,
overtime, daily series) and sowtrack (`import entries` into a fresh ledger, then the
script, untimed; `report summary --json`; `report burndown --json`; `verify`; the
dashboard's figures painted, bench/dashboard_paint.py; a month's timesheet PDF for 50
engineers, bench/timesheet_50.py's ledger; 16 concurrent loggers,
bench/concurrent_logging.py). Prints each figure's median and range over the runs, its
ratio to the reference in the same run, its peak memory and the issue's target, and
checks that sowtrack's summary and burn-down give the reference's numbers.

--db names an EMPTY PostgreSQL database for sowtrack's ledgers (emptied between steps);
the reference stays on SQLite. --out names a new or empty directory for the inputs,
outputs and results (default: a fresh temporary one); nothing else is written.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import portfolio_data as data  # noqa: E402
from portfolio_run import (  # noqa: E402
    BENCH,
    PYTHON,
    SOWTRACK,
    Failed,
    Ledgers,
    Measured,
    child_env,
    measure,
)

# (key, label, compared with, target as text, target check on (median, ratio, peak))
ROWS = [
    ("ref_load", "reference: load the CSV", None, "", None),
    ("ref_report", "reference: totals + overtime + series", None, "", None),
    ("import", "sowtrack import entries", "ref_load", "≤ 3× the load, ≤ 300 MB",
     lambda t, r, m: r <= 3 and m <= 300),
    ("summary", "sowtrack report summary --json", "ref_report", "≤ 2× the report",
     lambda t, r, m: r <= 2),
    ("burndown", "sowtrack report burndown --json", "ref_report", "≤ 2× the report",
     lambda t, r, m: r <= 2),
    ("verify", "sowtrack verify", "ref_load", "≤ 5× the load, ≤ 300 MB",
     lambda t, r, m: r <= 5 and m <= 300),
    ("dashboard", "dashboard figures painted", "ref_report", "≤ 1.5 s from process start",
     lambda t, r, m: t <= 1.5),
    ("timesheet", "timesheet PDF, 50 engineers, 1 month", None, "≤ 2 s",
     lambda t, r, m: t <= 2),
]
MONTH = ("2026-03-01", "2026-03-31")


def one_run(n: int, inputs: dict[str, Path], ledgers: Ledgers, env: dict[str, str],
            args: argparse.Namespace, out: Path) -> tuple[dict[str, Measured], dict]:
    """Every measure of one run, and what was compared."""
    from storage.services import Ledger
    from storage.sowfile import load_sow, parse_sow

    got: dict[str, Measured] = {}
    tag = f"run{n}"
    ref_db = out / "ledgers" / f"reference-{tag}.db"
    ref_json = out / f"reference-{tag}.json"
    got["ref_load"] = measure([PYTHON, str(BENCH / "portfolio_reference.py"), "load",
                               str(inputs["csv"]), str(ref_db)], env, out / f"ref-load-{tag}.log")
    got["ref_report"] = measure([PYTHON, str(BENCH / "portfolio_reference.py"), "report",
                                 str(inputs["sow"]), str(ref_db), str(ref_json)], env,
                                out / f"ref-report-{tag}.log")
    url = ledgers.fresh(f"portfolio-{tag}")
    led = Ledger.open(url)
    led.init_project(load_sow(inputs["sow"]))
    led.engine.dispose()
    cli = [SOWTRACK, "--db", url, "--project", data.CODE]
    got["import"] = measure([*cli, "--as", data.LEAD, "import", "entries", str(inputs["csv"])],
                            env, out / f"import-{tag}.log")
    t0 = time.perf_counter()
    measure([PYTHON, str(BENCH / "portfolio_run.py"), "script", str(inputs["script"]), url],
            env, out / f"script-{tag}.log")
    script_s = time.perf_counter() - t0
    got["summary"] = measure([*cli, "report", "summary", "--json"], env,
                             out / f"summary-{tag}.json")
    got["burndown"] = measure([*cli, "report", "burndown", "--json"], env,
                              out / f"burndown-{tag}.json")
    got["verify"] = measure([*cli, "verify"], env, out / f"verify-{tag}.log")
    paint = measure([PYTHON, str(BENCH / "dashboard_paint.py"), *cli[1:]], env,
                    out / f"dashboard-{tag}.log")
    painted = re.search(r"painted ([0-9.]+)", paint.output)
    got["dashboard"] = Measured(float(painted.group(1)) if painted else paint.seconds,
                                paint.peak_mb, paint.output, paint.cpu)
    compared = compare(json.loads(ref_json.read_text(encoding="utf-8")),
                       got["summary"].output, got["burndown"].output)
    # a month's timesheet of 50 engineers, in a ledger of its own
    import timesheet_50 as ts

    url = ledgers.fresh(f"timesheet-{tag}")
    led = Ledger.open(url, actor="lead")
    led.init_project(parse_sow(ts.sow_text(), "bench SOW"))
    Ledger(led.engine, "BENCH-50", "lead").import_entries(ts.month_rows())
    led.engine.dispose()
    got["timesheet"] = measure(
        [SOWTRACK, "--db", url, "--project", "BENCH-50", "--as", "lead", "export",
         "timesheet", "--from", MONTH[0], "--to", MONTH[1],
         "--out", str(out / f"timesheet-{tag}.pdf")], env, out / f"timesheet-{tag}.log")
    url = ledgers.fresh(f"loggers-{tag}")
    logged = measure([PYTHON, str(BENCH / "concurrent_logging.py"), "--processes",
                      str(args.loggers), "--entries", str(args.logger_entries),
                      *(["--db", url] if args.db else [])], env, out / f"loggers-{tag}.log")
    got["loggers"] = logged
    ledgers.clear()
    return got, {**compared, "script_s": script_s, "loggers": loggers_of(logged.output, args)}


def loggers_of(text: str, args: argparse.Namespace) -> dict:
    """entries/s, and whether the ledger holds every entry and verifies."""
    wall = re.search(r"wall ([0-9.]+) s", text)
    held = re.search(r"ledger: (\d+) entries", text)
    want = args.loggers * args.logger_entries
    rate = want / float(wall.group(1)) if wall and float(wall.group(1)) > 0 else 0.0
    lost = want - int(held.group(1)) if held else want
    return {"rate": rate, "lost": lost, "verified": "verified" in text,
            "errors": re.search(r"(\d+) errors", text).group(1) if "errors" in text else "?"}


def compare(ref: dict, summary_text: str, burndown_text: str) -> dict:
    """The reference's numbers against sowtrack's: a list of disagreements (none: [])."""
    summary = json.loads(summary_text, parse_float=Decimal)
    series = json.loads(burndown_text, parse_float=Decimal)["series"]
    bad = []
    for what, mine, theirs in (
            [("consumed_pd", ref["consumed_pd"], summary["consumed_pd"]),
             ("overtime_pd", ref["overtime_pd"], summary["overtime_pd"])]
            + [(f"consumed_pd of {g}", ref["by_grade"].get(g, "0"), v["consumed_pd"])
               for g, v in summary["by_grade"].items()]):
        if Decimal(mine) != Decimal(str(theirs)):
            bad.append(f"{what}: reference {mine}, sowtrack {theirs}")
    days = 0
    for row in series:
        want = ref["series"].get(row["date"])
        if want is not None:
            days += 1
            if Decimal(want) != Decimal(str(row["consumed_pd"])):
                bad.append(f"burn-down {row['date']}: reference {want}, "
                           f"sowtrack {row['consumed_pd']}")
    grades = len(summary["by_grade"])
    return {"bad": bad, "days": days, "grades": grades, "consumed_pd": ref["consumed_pd"]}


def spread(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:{fmt}}"
    return f"{med:{fmt}} [{min(values):{fmt}}–{max(values):{fmt}}]"


def report(runs: list[dict[str, Measured]], extra: list[dict], args: argparse.Namespace,
           gen: data.Generated, script_n: int, gen_s: float, out: Path) -> list[str]:
    backend = "PostgreSQL" if args.db else "SQLite"
    lines = [f"portfolio: {gen.entries:,} entries, {gen.person_days:,} person-days, "
             f"{sum(data.HEADCOUNT.values())} engineers, {data.TASKS} tasks, {script_n} "
             f"commands (CRs, blockers, signed periods); sowtrack on {backend}; "
             f"{len(runs)} run(s); median [range]; cpu: user + system seconds",
             f"inputs generated in {gen_s:.1f} s into {out}",
             f"{'work':<40} {'seconds':<22} {'cpu':>6} {'peak MB':>8}  "
             f"{'ratio to the reference':<28} target"]
    for key, label, base, target, check in ROWS:
        secs = [r[key].seconds for r in runs]
        peak = max(r[key].peak_mb for r in runs)
        ratio, verdict = "—", ""
        if base:
            ratios = [r[key].seconds / r[base].seconds for r in runs]
            ratio = spread(ratios, ".1f") + "× " + ("the load" if base == "ref_load"
                                                     else "the report")
        if check:
            med_ratio = statistics.median(
                [r[key].seconds / r[base].seconds for r in runs]) if base else 0
            verdict = " (met)" if check(statistics.median(secs), med_ratio, peak) else " (missed)"
        cpu = statistics.median(r[key].cpu for r in runs)
        lines.append(f"{label:<40} {spread(secs, '.2f'):<22} {cpu:6.1f} {peak:8.0f}  "
                     f"{ratio:<28} {target}{verdict}")
    rates = [e["loggers"]["rate"] for e in extra]
    lost = sum(e["loggers"]["lost"] for e in extra)
    ok = all(e["loggers"]["verified"] for e in extra)
    peak = max(r["loggers"].peak_mb for r in runs)
    held = ("nothing lost" if lost == 0 else f"{lost} LOST") + (
        ", verified" if ok else ", NOT VERIFIED")
    lines.append(f"{f'{args.loggers} concurrent loggers, entries/s':<40} "
                 f"{spread(rates, '.0f'):<22} "
                 f"{statistics.median(r['loggers'].cpu for r in runs):6.1f} {peak:8.0f}  "
                 f"{held:<28} "
                 f"≥ 200 entries/s on SQLite"
                 + ((" (met)" if statistics.median(rates) >= 200 and lost == 0 else " (missed)")
                    if not args.db else ""))
    bad = [b for e in extra for b in e["bad"]]
    if bad:
        lines += [f"totals DISAGREE: {b}" for b in dict.fromkeys(bad)]
    else:
        e = extra[0]
        lines.append(f"totals: sowtrack and the reference agree in every run (consumed "
                     f"{e['consumed_pd']} PD, overtime, {e['grades']} grades, "
                     f"{e['days']} burn-down days)")
    lines.append(f"untimed: the script of {script_n} commands took "
                 f"{spread([e['script_s'] for e in extra], '.1f')} s")
    return lines


def write_results(out: Path, lines: list[str], runs: list[dict[str, Measured]],
                  extra: list[dict], gen: data.Generated, args: argparse.Namespace) -> None:
    (out / "results.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps({
        "entries": gen.entries, "backend": "postgresql" if args.db else "sqlite",
        "runs": [{k: {"seconds": m.seconds, "cpu": m.cpu, "peak_mb": m.peak_mb}
                  for k, m in r.items()} for r in runs], "checks": extra}, indent=1),
        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=1_000_000, help="about this many rows")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", help="an EMPTY PostgreSQL database for sowtrack's ledgers")
    ap.add_argument("--out", help="a new or empty directory (default: a fresh temporary one)")
    ap.add_argument("--loggers", type=int, default=16, help="concurrent logging processes")
    ap.add_argument("--logger-entries", type=int, default=250, help="entries per logger")
    args = ap.parse_args(argv)
    if args.entries < 1 or args.runs < 1 or args.loggers < 1 or args.logger_entries < 1:
        ap.error("--entries, --runs, --loggers and --logger-entries must be at least 1")
    if args.out:
        out = Path(args.out)
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            print(f"error: --out: {out} exists and is not an empty directory", file=sys.stderr)
            return 1
        out.mkdir(parents=True, exist_ok=True)
    else:
        out = Path(tempfile.mkdtemp(prefix="sowtrack-portfolio-"))
    t0 = time.perf_counter()
    inputs = {"sow": out / "portfolio-sow.toml", "csv": out / "portfolio-entries.csv",
              "script": out / "portfolio-commands.sh"}
    inputs["sow"].write_text(data.sow_text(), encoding="utf-8")
    gen = data.write_entries(inputs["csv"], args.entries)
    script_n = data.write_script(inputs["script"])
    gen_s = time.perf_counter() - t0
    env = child_env(out, data.TODAY.isoformat())
    for package in ("model", "storage", "exports", "tui"):  # as an install leaves them
        compileall.compile_dir(BENCH.parent / package, quiet=1)
    os.environ["SOWTRACK_TODAY"] = data.TODAY.isoformat()  # the in-process setup too
    runs, extra, lines = [], [], []
    try:
        ledgers = Ledgers(args.db, out / "ledgers")
        for n in range(1, args.runs + 1):
            print(f"run {n} of {args.runs} ...", file=sys.stderr, flush=True)
            got, more = one_run(n, inputs, ledgers, env, args, out)
            runs.append(got)
            extra.append(more)
            lines = report(runs, extra, args, gen, script_n, gen_s, out)
            write_results(out, lines, runs, extra, gen, args)  # each run's, as it ends
    except Failed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 1 if any(e["bad"] for e in extra) else 0


if __name__ == "__main__":
    sys.exit(main())
