"""The SOW file's ``[[obligation]]`` tables (SPEC §9), read key by key into ``ObligationSpec``."""

from __future__ import annotations

from model.i18n import _
from model.rules import PARTIES
from storage.sowfile.spec import ObligationSpec, SowSpec
from storage.sowfile.table import _show, _Table

#: the keys of an [[obligation]] table
OBLIGATION_KEYS = {"key", "title", "party", "due", "due_days"}


def parse_obligations(root: _Table, source: str, spec: SowSpec) -> list[ObligationSpec]:
    """The ``[[obligation]]`` tables: a key, a title, the party that must provide it and
    exactly one of ``due`` (a date in the SOW) or ``due_days`` (working days after the
    start, at most the SOW's length in days)."""
    out: list[ObligationSpec] = []
    seen: set[str] = set()
    span = (spec.end - spec.start).days
    for i, raw in enumerate(root.tables("obligation"), start=1):
        t = _Table(f"{source}: [[obligation]] #{i}", raw)
        t.check_keys(OBLIGATION_KEYS)
        key = t.text("key", column=("obligation", "key")) or ""
        if key in seen:
            raise t._fail("key", _("duplicate obligation {key}").format(key=_show(key)))
        seen.add(key)
        title = t.text("title") or ""
        party = t.choice("party", PARTIES) or ""
        if not t.has("due") and not t.has("due_days"):
            raise t._fail("due", _("missing: give due (a date) or due_days (working days after "
                                   "the start)"))
        if t.has("due") and t.has("due_days"):
            raise t._fail("due_days", _("give either due or due_days, not both"))
        due = t.optional_day("due")
        if due is not None and not spec.start <= due <= spec.end:
            raise t._fail("due", _("{due} is outside the SOW ({start}..{end})")
                                 .format(due=due, start=spec.start, end=spec.end))
        due_days = t.integer("due_days", 0, span) if t.has("due_days") else None
        out.append(ObligationSpec(key, title, party, due, due_days))
    return out
