"""What a signature locks, as the timesheet view shows it (model/locks.py, no database)."""

from __future__ import annotations

from datetime import date

from model import locks, rules
from model.views import SignoffView


def _doc(kind: str, number: str, status: str, first: date | None = None,
         last: date | None = None) -> SignoffView:
    return SignoffView(kind, number, first, last, status, None, ())


NOV = (date(2026, 11, 1), date(2026, 11, 30))


def test_a_period_signed_by_one_party_or_both_locks_its_days_only() -> None:
    for status, state in ((rules.DOC_SIGNING, "being signed"), (rules.DOC_EFFECTIVE, "signed")):
        docs = [_doc("period", "TS-001", status, *NOV)]
        assert locks.locking_period(docs, date(2026, 11, 15)) == docs[0]
        assert locks.locking_period(docs, date(2026, 12, 1)) is None
        assert locks.lock_state(status) == state
    for status in (rules.DOC_OPEN, rules.DOC_WITHDRAWN):
        assert locks.locking_period([_doc("period", "TS-001", status, *NOV)],
                                    date(2026, 11, 15)) is None


def test_a_signed_acceptance_freezes_the_ledger_and_locks_no_day_itself() -> None:
    acc = _doc("acceptance", "ACC-001", rules.DOC_SIGNING, *NOV)
    assert locks.freezing_acceptance([acc]) == acc
    assert locks.locking_period([acc], date(2026, 11, 15)) is None
    assert locks.freezing_acceptance([_doc("acceptance", "ACC-001", rules.DOC_WITHDRAWN)]) is None
    assert locks.freezing_acceptance([_doc("period", "TS-001", rules.DOC_EFFECTIVE, *NOV)]) is None
