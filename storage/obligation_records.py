"""Obligations and deliveries as records (SPEC §7, §9): one definition for the audit log's
``after`` and for the tables read back by ``verify`` (storage.records)."""

from __future__ import annotations

from typing import Any

from model.rules import ObligationFact
from storage.orm import Obligation


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def obligation_record(o: Any) -> dict[str, Any]:
    """An obligation: a SOW's ObligationSpec (not done) or a table row (done or not)."""
    return {"title": o.title, "party": o.party, "due": _iso(o.due), "due_days": o.due_days,
            "done_on": _iso(getattr(o, "done_on", None)),
            "done_by": getattr(o, "done_by", None)}


def obligation_row(o: Any) -> Obligation:
    """The table row of a SOW's ObligationSpec."""
    return Obligation(key=o.key, title=o.title, party=o.party, due=o.due, due_days=o.due_days)


def delivery_record(d: Any) -> dict[str, Any]:
    """A deliverable's delivery: a table row's, or none for a SOW's DeliverableSpec."""
    return {"delivered_on": _iso(getattr(d, "delivered_on", None)),
            "delivery_note": getattr(d, "delivery_note", None),
            "delivered_by": getattr(d, "delivered_by", None)}


def obligation_fact(o: Obligation) -> ObligationFact:
    """An obligation row as the rules see it."""
    return ObligationFact(o.key, o.party, o.due, o.due_days, o.done_on, o.title)
