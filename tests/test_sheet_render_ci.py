"""Every printed sheet carries its own CJK font: checked with poppler, as a reader sees it.

For each sheet kind of the demo: ``pdffonts`` lists an embedded TrueType subset and no
non-embedded CJK font; rendered by ``pdftoppm`` with fontconfig pointed at an EMPTY
configuration (no system font that poppler could substitute), the pages are not
blank and are the same as rendered normally, the text (``pdftotext``, through the
embedded font's ToUnicode map) holds the Chinese title, and every CJK character on
the page has a real glyph in the embedded font (not the .notdef box).

Skipped when poppler-utils is missing, except in CI (``CI=true``), where .ci/run
installs it: there, a missing tool is a failure.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("pdftoppm", "pdffonts", "pdftotext")
IN_CI = os.environ.get("CI", "").lower() == "true"
MISSING = [t for t in TOOLS if shutil.which(t) is None]

if MISSING and not IN_CI:
    pytest.skip(f"poppler-utils not installed (missing {', '.join(MISSING)})",
                allow_module_level=True)

TODAY = date(2026, 11, 21)

#: the Chinese words each sheet's title must carry (the status report: any CJK)
TITLE_WORDS = {"acceptance": "验收", "timesheet": "工时", "cr": "变更申请单", "plan": "需求范围",
               "status": ""}
KINDS = list(TITLE_WORDS)


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

#: Debian packages of system CJK fonts: CI must not install any (the sheet brings its own)
CJK_FONT_PACKAGES = ("fonts-wqy", "fonts-noto-cjk", "fonts-arphic", "fonts-droid",
                     "fonts-wenquanyi", "fonts-ipafont", "fonts-takao", "fonts-unfonts",
                     "fonts-nanum", "fonts-cjk", "ttf-wqy", "fonts-adobe-source-han",
                     "fonts-noto-core", "fonts-noto")


@pytest.fixture(autouse=True)
def _tools() -> None:
    if MISSING:  # only reached with CI=true
        pytest.fail(f"CI=true but poppler-utils is missing ({', '.join(MISSING)}): "
                    f".ci/run installs it")


@dataclass
class Printed:
    kind: str
    title: str = ""
    pdf: Path | None = None
    error: str = ""
    warnings: tuple[str, ...] = ()


def _request(kind: str):  # type: ignore[no-untyped-def]
    from model.sheets import SheetRequest

    return {"acceptance": SheetRequest("acceptance"),
            "timesheet": SheetRequest("timesheet", date(2026, 9, 1), date(2026, 9, 30)),
            "cr": SheetRequest("cr", cr="CR-002"),
            "plan": SheetRequest("plan"),
            "status": SheetRequest("status", as_of=TODAY)}[kind]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Every sheet kind of the demo, printed once; a kind that cannot be printed
    records why (its tests fail with that)."""
    from exports.render import render_sheet
    from storage.demo import DEMO_CODE, build_demo
    from storage.services import Ledger
    from storage.sheets import build_sheet

    folder = tmp_path_factory.mktemp("sheets")
    led = Ledger.open(f"sqlite:///{folder / 'demo.db'}")
    build_demo(led, TODAY)
    led = Ledger(led.engine, DEMO_CODE, None)
    out: dict[str, Printed] = {}
    for kind in KINDS:
        item = out[kind] = Printed(kind)
        try:
            sheet = build_sheet(led, _request(kind), printed_on=TODAY)
            item.title = sheet.meta.title
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                item.pdf = render_sheet(sheet, kind, folder / f"{kind}.pdf")
            item.warnings = tuple(str(w.message) for w in caught)
        except Exception as exc:  # noqa: BLE001 - reported by each test of the kind
            item.error = f"{type(exc).__name__}: {exc}"
    led.engine.dispose()
    return out


def _pdf(printed: dict[str, Printed], kind: str) -> Printed:
    item = printed[kind]
    if item.pdf is None:
        pytest.fail(f"{kind}: the sheet could not be printed: {item.error}")
    return item


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{shlex.join(argv)}: exit {done.returncode}: {done.stderr}"
    return done


@pytest.fixture(scope="module")
def no_fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a fontconfig with no font at all: no <dir>, no <include>."""
    folder = tmp_path_factory.mktemp("fontconfig")
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n'
                    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f"<fontconfig><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(conf), "FONTCONFIG_PATH": str(folder),
           "XDG_CACHE_HOME": str(folder / "xdg-cache"), "XDG_DATA_HOME": str(folder / "xdg"),
           "HOME": str(folder)}  # no ~/.fonts either
    if shutil.which("fc-list"):
        listed = _run(["fc-list"], env).stdout.strip()
        assert listed == "", f"the empty font configuration still finds fonts: {listed[:300]}"
    return env


def _render(pdf: Path, prefix: Path, env: dict[str, str] | None = None) -> list[Path]:
    done = _run(["pdftoppm", "-png", "-r", "50", str(pdf), str(prefix)], env)
    assert "font" not in done.stderr.lower(), done.stderr  # e.g. "Couldn't find a font"
    pages = sorted(prefix.parent.glob(prefix.name + "-*.png"))
    assert pages, f"pdftoppm wrote no page for {pdf}"
    return pages


def _ink(png: Path) -> float:
    """The share of the page's pixels that are not (near) white."""
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
        return sum(hist[:200]) / (grey.width * grey.height)


def _difference(a: Path, b: Path) -> float:
    """The share of pixels that differ visibly between two renderings."""
    from PIL import Image, ImageChops

    with Image.open(a) as ia, Image.open(b) as ib:
        assert ia.size == ib.size, (ia.size, ib.size)
        diff = ImageChops.difference(ia.convert("L"), ib.convert("L"))
        hist = diff.histogram()
        return sum(hist[32:]) / (diff.width * diff.height)


def _fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font (columns sliced by the header's dashes)."""
    lines = _run(["pdffonts", str(pdf)]).stdout.splitlines()
    header, dashes, rows = lines[0], lines[1], lines[2:]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", dashes)]
    names = [header[a:b].strip() or header[a:].split()[0] for a, b in spans]
    out = []
    for row in rows:
        cells = [row[a:b + 1].strip() for a, b in spans[:-1]] + [row[spans[-1][0]:].strip()]
        out.append(dict(zip(names, cells, strict=True)))
    return out


# ---------------------------------------------------------------- (a) the fonts


@pytest.mark.parametrize("kind", KINDS)
def test_the_cjk_font_is_embedded_as_a_truetype_subset(kind, printed):
    item = _pdf(printed, kind)
    assert not item.warnings, item.warnings  # no fallback to a non-embedded CID font
    fonts = _fonts(item.pdf)
    embedded = [f for f in fonts if f["emb"] == "yes" and "TrueType" in f["type"]
                and f["sub"] == "yes" and re.match(r"[A-Z]{6}\+", f["name"])]
    assert embedded, f"no embedded TrueType subset font: {fonts}"
    assert all(f["uni"] == "yes" for f in embedded), fonts  # ToUnicode: text extractable
    # Every font is embedded: not even an unused Helvetica (ReportLab's default for
    # table cells and graphics) is declared for a reader to supply (issue 10).
    assert [f for f in fonts if f["emb"] != "yes"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_sheet_is_dated_the_day_it_was_printed(kind, printed):
    info = _run(["pdfinfo", str(_pdf(printed, kind).pdf)]).stdout
    day = rf"{TODAY:%b}\s+{TODAY.day} 00:00:00 {TODAY.year}"
    assert re.search(rf"^CreationDate:\s+\w{{3}} {day} UTC$", info, re.M), info


# ---------------------------------------------------------------- (b) the glyphs


@pytest.mark.parametrize("kind", KINDS)
def test_the_chinese_text_draws_without_any_system_font(kind, printed, no_fonts, tmp_path):
    item = _pdf(printed, kind)
    bare = _render(item.pdf, tmp_path / "bare", no_fonts)
    normal = _render(item.pdf, tmp_path / "normal")
    assert len(bare) == len(normal)
    for page in bare:
        assert _ink(page) > 0.005, f"{page.name} is blank"
    for a, b in zip(bare, normal, strict=True):
        share = _difference(a, b)
        assert share < 0.001, f"{a.name}: {share:.2%} of the pixels differ from the " \
                              f"rendering with system fonts"

    text = _run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(item.pdf), "-"],
                no_fonts).stdout
    assert CJK.search(item.title), f"{kind}: its title has no Chinese: {item.title!r}"
    assert TITLE_WORDS[kind] in item.title, (kind, item.title)
    head = item.title.split()[0]
    assert head in text, f"{kind}: {head!r} not in page 1's text: {text[:500]!r}"

    # Every CJK character of the page has a glyph of its own in the embedded font, so
    # none is drawn as the empty .notdef box.
    from reportlab.pdfbase.ttfonts import TTFont

    from exports.fonts import cjk_font

    source = cjk_font().source
    path, _, index = source.partition("#")
    cmap = TTFont("probe", path, subfontIndex=int(index or 0)).face.charToGlyph
    chars = set(CJK.findall(text))
    assert chars, text[:500]
    missing = sorted(c for c in chars if not cmap.get(ord(c)))
    assert not missing, f"{kind}: no glyph in {source} for {''.join(missing)}"


# ---------------------------------------------------------------- CI installs no CJK font


def test_ci_installs_poppler_but_no_cjk_font_package():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    packages = re.search(r"^PACKAGES=\((.*?)\)", script, re.M | re.S)
    assert packages, ".ci/run: no PACKAGES=(...) list"
    listed = packages.group(1).split()
    assert "poppler-utils" in listed, listed  # so that these tests run (not skip) in CI
    # Not in the list, and not installed by any other line of the script either.
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    for name in CJK_FONT_PACKAGES:
        assert name not in code, f".ci/run installs {name}: a sheet must carry its own font"
