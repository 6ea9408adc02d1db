"""The dashboard paints its figures without waiting for the burn-down chart (issue 13)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from storage.services import Ledger
from tui.app import SowtrackApp

from .tui_support import SIZE, TODAY, demo_ledger, screen_text, settle


def test_the_figures_are_on_screen_before_the_chart(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    led = demo_ledger(tmp_path)
    # The real burn-down, held back until the figures have been seen on screen.
    gate = threading.Event()
    burndown = Ledger.burndown

    def held(self: Ledger, *args, **kwargs):
        assert gate.wait(30), "the figures never showed while the chart was held"
        return burndown(self, *args, **kwargs)

    monkeypatch.setattr(Ledger, "burndown", held)
    seen: dict[str, str] = {}

    async def main() -> None:
        app = SowtrackApp(led, today=TODAY)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(600):  # up to 30 s on a busy machine
                await pilot.pause(0.05)
                text = screen_text(app)
                if "PD  budget 460" in text:
                    break
            seen["before"] = screen_text(app)
            gate.set()
            await settle(pilot)
            seen["after"] = screen_text(app)

    asyncio.run(main())
    assert "PD  budget 460 · consumed 348.812 · remaining 111.188" in seen["before"]
    assert "Burn-down (PD)" not in seen["before"]  # the chart is not drawn yet
    assert "Burn-down (PD)" in seen["after"]
    assert "PD  budget 460 · consumed 348.812 · remaining 111.188" in seen["after"]
