"""The permission matrix names PLAN "change the team, tasks, allocations and grades": the
refusal of ``person add`` (a team change) words it so, from the one place the wording
lives (model.permissions.Action.PLAN); nothing is added."""

from __future__ import annotations

import pytest

from model.errors import FieldError
from model.permissions import Action
from storage.services import Ledger

from .conftest import SHARED
from .life_support import cli, start

SOW = SHARED / "sow-every-key.toml"


@pytest.fixture
def led(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    return start(ledger, SOW, monkeypatch, "2026-04-20")


def test_person_add_refused_in_the_teams_words(led: Ledger,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert Action.PLAN.value == "change the team, tasks, allocations and grades"
    before = led.people()
    with pytest.raises(FieldError, match=r"^actor: liu\.yang \(vendor engineer\) may not "
                                         r"change the team, tasks, allocations and grades"):
        led.acting_as("liu.yang").add_person("wu.lei", "吴磊", "vendor", "engineer", "senior")
    rc, out, err = cli(capsys, led, "--as", "liu.yang", "person", "add", "wu.lei", "--name",
                       "吴磊", "--party", "vendor", "--role", "engineer", "--grade", "senior")
    assert (rc, out) == (1, "")
    assert err.startswith("error: --as: liu.yang (vendor engineer) may not change the team, "
                          "tasks, allocations and grades"), err
    assert err.count("\n") == 1
    assert led.people() == before
