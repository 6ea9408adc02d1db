"""The physical limit: the portfolio's figures from a plain sqlite3 script.

    python bench/portfolio_reference.py load ENTRIES.csv DB
    python bench/portfolio_reference.py report SOW.toml DB OUT.json

Standard library only (sqlite3, csv, tomllib), one table with one index. ``load`` reads
the CSV into it in one transaction (hours to whole minutes, exactly); ``report`` computes
with two aggregate queries what sowtrack's summary and burn-down derive from the
entries: consumed PD per grade and in total (per-person totals, each person charged at
their SOW grade), overtime (per person-day: all of a non-working day, the minutes past
``hours_per_day`` on a working day) and the daily series of consumed PD, and writes them
as JSON, PD rounded half to even to 3 decimals as sowtrack prints them. bench/portfolio.py
times each command as a whole process and checks sowtrack's numbers against these.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import tomllib
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

SCHEMA = ("CREATE TABLE entry (on_date TEXT NOT NULL, person TEXT NOT NULL, "
          "task TEXT NOT NULL, minutes INTEGER NOT NULL, note TEXT NOT NULL)")
INDEX = "CREATE INDEX entry_day_person ON entry (on_date, person, minutes)"


def minutes_of(hours: str, known: dict[str, int] = {}) -> int:  # noqa: B006 - a cache
    m = known.get(hours)
    if m is None:
        exact = Decimal(hours) * 60
        if exact <= 0 or exact != exact.to_integral_value():
            raise ValueError(f"hours: {hours!r} is not a whole number of minutes")
        m = known[hours] = int(exact)
    return m


def load(csv_path: str, db: str) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    with open(csv_path, encoding="utf-8-sig", newline="") as f, conn:
        rows = csv.reader(f)
        if [h.strip().lower() for h in next(rows)] != ["date", "person", "task", "hours",
                                                        "note"]:
            raise SystemExit(f"{csv_path}: not an entries file")
        conn.execute(SCHEMA)
        conn.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?)",
                         ((d, p, t, minutes_of(h), n) for d, p, t, h, n in rows))
        conn.execute(INDEX)
    n = conn.execute("SELECT count(*) FROM entry").fetchone()[0]
    conn.close()
    return n


def pd(minutes: int, per_day: int) -> str:
    exact = Fraction(minutes, per_day)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN))


def report(sow_path: str, db: str, out: str) -> None:
    sow = tomllib.loads(Path(sow_path).read_text(encoding="utf-8"))
    project, cal = sow["project"], sow.get("calendar", {})
    per_day = round(Decimal(str(project.get("hours_per_day", 8))) * 60)
    start, end = _date(project["start"]), _date(project["end"])
    holidays = {_date(d) for d in cal.get("holidays", [])}
    workdays = {_date(d) for d in cal.get("workdays", [])}
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if d in workdays or (d not in holidays and d.weekday() < 5)]
    off = sorted(set(days) - set(working))
    grade = {p["id"]: p.get("grade") for p in sow.get("person", [])}
    conn = sqlite3.connect(db)
    marks = ",".join("?" * len(off))
    # per person-day in the index's order, then per person: totals and overtime
    totals = conn.execute(
        f"SELECT person, sum(m), sum(CASE WHEN on_date IN ({marks}) THEN m "
        f"ELSE max(m - ?, 0) END) FROM (SELECT on_date, person, sum(minutes) AS m "
        f"FROM entry GROUP BY on_date, person) GROUP BY person",
        [d.isoformat() for d in off] + [per_day]).fetchall()
    per_person = {person: m for person, m, _ in totals}
    overtime = sum(o for _, _, o in totals)
    daily = dict(conn.execute("SELECT on_date, sum(minutes) FROM entry GROUP BY on_date"))
    conn.close()
    by_grade: dict[str, int] = {}
    for person, m in per_person.items():
        by_grade[grade[person]] = by_grade.get(grade[person], 0) + m
    series, running, work = {}, 0, set(working)
    for d in days:  # the burn-down's consumed: everything dated on or before each working day
        running += daily.get(d.isoformat(), 0)
        if d in work:
            series[d.isoformat()] = pd(running, per_day)
    Path(out).write_text(json.dumps({
        "entries_minutes": sum(per_person.values()), "people": len(per_person),
        "consumed_pd": pd(sum(per_person.values()), per_day),
        "overtime_pd": pd(overtime, per_day),
        "by_grade": {g: pd(m, per_day) for g, m in sorted(by_grade.items())},
        "series": series}, indent=1), encoding="utf-8")


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def main(argv: list[str]) -> int:
    if argv[:1] == ["load"] and len(argv) == 3:
        load(argv[1], argv[2])
        return 0
    if argv[:1] == ["report"] and len(argv) == 4:
        report(argv[1], argv[2], argv[3])
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
