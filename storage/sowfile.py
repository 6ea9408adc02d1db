"""The SOW file (TOML): read with tomllib, written back with tomli-w, and CSV entries.

Reading is strict: an unknown key, a missing key or a bad value is one
:class:`LedgerError` line that names the file, the table and the key.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pendulum
import tomli_w

from model.errors import LedgerError
from model.rules import (
    GRADES,
    LANGUAGES,
    LOCATIONS,
    PARTIES,
    PRIORITIES,
    ROLES,
    TASK_STATUSES,
    money_to_minor,
    pd_to_milli,
)


@dataclass
class PersonSpec:
    key: str
    name: str
    party: str
    role: str
    grade: str | None = None
    location: str | None = None
    timezone: str | None = None
    title: str | None = None


@dataclass
class TaskSpec:
    code: str
    title: str
    estimate_milli: int
    priority: str = "medium"
    status: str = "open"
    assignees: list[str] = field(default_factory=list)


@dataclass
class AllocationSpec:
    task: str
    person: str
    pd_milli: int


@dataclass
class QuotaSpec:
    key: str
    title: str
    limit: int


@dataclass
class SowSpec:
    """A validated SOW: everything ``sowtrack init`` needs."""

    code: str
    title: str
    client: str
    vendor: str
    start: date
    end: date
    minutes_per_day: int = 480
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    country: str | None = None
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    rates: dict[str, int] = field(default_factory=dict)  # minor units
    baseline: dict[str, int] = field(default_factory=dict)  # milli-PD
    quotas: list[QuotaSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)
    allocations: list[AllocationSpec] = field(default_factory=list)


class _Table:
    """One TOML table being read: tracks which keys were used, names itself in errors."""

    def __init__(self, where: str, data: Any):
        if not isinstance(data, dict):
            raise LedgerError(f"{where}: expected a table")
        self.where = where
        self.data = data

    def _fail(self, key: str, problem: str) -> LedgerError:
        return LedgerError(f"{self.where} {key}: {problem}")

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self._fail(key, f"unknown key (known: {', '.join(sorted(allowed))})")

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                raise self._fail(key, "missing")
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self.get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, f"expected a non-empty string, got {value!r}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(key, required, default)
        if value is not None and value not in choices:
            raise self._fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def day(self, key: str) -> date:
        value = self.get(key)
        return _as_date(value, lambda p: self._fail(key, p))

    def number(self, key: str, required: bool = True) -> Any:
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"expected a number, got {value!r}")
        return value

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise self._fail(key, f"must be at least {minimum}, got {value}")
        return value

    def dates(self, key: str) -> list[date]:
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "expected a list of dates")
        return [_as_date(v, lambda p: self._fail(key, p)) for v in value]

    def wrap(self, key: str, fn: Any, value: Any) -> Any:
        try:
            return fn(value, key)
        except LedgerError as exc:
            raise self._fail(key, str(exc).split(": ", 1)[-1]) from None


def _as_date(value: Any, fail: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return parse_date(value)
        except LedgerError:
            pass
    raise fail(f"expected a date (YYYY-MM-DD), got {value!r}")


def parse_date(text: str, what: str = "date") -> date:
    """An ISO date typed by a user."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise LedgerError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


def _check_timezone(name: str, fail: Any) -> str:
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several types
        raise fail(f"{name!r} is not a known time zone") from None
    return name


def parse_sow(text: str, source: str = "SOW") -> SowSpec:
    """Validate a SOW file's text; raises LedgerError naming the key at fault."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LedgerError(_toml_error(text, source, exc)) from None
    root = _Table(source, doc)
    root.check_keys({"project", "calendar", "rates", "budget", "quota", "person", "task",
                     "allocation"})

    p = _Table(f"{source}: [project]", root.get("project"))
    p.check_keys({"code", "title", "client", "vendor", "start", "end", "hours_per_day",
                  "currency", "timezone", "language"})
    hours = p.number("hours_per_day", required=False)
    minutes_per_day = 480
    if hours is not None:
        minutes = pd_to_milli(hours, "hours_per_day") * 60
        if minutes % 1000 or not 0 < minutes // 1000 <= 24 * 60:
            raise p._fail("hours_per_day",
                          f"must be a whole number of minutes between 0 and 24 h, got {hours}")
        minutes_per_day = minutes // 1000
    spec = SowSpec(
        code=p.text("code") or "",
        title=p.text("title") or "",
        client=p.text("client") or "",
        vendor=p.text("vendor") or "",
        start=p.day("start"),
        end=p.day("end"),
        minutes_per_day=minutes_per_day,
        currency=p.text("currency", required=False, default="CNY") or "CNY",
        timezone=_check_timezone(p.text("timezone", False, "Asia/Shanghai") or "",
                                 lambda m: p._fail("timezone", m)),
        language=p.choice("language", LANGUAGES, required=False, default="zh") or "zh",
    )
    if spec.end < spec.start:
        raise p._fail("end", f"{spec.end} is before start {spec.start}")

    if root.has("calendar"):
        c = _Table(f"{source}: [calendar]", root.get("calendar"))
        c.check_keys({"country", "holidays", "workdays"})
        spec.country = c.text("country", required=False)
        if spec.country:
            from model.rules import Calendar

            c.wrap("country", lambda v, _k: Calendar(country=v).is_working(spec.start),
                   spec.country)
        spec.holidays = c.dates("holidays")
        spec.workdays = c.dates("workdays")
        both = set(spec.holidays) & set(spec.workdays)
        if both:
            raise c._fail("workdays", f"{min(both)} is also listed in holidays")

    for name, target, conv in (("rates", spec.rates, money_to_minor),
                               ("budget", spec.baseline, pd_to_milli)):
        if root.has(name):
            t = _Table(f"{source}: [{name}]", root.get(name))
            t.check_keys(set(GRADES))
            for grade in t.data:
                t.number(grade)
                target[grade] = t.wrap(grade, conv, t.data[grade])
                if target[grade] < 0:
                    raise t._fail(grade, "must not be negative")

    seen: set[str] = set()
    for i, raw in enumerate(root.get("quota", False) or [], start=1):
        q = _Table(f"{source}: [[quota]] #{i}", raw)
        q.check_keys({"key", "title", "limit"})
        key = q.text("key") or ""
        if key in seen:
            raise q._fail("key", f"duplicate quota {key!r}")
        seen.add(key)
        spec.quotas.append(QuotaSpec(key, q.text("title", False, key) or key, q.integer("limit")))

    seen = set()
    for i, raw in enumerate(root.get("person", False) or [], start=1):
        t = _Table(f"{source}: [[person]] #{i}", raw)
        t.check_keys({"id", "name", "party", "role", "grade", "location", "timezone", "title"})
        key = t.text("id") or ""
        if key in seen:
            raise t._fail("id", f"duplicate person {key!r}")
        seen.add(key)
        person = PersonSpec(
            key=key,
            name=t.text("name") or "",
            party=t.choice("party", PARTIES) or "",
            role=t.choice("role", ROLES) or "",
            grade=t.choice("grade", GRADES, required=False),
            location=t.choice("location", LOCATIONS, required=False),
            timezone=t.text("timezone", required=False),
            title=t.text("title", required=False),
        )
        if person.timezone:
            _check_timezone(person.timezone, lambda m, t=t: t._fail("timezone", m))
        if person.party == "client" and person.role != "signatory":
            raise t._fail("role", f"a client person can only be a signatory, got {person.role!r}")
        if person.party == "client" and person.grade:
            raise t._fail("grade", "a client person has no grade")
        if person.party == "vendor" and person.role in ("lead", "engineer") and not person.grade:
            raise t._fail("grade", f"missing: a vendor {person.role} logs hours and needs a grade")
        spec.people.append(person)
    people = {p.key: p for p in spec.people}

    seen = set()
    for i, raw in enumerate(root.get("task", False) or [], start=1):
        t = _Table(f"{source}: [[task]] #{i}", raw)
        t.check_keys({"code", "title", "estimate", "priority", "status", "assignees"})
        code = t.text("code") or ""
        if code in seen:
            raise t._fail("code", f"duplicate task {code!r}")
        seen.add(code)
        t.number("estimate")
        assignees = t.get("assignees", required=False) or []
        if not isinstance(assignees, list) or not all(isinstance(a, str) for a in assignees):
            raise t._fail("assignees", "expected a list of person ids")
        for a in assignees:
            if a not in people:
                raise t._fail("assignees", f"unknown person {a!r}")
            if people[a].party != "vendor":
                raise t._fail("assignees", f"{a!r} is not of the vendor party")
        spec.tasks.append(TaskSpec(
            code=code, title=t.text("title") or "",
            estimate_milli=t.wrap("estimate", pd_to_milli, t.data["estimate"]),
            priority=t.choice("priority", PRIORITIES, required=False, default="medium") or "",
            status=t.choice("status", TASK_STATUSES, required=False, default="open") or "",
            assignees=list(dict.fromkeys(assignees)),
        ))
    tasks = {t.code: t for t in spec.tasks}

    for i, raw in enumerate(root.get("allocation", False) or [], start=1):
        t = _Table(f"{source}: [[allocation]] #{i}", raw)
        t.check_keys({"task", "person", "pd"})
        task, person = t.text("task") or "", t.text("person") or ""
        if task not in tasks:
            raise t._fail("task", f"unknown task {task!r}")
        if person not in people or people[person].party != "vendor":
            raise t._fail("person", f"unknown vendor person {person!r}")
        t.number("pd")
        pd = t.wrap("pd", pd_to_milli, t.data["pd"])
        spec.allocations.append(AllocationSpec(task, person, pd))
    return spec


def _toml_error(text: str, source: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message, with the key written on the offending line named first."""
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if not found:
        return f"{source}: {message}"
    n = int(found.group(1))
    lines = text.splitlines()
    line = lines[n - 1] if 0 < n <= len(lines) else ""
    reason = message[:found.start()].strip()
    if reason == "Cannot overwrite a value":
        reason = "duplicate key (it is already set above)"
    key = line.split("=", 1)[0].strip() if "=" in line else line.strip()
    return f"{source}: line {n}: {key}: {reason}" if key else f"{source}: line {n}: {reason}"


def load_sow(path: str | Path) -> SowSpec:
    """Read and validate a SOW file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LedgerError(f"{path}: not UTF-8 text") from None
    return parse_sow(text, source=p.name)


def _num(milli_or_minor: int, scale: int) -> int | float:
    """An exact stored amount back to the TOML number a person would write."""
    if milli_or_minor % scale == 0:
        return milli_or_minor // scale
    return float(f"{milli_or_minor / scale:.{len(str(scale)) - 1}f}")


def dump_sow(spec: SowSpec) -> str:
    """The SOW file for ``spec``: parse_sow(dump_sow(s)) == s."""
    project: dict[str, Any] = {
        "code": spec.code, "title": spec.title, "client": spec.client, "vendor": spec.vendor,
        "start": spec.start, "end": spec.end,
        "hours_per_day": _num(spec.minutes_per_day, 60),
        "currency": spec.currency, "timezone": spec.timezone, "language": spec.language,
    }
    doc: dict[str, Any] = {"project": project}
    calendar: dict[str, Any] = {}
    if spec.country:
        calendar["country"] = spec.country
    if spec.holidays:
        calendar["holidays"] = sorted(spec.holidays)
    if spec.workdays:
        calendar["workdays"] = sorted(spec.workdays)
    if calendar:
        doc["calendar"] = calendar
    if spec.rates:
        doc["rates"] = {g: _num(v, 100) for g, v in _by_grade(spec.rates)}
    if spec.baseline:
        doc["budget"] = {g: _num(v, 1000) for g, v in _by_grade(spec.baseline)}
    if spec.quotas:
        doc["quota"] = [{"key": q.key, "title": q.title, "limit": q.limit} for q in spec.quotas]
    if spec.people:
        doc["person"] = [
            {k: v for k, v in (("id", p.key), ("name", p.name), ("party", p.party),
                               ("role", p.role), ("grade", p.grade), ("location", p.location),
                               ("timezone", p.timezone), ("title", p.title)) if v is not None}
            for p in spec.people]
    if spec.tasks:
        doc["task"] = [{"code": t.code, "title": t.title, "estimate": _num(t.estimate_milli, 1000),
                        "priority": t.priority, "status": t.status, "assignees": t.assignees}
                       for t in spec.tasks]
    if spec.allocations:
        doc["allocation"] = [{"task": a.task, "person": a.person, "pd": _num(a.pd_milli, 1000)}
                             for a in spec.allocations]
    # Arrays of tables as [[quota]] blocks, in the example's order (tomli-w would inline
    # the short ones at the top of the file).
    arrays = {k: doc.pop(k) for k in ("quota", "person", "task", "allocation") if k in doc}
    parts = [tomli_w.dumps(doc)]
    for name, items in arrays.items():
        parts += [f"[[{name}]]\n{tomli_w.dumps(item)}" for item in items]
    return "\n".join(parts)


def _by_grade(values: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda kv: GRADES.index(kv[0]))


# ---------------------------------------------------------------- CSV entries

ENTRY_HEADER = ["date", "person", "task", "hours", "note"]


@dataclass(frozen=True)
class EntryRow:
    line: int
    on: str
    person: str
    task: str
    hours: str
    note: str


def read_entry_csv(path: str | Path) -> tuple[list[EntryRow], list[str]]:
    """The rows of an entry file, unvalidated but for the header; line numbers as in the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LedgerError(f"{p.name}: not UTF-8 text (byte {exc.start})") from None
    return parse_entry_csv(text, p.name)


def parse_entry_csv(text: str, source: str = "CSV") -> tuple[list[EntryRow], list[str]]:
    """Rows and the problems of malformed lines (``line N: reason``); a bad header raises."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise LedgerError(f"{source}: line 1: {exc}") from None
    if header is None:
        raise LedgerError(f"{source}: empty file; expected the header {','.join(ENTRY_HEADER)}")
    if [h.strip().lower() for h in header] != ENTRY_HEADER:
        raise LedgerError(f"{source}: line 1: header must be {','.join(ENTRY_HEADER)}, "
                          f"got {','.join(header)}")
    rows: list[EntryRow] = []
    problems: list[str] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(ENTRY_HEADER):
                problems.append(f"line {line}: expected {len(ENTRY_HEADER)} fields, "
                                f"got {len(fields)}")
                continue
            rows.append(EntryRow(line, *(f.strip() for f in fields[:4]), fields[4]))
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    return rows, problems
