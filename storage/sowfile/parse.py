"""``parse_sow`` and ``load_sow``: a SOW file's text checked key by key into a ``SowSpec``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from model.errors import LedgerError
from model.i18n import _, word
from model.rules import (
    BILLINGS,
    DELIVERABLE_KINDS,
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
from model.usertext import control_character
from storage.sowfile.grades import parse_ladder
from storage.sowfile.obligations import parse_obligations
from storage.sowfile.spec import (
    MAX_PRICE,
    MAX_SOW_YEARS,
    AllocationSpec,
    DeliverableSpec,
    PersonSpec,
    QuotaSpec,
    SowSpec,
    TaskSpec,
    latest_end,
)
from storage.sowfile.table import _check_timezone, _show, _Table


def parse_sow(text: str, source: str = "SOW") -> SowSpec:
    """Validate a SOW file's text; raises LedgerError naming the key at fault."""
    text = text.removeprefix("\ufeff")  # a BOM, as Windows editors write it
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LedgerError(_toml_error(text, source, exc)) from None
    except RecursionError:
        raise LedgerError(_("{source}: arrays or tables nested too deeply")
                          .format(source=source)) from None
    except ValueError:  # int() of a number longer than Python converts (4300 digits)
        long = re.search(r"[0-9_]{4000,}", text)
        where = f"line {text.count(chr(10), 0, long.start()) + 1}: " if long else ""
        raise LedgerError(_("{source}: {where}a number with thousands of digits")
                          .format(source=source, where=where)) from None
    root = _Table(f"{source}:", doc)
    root.check_keys({"project", "calendar", "rates", "budget", "quota", "person", "task",
                     "allocation", "deliverable", "obligation", "grade"})

    if not root.has("project"):
        raise LedgerError(_("{source}: [project]: missing (the table with the SOW's code, "
                            "title, parties and dates)").format(source=source))
    p = _Table(f"{source}: [project]", root.get("project"))
    p.check_keys({"code", "title", "client", "vendor", "start", "end", "hours_per_day",
                  "currency", "timezone", "language", "staff_change_notice", "plan_confirm_days",
                  *CONTRACT_KEYS})
    hours = p.number("hours_per_day", required=False)
    minutes_per_day = 480
    if hours is not None:
        minutes = p.wrap("hours_per_day", pd_to_milli, hours) * 60
        if minutes % 1000 or not 0 < minutes // 1000 <= 24 * 60:
            raise p._fail("hours_per_day",
                          _("must be a whole number of minutes between 0 and 24 h, got {hours}")
                          .format(hours=hours))
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
        raise p._fail("end", _("{end} is before start {start}")
                             .format(end=spec.end, start=spec.start))
    if spec.end > latest_end(spec.start):
        raise p._fail("end", _("{end} is more than {max_sow_years} years after start {start}")
                             .format(end=spec.end, max_sow_years=MAX_SOW_YEARS, start=spec.start))
    _contract_terms(p, spec)
    if p.has("staff_change_notice"):
        spec.staff_change_notice = p.integer("staff_change_notice", maximum=MAX_NOTICE_DAYS)
    if p.has("plan_confirm_days"):
        spec.plan_confirm_days = p.integer("plan_confirm_days", maximum=MAX_NOTICE_DAYS)

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
            raise c._fail("workdays", _("{day} is also listed in holidays")
                                      .format(day=min(both)))

    spec.ladder = ladder = parse_ladder(root, source)
    grades = ladder.keys()
    # Neither converter takes a negative amount: a rate, a budget, an estimate or an
    # allocation below 0 is refused here as the ledger refuses it later (model.rules).
    for name, target, conv in (("rates", spec.rates, money_to_minor),
                               ("budget", spec.baseline, pd_amount_to_milli)):
        if root.has(name):
            t = _Table(f"{source}: [{name}]", root.get(name))
            for grade in t.data:
                if grade not in ladder:
                    raise t._fail(grade, _("{grade} is not a grade ({grades})")
                                         .format(grade=_show(grade), grades=', '.join(grades)))
                t.number(grade)
                target[grade] = t.wrap(grade, conv, t.data[grade])

    for q, key in _keyed(root, source, "quota", {"key", "title", "limit"}, "key", "key"):
        spec.quotas.append(QuotaSpec(key, q.text("title", False, key) or key, q.integer("limit")))

    for t, key in _keyed(root, source, "person", {"id", "name", "party", "role", "grade",
                                                  "location", "timezone", "title", "from",
                                                  "leave", "replaces"}, "id", "key"):
        person = PersonSpec(
            key=key,
            name=t.text("name") or "",
            party=t.choice("party", PARTIES) or "",
            role=t.choice("role", ROLES) or "",
            grade=t.choice("grade", grades, required=False),
            location=t.choice("location", LOCATIONS, required=False),
            timezone=t.text("timezone", required=False),
            title=t.text("title", required=False),
            active_from=t.optional_day("from"),
            leave_on=t.optional_day("leave"),
            replaces=t.text("replaces", required=False),
        )
        _active_days(t, spec, person)
        if person.timezone:
            _check_timezone(person.timezone, lambda m, t=t: t._fail("timezone", m))
        if person.party == "client" and person.role != "signatory":
            raise t._fail("role", _("a client person can only be a signatory, got {role!r}")
                                  .format(role=person.role))
        if person.party == "client" and person.grade:
            raise t._fail("grade", _("a client person has no grade"))
        if person.party == "vendor" and person.role in ("lead", "engineer") and not person.grade:
            raise t._fail("grade", _("missing: a vendor {role} logs hours and needs a grade")
                                   .format(role=word("role", person.role)))
        spec.people.append(person)
    people = {p.key: p for p in spec.people}

    for t, code in _keyed(root, source, "task", {"code", "title", "estimate", "priority",
                                                 "status", "assignees"}, "code", "code"):
        t.number("estimate")
        assignees = t.get("assignees", required=False) or []
        if not isinstance(assignees, list) or not all(isinstance(a, str) for a in assignees):
            raise t._fail("assignees", _("expected a list of person ids"))
        for a in assignees:
            if a not in people:
                raise t._fail("assignees", _("unknown person {person}").format(person=_show(a)))
            if people[a].party != "vendor":
                raise t._fail("assignees", _("{person} is not of the vendor party")
                                           .format(person=_show(a)))
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
            raise t._fail("task", _("unknown task {task}").format(task=_show(task)))
        if person not in people or people[person].party != "vendor":
            raise t._fail("person", _("unknown vendor person {person}")
                                    .format(person=_show(person)))
        t.number("pd")
        pd = t.wrap("pd", pd_amount_to_milli, t.data["pd"])
        spec.allocations.append(AllocationSpec(task, person, pd))
    spec.deliverables = _deliverables(root, source, spec)
    spec.obligations = parse_obligations(root, source, spec)
    return spec


#: the most working days of notice a SOW may ask for a staff change (a year's working days)
MAX_NOTICE_DAYS = 260


def _active_days(t: _Table, spec: SowSpec, person: PersonSpec) -> None:
    """A ``[[person]]``'s ``from``, ``leave`` and ``replaces``: within the SOW, in order,
    and replacing a vendor person listed before them."""
    first = person.active_from or spec.start
    if person.active_from is not None and not spec.start <= first <= spec.end:
        raise t._fail("from", _("{first} is outside the SOW ({start}..{end})")
                              .format(first=first, start=spec.start, end=spec.end))
    if person.leave_on is not None:
        if person.leave_on < first:
            raise t._fail("leave", _("{leave_on} is before the person's first day {first}")
                                   .format(leave_on=person.leave_on, first=first))
        if person.leave_on > spec.end:
            raise t._fail("leave", _("{leave_on} is after the SOW's end {end}")
                                   .format(leave_on=person.leave_on, end=spec.end))
    if person.replaces is not None:
        old = next((p for p in spec.people if p.key == person.replaces), None)
        if old is None or old.party != "vendor" or person.party != "vendor":
            raise t._fail("replaces", _("{replaces} is not a vendor person listed before this "
                                        "one").format(replaces=_show(person.replaces)))


#: the [project] keys of the contract terms (SPEC §8)
CONTRACT_KEYS = ("contract", "signed_on", "billing", "price", "tax_rate",
                 "prices_include_tax")


def _contract_terms(p: _Table, spec: SowSpec) -> None:
    """The contract number and date, billing, price and tax of ``[project]``, into ``spec``."""
    spec.contract = p.text("contract", required=False, column=("project", "contract"))
    if p.has("signed_on"):
        spec.signed_on = p.day("signed_on")
        if spec.signed_on > spec.end:
            raise p._fail("signed_on", _("{signed_on} is after the SOW's end {end}")
                                       .format(signed_on=spec.signed_on, end=spec.end))
    spec.billing = p.choice("billing", BILLINGS, required=False, default="actual") or "actual"
    if p.has("price"):
        if spec.billing != "fixed":
            raise p._fail("price", _("only with billing = \"fixed\" (with billing = \"actual\" the "
                                     "amount is the PD consumed × the rates)"))
        p.number("price")
        spec.price_minor = p.wrap("price", lambda v, k: money_to_minor(v, k, MAX_PRICE),
                                  p.data["price"])
        if spec.price_minor == 0:
            raise p._fail("price", _("must be more than 0"))
    elif spec.billing == "fixed":
        raise p._fail("price", _("missing: billing = \"fixed\" needs the fixed price"))
    if p.has("tax_rate"):
        p.number("tax_rate")
        spec.tax_rate_ppm = p.wrap("tax_rate", tax_rate_to_ppm, p.data["tax_rate"])
    spec.prices_include_tax = p.flag("prices_include_tax", True)


def _keyed(root: _Table, source: str, name: str, keys: set[str], key: str,
           column: str) -> Iterator[tuple[_Table, str]]:
    """The ``[[name]]`` tables, each with its keys checked, and its ``key`` (the table's
    ``column``); a key given twice is refused."""
    seen: set[str] = set()
    for i, raw in enumerate(root.tables(name), start=1):
        t = _Table(f"{source}: [[{name}]] #{i}", raw)
        t.check_keys(keys)
        value = t.text(key, column=(name, column)) or ""
        if value in seen:
            raise t._fail(key, _("duplicate {name} {value}")
                               .format(name=name, value=_show(value)))
        seen.add(value)
        yield t, value


def _deliverables(root: _Table, source: str, spec: SowSpec) -> list[DeliverableSpec]:
    """The ``[[deliverable]]`` tables. Their tasks must be tasks of the SOW when it lists
    any; a SOW without tasks (they are added later with ``task add``) may name any code."""
    tasks = {t.code for t in spec.tasks}
    out: list[DeliverableSpec] = []
    for t, key in _keyed(root, source, "deliverable", {"key", "title", "tasks", "criteria",
                                                       "due", "kind"}, "key", "key"):
        codes = t.get("tasks", required=False) or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise t._fail("tasks", _("expected a list of task codes"))
        for code in codes:
            if tasks and code not in tasks:
                raise t._fail("tasks", _("unknown task {code}").format(code=_show(code)))
            if not tasks and (not code.strip() or control_character(code) is not None
                              or "\x00" in code):
                raise t._fail("tasks", _("{code} is not a task code").format(code=_show(code)))
        due = t.optional_day("due")
        if due is not None and due < spec.start:
            raise t._fail("due", _("{due} is before the SOW's start {start}")
                                 .format(due=due, start=spec.start))
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
        reason = _("duplicate key (it is already set above)")
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
    return LedgerError(_("{name}: line {line}: not UTF-8 text (byte {n} of the file is "
                         "{byte:#04x})")
                       .format(name=name, line=line, n=at + 1, byte=raw[at]))


def read_text_file(path: str | Path, encoding: str = "utf-8") -> tuple[Path, bytes, str]:
    """A file the user named: its path, bytes and text; one line naming the file (and the
    line of a byte that is not UTF-8) when it cannot be read."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LedgerError(_("{path}: cannot read: {strerror}")
                          .format(path=path, strerror=exc.strerror)) from None
    try:
        return p, raw, raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_utf8(p.name, raw, exc) from None


def load_sow(path: str | Path) -> SowSpec:
    """Read and validate a SOW file."""
    p, _, text = read_text_file(path)
    return parse_sow(text, source=p.name)
