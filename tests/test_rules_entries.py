"""Entry admission and overtime as pure rules (model/rules/entries.py, budget.py): no database."""


from datetime import date

import pytest

from model import rules
from model.errors import FieldError, LedgerError, Ref
from model.locks import Document

OK = rules.EntryFacts(person="liu.yang", party="vendor", grade="senior", task="T2",
                      task_known=True, on=date(2026, 3, 10), minutes=480,
                      start=date(2026, 3, 2), end=date(2026, 5, 29), today=date(2026, 4, 1),
                      logged=0)


def _refusal(**changes: object) -> FieldError:
    with pytest.raises(FieldError) as info:
        rules.admit_entry(OK._replace(**changes))
    return info.value


def test_an_entry_that_breaks_no_rule_is_admitted() -> None:
    rules.admit_entry(OK)
    rules.admit_entry(OK._replace(logged=960))  # exactly 24 h
    rules.admit_entry(OK._replace(on=OK.end, today=OK.end))


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"party": None}, "person", "unknown person 'liu.yang'"),
    ({"task_known": False}, "task", "unknown task 'T2'"),
    ({"party": "client"}, "person", "liu.yang is of the client party; only vendor people "
                                    "log hours"),
    ({"grade": None}, "person", "liu.yang has no grade and cannot log hours"),
    ({"on": date(2026, 6, 1)}, "date", "2026-06-01 is outside the SOW (2026-03-02..2026-05-29)"),
    ({"on": date(2026, 3, 1)}, "date", "2026-03-01 is outside the SOW (2026-03-02..2026-05-29)"),
    ({"today": date(2026, 3, 9)}, "date", "2026-03-10 is after today (2026-03-09)"),
    ({"documents": (Document("period", "TS-001", rules.DOC_SIGNING, date(2026, 3, 1),
                             date(2026, 3, 31)),)},
     "date", "2026-03-10 lies in period TS-001 (2026-03-01..2026-03-31), which is being "
             "signed"),
    ({"logged": 961}, "hours", "liu.yang would have 24.0167 h on 2026-03-10; a day holds "
                               "at most 24 h"),
])
def test_each_rule_refuses_naming_its_field(changes: dict, field: str, problem: str) -> None:
    refusal = _refusal(**changes)
    assert refusal.field == field
    assert refusal.problem.startswith(problem), refusal.problem


def test_the_first_rule_broken_is_the_one_named() -> None:
    assert _refusal(party="client", on=date(2026, 6, 1), logged=2000).field == "person"
    assert _refusal(on=date(2026, 6, 1), logged=2000).field == "date"


def test_a_withdrawn_or_open_period_locks_nothing() -> None:
    for status in (rules.DOC_OPEN, rules.DOC_WITHDRAWN):
        rules.admit_entry(OK._replace(documents=(
            Document("period", "TS-001", status, date(2026, 3, 1), date(2026, 3, 31)),)))


def test_the_inputs_are_named_as_the_caller_says() -> None:
    with pytest.raises(FieldError) as info:
        rules.admit_entry(OK._replace(party="client"), what_person=Ref("actor"))
    assert info.value.field == "actor"
    with pytest.raises(LedgerError, match="^entry 7: 2026-06-01 is outside"):
        rules.admit_entry(OK._replace(on=date(2026, 6, 1)), what_date="entry 7")


def test_overtime_of_a_day_and_of_the_ledger() -> None:
    assert rules.overtime_of_day(480, True, 450) == 30
    assert rules.overtime_of_day(400, True, 450) == 0
    assert rules.overtime_of_day(120, False, 450) == 120
    cal = rules.Calendar(holidays=frozenset(), workdays=frozenset(), country=None)
    totals = [rules.DayTotal(date(2026, 3, 2), "a", "senior", 300),  # Monday: 300 + 300
              rules.DayTotal(date(2026, 3, 2), "a", "junior", 300),
              rules.DayTotal(date(2026, 3, 2), "b", "senior", 450),
              rules.DayTotal(date(2026, 3, 7), "b", "senior", 60)]   # Saturday
    assert rules.overtime_minutes(totals, cal, 450) == 150 + 0 + 60


def test_locks_decide_what_is_writable() -> None:
    from model import locks

    locks.check_writable("P", None, [Document("acceptance", "ACC-001", rules.DOC_WITHDRAWN)])
    with pytest.raises(LedgerError, match="^project P was accepted on 2026-06-01; the "
                                          "ledger is read-only$"):
        locks.check_writable("P", date(2026, 6, 1), [])
    with pytest.raises(LedgerError, match="^acceptance ACC-001 carries a signature"):
        locks.check_writable("P", None, [Document("acceptance", "ACC-001", rules.DOC_SIGNING)])
