"""The app speaks the language chosen (issue 15): Chinese when the SOW is Chinese and
nothing is set, English when the setting says so. Pilot tests, one per language."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui_support import demo_ledger, drive, screen_text


def _footer_and_screen(tmp_path: Path) -> str:
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        shown.append(screen_text(pilot.app))

    drive(demo_ledger(tmp_path), scenario)
    return shown[0]


def test_the_app_speaks_the_sows_chinese(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")  # the demo SOW's language is zh
    text = _footer_and_screen(tmp_path)
    assert "帮助" in text and "刷新" in text
    assert "Help" not in text and "Refresh" not in text


def test_the_setting_keeps_the_app_in_english(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    text = _footer_and_screen(tmp_path)
    assert "Help" in text and "Refresh" in text and "帮助" not in text
