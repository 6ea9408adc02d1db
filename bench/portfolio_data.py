"""The portfolio ledger's input, generated deterministically (bench/portfolio.py).

One 3-year SOW (2024-01-01..2026-12-31, 8-hour days, an explicit calendar) with 400
engineers over the five default grades, a lead, a vendor and a client signatory and 40
tasks; an entries CSV of about N rows (1,000,000 by default) in which no person-day
holds more than 20 h; and a short script of sowtrack commands: change requests (three
effective, one pending), blockers (four resolved, one open) and five signed half-year
periods. The same N gives the same bytes on every machine (``random.Random`` with a
fixed seed, ``random()`` and ``sample()`` only). Standard library only: the reference
reads the same SOW with ``tomllib``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

CODE = "PORTFOLIO-3Y"
START, END = date(2024, 1, 1), date(2026, 12, 31)
TODAY = date(2027, 1, 15)  # SOWTRACK_TODAY of every command: the SOW is over
HOURS_PER_DAY = 8
GRADES = ("junior", "intermediate", "senior", "expert", "senior_expert")
HEADCOUNT = {"junior": 80, "intermediate": 120, "senior": 120, "expert": 60,
             "senior_expert": 20}
RATES = {"junior": 1200, "intermediate": 1800, "senior": 2800, "expert": 4200,
         "senior_expert": 6000}
BUDGET = {"junior": 60000, "intermediate": 95000, "senior": 95000, "expert": 48000,
          "senior_expert": 16000}
TASKS = 40
LEAD, VENDOR_SIGN, CLIENT_SIGN = "lead.zhang", "vendor.sign", "client.sign"
#: weekdays off and weekend days worked (调休), as a Chinese calendar has them
HOLIDAYS = [date(y, m, d) for y in (2024, 2025, 2026) for m, d in (
    (1, 1), (2, 12), (2, 13), (2, 14), (2, 15), (4, 4), (5, 1), (5, 2), (5, 3), (6, 10),
    (9, 17), (10, 1), (10, 2), (10, 3), (10, 4), (10, 7))
    if date(y, m, d).weekday() < 5]
WORKDAYS = [date(2024, 2, 4), date(2024, 9, 29), date(2025, 1, 26), date(2025, 9, 28),
            date(2026, 2, 14), date(2026, 9, 27)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
NOTES = ("build", "review", "test", "联调", "docs", "fix", "")
MEAN_ENTRIES = 3.2  # entries per person-day at the default size: ~313,000 person-days
MAX_QUARTERS = 80  # 20 h: the most a person-day holds


@dataclass(frozen=True)
class Engineer:
    key: str
    name: str
    grade: str
    first: date
    last: date
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    entries: int
    person_days: int
    minutes: int


def working(day: date, holidays: frozenset[date] = frozenset(HOLIDAYS),
            workdays: frozenset[date] = frozenset(WORKDAYS)) -> bool:
    return day in workdays or (day not in holidays and day.weekday() < 5)


def engineers() -> list[Engineer]:
    """The 400 engineers: a few join late or leave early; each works on 2 or 3 tasks."""
    out, n = [], 0
    for grade in GRADES:
        for _ in range(HEADCOUNT[grade]):
            first = START + timedelta(days=30 + n * 7 % 400) if n % 10 == 3 else START
            last = END - timedelta(days=40 + n * 11 % 300) if n % 10 == 7 else END
            tasks = tuple(f"T{(n * step + 1) % TASKS + 1:02d}"
                          for step in (1, 7, 13)[:2 + n % 2])
            name = SURNAMES[n % 20] + GIVEN[n * 7 % len(GIVEN)] + GIVEN[n // 20 % len(GIVEN)]
            out.append(Engineer(f"e{n + 1:03d}", name, grade, first, last, tasks))
            n += 1
    return out


def sow_text() -> str:
    def dates(ds: list[date]) -> str:
        return ", ".join(d.isoformat() for d in ds)

    lines = ["[project]", f'code = "{CODE}"',
             'title = "Claims platform, three years of managed engineering"',
             'client = "Example Mutual Insurance Co."', 'vendor = "Example Cloud AI Services"',
             f"start = {START}", f"end = {END}", f"hours_per_day = {HOURS_PER_DAY}", "",
             "[calendar]", f"holidays = [{dates(HOLIDAYS)}]", f"workdays = [{dates(WORKDAYS)}]",
             "", "[rates]", *(f"{g} = {r}" for g, r in RATES.items()),
             "", "[budget]", *(f"{g} = {b}" for g, b in BUDGET.items())]
    people = [(LEAD, "张总", "vendor", "lead", "senior_expert", None, None),
              (VENDOR_SIGN, "赵敏", "vendor", "signatory", None, None, None),
              (CLIENT_SIGN, "李娜", "client", "signatory", None, None, None)]
    people += [(e.key, e.name, "vendor", "engineer", e.grade,
                e.first if e.first != START else None, e.last if e.last != END else None)
               for e in engineers()]
    for key, name, party, role, grade, first, last in people:
        lines += ["", "[[person]]", f'id = "{key}"', f'name = "{name}"', f'party = "{party}"',
                  f'role = "{role}"']
        lines += [f'grade = "{grade}"'] if grade else []
        lines += [f"from = {first}"] if first else []
        lines += [f"leave = {last}"] if last else []
    for t in range(1, TASKS + 1):
        lines += ["", "[[task]]", f'code = "T{t:02d}"', f'title = "Work package {t}"',
                  f"estimate = {7000 + t * 37 % 11 * 100}",
                  f'priority = "{("high", "medium", "low")[t % 3]}"']
    return "\n".join(lines) + "\n"


def _person_days(rng: random.Random) -> list[tuple[date, bool, Engineer]]:
    """Every (day, working?, engineer) with time logged, by date: each engineer works
    97% of their working days and 4% of the others."""
    team, out = engineers(), []
    day = START
    while day <= END:
        work = working(day)
        chance = 0.97 if work else 0.04
        out += [(day, work, e) for e in team
                if e.first <= day <= e.last and rng.random() < chance]
        day += timedelta(days=1)
    return out


def _hours(q: int) -> str:
    whole, frac = divmod(q, 4)
    return f"{whole}" if frac == 0 else f"{whole}.{('25', '5', '75')[frac - 1]}"


def write_entries(path: Path, n: int, seed: int = 13) -> Generated:
    """About ``n`` entries (exactly ``n`` unless fewer than one per person-day or more
    than 20 h in quarter hours would be needed); returns what was written."""
    rng = random.Random(seed)
    days = _person_days(rng)
    wanted = max(1, min(len(days), round(n / MEAN_ENTRIES)))
    if wanted < len(days):
        days = [days[i] for i in sorted(rng.sample(range(len(days)), wanted))]
    n = max(len(days), min(n, len(days) * MAX_QUARTERS))
    base, extra = divmod(n, len(days))
    more = set(rng.sample(range(len(days)), extra))
    hours = [_hours(q) for q in range(MAX_QUARTERS + 1)]
    written = minutes = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("date,person,task,hours,note\n")
        chunk: list[str] = []
        for i, (day, work, e) in enumerate(days):
            k = base + (i in more)
            r = rng.random()
            if work:  # mostly 8 h; some long days, a few of 20 h, some short ones
                q = 32 if r < 0.7 else 36 + int(r * 100) % 13 if r < 0.96 else (
                    MAX_QUARTERS if r < 0.97 else 16)
            else:
                q = 16 + int(r * 100) % 17
            q = min(MAX_QUARTERS, max(q, k))
            share, rest = divmod(q, k)
            ds, tasks = day.isoformat(), e.tasks
            for j in range(k):
                part = share + (j < rest)
                chunk.append(f"{ds},{e.key},{tasks[j % len(tasks)]},{hours[part]},"
                             f"{NOTES[(i + j) % len(NOTES)]}\n")
            minutes += q * 15
            written += k
            if len(chunk) >= 50_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    return Generated(written, len(days), minutes)


def script_lines() -> list[str]:
    """The sowtrack commands run after the import: CRs, blockers, signed periods."""
    lead, client = f"--as {LEAD}", f"--as {CLIENT_SIGN}"
    out = []
    crs = [("Fraud-risk hints for every claim type", "2024-06-03",
            "--delta senior=2000 --delta intermediate=1500"),
           ("Second region roll-out", "2025-03-03", "--delta expert=800 --delta junior=-500"),
           ("Evaluation team for the 2026 models", "2026-02-02", "--delta senior_expert=600"),
           ("Mobile claims intake", "2026-11-02", "--delta senior=1200")]
    for n, (title, on, deltas) in enumerate(crs, 1):
        out.append(f'{lead} cr new --title "{title}" {deltas} --on {on}')
        signed = date.fromisoformat(on) + timedelta(days=1)
        out.append(f"{lead} cr sign CR-{n:03d} --on {signed}")
        if n < len(crs):  # the last one waits for the client
            out.append(f"{client} cr sign CR-{n:03d} --on {signed + timedelta(days=1)}")
    blockers = [("Test environment access not granted", "client", "2024-01-08", "2024-01-19"),
                ("Claims data extract late", "client", "2024-09-02", "2024-09-20"),
                ("Build servers down", "vendor", "2025-04-07", "2025-04-09"),
                ("Interface documents for the core system", "client", "2025-10-13",
                 "2025-11-14"),
                ("Production change freeze", "client", "2026-12-01", None)]
    for n, (title, party, on, resolved) in enumerate(blockers, 1):
        out.append(f'{lead} blocker add --title "{title}" --party {party} --on {on} '
                   f"--task T{n * 7:02d}")
        if resolved:
            out.append(f"{lead} blocker resolve B-{n:03d} --on {resolved}")
    for first, last in (("2024-01-01", "2024-06-30"), ("2024-07-01", "2024-12-31"),
                        ("2025-01-01", "2025-06-30"), ("2025-07-01", "2025-12-31"),
                        ("2026-01-01", "2026-06-30")):
        on = date.fromisoformat(last) + timedelta(days=3)
        out.append(f"{lead} signoff period --from {first} --to {last} --on {on}")
        out.append(f"{client} signoff period --from {first} --to {last} "
                   f"--on {on + timedelta(days=1)}")
    return out


def write_script(path: Path) -> int:
    """The commands as a shell script (``SOWTRACK_DB`` names the ledger)."""
    lines = ["#!/bin/sh", "# The portfolio's change requests, blockers and signed periods,",
             "# run after `sowtrack import entries` (bench/portfolio.py).",
             f"export SOWTRACK_TODAY={TODAY} SOWTRACK_PROJECT={CODE}", "set -e"]
    commands = script_lines()
    path.write_text("\n".join(lines + [f"sowtrack {c}" for c in commands]) + "\n",
                    encoding="utf-8")
    return len(commands)
