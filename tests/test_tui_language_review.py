"""The app as a Chinese-speaking lead reads it after the language review (issue 15): the
dashboard's alerts space an id from the Chinese, the change requests' tab is named by its
glossary term, the allocation form says what it does once. Pilot tests at 200×60."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui_support import demo_ledger, drive, screen_text, settle


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").replace("█", " ").replace("▏", " ").split())


def _screens(tmp_path: Path, *keys: str) -> list[str]:
    """The screen after each key (flattened), the dashboard first."""
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await settle(pilot)
        shown.append(_flat(screen_text(pilot.app)))
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            shown.append(_flat(screen_text(pilot.app)))

    drive(demo_ledger(tmp_path), scenario, size=(200, 60))
    return shown


def test_the_dashboard_and_a_form_read_as_chinese(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")  # the demo SOW is Chinese
    dashboard, __, allocate = _screens(tmp_path, "4", "l")
    assert "6 变更申请单" in dashboard and "6 变更单" not in dashboard
    missing = [w for w in dashboard.split(" ! ") if "没有登记工时" in w]
    assert missing, dashboard
    for alert in missing:  # "zhou.jie 在 …", never "zhou.jie在 …"
        assert " 在 " in alert, alert
    assert "待生效：等待甲方" in dashboard and "等待 甲方" not in dashboard
    assert "为 T1 分配人天" in allocate and "（人天分配）" not in allocate
    assert "已参与，计划 20 人天" in allocate and "已分配，" not in allocate


def test_the_same_screens_in_english_are_unchanged(tmp_path: Path) -> None:
    dashboard, __, allocate = _screens(tmp_path, "4", "l")
    assert "6 CRs" in dashboard and "has no entry on" in dashboard
    assert "pending: waiting for client" in dashboard
    assert "Allocate person-days (人天分配) on T1" in allocate
    assert "assigned, 20 PD" in allocate


def test_the_history_filters_hint_fits_80_columns_in_chinese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "zh")
    shown: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        shown.append(screen_text(pilot.app))

    drive(demo_ledger(tmp_path), scenario, size=(80, 24))
    assert "entry:13、CR-002、TS-001、task:T2（任务）、B-001；留空为全部" in shown[0], shown[0]
