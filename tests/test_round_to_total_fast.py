"""``rules.round_to_total`` in integers over one common denominator gives exactly what the
Fraction arithmetic it replaced gave (the printed sheets' and the spreadsheets' rounding),
and rounds a hundred thousand entries' hours quickly."""

from __future__ import annotations

import math
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.rules import round_to_total


def fraction_arithmetic(values, places, total=None):
    """The previous implementation, verbatim: the reference."""
    unit = 10**places
    scaled = [Fraction(v) * unit for v in values]
    target = (round(sum(scaled, Fraction(0))) if total is None
              else round(Fraction(total) * unit))
    floors = [math.floor(x) for x in scaled]
    out = list(floors)
    missing = target - sum(floors)
    if scaled:
        order = sorted(range(len(scaled)), key=lambda i: (floors[i] - scaled[i], i))
        step = 1 if missing >= 0 else -1
        if step < 0:
            order.reverse()
        for k in range(abs(missing)):
            out[order[k % len(order)]] += step
    elif missing:
        raise ValueError("no values to add up to a total that is not zero")
    return [Decimal(n).scaleb(-places) for n in out]


values = st.one_of(st.integers(-10**6, 10**6),
                   st.fractions(min_value=-10**4, max_value=10**4, max_denominator=10**4))


@given(st.lists(values, max_size=40), st.integers(0, 4),
       st.one_of(st.none(), st.fractions(min_value=-1, max_value=1, max_denominator=1000)))
def test_the_same_as_fraction_arithmetic(xs, places, offset) -> None:
    """A total of None (the exact sum, rounded) or near the sum, as every caller gives."""
    total = None if offset is None else sum(xs, Fraction(0)) + offset / 10**places
    try:
        expected = fraction_arithmetic(xs, places, total)
    except ValueError:
        with pytest.raises(ValueError):
            round_to_total(xs, places, total)
        return
    assert round_to_total(xs, places, total) == expected


@given(st.lists(st.integers(1, 1440), max_size=60), st.sampled_from([450, 480, 420]))
def test_minutes_as_hours_and_pd(minutes, per_day) -> None:
    for vs, places in (([Fraction(m, 60) for m in minutes], 2),
                       ([Fraction(m, per_day) for m in minutes], 3)):
        assert round_to_total(vs, places) == fraction_arithmetic(vs, places)


def test_a_hundred_thousand_entries_in_well_under_a_second() -> None:
    minutes = [(i * 37) % 600 + 1 for i in range(100_000)]
    hours = [Fraction(m, 60) for m in minutes]
    t0 = time.process_time()
    shown = round_to_total(hours, 2)
    spent = time.process_time() - t0
    assert sum(shown) == round(Decimal(sum(minutes)) / 60, 2)
    assert spent < 1.0, spent
