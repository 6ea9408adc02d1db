"""The dashboard's first paint and the timesheet PDF do no work they do not need (issue 13).

The dashboard paints its figures before plotext (the burn-down's library) is imported;
a sheet parses the CJK font file once (its bold name is the same face), encodes its QR
code once, and imports only its own kind's renderer; what is drawn stays the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm

from exports import base, fonts
from exports.render import RENDERERS
from model.sheet_kinds import SheetKind
from storage.demo import DEMO_CODE

from .processes import cli_env
from .tui_support import TODAY, demo_ledger

#: opens the app headless on the ledger argv[1]; prints, as JSON on stdout's last line,
#: which plotext modules were imported when the dashboard was handed its figures, when
#: the headline with them was first rendered on screen, and once the chart was drawn.
#: The moments are taken where they happen (not by polling, which could miss them).
APP = """
import asyncio, json, sys
from datetime import date
from storage.services import Ledger
from tui.app import SowtrackApp
from tui.screens.dashboard import DashboardScreen

def plotext():
    return sorted(m for m in sys.modules if m.split(".")[0] in ("plotext", "textual_plotext"))

seen = {}
show_figures = DashboardScreen.show_figures

def watched(screen, summary, rates):
    show_figures(screen, summary, rates)
    seen.setdefault("figures", plotext())
    headline = screen.query_one("#headline")
    render = type(headline).render

    def rendered():
        shown = render(headline)
        if "consumed" in str(shown):
            seen.setdefault("painted", plotext())
        return shown
    headline.render = rendered

DashboardScreen.show_figures = watched

async def main():
    app = SowtrackApp(Ledger.open(sys.argv[1], sys.argv[2]), date.fromisoformat(sys.argv[3]))
    async with app.run_test(size=(150, 45)) as pilot:
        for _ in range(1200):  # the chart, drawn once its data is in
            await pilot.pause(0.05)
            if app.screen.query("BurndownChart"):
                break
        seen["chart"] = plotext()
        seen["chart_widgets"] = len(app.screen.query("BurndownChart"))

asyncio.run(main())
print(json.dumps(seen))
"""

#: prints a sheet of the ledger argv[1] of kind argv[2] into argv[3]; prints, as JSON,
#: how many times the CJK font file was parsed and which sheet kinds' code was imported
SHEET = """
import json, sys
from reportlab.pdfbase import ttfonts

parsed = []
init = ttfonts.TTFontFile.__init__

def counted(self, *args, **kwargs):
    parsed.append(args[0] if args else kwargs.get("file"))
    return init(self, *args, **kwargs)

ttfonts.TTFontFile.__init__ = counted
from tui.cli import main
sys.argv = ["sowtrack", "--db", sys.argv[1], "export", sys.argv[2], "--out", sys.argv[3],
            *sys.argv[4:]]
rc = main()
kinds = sorted(m for m in sys.modules if m in (
    "exports.acceptance", "exports.timesheet", "exports.change", "exports.plan",
    "exports.status"))
print(json.dumps({"rc": rc, "parsed": len(parsed), "kinds": kinds}))
"""


def _run(code: str, *argv: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, timeout=300,
                          env=cli_env(SOWTRACK_TODAY=TODAY.isoformat()))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _demo_url(tmp_path: Path) -> str:
    led = demo_ledger(tmp_path)
    led.engine.dispose()
    return f"sqlite:///{tmp_path / 'tui.db'}"


def test_the_figures_are_painted_before_plotext_is_imported(tmp_path: Path) -> None:
    seen = _run(APP, _demo_url(tmp_path), DEMO_CODE, TODAY.isoformat())
    assert seen["figures"] == []  # the figures are handed over, plotext not yet imported
    assert seen["painted"] == []  # and drawn on screen before it is
    assert "plotext" in seen["chart"] and "textual_plotext" in seen["chart"]
    assert seen["chart_widgets"] == 1


@pytest.mark.parametrize(("kind", "args", "module"), [
    ("timesheet", ["--from", "2026-09-01", "--to", "2026-09-30"], "exports.timesheet"),
    ("cr", ["--cr", "CR-001"], "exports.change"),
])
def test_a_sheet_parses_the_font_once_and_imports_only_its_kind(
        tmp_path: Path, kind: str, args: list[str], module: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    seen = _run(SHEET, _demo_url(tmp_path), kind, str(out), *args)
    assert seen["rc"] == 0 and out.read_bytes().startswith(b"%PDF")
    assert seen["parsed"] == 1  # regular and bold: one parse of the file
    assert seen["kinds"] == [module]


def test_the_bold_name_is_the_same_face() -> None:
    from reportlab.pdfbase import pdfmetrics

    choice = fonts.cjk_font()
    assert choice.embedded  # the packaged WenQuanYi at least (a dependency)
    regular, bold = pdfmetrics.getFont(choice.regular), pdfmetrics.getFont(choice.bold)
    assert regular.face is bold.face
    assert bold.stringWidth("工时确认 Timesheet", 9) == regular.stringWidth("工时确认 Timesheet", 9)


def test_the_qr_code_is_encoded_once_and_drawn_as_the_widget_draws_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    payload = "sowtrack:DEMO-AGENT/TS/2026-09-01..2026-09-30#" + "ab" * 32
    made = []
    make = qrencoder.QRCode.make

    def counted(self, *args, **kwargs):  # the real encoder, counted
        made.append(1)
        return make(self, *args, **kwargs)

    monkeypatch.setattr(qrencoder.QRCode, "make", counted)
    monkeypatch.setattr(rl_config, "invariant", 1)  # the same drawing, the same bytes
    ours = base.qr_drawing(payload)
    drawn = renderPDF.drawToString(ours)
    assert len(made) == 1
    # As the widget itself would be drawn (its bounds and its shapes each encoding it)
    widget = QrCodeWidget(payload)
    x1, y1, x2, y2 = widget.getBounds()
    size = 24 * mm
    theirs = base.new_drawing(size, size,
                              transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    theirs.add(widget)
    assert renderPDF.drawToString(theirs) == drawn


def test_every_kind_has_its_renderer() -> None:
    assert set(RENDERERS) == set(SheetKind) and len(RENDERERS) == len(SheetKind)
    assert RENDERERS[SheetKind.TIMESHEET].__module__ == "exports.timesheet"
    with pytest.raises(KeyError, match="nope"):
        RENDERERS["nope"]  # type: ignore[index]
