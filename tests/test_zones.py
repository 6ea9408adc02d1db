"""model.zones: one lookup of a time zone by name, for the SOW's check, today's date and
the history's clock times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pendulum
import pytest
import time_machine

from model.history import local_time, utc_bound
from model.zones import UnknownZone, today_in, zone
from storage.sowfile.table import _check_timezone


def test_iana_names_and_pendulums_other_spellings() -> None:
    assert zone("Asia/Shanghai").utcoffset(datetime(2026, 7, 1)) == timedelta(hours=8)
    # pendulum knows "utc"; zoneinfo alone does not: the same zone either way
    assert zone("utc").utcoffset(datetime(2026, 7, 1)) == timedelta(0)
    with pytest.raises(UnknownZone):
        zone("Mars/Olympus_Mons")
    with pytest.raises(UnknownZone):
        zone("Asia/Shanghai ")


def test_the_sow_check_accepts_what_today_can_use() -> None:
    def fail(message: str) -> ValueError:
        return ValueError(message)

    assert _check_timezone("utc", fail) == "utc"
    with pytest.raises(ValueError, match="not a known time zone"):
        _check_timezone("+08:00", fail)


@pytest.mark.parametrize("name", ["Asia/Shanghai", "America/Los_Angeles", "utc",
                                  "Pacific/Kiritimati"])
def test_today_is_pendulums_today(name: str) -> None:
    # 2026-12-03 23:30 UTC: already the 4th in Shanghai and Kiritimati, the 3rd elsewhere
    with time_machine.travel(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), tick=False):
        got = today_in(name)
        want = pendulum.today(name)
    assert got == date(want.year, want.month, want.day)


def test_history_clock_in_a_rare_spelling() -> None:
    at = datetime(2026, 12, 3, 23, 30)
    assert local_time(at, "utc") == at
    assert local_time(at, "Asia/Shanghai") == datetime(2026, 12, 4, 7, 30)
    assert utc_bound(date(2026, 12, 4), "Asia/Shanghai") == datetime(2026, 12, 3, 16, 0)
