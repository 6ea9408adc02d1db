"""Unit tests of model/rules/ (SPEC.md §3): pure functions, no database, no mocks.

Every expected value is worked out by hand; the arithmetic is in the comment
next to it, as the worked example's README does. Dates in March 2026 for
orientation: 03-02 is a Monday, 03-07/03-08 a weekend, 03-09 a Monday.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from model.errors import LedgerError
from model.rules import (
    DOC_EFFECTIVE,
    DOC_OPEN,
    DOC_SIGNING,
    DOC_WITHDRAWN,
    BlockerFact,
    Calendar,
    ChangeFact,
    DayTotal,
    LedgerFacts,
    QuotaFact,
    SignatureFact,
    blocked_days,
    budget_at,
    burndown,
    check_signature,
    country_warning,
    end_at,
    forecast_end,
    hours_to_minutes,
    ideal_at,
    overtime_minutes,
    pd_of_milli,
    pd_of_minutes,
    pd_to_milli,
    quota_limit_at,
    round_money,
    round_pd,
    signoff_state,
    summarize,
)

D = date
WORKED = Path(__file__).resolve().parent / "data" / "worked"

# The example SOW's calendar (sow-example.toml [calendar]).
EX_HOLIDAYS = frozenset({D(2026, 4, 6), D(2026, 5, 1), D(2026, 5, 4), D(2026, 5, 5)})
EX_WORKDAYS = frozenset({D(2026, 5, 9)})
EX_CAL = Calendar(holidays=EX_HOLIDAYS, workdays=EX_WORKDAYS)
PLAIN = Calendar()  # Monday-Friday only

VENDOR_LEAD = "zhang.wei"
CLIENT_SIGNATORY = "li.na"


def sig(person: str, party: str, role: str, on: date) -> SignatureFact:
    return SignatureFact(person=person, party=party, role=role, on=on)


# ================================================================ calendar


def test_weekend_is_not_a_working_day() -> None:
    assert PLAIN.is_working(D(2026, 3, 6))  # Friday
    assert not PLAIN.is_working(D(2026, 3, 7))  # Saturday
    assert not PLAIN.is_working(D(2026, 3, 8))  # Sunday
    assert PLAIN.is_working(D(2026, 3, 9))  # Monday


def test_explicit_holiday_is_not_a_working_day() -> None:
    assert PLAIN.is_working(D(2026, 4, 6))  # a Monday, normally working
    assert not EX_CAL.is_working(D(2026, 4, 6))  # listed in holidays
    assert EX_CAL.is_working(D(2026, 4, 7))  # the Tuesday after is not listed


def test_make_up_saturday_is_a_working_day() -> None:
    assert not PLAIN.is_working(D(2026, 5, 9))  # a Saturday
    assert EX_CAL.is_working(D(2026, 5, 9))  # listed in workdays (调休)
    assert not EX_CAL.is_working(D(2026, 5, 10))  # the Sunday after is not


def test_example_span_has_62_working_days() -> None:
    # March: 22 weekdays (03-02..03-31).
    assert EX_CAL.count(D(2026, 3, 2), D(2026, 3, 31)) == 22
    # April: 22 weekdays − 04-06 = 21.
    assert EX_CAL.count(D(2026, 4, 1), D(2026, 4, 30)) == 21
    # May to 05-29: 21 weekdays − 05-01, 05-04, 05-05 + Saturday 05-09 = 19.
    assert EX_CAL.count(D(2026, 5, 1), D(2026, 5, 29)) == 19
    # 22 + 21 + 19 = 62.
    assert EX_CAL.count(D(2026, 3, 2), D(2026, 5, 29)) == 62
    days = EX_CAL.working_days(D(2026, 3, 2), D(2026, 5, 29))
    assert days[0] == D(2026, 3, 2) and days[-1] == D(2026, 5, 29)
    assert D(2026, 5, 9) in days and D(2026, 4, 6) not in days


def test_country_cn_adds_national_day_and_make_up_days() -> None:
    cn = Calendar(country="CN")
    # National Day 2026-10-01 (Thu) .. 10-07 (Wed): none is a working day.
    for i in range(7):
        assert not cn.is_working(D(2026, 10, 1) + timedelta(days=i))
    assert cn.is_working(D(2026, 10, 8))  # Thursday after the break
    assert cn.is_working(D(2026, 10, 10))  # Saturday, CN make-up working day
    assert cn.is_working(D(2026, 9, 20))  # Sunday, CN make-up working day
    assert not cn.is_working(D(2026, 10, 11))  # ordinary Sunday
    # Without the country the same days are ordinary weekdays/weekends.
    assert PLAIN.is_working(D(2026, 10, 1))
    assert not PLAIN.is_working(D(2026, 10, 10))
    # 09-28..10-11: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10 = 6
    # (plain calendar: 10 weekdays 09-28..10-09).
    assert cn.count(D(2026, 9, 28), D(2026, 10, 11)) == 6
    assert PLAIN.count(D(2026, 9, 28), D(2026, 10, 11)) == 10


def test_country_cn_example_span_still_62() -> None:
    # The CN table for 03-02..05-29 agrees with the SOW's lists (04-06, 05-01,
    # 05-04, 05-05 off; 05-09 on), so W stays 22 + 21 + 19 = 62.
    cal = Calendar(holidays=EX_HOLIDAYS, workdays=EX_WORKDAYS, country="CN")
    assert cal.count(D(2026, 3, 2), D(2026, 5, 29)) == 62
    assert Calendar(country="CN").count(D(2026, 3, 2), D(2026, 5, 29)) == 62


def test_explicit_lists_win_over_country_table() -> None:
    # An explicit workday on a CN public holiday makes it a working day ...
    cal = Calendar(workdays=frozenset({D(2026, 10, 5)}), country="CN")
    assert cal.is_working(D(2026, 10, 5))
    assert not cal.is_working(D(2026, 10, 6))  # untouched neighbour stays off
    # ... and an explicit holiday on a CN make-up Saturday makes it a day off.
    cal = Calendar(holidays=frozenset({D(2026, 10, 10)}), country="CN")
    assert not cal.is_working(D(2026, 10, 10))
    assert cal.is_working(D(2026, 9, 20))  # the other make-up day is untouched


def test_unknown_country_is_refused_naming_the_key() -> None:
    with pytest.raises(LedgerError, match="calendar.country"):
        Calendar(country="XX").is_working(D(2026, 3, 2))


def test_unpublished_years_flag_cn_2027_only() -> None:
    cn = Calendar(country="CN")
    assert cn.unpublished_years(D(2026, 1, 1), D(2026, 12, 31)) == []
    assert cn.unpublished_years(D(2026, 3, 2), D(2027, 6, 30)) == [2027]
    assert cn.unpublished_years(D(2027, 1, 1), D(2027, 12, 31)) == [2027]
    assert country_warning(cn, D(2026, 3, 2), D(2026, 5, 29)) is None
    warning = country_warning(cn, D(2026, 3, 2), D(2027, 6, 30))
    assert warning is not None
    assert "CN" in warning and "2027" in warning and "2026" not in warning


def test_unpublished_years_flag_nothing_without_make_up_days_or_country() -> None:
    de = Calendar(country="DE")  # Germany has no make-up working days
    assert de.unpublished_years(D(2026, 1, 1), D(2027, 12, 31)) == []
    assert country_warning(de, D(2026, 1, 1), D(2027, 12, 31)) is None
    assert PLAIN.unpublished_years(D(2026, 1, 1), D(2027, 12, 31)) == []
    assert country_warning(PLAIN, D(2026, 1, 1), D(2027, 12, 31)) is None


def test_nth_working_day_after_skips_weekend_and_holiday() -> None:
    # From Friday 04-03: Sat 04-04, Sun 04-05 weekend, Mon 04-06 holiday -> Tue 04-07.
    assert EX_CAL.nth_working_day_after(D(2026, 4, 3), 1) == D(2026, 4, 7)
    assert EX_CAL.nth_working_day_after(D(2026, 4, 3), 2) == D(2026, 4, 8)
    # Plain calendar: Monday 04-06 is the first.
    assert PLAIN.nth_working_day_after(D(2026, 4, 3), 1) == D(2026, 4, 6)
    # Strictly after: from a working Tuesday, n=1 is Wednesday.
    assert EX_CAL.nth_working_day_after(D(2026, 4, 7), 1) == D(2026, 4, 8)
    # From Friday 05-08, n=1 is the make-up Saturday 05-09, n=2 Monday 05-11.
    assert EX_CAL.nth_working_day_after(D(2026, 5, 8), 1) == D(2026, 5, 9)
    assert EX_CAL.nth_working_day_after(D(2026, 5, 8), 2) == D(2026, 5, 11)
    with pytest.raises(ValueError, match=r"^n must be >= 1$"):
        EX_CAL.nth_working_day_after(D(2026, 4, 3), 0)


# ================================================================ numbers


def test_pd_of_minutes_is_exact() -> None:
    assert pd_of_minutes(450, 450) == 1  # 7.5 h = 1 PD at 7.5 h/day
    assert pd_of_minutes(60, 450) == Fraction(2, 15)  # 60/450 = 2/15
    assert isinstance(pd_of_minutes(60, 450), Fraction)
    assert pd_of_minutes(480, 450) == Fraction(16, 15)  # 480/450 = 16/15
    assert pd_of_minutes(6450, 480) == Fraction(215, 16)  # 107.5 h / 8 = 13.4375
    assert pd_of_milli(5000) == 5  # 5000/1000
    assert pd_of_milli(-2500) == Fraction(-5, 2)  # −2500/1000 = −2.5


def test_round_pd_half_to_even() -> None:
    # 81.5625 × 1000 = 81562.5 -> 81562 (even) -> 81.562
    assert round_pd(Fraction(1305, 16)) == Decimal("81.562")
    assert str(round_pd(Fraction(1305, 16))) == "81.562"
    # 13.4375 × 1000 = 13437.5 -> 13438 (even) -> 13.438
    assert str(round_pd(Fraction(215, 16))) == "13.438"
    # 2/15 × 1000 = 133.33.. -> 133 -> 0.133
    assert str(round_pd(Fraction(2, 15))) == "0.133"
    # 26.0625 × 1000 = 26062.5 -> 26062 -> 26.062
    assert str(round_pd(Fraction(417, 16))) == "26.062"
    # −2.5 × 1000 = −2500 exactly
    assert str(round_pd(Fraction(-5, 2))) == "-2.500"
    assert str(round_pd(95)) == "95.000"


def test_round_money_half_to_even() -> None:
    # 3.9375 × 1800 = 7087.5 -> 7087.50
    assert str(round_money(Fraction(63, 16) * 1800)) == "7087.50"
    # 0.005 × 100 = 0.5 -> 0 (even) -> 0.00; 0.015 × 100 = 1.5 -> 2 -> 0.02;
    # 0.025 × 100 = 2.5 -> 2 -> 0.02
    assert round_money(Fraction(1, 200)) == Decimal("0.00")
    assert str(round_money(Fraction(3, 200))) == "0.02"
    assert str(round_money(Fraction(5, 200))) == "0.02"
    # 2/15 PD × 1800 = 240 exactly
    assert str(round_money(Fraction(2, 15) * 1800)) == "240.00"
    # 1/3 × 100 = 33.33.. -> 33 -> 0.33
    assert str(round_money(Fraction(1, 3))) == "0.33"


def test_hours_to_minutes_accepts() -> None:
    assert hours_to_minutes("7.5") == 450  # 7.5 × 60
    assert hours_to_minutes("8") == 480  # 8 × 60
    assert hours_to_minutes(" 0.25 ") == 15  # 0.25 × 60
    assert hours_to_minutes(Decimal("1.5")) == 90  # 1.5 × 60
    assert hours_to_minutes(24) == 1440  # 24 × 60, exactly the cap
    assert hours_to_minutes("7.35") == 441  # 7.35 × 60 = 441, a whole minute


@pytest.mark.parametrize(
    "text, why",
    [
        ("0", "more than 0"),  # must be > 0
        ("-1", "more than 0"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("7.333", "whole number of minutes"),  # 7.333 × 60 = 439.98
        ("25", "more than 24 hours"),  # 25 × 60 = 1500 > 1440
        ("24.01", "whole number of minutes"),  # 24.01 × 60 = 1440.6
        ("24.5", "more than 24 hours"),  # 24.5 × 60 = 1470 > 1440
    ],
)
def test_hours_to_minutes_refuses_naming_the_field(text: str, why: str) -> None:
    with pytest.raises(LedgerError, match=f"^hours: .*{re.escape(why)}"):
        hours_to_minutes(text)
    with pytest.raises(LedgerError, match="^--hours:"):
        hours_to_minutes(text, "--hours")


def test_pd_to_milli() -> None:
    assert pd_to_milli("2.5", "budget.senior") == 2500  # 2.5 × 1000
    assert pd_to_milli("40", "budget.senior") == 40000  # 40 × 1000
    assert pd_to_milli("-1.25", "--delta") == -1250  # −1.25 × 1000
    assert pd_to_milli("0.001", "--delta") == 1  # 0.001 × 1000
    assert pd_to_milli(Decimal("7.125"), "estimate") == 7125
    with pytest.raises(LedgerError, match=r"^budget\.senior: .*more than 3 decimals"):
        pd_to_milli("1.2345", "budget.senior")  # 1234.5 milli-PD
    with pytest.raises(LedgerError, match="^--delta: .*not a number"):
        pd_to_milli("five", "--delta")


# ================================================================ overtime


def dt(on: date, person: str, minutes: int, grade: str = "senior") -> DayTotal:
    return DayTotal(on=on, person=person, grade=grade, minutes=minutes)


def test_overtime_beyond_day_length_on_working_day() -> None:
    # Wednesday 03-04: 600 − 480 = 120
    assert overtime_minutes([dt(D(2026, 3, 4), "a", 600)], EX_CAL, 480) == 120
    # Exactly a day: 480 − 480 = 0; less: 0
    assert overtime_minutes([dt(D(2026, 3, 4), "a", 480)], EX_CAL, 480) == 0
    assert overtime_minutes([dt(D(2026, 3, 4), "a", 300)], EX_CAL, 480) == 0


def test_overtime_all_minutes_on_weekend() -> None:
    # Saturday 03-07: all 240 minutes
    assert overtime_minutes([dt(D(2026, 3, 7), "a", 240)], EX_CAL, 480) == 240
    # Sunday 03-08, a long day: all 600 minutes, not 600 − 480
    assert overtime_minutes([dt(D(2026, 3, 8), "a", 600)], EX_CAL, 480) == 600


def test_overtime_holiday_entry_entirely_overtime() -> None:
    # Monday 04-06 is a SOW holiday: all 300 minutes
    assert overtime_minutes([dt(D(2026, 4, 6), "a", 300)], EX_CAL, 480) == 300
    # The same Monday without the holiday list: 300 < 480 -> 0
    assert overtime_minutes([dt(D(2026, 4, 6), "a", 300)], PLAIN, 480) == 0


def test_overtime_make_up_saturday_counts_only_excess() -> None:
    # Saturday 05-09 is a make-up working day: 540 − 480 = 60
    assert overtime_minutes([dt(D(2026, 5, 9), "a", 540)], EX_CAL, 480) == 60
    # Without the workdays list the Saturday is a weekend: all 540
    assert overtime_minutes([dt(D(2026, 5, 9), "a", 540)], PLAIN, 480) == 540


def test_overtime_sums_one_persons_day_before_comparing() -> None:
    # 5 h + 5 h = 600 min on one working day: 600 − 480 = 120 (2 h)
    rows = [dt(D(2026, 3, 4), "a", 300), dt(D(2026, 3, 4), "a", 300, grade="expert")]
    assert overtime_minutes(rows, EX_CAL, 480) == 120


def test_overtime_people_are_separate() -> None:
    # a: 300 and b: 300 on the same day: each under 480 -> 0
    rows = [dt(D(2026, 3, 4), "a", 300), dt(D(2026, 3, 4), "b", 300)]
    assert overtime_minutes(rows, EX_CAL, 480) == 0
    # a: 600 (120 over) and b: 540 (60 over): 120 + 60 = 180
    rows = [dt(D(2026, 3, 4), "a", 600), dt(D(2026, 3, 4), "b", 540)]
    assert overtime_minutes(rows, EX_CAL, 480) == 180
    # same person, two different days of 300: each under 480 -> 0
    rows = [dt(D(2026, 3, 4), "a", 300), dt(D(2026, 3, 5), "a", 300)]
    assert overtime_minutes(rows, EX_CAL, 480) == 0


def test_overtime_with_seven_and_a_half_hour_days() -> None:
    # 8 h = 480 min on a working day at 450 min/day: 480 − 450 = 30
    assert overtime_minutes([dt(D(2026, 3, 4), "a", 480)], EX_CAL, 450) == 30
    # as PD: 30/450 = 1/15
    assert pd_of_minutes(30, 450) == Fraction(1, 15)


# ================================================================ budget, end, quotas


def signed_cr(number: str, vendor_on: date, client_on: date, **kw) -> ChangeFact:
    """A CR whose effective date comes from signoff_state, as the ledger does it."""
    status, effective = signoff_state([
        sig(VENDOR_LEAD, "vendor", "lead", vendor_on),
        sig(CLIENT_SIGNATORY, "client", "signatory", client_on),
    ])
    assert status == DOC_EFFECTIVE
    return ChangeFact(number=number, raised_on=min(vendor_on, client_on),
                      effective_on=effective, **kw)


BASELINE = {"senior": 40000, "expert": 12000}  # milli-PD: 40 + 12 = 52 PD


def test_budget_at_baseline_only() -> None:
    assert budget_at(BASELINE, [], D(2026, 3, 2)) == {"senior": 40, "expert": 12}


def test_cr_becomes_effective_on_second_signature() -> None:
    # Vendor lead signs on day 1 (03-02), client signatory on day 3 (03-04).
    status, effective = signoff_state([
        sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 2)),
        sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 4)),
    ])
    assert (status, effective) == (DOC_EFFECTIVE, D(2026, 3, 4))
    cr = ChangeFact("CR-001", D(2026, 3, 2), effective_on=effective,
                    deltas={"senior": 5000})
    # Day 1 and day 2: baseline 40 senior, unchanged.
    assert budget_at(BASELINE, [cr], D(2026, 3, 2))["senior"] == 40
    assert budget_at(BASELINE, [cr], D(2026, 3, 3))["senior"] == 40
    # Day 3 and after: 40 + 5000/1000 = 45.
    assert budget_at(BASELINE, [cr], D(2026, 3, 4))["senior"] == 45
    assert budget_at(BASELINE, [cr], D(2026, 5, 29)) == {"senior": 45, "expert": 12}


def test_budget_ignores_pending_and_withdrawn_crs() -> None:
    pending = ChangeFact("CR-002", D(2026, 3, 2), deltas={"senior": 3000})
    withdrawn = ChangeFact("CR-003", D(2026, 3, 2), withdrawn=True,
                           effective_on=D(2026, 3, 3), deltas={"senior": 7000})
    # Neither counts: 40 stays 40, even long after.
    assert budget_at(BASELINE, [pending, withdrawn], D(2026, 5, 29))["senior"] == 40
    assert not withdrawn.effective_by(D(2026, 5, 29))


def test_budget_negative_and_new_grade_deltas() -> None:
    cr1 = signed_cr("CR-001", D(2026, 3, 2), D(2026, 3, 4), deltas={"senior": 5000})
    cr2 = signed_cr("CR-002", D(2026, 3, 9), D(2026, 3, 10),
                    deltas={"senior": -2500, "expert": -12000, "intermediate": 1500})
    got = budget_at(BASELINE, [cr1, cr2], D(2026, 3, 10))
    # senior 40 + 5 − 2.5 = 42.5; expert 12 − 12 = 0; intermediate 0 + 1.5 = 1.5
    assert got == {"senior": Fraction(85, 2), "expert": 0, "intermediate": Fraction(3, 2)}
    # On 03-09 only CR-001: senior 45, expert 12, no intermediate.
    got = budget_at(BASELINE, [cr1, cr2], D(2026, 3, 9))
    assert got == {"senior": 45, "expert": 12}


def test_end_at_moves_with_effective_cr_only() -> None:
    sow_end = D(2026, 5, 29)
    cr = signed_cr("CR-001", D(2026, 3, 9), D(2026, 3, 10), new_end=D(2026, 6, 30))
    assert end_at(sow_end, [cr], D(2026, 3, 9)) == sow_end  # not yet effective
    assert end_at(sow_end, [cr], D(2026, 3, 10)) == D(2026, 6, 30)
    pending = ChangeFact("CR-002", D(2026, 3, 2), new_end=D(2026, 7, 31))
    withdrawn = ChangeFact("CR-003", D(2026, 3, 2), withdrawn=True,
                           effective_on=D(2026, 3, 3), new_end=D(2026, 8, 31))
    assert end_at(sow_end, [pending, withdrawn], D(2026, 5, 1)) == sow_end
    # A CR with only PD deltas leaves the end alone.
    pd_only = signed_cr("CR-004", D(2026, 3, 2), D(2026, 3, 3), deltas={"senior": 1000})
    assert end_at(sow_end, [pd_only], D(2026, 5, 1)) == sow_end
    # Two effective CRs: the newest effective one decides (06-15, effective 03-20,
    # beats 06-30, effective 03-10).
    later = signed_cr("CR-005", D(2026, 3, 19), D(2026, 3, 20), new_end=D(2026, 6, 15))
    assert end_at(sow_end, [cr, later], D(2026, 3, 25)) == D(2026, 6, 15)
    assert end_at(sow_end, [cr, later], D(2026, 3, 19)) == D(2026, 6, 30)


def test_quota_limit_includes_effective_cr_deltas_only() -> None:
    quota = QuotaFact("prompt-rounds", "Prompt optimisation rounds", 5)
    effective = signed_cr("CR-001", D(2026, 3, 5), D(2026, 3, 6),
                          quota_deltas={"prompt-rounds": 1})
    pending = ChangeFact("CR-002", D(2026, 3, 9), quota_deltas={"prompt-rounds": 3})
    withdrawn = ChangeFact("CR-003", D(2026, 3, 2), withdrawn=True,
                           effective_on=D(2026, 3, 3), quota_deltas={"prompt-rounds": 10})
    other = signed_cr("CR-004", D(2026, 3, 2), D(2026, 3, 3),
                      quota_deltas={"research-meetings": 2})
    crs = [effective, pending, withdrawn, other]
    assert quota_limit_at(quota, crs, D(2026, 3, 5)) == 5  # CR-001 not yet effective
    assert quota_limit_at(quota, crs, D(2026, 3, 6)) == 6  # 5 + 1
    assert quota_limit_at(quota, crs, D(2026, 5, 29)) == 6  # pending/withdrawn/other: +0
    cut = signed_cr("CR-005", D(2026, 4, 1), D(2026, 4, 2), quota_deltas={"prompt-rounds": -2})
    assert quota_limit_at(quota, crs + [cut], D(2026, 4, 2)) == 4  # 5 + 1 − 2


# ================================================================ ideal line


def test_ideal_at() -> None:
    # 90 × (62 − 1) / 62 = 5490/62 = 2745/31
    assert ideal_at(Fraction(90), 62, 1) == Fraction(90 * 61, 62) == Fraction(2745, 31)
    assert ideal_at(Fraction(90), 62, 0) == 90  # 90 × 62/62
    assert ideal_at(Fraction(90), 62, 62) == 0  # 90 × 0/62
    # 95 × (62 − 7) / 62 = 5225/62
    assert ideal_at(Fraction(95), 62, 7) == Fraction(5225, 62)
    assert ideal_at(Fraction(90), 0, 0) == 0  # no working days at all


# ================================================================ forecast

START = D(2026, 3, 2)  # Monday


def test_forecast_with_fewer_than_ten_elapsed_days_uses_those() -> None:
    # as_of Wednesday 03-04: 3 working days elapsed (03-02, 03-03, 03-04).
    pd = {
        D(2026, 3, 1): Fraction(100),  # Sunday before start: not in the window
        D(2026, 3, 2): Fraction(1),
        D(2026, 3, 3): Fraction(2),
        D(2026, 3, 4): Fraction(3),
        D(2026, 3, 5): Fraction(100),  # after as_of: not in the window
    }
    # rate = (1 + 2 + 3) / 3 = 2 PD/day; remaining 5 -> ceil(5/2) = 3 working days
    # after 03-04: 03-05, 03-06, (weekend), 03-09.
    assert forecast_end(PLAIN, START, D(2026, 3, 4), Fraction(5), pd) == D(2026, 3, 9)
    # Had it divided by 10: rate 0.6 -> ceil(8.33) = 9 days -> 03-17. It must not.


def test_forecast_with_more_than_ten_elapsed_days_uses_last_ten() -> None:
    # as_of Friday 03-20: 15 working days 03-02..03-20; the last 10 are 03-09..03-20.
    pd = {d: Fraction(0) for d in PLAIN.working_days(D(2026, 3, 2), D(2026, 3, 6))}
    pd[D(2026, 3, 9)] = Fraction(2)
    pd[D(2026, 3, 10)] = Fraction(0)
    for d in PLAIN.working_days(D(2026, 3, 11), D(2026, 3, 20)):  # 8 days
        pd[d] = Fraction(1)
    pd[D(2026, 3, 14)] = Fraction(7)  # a Saturday in the window: not a working day
    # rate = (2 + 0 + 8 × 1) / 10 = 1 PD/day; remaining 3 -> 3 working days after
    # 03-20: 03-23, 03-24, 03-25.
    assert forecast_end(PLAIN, START, D(2026, 3, 20), Fraction(3), pd) == D(2026, 3, 25)
    # (All 15 days would give 10/15 = 2/3 -> ceil(4.5) = 5 -> 03-27.)
    # Early work outside the window does not raise the rate:
    pd[D(2026, 3, 2)] = Fraction(50)
    assert forecast_end(PLAIN, START, D(2026, 3, 20), Fraction(3), pd) == D(2026, 3, 25)


def test_forecast_ceil_exact_and_inexact() -> None:
    pd = {D(2026, 3, 2): Fraction(2), D(2026, 3, 3): Fraction(2)}  # rate (2+2)/2 = 2
    as_of = D(2026, 3, 3)  # Tuesday
    # remaining 4: 4/2 = 2 exactly -> 2nd working day after 03-03 = 03-05
    assert forecast_end(PLAIN, START, as_of, Fraction(4), pd) == D(2026, 3, 5)
    # remaining 4.5: 4.5/2 = 2.25 -> ceil 3 -> 03-06
    assert forecast_end(PLAIN, START, as_of, Fraction(9, 2), pd) == D(2026, 3, 6)
    # remaining 6.001: 3.0005 -> ceil 4 -> 03-09 (weekend skipped)
    assert forecast_end(PLAIN, START, as_of, Fraction(6001, 1000), pd) == D(2026, 3, 9)
    # remaining 2/15 PD: 1/15 -> ceil 1 -> 03-04
    assert forecast_end(PLAIN, START, as_of, Fraction(2, 15), pd) == D(2026, 3, 4)


def test_forecast_skips_holidays_when_counting_ahead() -> None:
    pd = {D(2026, 4, 2): Fraction(1), D(2026, 4, 3): Fraction(1)}
    start = D(2026, 4, 2)  # Thursday; window 04-02, 04-03: rate (1+1)/2 = 1
    # remaining 2 -> 2 working days after Friday 04-03: (04-04/05 weekend,
    # 04-06 holiday) 04-07, 04-08.
    assert forecast_end(EX_CAL, start, D(2026, 4, 3), Fraction(2), pd) == D(2026, 4, 8)


def test_forecast_rate_zero_is_none() -> None:
    assert forecast_end(PLAIN, START, D(2026, 3, 4), Fraction(5), {}) is None
    only_weekend = {D(2026, 3, 7): Fraction(3)}  # Saturday work is not on a window day
    assert forecast_end(PLAIN, START, D(2026, 3, 9), Fraction(5), only_weekend) is None
    # rate 0 wins over remaining <= 0
    assert forecast_end(PLAIN, START, D(2026, 3, 4), Fraction(-1), {}) is None
    # as_of before start: no elapsed working day
    assert forecast_end(PLAIN, START, D(2026, 3, 1), Fraction(5),
                        {D(2026, 3, 1): Fraction(1)}) is None


def test_forecast_nothing_remaining_is_as_of() -> None:
    pd = {D(2026, 3, 2): Fraction(1)}
    assert forecast_end(PLAIN, START, D(2026, 3, 4), Fraction(0), pd) == D(2026, 3, 4)
    assert forecast_end(PLAIN, START, D(2026, 3, 4), Fraction(-3), pd) == D(2026, 3, 4)


# ================================================================ blocked days


def test_overlapping_blockers_count_each_day_once_without_weekend_or_resolved_day() -> None:
    a = BlockerFact("B-001", "client", D(2026, 3, 2), D(2026, 3, 5))  # 03-02, 03-03, 03-04
    b = BlockerFact("B-002", "client", D(2026, 3, 4), D(2026, 3, 10))
    # b: 03-04, 03-05, 03-06, (03-07, 03-08 weekend), 03-09 = 4; 03-10 is the resolved day.
    # union: 03-02, 03-03, 03-04, 03-05, 03-06, 03-09 = 6
    # (summing per blocker: 3 + 4 = 7; counting the weekend: 8; counting 03-10: 7).
    assert blocked_days([a, b], PLAIN, D(2026, 3, 31)) == {"client": 6, "vendor": 0}
    assert blocked_days([b], PLAIN, D(2026, 3, 31)) == {"client": 4, "vendor": 0}


def test_blocker_resolved_day_is_not_counted() -> None:
    # raised Tuesday 03-03, resolved Thursday 03-05: 03-03, 03-04 = 2 (the worked example)
    b = BlockerFact("B-001", "client", D(2026, 3, 3), D(2026, 3, 5))
    assert blocked_days([b], PLAIN, D(2026, 3, 10)) == {"client": 2, "vendor": 0}
    # resolved the day it was raised: raised <= d < resolved is empty -> 0
    same = BlockerFact("B-002", "vendor", D(2026, 3, 3), D(2026, 3, 3))
    assert blocked_days([same], PLAIN, D(2026, 3, 10)) == {"client": 0, "vendor": 0}


def test_blocker_over_holiday_skips_it() -> None:
    # 04-02 (Thu), 04-03 (Fri), 04-04/05 weekend, 04-06 holiday, 04-07 (Tue); resolved 04-08
    b = BlockerFact("B-001", "vendor", D(2026, 4, 2), D(2026, 4, 8))
    assert blocked_days([b], EX_CAL, D(2026, 4, 30)) == {"client": 0, "vendor": 3}
    # plain calendar counts 04-06 too: 4
    assert blocked_days([b], PLAIN, D(2026, 4, 30)) == {"client": 0, "vendor": 4}


def test_open_blocker_counts_up_to_and_including_as_of() -> None:
    b = BlockerFact("B-001", "vendor", D(2026, 3, 12))  # Thursday, still open
    # as_of Monday 03-16: 03-12, 03-13, (weekend), 03-16 = 3
    assert blocked_days([b], PLAIN, D(2026, 3, 16)) == {"client": 0, "vendor": 3}
    # as_of the day it was raised: 1
    assert blocked_days([b], PLAIN, D(2026, 3, 12)) == {"client": 0, "vendor": 1}
    # as_of Saturday 03-14: 03-12, 03-13 = 2
    assert blocked_days([b], PLAIN, D(2026, 3, 14)) == {"client": 0, "vendor": 2}


def test_blocker_resolved_after_as_of_counts_as_open() -> None:
    b = BlockerFact("B-001", "vendor", D(2026, 3, 12), D(2026, 3, 20))
    # as_of 03-16: 03-12, 03-13, 03-16 = 3 (not up to 03-19, which would be 6)
    assert blocked_days([b], PLAIN, D(2026, 3, 16)) == {"client": 0, "vendor": 3}
    # resolved exactly on a later as_of 03-20: 03-12..03-19 minus weekend = 6
    assert blocked_days([b], PLAIN, D(2026, 3, 20)) == {"client": 0, "vendor": 6}


def test_blocker_raised_after_as_of_counts_nothing() -> None:
    b = BlockerFact("B-001", "client", D(2026, 3, 17))
    assert blocked_days([b], PLAIN, D(2026, 3, 16)) == {"client": 0, "vendor": 0}
    assert blocked_days([], PLAIN, D(2026, 3, 16)) == {"client": 0, "vendor": 0}


def test_blocked_days_parties_are_separate() -> None:
    client = BlockerFact("B-001", "client", D(2026, 3, 2), D(2026, 3, 4))  # 03-02, 03-03
    vendor = BlockerFact("B-002", "vendor", D(2026, 3, 3), D(2026, 3, 6))  # 03-03..03-05
    # Shared day 03-03 counts once for each party: client 2, vendor 3.
    assert blocked_days([client, vendor], PLAIN, D(2026, 3, 31)) == {"client": 2, "vendor": 3}


# ================================================================ dual sign-off


def test_check_signature_accepts_valid_signers() -> None:
    lead = sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 5))
    check_signature("CR-001", DOC_OPEN, [], lead, D(2026, 3, 4))  # no exception
    check_signature("CR-001", DOC_OPEN, [], sig("zhao.min", "vendor", "signatory",
                                                D(2026, 3, 4)), D(2026, 3, 4))  # same day
    client = sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 6))
    check_signature("CR-001", DOC_SIGNING, [lead], client, D(2026, 3, 4))


def test_check_signature_refuses_vendor_engineer() -> None:
    engineer = sig("liu.yang", "vendor", "engineer", D(2026, 3, 5))
    with pytest.raises(LedgerError, match="^actor: liu.yang"):
        check_signature("CR-001", DOC_OPEN, [], engineer)


@pytest.mark.parametrize("role", ["lead", "engineer"])
def test_check_signature_refuses_client_non_signatory(role: str) -> None:
    person = sig("client.person", "client", role, D(2026, 3, 5))
    with pytest.raises(LedgerError, match="^actor: client.person"):
        check_signature("CR-001", DOC_OPEN, [], person)


def test_check_signature_refuses_same_person_twice() -> None:
    first = sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 5))
    again = sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 6))
    with pytest.raises(LedgerError, match="already signed CR-001"):
        check_signature("CR-001", DOC_SIGNING, [first], again)


def test_check_signature_refuses_withdrawn_and_effective_documents() -> None:
    client = sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 6))
    with pytest.raises(LedgerError, match="^CR-001: is withdrawn"):
        check_signature("CR-001", DOC_WITHDRAWN, [], client)
    done = [sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 5)),
            sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 6))]
    with pytest.raises(LedgerError, match="^CR-001: is already signed by both"):
        check_signature("CR-001", DOC_EFFECTIVE, done,
                        sig("zhao.min", "vendor", "signatory", D(2026, 3, 7)))


def test_check_signature_refuses_date_before_not_before() -> None:
    early = sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 3))
    with pytest.raises(LedgerError,
                       match=r"^on: 2026-03-03 is too early to sign CR-001 "
                             r"\(not before 2026-03-04\)"):
        check_signature("CR-001", DOC_OPEN, [], early, not_before=D(2026, 3, 4))


def test_signoff_state_open_and_signing() -> None:
    assert signoff_state([]) == (DOC_OPEN, None)
    vendor_only = [sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 5)),
                   sig("zhao.min", "vendor", "signatory", D(2026, 3, 6))]
    assert signoff_state(vendor_only) == (DOC_SIGNING, None)
    client_only = [sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 5))]
    assert signoff_state(client_only) == (DOC_SIGNING, None)
    # A vendor engineer's signature does not complete the vendor side.
    bad_vendor = [sig("liu.yang", "vendor", "engineer", D(2026, 3, 5)),
                  sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 6))]
    assert signoff_state(bad_vendor) == (DOC_SIGNING, None)


def test_signoff_state_effective_on_later_signature_even_out_of_order() -> None:
    # Recorded order: client first (signed day 5 = 03-06), then vendor (signed day 2 = 03-03).
    sigs = [sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 6)),
            sig(VENDOR_LEAD, "vendor", "lead", D(2026, 3, 3))]
    # max(03-03, 03-06) = 03-06, not the date of the last recorded row (03-03)
    assert signoff_state(sigs) == (DOC_EFFECTIVE, D(2026, 3, 6))
    # The vendor signatory role counts like the lead.
    sigs = [sig("zhao.min", "vendor", "signatory", D(2026, 3, 9)),
            sig(CLIENT_SIGNATORY, "client", "signatory", D(2026, 3, 4))]
    assert signoff_state(sigs) == (DOC_EFFECTIVE, D(2026, 3, 9))


# ================================================================ summary


GRADES_OF = {"zhang.wei": "senior_expert", "chen.jing": "expert",
             "liu.yang": "senior", "wang.fang": "intermediate"}


def worked_facts() -> LedgerFacts:
    """The worked example (tests/data/worked), hand-built from entries.csv and events.toml."""
    def t(day: int, person: str, hours: str) -> DayTotal:
        return DayTotal(D(2026, 3, day), person, GRADES_OF[person], hours_to_minutes(hours))

    day_totals = [
        t(2, "zhang.wei", "8"),      # 480
        t(2, "wang.fang", "8"),      # 480
        t(3, "zhang.wei", "8"),      # T1 4 h + T4 4 h = 480
        t(3, "wang.fang", "8"),      # 480
        t(3, "liu.yang", "8"),       # 480
        t(4, "liu.yang", "10"),      # 600 (2 h over)
        t(4, "chen.jing", "8"),      # 480
        t(5, "chen.jing", "6"),      # 360
        t(5, "wang.fang", "8"),      # 480
        t(7, "liu.yang", "4"),       # 240, Saturday
        t(9, "zhang.wei", "8"),      # 480
        t(9, "liu.yang", "8"),       # 480
        t(10, "chen.jing", "8"),     # 480
        t(10, "wang.fang", "7.5"),   # 450
    ]
    cr1_status, cr1_on = signoff_state([
        sig("zhang.wei", "vendor", "lead", D(2026, 3, 5)),
        sig("li.na", "client", "signatory", D(2026, 3, 6)),
    ])
    assert (cr1_status, cr1_on) == (DOC_EFFECTIVE, D(2026, 3, 6))
    cr2_status, cr2_on = signoff_state([sig("zhao.min", "vendor", "signatory", D(2026, 3, 10))])
    assert (cr2_status, cr2_on) == (DOC_SIGNING, None)
    return LedgerFacts(
        code="CLAIMS-AGENT-2026",
        start=D(2026, 3, 2),
        end=D(2026, 5, 29),
        minutes_per_day=480,
        currency="CNY",
        calendar=Calendar(holidays=EX_HOLIDAYS, workdays=EX_WORKDAYS, country="CN"),
        rates={"junior": 120000, "intermediate": 180000, "senior": 280000,
               "expert": 420000, "senior_expert": 600000},  # minor units per PD
        baseline={"senior_expert": 8000, "expert": 12000, "senior": 40000,
                  "intermediate": 30000},  # milli-PD
        day_totals=day_totals,
        changes=[
            ChangeFact("CR-001", D(2026, 3, 4), effective_on=cr1_on,
                       deltas={"senior": 5000}, quota_deltas={"prompt-rounds": 1}),
            ChangeFact("CR-002", D(2026, 3, 9), effective_on=cr2_on,
                       deltas={"expert": 3000}),
        ],
        blockers=[BlockerFact("B-001", "client", D(2026, 3, 3), D(2026, 3, 5))],
        quotas=[
            QuotaFact("research-meetings", "Scenario research meetings", 3,
                      [(D(2026, 3, 2), 1)]),
            QuotaFact("prompt-rounds", "Prompt optimisation rounds", 5,
                      [(D(2026, 3, 5), 1), (D(2026, 3, 10), 1)]),
            QuotaFact("eval-records", "Evaluation data records", 2000),
        ],
    )


# The worked example's summary as of 2026-03-10, by hand (see tests/data/worked/README.md).
WORKED_EXPECTED = {
    "project": "CLAIMS-AGENT-2026",
    "as_of": "2026-03-10",
    "budget_pd": 95.0,  # 8 + 12 + 40 + 30 = 90, + 5 senior (CR-001) = 95
    "consumed_pd": 13.438,  # 6450 min / 480 = 107.5 h / 8 = 13.4375 -> 13.438
    "remaining_pd": 81.562,  # 95 − 13.4375 = 81.5625 -> 81.562 (half to even)
    "overtime_pd": 0.75,  # liu.yang 600 − 480 = 120 + Saturday 240 = 360 min / 480
    "by_grade": {
        # wang.fang 480 + 480 + 480 + 450 = 1890 min = 3.9375; 30 − 3.9375 = 26.0625
        "intermediate": {"budget_pd": 30.0, "consumed_pd": 3.938, "remaining_pd": 26.062},
        # liu.yang 480 + 600 + 240 + 480 = 1800 min = 3.75; 40 + 5 = 45; 45 − 3.75
        "senior": {"budget_pd": 45.0, "consumed_pd": 3.75, "remaining_pd": 41.25},
        # chen.jing 480 + 360 + 480 = 1320 min = 2.75; CR-002's +3 is pending
        "expert": {"budget_pd": 12.0, "consumed_pd": 2.75, "remaining_pd": 9.25},
        # zhang.wei 480 × 3 = 1440 min = 3
        "senior_expert": {"budget_pd": 8.0, "consumed_pd": 3.0, "remaining_pd": 5.0},
    },
    "cost": {
        # 8×6000 + 12×4200 + 45×2800 + 30×1800 = 48000 + 50400 + 126000 + 54000
        "budget": 278400.0,
        # 3×6000 + 2.75×4200 + 3.75×2800 + 3.9375×1800 = 18000 + 11550 + 10500 + 7087.5
        "consumed": 47137.5,
        "currency": "CNY",
    },
    "blocked_days": {"client": 2, "vendor": 0},  # 03-03, 03-04
    "working_days": {"total": 62, "elapsed": 7},  # 22 + 21 + 19; 03-02..03-06, 03-09, 03-10
    # rate 103.5 h / 8 / 7 = 12.9375 / 7; 81.5625 / (12.9375/7) = 44.13 -> 45 working
    # days after 03-10: 15 in March, 21 in April, 9 in May (with 05-09) -> 05-15
    "forecast_end": "2026-05-15",
    "quotas": {
        "research-meetings": {"limit": 3, "used": 1},
        "prompt-rounds": {"limit": 6, "used": 2},  # 5 + 1 (CR-001); uses 03-05, 03-10
        "eval-records": {"limit": 2000, "used": 0},
    },
    "change_requests": {"effective": ["CR-001"], "pending": ["CR-002"]},
}


def test_worked_example_summary_by_hand() -> None:
    assert summarize(worked_facts(), D(2026, 3, 10)).to_json() == WORKED_EXPECTED


def test_worked_example_summary_matches_expected_file() -> None:
    expected = json.loads((WORKED / "expected-summary.json").read_text(encoding="utf-8"))
    expected["cost"]["currency"] = "CNY"  # SPEC §6 includes it; the file leaves it out
    assert summarize(worked_facts(), D(2026, 3, 10)).to_json() == expected


def test_worked_example_summary_exact_figures() -> None:
    s = summarize(worked_facts(), D(2026, 3, 10))
    assert s.budget_pd == 95
    assert s.consumed_pd == Fraction(215, 16)  # 13.4375 exactly
    assert s.remaining_pd == Fraction(1305, 16)  # 81.5625 exactly
    assert s.overtime_pd == Fraction(3, 4)  # 360/480
    assert s.consumed_cost == Fraction(94275, 2)  # 47137.5
    assert s.end == D(2026, 5, 29)
    # by_grade in seniority order
    assert [g.grade for g in s.by_grade] == ["intermediate", "senior", "expert",
                                             "senior_expert"]


def test_worked_example_summary_before_cr_001() -> None:
    s = summarize(worked_facts(), D(2026, 3, 5)).to_json()
    # CR-001 effective 03-06: on 03-05 the budget is the baseline 90, CR-001 pending.
    assert s["budget_pd"] == 90.0
    assert s["by_grade"]["senior"]["budget_pd"] == 40.0
    assert s["quotas"]["prompt-rounds"] == {"limit": 5, "used": 1}  # 03-05 use counts
    # CR-002 raised 03-09: not yet listed at all.
    assert s["change_requests"] == {"effective": [], "pending": ["CR-001"]}
    # consumed through 03-05: 960 + 1440 + 1080 + 840 = 4320 min / 480 = 9
    assert s["consumed_pd"] == 9.0
    # overtime: liu.yang 03-04 120 min / 480 = 0.25 (Saturday 03-07 not yet)
    assert s["overtime_pd"] == 0.25
    # blocker open 03-03, 03-04; resolved 03-05 (= as_of) not counted -> 2
    assert s["blocked_days"] == {"client": 2, "vendor": 0}
    assert s["working_days"] == {"total": 62, "elapsed": 4}  # 03-02..03-05


def test_summary_grade_without_budget_shows_negative_remaining() -> None:
    facts = LedgerFacts(
        code="P", start=D(2026, 3, 2), end=D(2026, 3, 31), minutes_per_day=480,
        currency="CNY", calendar=PLAIN,
        rates={"senior": 280000, "junior": 120000},
        baseline={"senior": 10000, "expert": 0},
        day_totals=[DayTotal(D(2026, 3, 2), "x", "junior", 480),   # 1 PD junior
                    DayTotal(D(2026, 3, 3), "y", "senior", 240)],  # 0.5 PD senior
    )
    s = summarize(facts, D(2026, 3, 3)).to_json()
    assert s["by_grade"] == {
        "junior": {"budget_pd": 0.0, "consumed_pd": 1.0, "remaining_pd": -1.0},  # 0 − 1
        "senior": {"budget_pd": 10.0, "consumed_pd": 0.5, "remaining_pd": 9.5},  # 10 − 0.5
        # expert: budget 0 and no consumption -> not listed
    }
    assert s["remaining_pd"] == 8.5  # 10 − 1.5
    # cost consumed: 1 × 1200 + 0.5 × 2800 = 2600; budget: 10 × 2800 = 28000
    assert s["cost"] == {"budget": 28000.0, "consumed": 2600.0, "currency": "CNY"}


def test_summary_with_seven_and_a_half_hour_days() -> None:
    facts = LedgerFacts(
        code="P", start=D(2026, 3, 2), end=D(2026, 3, 31), minutes_per_day=450,
        currency="EUR", calendar=PLAIN, rates={"senior": 90000},
        baseline={"senior": 10000},
        day_totals=[DayTotal(D(2026, 3, 2), "x", "senior", 60),    # 2/15 PD
                    DayTotal(D(2026, 3, 3), "x", "senior", 480)],  # 16/15 PD, 30 min over
    )
    s = summarize(facts, D(2026, 3, 3))
    assert s.consumed_pd == Fraction(6, 5)  # 2/15 + 16/15 = 18/15
    assert s.overtime_pd == Fraction(1, 15)  # 30/450
    j = s.to_json()
    assert j["consumed_pd"] == 1.2 and j["overtime_pd"] == 0.067  # 1/15 = 0.0666.. -> 0.067
    assert j["remaining_pd"] == 8.8  # 10 − 1.2
    assert j["cost"]["consumed"] == 1080.0  # 1.2 × 900
    assert j["cost"]["currency"] == "EUR"
    # rate (2/15 + 16/15) / 2 = 3/5 PD/day; 8.8 / 0.6 = 14.67 -> 15 working days after
    # Tuesday 03-03: 03-04..03-06 (3), 03-09..13 (8), 03-16..20 (13), 03-23, 03-24 (15)
    assert j["forecast_end"] == "2026-03-24"


def test_summary_end_moved_by_cr() -> None:
    facts = LedgerFacts(
        code="P", start=D(2026, 3, 2), end=D(2026, 3, 13), minutes_per_day=480,
        currency="CNY", calendar=PLAIN, rates={}, baseline={"senior": 10000},
        changes=[ChangeFact("CR-001", D(2026, 3, 3), effective_on=D(2026, 3, 4),
                            new_end=D(2026, 3, 20))],
    )
    before = summarize(facts, D(2026, 3, 3))
    assert before.end == D(2026, 3, 13)
    assert before.working_days_total == 10  # 03-02..03-13: 2 weeks
    after = summarize(facts, D(2026, 3, 4))
    assert after.end == D(2026, 3, 20)
    assert after.working_days_total == 15  # 03-02..03-20: 3 weeks
    assert after.to_json()["forecast_end"] is None  # nothing logged: rate 0


# ================================================================ burndown


def test_burndown_worked_example() -> None:
    rows = burndown(worked_facts(), D(2026, 3, 10))
    assert len(rows) == 62  # one per working day 03-02..05-29
    assert rows[0].on == D(2026, 3, 2) and rows[-1].on == D(2026, 5, 29)
    assert [r.on for r in rows] == EX_CAL.working_days(D(2026, 3, 2), D(2026, 5, 29))
    first = rows[0]
    assert first.budget_pd == 90  # CR-001 not effective on 03-02
    assert first.ideal_pd == Fraction(90 * 61, 62)  # 90 × (62 − 1) / 62
    assert first.consumed_pd == 2  # 480 + 480 = 960 min / 480
    by_day = {r.on: r for r in rows}
    # 03-05: budget 90; 960 + 1440 + 1080 + 840 = 4320 min = 9 PD
    assert by_day[D(2026, 3, 5)].budget_pd == 90
    assert by_day[D(2026, 3, 5)].consumed_pd == 9
    # 03-06 (5th working day): budget 95; ideal 95 × 57/62; nothing logged that day
    assert by_day[D(2026, 3, 6)].budget_pd == 95
    assert by_day[D(2026, 3, 6)].ideal_pd == Fraction(95 * 57, 62)
    assert by_day[D(2026, 3, 6)].consumed_pd == 9
    # 03-09 includes Saturday 03-07: 4320 + 240 + 960 = 5520 min = 11.5 PD
    assert by_day[D(2026, 3, 9)].consumed_pd == Fraction(23, 2)
    # 03-10 (7th): 5520 + 930 = 6450 min = 13.4375; remaining 81.5625; ideal 95 × 55/62
    last_known = by_day[D(2026, 3, 10)]
    assert last_known.consumed_pd == Fraction(215, 16)
    assert last_known.remaining_pd == Fraction(1305, 16)
    assert last_known.ideal_pd == Fraction(95 * 55, 62)
    assert last_known.to_json() == {"date": "2026-03-10", "budget_pd": 95.0,
                                    "consumed_pd": 13.438, "remaining_pd": 81.562,
                                    "ideal_pd": 84.274}  # 5225/62 = 84.2741..
    # After as_of: no consumption, no remaining
    after = [r for r in rows if r.on > D(2026, 3, 10)]
    assert len(after) == 55  # 62 − 7
    assert all(r.consumed_pd is None and r.remaining_pd is None for r in after)
    assert by_day[D(2026, 3, 11)].to_json() == {
        "date": "2026-03-11", "budget_pd": 95.0, "consumed_pd": None,
        "remaining_pd": None, "ideal_pd": 82.742}  # 95 × 54/62 = 82.7419..
    assert rows[-1].ideal_pd == 0  # 95 × (62 − 62) / 62
    assert D(2026, 5, 9) in by_day and D(2026, 4, 6) not in by_day


def test_burndown_follows_cr_end_date() -> None:
    facts = LedgerFacts(
        code="P", start=D(2026, 3, 2), end=D(2026, 3, 13), minutes_per_day=480,
        currency="CNY", calendar=PLAIN, rates={}, baseline={"senior": 10000},
        changes=[ChangeFact("CR-001", D(2026, 3, 3), effective_on=D(2026, 3, 4),
                            deltas={"senior": 5000}, new_end=D(2026, 3, 20))],
    )
    assert len(burndown(facts, D(2026, 3, 3))) == 10  # 03-02..03-13
    rows = burndown(facts, D(2026, 3, 4))
    assert len(rows) == 15  # 03-02..03-20
    # row 1: 10 × 14/15; row 3 (03-04, CR effective): 15 × 12/15 = 12
    assert rows[0].ideal_pd == Fraction(10 * 14, 15)
    assert rows[2].ideal_pd == 12
    # as_of 03-04: rows up to 03-04 carry consumption (0, nothing logged), 03-05 on do not
    assert rows[2].consumed_pd == 0 and rows[3].consumed_pd is None


def test_burndown_rows_after_as_of_do_not_know_later_crs() -> None:
    """A CR effective after as_of changes neither the rows' budget nor the end seen then."""
    facts = LedgerFacts(
        code="X", start=date(2026, 3, 2), end=date(2026, 3, 31), minutes_per_day=480,
        currency="CNY", calendar=Calendar(), rates={}, baseline={"senior": 10_000},
        changes=[ChangeFact("CR-001", date(2026, 3, 2), effective_on=date(2026, 3, 20),
                            deltas={"senior": 5_000}, new_end=date(2026, 4, 30))])
    early = burndown(facts, date(2026, 3, 10))
    # 03-02..03-31: 22 working days; every row's budget is the 10 PD known on 03-10.
    assert len(early) == 22 and {r.budget_pd for r in early} == {10}
    late = burndown(facts, date(2026, 3, 25))
    # Seen from 03-25 the end is 04-30 (22 + 22 working days) and the budget steps on 03-20.
    assert len(late) == 44
    assert [r.budget_pd for r in late if r.on in (date(2026, 3, 19), date(2026, 3, 20))] == [
        10, 15]


def test_hours_to_minutes_refuses_a_decimal_nan() -> None:
    with pytest.raises(LedgerError, match="^hours: "):
        hours_to_minutes(Decimal("NaN"))
