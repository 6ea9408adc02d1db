"""The dashboard's alerts (pure rules, hand-made facts)."""

from datetime import date

from model.rules import (
    BlockerFact,
    Calendar,
    ChangeFact,
    DayTotal,
    LedgerFacts,
    QuotaFact,
    alerts,
    last_working_day_before,
    summarize,
)

CAL = Calendar()
START = date(2026, 3, 2)  # a Monday


def _facts(**kw) -> LedgerFacts:
    base = dict(code="X", start=START, end=date(2026, 3, 31), minutes_per_day=480,
                currency="CNY", calendar=CAL, rates={}, baseline={"senior": 2000})
    base.update(kw)
    return LedgerFacts(**base)


def test_last_working_day_skips_the_weekend() -> None:
    # as of Monday 03-09 the last working day is Friday 03-06
    assert last_working_day_before(CAL, START, date(2026, 3, 9)) == date(2026, 3, 6)
    assert last_working_day_before(CAL, START, START) is None


def test_each_alert() -> None:
    facts = _facts(day_totals=[DayTotal(date(2026, 3, 2), "a", "senior", 480 * 3)],
                   quotas=[QuotaFact("m", "meetings", 1, [(START, 1)])])
    s = summarize(facts, date(2026, 3, 9))
    blockers = [BlockerFact("B-001", "client", date(2026, 3, 3)),           # 03-03..03-09: 5
                BlockerFact("B-002", "vendor", date(2026, 3, 5)),           # 03-05..03-09: 3
                BlockerFact("B-003", "client", date(2026, 3, 2), date(2026, 3, 4))]  # resolved
    got = alerts(s, blockers, CAL, START, ["a", "b"], {date(2026, 3, 6): {"a"}})
    assert [(a.kind, a.text) for a in got] == [
        ("grade", "senior is over budget: 3 of 2 PD consumed"),
        ("quota", "quota m is at its limit: 1 of 1 used"),
        ("blocker", "blocker B-001 (client) open for 5 working days"),
        ("missing", "b has no entry on 2026-03-06"),
    ]


def test_a_forecast_after_the_end_is_an_alert() -> None:
    # 1 PD a day against 40 PD of budget in a 22-working-day month: late.
    totals = [DayTotal(d, "a", "senior", 480) for d in CAL.working_days(START, date(2026, 3, 6))]
    s = summarize(_facts(baseline={"senior": 40_000}, day_totals=totals), date(2026, 3, 6))
    got = alerts(s, [], CAL, START, [], {})
    assert got[-1].kind == "forecast" and "is after the end 2026-03-31" in got[-1].text


def test_a_pending_cr_changes_nothing_but_an_effective_one_can_clear_an_alert() -> None:
    totals = [DayTotal(date(2026, 3, 2), "a", "senior", 480 * 3)]
    cr = ChangeFact("CR-001", START, effective_on=date(2026, 3, 5), deltas={"senior": 2000})
    before = summarize(_facts(day_totals=totals, changes=[cr]), date(2026, 3, 4))
    after = summarize(_facts(day_totals=totals, changes=[cr]), date(2026, 3, 5))
    assert [a.kind for a in alerts(before, [], CAL, START, [], {})] == ["grade"]
    assert alerts(after, [], CAL, START, [], {}) == []


def test_every_alert_kind_has_a_sentence_in_each_language() -> None:
    """Alerts carry what they name (args), so a sheet words them in its own language."""
    from exports.status import ALERTS_ZH
    from model.rules import ALERT_TEXT, Alert

    assert set(ALERTS_ZH) == set(ALERT_TEXT)
    a = Alert("blocker", ("B-003", "client", "8"))
    assert a.text == "blocker B-003 (client) open for 8 working days"
    assert ALERTS_ZH["blocker"](a.args) == "阻塞问题 B-003（甲方）已持续 8 个工作日"
