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
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pendulum
import tomli_w

from model.errors import LedgerError, Ref, refused
from model.rules import (
    BILLINGS,
    DELIVERABLE_KINDS,
    GRADES,
    LANGUAGES,
    LOCATIONS,
    PARTIES,
    PRIORITIES,
    ROLES,
    TASK_STATUSES,
    money_to_minor,
    pd_amount_to_milli,
    pd_to_milli,
    tax_rate_to_ppm,
)
from model.usertext import control_character, text_problem

#: the longest SOW a ledger takes: its reports walk every day, its calendar every year
MAX_SOW_YEARS = 10
#: the largest quota limit (stored in a 32-bit integer column)
MAX_QUOTA = 1_000_000_000
#: the largest fixed price (stored in hundredths in a 64-bit integer column)
MAX_PRICE = 1_000_000_000_000


def latest_end(start: date) -> date:
    """The latest end a SOW (or a change request) starting on ``start`` may have."""
    if start.year + MAX_SOW_YEARS > date.max.year:
        return date.max
    return date(start.year + MAX_SOW_YEARS, start.month, min(start.day, 28 if (
        start.month, start.day) == (2, 29) else start.day))


def _show(value: Any) -> str:
    """A TOML value as a message shows it: one line, in TOML's terms, never a Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _key(key: str) -> str:
    """A key as a message names it: bare when it is a plain word, else quoted on one line."""
    return key if re.fullmatch(r"[A-Za-z0-9_.-]+", key) else _show(key)


def _max_length(table: str, column: str) -> int | None:
    """The length of a VARCHAR column: PostgreSQL refuses longer strings, SQLite does not."""
    from model import entities

    found = entities.Base.metadata.tables[table].c[column].type
    return getattr(found, "length", None)


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
class DeliverableSpec:
    """A ``[[deliverable]]``: what is handed over, the tasks it comes from, how it is
    accepted and when it is due; ``kind = "training"`` is the knowledge transfer."""

    key: str
    title: str
    tasks: list[str] = field(default_factory=list)
    criteria: str = ""
    due: date | None = None
    kind: str | None = None


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
    # The contract terms (SPEC §8): all optional.
    contract: str | None = None
    signed_on: date | None = None
    billing: str = "actual"
    price_minor: int | None = None
    tax_rate_ppm: int | None = None
    prices_include_tax: bool = True
    deliverables: list[DeliverableSpec] = field(default_factory=list)


class _Table:
    """One TOML table being read: tracks which keys were used, names itself in errors."""

    def __init__(self, where: str, data: Any):
        if not isinstance(data, dict):
            raise LedgerError(f"{where}: expected a table")
        self.where = where
        self.data = data

    def _fail(self, key: str, problem: str) -> LedgerError:
        return LedgerError(f"{self.where} {_key(key)}: {problem}")

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

    def text(self, key: str, required: bool = True, default: str | None = None,
             column: tuple[str, str] | None = None, multiline: bool = False) -> str | None:
        value = self.get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, f"expected a non-empty string, got {_show(value)}")
        if multiline:
            problem = text_problem(value, multiline=True)
            if problem is not None:
                raise self._fail(key, problem)
        bad = None if multiline else control_character(value)
        if bad is not None:
            raise self._fail(key, f"must be one line without control characters, got "
                                  f"{_show(value)} (it holds {bad!r})")
        longest = _max_length(*column) if column else None
        if longest is not None and len(value) > longest:
            raise self._fail(key, f"at most {longest} characters, got {len(value)}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(key, required, default)
        if value is not None and value not in choices:
            raise self._fail(key, f"{_show(value)} is not one of {', '.join(choices)}")
        return value

    def day(self, key: str) -> date:
        value = self.get(key)
        return _as_date(value, lambda p: self._fail(key, p))

    def optional_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, f"expected true or false, got {_show(value)}")
        return value

    def number(self, key: str, required: bool = True) -> Any:
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"expected a number, got {_show(value)}")
        return value

    def integer(self, key: str, minimum: int = 0, maximum: int = MAX_QUOTA) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"expected a whole number, got {_show(value)}")
        if value < minimum:
            raise self._fail(key, f"must be at least {minimum}, got {_show(value)}")
        if value > maximum:
            raise self._fail(key, f"must be at most {maximum}, got {_show(value)}")
        return value

    def dates(self, key: str) -> list[date]:
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "expected a list of dates")
        return [_as_date(v, lambda p: self._fail(key, p)) for v in value]

    def tables(self, key: str) -> list[Any]:
        """An array of tables (``[[person]]``), or none."""
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"expected an array of tables ([[{key}]]), got {_show(value)}")
        return value

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
    raise fail(f"expected a date (YYYY-MM-DD), got {_show(value)}")


def parse_date(text: str, what: str | Ref = "date") -> date:
    """An ISO date typed by a user: exactly ``YYYY-MM-DD`` (Python 3.11 would also take
    ``20260301`` and week dates such as ``2026-W10-1``; a typo must not become a date).
    ``what`` names the input (a :class:`~model.errors.Ref`) or the text's place."""
    clean = text.strip() if isinstance(text, str) else ""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", clean):
            raise ValueError(clean)
        return date.fromisoformat(clean)
    except ValueError:
        raise refused(what, f"{_show(text)} is not a date (YYYY-MM-DD)") from None


def _check_timezone(name: str, fail: Any) -> str:
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several types
        raise fail(f"{_show(name)} is not a known time zone") from None
    return name


def parse_sow(text: str, source: str = "SOW") -> SowSpec:
    """Validate a SOW file's text; raises LedgerError naming the key at fault."""
    text = text.removeprefix("\ufeff")  # a BOM, as Windows editors write it
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LedgerError(_toml_error(text, source, exc)) from None
    except RecursionError:
        raise LedgerError(f"{source}: arrays or tables nested too deeply") from None
    except ValueError:  # int() of a number longer than Python converts (4300 digits)
        long = re.search(r"[0-9_]{4000,}", text)
        where = f"line {text.count(chr(10), 0, long.start()) + 1}: " if long else ""
        raise LedgerError(f"{source}: {where}a number with thousands of digits") from None
    root = _Table(f"{source}:", doc)
    root.check_keys({"project", "calendar", "rates", "budget", "quota", "person", "task",
                     "allocation", "deliverable"})

    if not root.has("project"):
        raise LedgerError(f"{source}: [project]: missing (the table with the SOW's code, "
                          f"title, parties and dates)")
    p = _Table(f"{source}: [project]", root.get("project"))
    p.check_keys({"code", "title", "client", "vendor", "start", "end", "hours_per_day",
                  "currency", "timezone", "language", *CONTRACT_KEYS})
    hours = p.number("hours_per_day", required=False)
    minutes_per_day = 480
    if hours is not None:
        minutes = p.wrap("hours_per_day", pd_to_milli, hours) * 60
        if minutes % 1000 or not 0 < minutes // 1000 <= 24 * 60:
            raise p._fail("hours_per_day",
                          f"must be a whole number of minutes between 0 and 24 h, got {hours}")
        minutes_per_day = minutes // 1000
    spec = SowSpec(
        code=p.text("code", column=("project", "code")) or "",
        title=p.text("title") or "",
        client=p.text("client") or "",
        vendor=p.text("vendor") or "",
        start=p.day("start"),
        end=p.day("end"),
        minutes_per_day=minutes_per_day,
        currency=p.text("currency", required=False, default="CNY",
                        column=("project", "currency")) or "CNY",
        timezone=_check_timezone(p.text("timezone", False, "Asia/Shanghai") or "",
                                 lambda m: p._fail("timezone", m)),
        language=p.choice("language", LANGUAGES, required=False, default="zh") or "zh",
    )
    if spec.end < spec.start:
        raise p._fail("end", f"{spec.end} is before start {spec.start}")
    if spec.end > latest_end(spec.start):
        raise p._fail("end", f"{spec.end} is more than {MAX_SOW_YEARS} years after start "
                             f"{spec.start}")
    _contract_terms(p, spec)

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

    # Neither converter takes a negative amount: a rate, a budget, an estimate or an
    # allocation below 0 is refused here as the ledger refuses it later (model.rules).
    for name, target, conv in (("rates", spec.rates, money_to_minor),
                               ("budget", spec.baseline, pd_amount_to_milli)):
        if root.has(name):
            t = _Table(f"{source}: [{name}]", root.get(name))
            t.check_keys(set(GRADES))
            for grade in t.data:
                t.number(grade)
                target[grade] = t.wrap(grade, conv, t.data[grade])

    seen: set[str] = set()
    for i, raw in enumerate(root.tables("quota"), start=1):
        q = _Table(f"{source}: [[quota]] #{i}", raw)
        q.check_keys({"key", "title", "limit"})
        key = q.text("key", column=("quota", "key")) or ""
        if key in seen:
            raise q._fail("key", f"duplicate quota {_show(key)}")
        seen.add(key)
        spec.quotas.append(QuotaSpec(key, q.text("title", False, key) or key, q.integer("limit")))

    seen = set()
    for i, raw in enumerate(root.tables("person"), start=1):
        t = _Table(f"{source}: [[person]] #{i}", raw)
        t.check_keys({"id", "name", "party", "role", "grade", "location", "timezone", "title"})
        key = t.text("id", column=("person", "key")) or ""
        if key in seen:
            raise t._fail("id", f"duplicate person {_show(key)}")
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
    for i, raw in enumerate(root.tables("task"), start=1):
        t = _Table(f"{source}: [[task]] #{i}", raw)
        t.check_keys({"code", "title", "estimate", "priority", "status", "assignees"})
        code = t.text("code", column=("task", "code")) or ""
        if code in seen:
            raise t._fail("code", f"duplicate task {_show(code)}")
        seen.add(code)
        t.number("estimate")
        assignees = t.get("assignees", required=False) or []
        if not isinstance(assignees, list) or not all(isinstance(a, str) for a in assignees):
            raise t._fail("assignees", "expected a list of person ids")
        for a in assignees:
            if a not in people:
                raise t._fail("assignees", f"unknown person {_show(a)}")
            if people[a].party != "vendor":
                raise t._fail("assignees", f"{_show(a)} is not of the vendor party")
        spec.tasks.append(TaskSpec(
            code=code, title=t.text("title") or "",
            estimate_milli=t.wrap("estimate", pd_amount_to_milli, t.data["estimate"]),
            priority=t.choice("priority", PRIORITIES, required=False, default="medium") or "",
            status=t.choice("status", TASK_STATUSES, required=False, default="open") or "",
            assignees=list(dict.fromkeys(assignees)),
        ))
    tasks = {t.code: t for t in spec.tasks}

    for i, raw in enumerate(root.tables("allocation"), start=1):
        t = _Table(f"{source}: [[allocation]] #{i}", raw)
        t.check_keys({"task", "person", "pd"})
        task, person = t.text("task") or "", t.text("person") or ""
        if task not in tasks:
            raise t._fail("task", f"unknown task {_show(task)}")
        if person not in people or people[person].party != "vendor":
            raise t._fail("person", f"unknown vendor person {_show(person)}")
        t.number("pd")
        pd = t.wrap("pd", pd_amount_to_milli, t.data["pd"])
        spec.allocations.append(AllocationSpec(task, person, pd))
    spec.deliverables = _deliverables(root, source, spec)
    return spec


#: the [project] keys of the contract terms (SPEC §8)
CONTRACT_KEYS = ("contract", "signed_on", "billing", "price", "tax_rate",
                 "prices_include_tax")


def _contract_terms(p: _Table, spec: SowSpec) -> None:
    """The contract number and date, billing, price and tax of ``[project]``, into ``spec``."""
    spec.contract = p.text("contract", required=False, column=("project", "contract"))
    if p.has("signed_on"):
        spec.signed_on = p.day("signed_on")
        if spec.signed_on > spec.end:
            raise p._fail("signed_on", f"{spec.signed_on} is after the SOW's end {spec.end}")
    spec.billing = p.choice("billing", BILLINGS, required=False, default="actual") or "actual"
    if p.has("price"):
        if spec.billing != "fixed":
            raise p._fail("price", 'only with billing = "fixed" (with billing = "actual" '
                                   'the amount is the PD consumed × the rates)')
        p.number("price")
        spec.price_minor = p.wrap("price", lambda v, k: money_to_minor(v, k, MAX_PRICE),
                                  p.data["price"])
        if spec.price_minor == 0:
            raise p._fail("price", "must be more than 0")
    elif spec.billing == "fixed":
        raise p._fail("price", 'missing: billing = "fixed" needs the fixed price')
    if p.has("tax_rate"):
        p.number("tax_rate")
        spec.tax_rate_ppm = p.wrap("tax_rate", tax_rate_to_ppm, p.data["tax_rate"])
    spec.prices_include_tax = p.flag("prices_include_tax", True)


def _deliverables(root: _Table, source: str, spec: SowSpec) -> list[DeliverableSpec]:
    """The ``[[deliverable]]`` tables. Their tasks must be tasks of the SOW when it lists
    any; a SOW without tasks (they are added later with ``task add``) may name any code."""
    tasks = {t.code for t in spec.tasks}
    out: list[DeliverableSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(root.tables("deliverable"), start=1):
        t = _Table(f"{source}: [[deliverable]] #{i}", raw)
        t.check_keys({"key", "title", "tasks", "criteria", "due", "kind"})
        key = t.text("key", column=("deliverable", "key")) or ""
        if key in seen:
            raise t._fail("key", f"duplicate deliverable {_show(key)}")
        seen.add(key)
        codes = t.get("tasks", required=False) or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise t._fail("tasks", "expected a list of task codes")
        for code in codes:
            if tasks and code not in tasks:
                raise t._fail("tasks", f"unknown task {_show(code)}")
            if not tasks and (not code.strip() or control_character(code) is not None
                              or "\x00" in code):
                raise t._fail("tasks", f"{_show(code)} is not a task code")
        due = t.optional_day("due")
        if due is not None and due < spec.start:
            raise t._fail("due", f"{due} is before the SOW's start {spec.start}")
        out.append(DeliverableSpec(
            key=key, title=t.text("title") or "", tasks=list(dict.fromkeys(codes)),
            criteria=t.text("criteria", required=False, default="", multiline=True) or "",
            due=due, kind=t.choice("kind", DELIVERABLE_KINDS, required=False)))
    return out


def _toml_error(text: str, source: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message, with the key written on the offending line named first."""
    message = str(exc)
    found = re.search(r"\(at (?:line (\d+), column \d+|end of document)\)", message)
    if not found:
        return f"{source}: {message}"
    lines = text.split("\n")  # tomllib counts "\n" only, not every line break Python knows
    n = int(found.group(1)) if found.group(1) else len(lines)
    line = lines[n - 1] if 0 < n <= len(lines) else ""
    reason = message[:found.start()].strip()
    if reason == "Cannot overwrite a value":
        reason = "duplicate key (it is already set above)"
    # tomllib names a table by a Python tuple, ('a', 'b'): write it as TOML does, a.b
    reason = re.sub(r"\((?:'[^']*'(?:, )?)+,?\)",
                    lambda m: ".".join(re.findall(r"'([^']*)'", m.group())), reason)
    key = (line.split("=", 1)[0] if "=" in line else line).strip()
    if '"' not in key and "'" not in key:
        key = key.split("#", 1)[0].strip()  # a comment after a table header
    if key and (len(key) > 60 or not key.isprintable()):
        key = _show(key)
    return f"{source}: line {n}: {key}: {reason}" if key else f"{source}: line {n}: {reason}"


def _not_utf8(name: str, raw: bytes, exc: UnicodeDecodeError) -> LedgerError:
    """The line and byte where a file stops being UTF-8 (``raw`` is the whole file)."""
    at = exc.start + len(raw) - len(exc.object)  # utf-8-sig reports past the BOM it dropped
    line = raw.count(b"\n", 0, at) + 1
    return LedgerError(f"{name}: line {line}: not UTF-8 text (byte {at + 1} of the file "
                       f"is {raw[at]:#04x})")


def load_sow(path: str | Path) -> SowSpec:
    """Read and validate a SOW file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(p.name, raw, exc) from None
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
    project.update(_dump_terms(spec))
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
    if spec.deliverables:
        doc["deliverable"] = [
            {k: v for k, v in (("key", d.key), ("title", d.title), ("tasks", d.tasks),
                               ("criteria", d.criteria or None), ("due", d.due),
                               ("kind", d.kind)) if v is not None}
            for d in spec.deliverables]
    # Arrays of tables as [[quota]] blocks, in the example's order (tomli-w would inline
    # the short ones at the top of the file).
    arrays = {k: doc.pop(k) for k in ("quota", "person", "task", "allocation", "deliverable")
              if k in doc}
    parts = [tomli_w.dumps(doc)]
    for name, items in arrays.items():
        parts += [f"[[{name}]]\n{tomli_w.dumps(item)}" for item in items]
    return "\n".join(parts)


def _dump_terms(spec: SowSpec) -> dict[str, Any]:
    """The contract terms as ``[project]`` keys; the defaults are written too, but for
    a key the SOW had no value for."""
    from decimal import Decimal

    terms: dict[str, Any] = {}
    if spec.contract is not None:
        terms["contract"] = spec.contract
    if spec.signed_on is not None:
        terms["signed_on"] = spec.signed_on
    terms["billing"] = spec.billing
    if spec.price_minor is not None:  # exact: a float would round a large price
        terms["price"] = (spec.price_minor // 100 if spec.price_minor % 100 == 0
                          else Decimal(spec.price_minor).scaleb(-2))
    if spec.tax_rate_ppm is not None:
        terms["tax_rate"] = Decimal(spec.tax_rate_ppm) / Decimal(1_000_000)
    terms["prices_include_tax"] = spec.prices_include_tax
    return terms


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


@dataclass(frozen=True)
class EntryFile:
    """An entry file as read: its rows, the problems of malformed lines, and what names
    the file in the audit log (the SHA-256 of its bytes, refusing a second import)."""

    name: str
    sha256: str
    rows: list[EntryRow]
    problems: list[str]


def read_entry_file(path: str | Path) -> EntryFile:
    """An entry file, unvalidated but for the header and its CSV syntax."""
    import hashlib

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(p.name, raw, exc) from None
    rows, problems = parse_entry_csv(text, p.name)
    return EntryFile(p.name, hashlib.sha256(raw).hexdigest(), rows, problems)


def read_entry_csv(path: str | Path) -> tuple[list[EntryRow], list[str]]:
    """The rows of an entry file, unvalidated but for the header; line numbers as in the file."""
    f = read_entry_file(path)
    return f.rows, f.problems


def _csv_problem(exc: csv.Error) -> str:
    """Python's csv message in words a person acts on."""
    text = str(exc)
    if text == "unexpected end of data":
        return ('a quote (") opened in this row is never closed: the rest of the file would '
                'become its value')
    if "expected after" in text:
        return 'a closing quote (") must be followed by "," or the end of the line'
    return text


def parse_entry_csv(text: str, source: str = "CSV") -> tuple[list[EntryRow], list[str]]:
    """Rows and the problems of malformed lines (``line N: reason``); a bad header raises."""
    text = text.removeprefix("\ufeff")
    # strict: a quote left open is an error, not a value that swallows the next rows
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise LedgerError(f"{source}: line 1: {_csv_problem(exc)}") from None
    if header is None:
        raise LedgerError(f"{source}: empty file; expected the header {','.join(ENTRY_HEADER)}")
    if [h.strip().lower() for h in header] != ENTRY_HEADER:
        got = ",".join(header)
        shown = got if got and got.strip() == got and got.isprintable() and len(got) <= 80 \
            else _show(got)
        raise LedgerError(f"{source}: line 1: header must be {','.join(ENTRY_HEADER)}, "
                          f"got {shown}")
    rows: list[EntryRow] = []
    problems: list[str] = []
    line = reader.line_num + 1  # where the next record starts (a quoted value may span lines)
    try:
        for fields in reader:
            first, line = line, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(ENTRY_HEADER):
                problems.append(f"line {first}: expected {len(ENTRY_HEADER)} fields "
                                f"({','.join(ENTRY_HEADER)}), got {len(fields)}")
                continue
            # The one rule on user text (model.usertext): no NUL, and one line each.
            values = [*(f.strip() for f in fields[:4]), fields[4]]
            bad = next(((name, p) for name, v in zip(ENTRY_HEADER, values, strict=True)
                        if (p := text_problem(v)) is not None), None)
            if bad is not None:
                problems.append(f"line {first}: {bad[0]}: {bad[1]}")
                continue
            rows.append(EntryRow(first, *values))
    except csv.Error as exc:
        problems.append(f"line {line}: {_csv_problem(exc)}")
    return rows, problems
