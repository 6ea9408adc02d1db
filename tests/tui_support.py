"""Helpers for driving the TUI with Textual's Pilot in plain (sync) pytest tests."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import date
from pathlib import Path

from textual.pilot import Pilot

from storage.demo import DEMO_CODE, build_demo
from storage.services import Ledger
from tui.app import SowtrackApp

#: the demo is built "as of" this day in every TUI test, so screens are reproducible
TODAY = date(2026, 11, 21)
SIZE = (150, 45)


_demo_files: dict[bool, Path] = {}


def _built_demo(sign_scope: bool = True) -> Path:
    """The demo as of TODAY, built once per test process (about half a second) into a
    folder of its own and copied by each test; the WAL folded into the one file."""
    if sign_scope not in _demo_files:
        folder = Path(tempfile.mkdtemp(prefix="sowtrack-demo-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "demo.db"
        led = Ledger.open(f"sqlite:///{path}")
        build_demo(led, TODAY, sign_scope=sign_scope)
        led.engine.dispose()
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _demo_files[sign_scope] = path
    return _demo_files[sign_scope]


def demo_ledger(tmp_path: Path, actor: str | None = None, *,
                sign_scope: bool = True) -> Ledger:
    """The demo project in a SQLite file, ``tmp_path``/tui.db (thread workers need a file,
    not :memory:): a fresh copy of the demo built as of TODAY. ``sign_scope=False``: the
    demo whose scope nobody has signed yet (tasks and estimates still edited directly)."""
    path = tmp_path / "tui.db"
    shutil.copyfile(_built_demo(sign_scope), path)
    return Ledger.open(f"sqlite:///{path}", DEMO_CODE, actor)


async def settle(pilot: Pilot) -> None:
    """Wait until every worker is done and the screen has caught up.

    A load superseded by a newer one (exclusive workers) is cancelled: that is normal.
    """
    from textual.worker import WorkerCancelled

    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()


async def settle_reloads(pilot: Pilot) -> None:
    """:func:`settle`, tolerating a load worker cancelled by a newer reload of its view."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        try:
            await settle(pilot)
            return
        except WorkerCancelled:
            continue
    await settle(pilot)


def drive(ledger: Ledger, scenario: Callable[[Pilot], Awaitable[None]],
          size: tuple[int, int] = SIZE, today: date = TODAY, *,
          fixed_actor: bool = False) -> SowtrackApp:
    """Run the app headless on ``ledger`` and play ``scenario`` against it
    (``fixed_actor``: as ``sowtrack serve`` runs it, acting as no one else)."""
    app = SowtrackApp(ledger, today=today, fixed_actor=fixed_actor)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)
            await settle(pilot)

    asyncio.run(main())
    return app


def screen_text(app: SowtrackApp) -> str:
    """What the terminal shows, as plain text lines (no colours)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
