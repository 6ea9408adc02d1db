"""A new day away over a timesheet period signed by a party is refused, as cancelling one
there is (one rule: storage.services.people_life._away_span, locks.check_span_open):
one line naming the field, nothing written; on SQLite and PostgreSQL, from the ledger and
from the command line. The every-key SOW as the vendor lead, today 2026-04-20; TS-001
(2026-03-01..03-31) signed by the vendor, so "being signed"."""

from __future__ import annotations

import re
from datetime import date

import pytest

from model.errors import FieldError
from storage.services import Ledger

from .conftest import SHARED
from .life_support import cli, start

SOW = SHARED / "sow-every-key.toml"
OVERLAPS = "overlaps period TS-001 (2026-03-01..2026-03-31), which is being signed"


@pytest.fixture
def signed(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    led = start(ledger, SOW, monkeypatch, "2026-04-20")
    led.log("T1", 8, "2026-03-02", person="chen.jing")
    led.sign_period("2026-03-01", "2026-03-31", "2026-04-01")
    return led


def chen(led: Ledger):  # noqa: ANN201 (a PersonView)
    return next(p for p in led.people() if p.key == "chen.jing")


def test_a_day_away_in_a_signed_period_is_refused(signed: Ledger) -> None:
    before = (chen(signed), signed.verify())
    with pytest.raises(FieldError,
                       match="^first: 2026-03-09..2026-03-10 " + re.escape(OVERLAPS) + "$"):
        signed.away("chen.jing", "2026-03-09", "2026-03-10", note="sick")
    # one day of it is enough
    with pytest.raises(FieldError,
                       match="^first: 2026-03-31..2026-04-02 " + re.escape(OVERLAPS) + "$"):
        signed.away("chen.jing", "2026-03-31", "2026-04-02")
    assert (chen(signed), signed.verify()) == before  # nothing written, no audit row
    # after the period it is accepted
    signed.away("chen.jing", "2026-04-01", "2026-04-02")
    assert chen(signed).away == ((date(2026, 4, 1), date(2026, 4, 2)),)


def test_the_command_line_names_the_flag(signed: Ledger,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = chen(signed)
    assert cli(capsys, signed, "person", "away", "chen.jing", "--from", "2026-03-09",
               "--to", "2026-03-10", "--note", "sick") == (
        1, "", f"error: --from: 2026-03-09..2026-03-10 {OVERLAPS}\n")
    assert chen(signed) == before
    rc, out, err = cli(capsys, signed, "person", "away", "chen.jing", "--from", "2026-04-01",
                       "--to", "2026-04-02")
    assert (rc, err) == (0, "")
    assert [(str(a), str(b)) for a, b in chen(signed).away] == [("2026-04-01", "2026-04-02")]


def test_last_before_first_is_refused_before_the_period(signed: Ledger) -> None:
    with pytest.raises(FieldError, match="^last: 2026-03-09 is before first 2026-03-10$"):
        signed.away("chen.jing", "2026-03-10", "2026-03-09")
