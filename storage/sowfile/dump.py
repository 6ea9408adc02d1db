"""``dump_sow``: a ``SowSpec`` written back as the TOML a person would write (tomli-w)."""

from __future__ import annotations

from typing import Any

from model.rules import Ladder
from storage.sowfile.spec import SowSpec


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
    if spec.staff_change_notice:
        project["staff_change_notice"] = spec.staff_change_notice
    if spec.plan_confirm_days is not None:
        project["plan_confirm_days"] = spec.plan_confirm_days
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
        doc["rates"] = {g: _num(v, 100) for g, v in _by_grade(spec.rates, spec.ladder)}
    if spec.baseline:
        doc["budget"] = {g: _num(v, 1000) for g, v in _by_grade(spec.baseline, spec.ladder)}
    if spec.ladder.custom:  # the default ladder is not written: the SOW had none
        doc["grade"] = [{"key": g.key, "zh": g.zh, "en": g.en} for g in spec.ladder.steps]
    if spec.quotas:
        doc["quota"] = [{"key": q.key, "title": q.title, "limit": q.limit} for q in spec.quotas]
    if spec.people:
        doc["person"] = [
            {k: v for k, v in (("id", p.key), ("name", p.name), ("party", p.party),
                               ("role", p.role), ("grade", p.grade), ("location", p.location),
                               ("timezone", p.timezone), ("title", p.title),
                               ("from", p.active_from), ("leave", p.leave_on),
                               ("replaces", p.replaces)) if v is not None}
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
    if spec.obligations:
        doc["obligation"] = [
            {k: v for k, v in (("key", o.key), ("title", o.title), ("party", o.party),
                               ("due", o.due), ("due_days", o.due_days)) if v is not None}
            for o in spec.obligations]
    # Arrays of tables as [[quota]] blocks, in the example's order (tomli-w would inline
    # the short ones at the top of the file).
    arrays = {k: doc.pop(k) for k in ("grade", "quota", "person", "task", "allocation",
                                      "deliverable", "obligation")
              if k in doc}
    import tomli_w  # here: only an export writes TOML

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


def _by_grade(values: dict[str, int], ladder: Ladder) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda kv: ladder.sort_key(kv[0]))
