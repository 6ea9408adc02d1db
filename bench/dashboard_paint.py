"""The lead opens the app: seconds from process start to the dashboard's figures painted.

    SOWTRACK_BENCH_T0=$(date +%s.%N) python bench/dashboard_paint.py [--db URL] [--as P]

Starts the app as `sowtrack` with no command does on a terminal (the same argument
parser, the same ledger, the same tui.startup.open_app), but headless under Textual's
``run_test`` (no terminal needed), and watches the dashboard: the figures are painted
once its headline (``#headline``, else any Static) shows the consumed PD and a refresh
of the screen has run after it (in the language the app speaks: the SOW's or the
setting's). Prints ``painted S`` with S the seconds since
SOWTRACK_BENCH_T0 (the parent's clock just before it started this process; without
it, since this script's first line), then exits at once. The chart and the side panels
are not waited for: the figures are what the lead looks at first.
"""

from __future__ import annotations

import os
import time

T0 = float(os.environ.get("SOWTRACK_BENCH_T0") or time.time())

import asyncio  # noqa: E402 - the clock starts before the imports
import sys  # noqa: E402


def _figures_shown(app) -> bool:  # type: ignore[no-untyped-def]
    from textual.css.query import NoMatches
    from textual.widgets import Static

    from model.i18n import _

    screen = app.screen
    try:
        widgets = [screen.query_one("#headline", Static)]
    except NoMatches:
        widgets = list(screen.query(Static))
    # the figures' line as the dashboard words it, in the language the app speaks (the
    # SOW's or the setting's): its words before the first figure
    words = _("PD  budget {budget} · consumed {consumed} · ").split("{", 1)[0]
    return any(words in str(w.render()) for w in widgets)


async def _watch(app, timeout: float) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(160, 48)) as pilot:
        while not _figures_shown(app):
            if time.time() - T0 > timeout:
                raise SystemExit(f"the figures were not painted within {timeout:.0f} s")
            await asyncio.sleep(0.01)
        await pilot.pause()  # the screen's refresh after the update has run
        print(f"painted {time.time() - T0:.3f}", flush=True)
        os._exit(0)  # the figures are in: closing the app is not part of the measure


def main(argv: list[str]) -> int:
    from tui.cli import build_parser
    from tui.commands.common import _ledger, pinned_today
    from tui.startup import open_app

    timeout = 600.0
    args = build_parser().parse_args(argv)
    ledger = _ledger(args)
    ledger.project()  # as `sowtrack` does before it opens the app
    app = open_app(ledger, pinned_today())
    asyncio.run(_watch(app, timeout))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
