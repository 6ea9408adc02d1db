"""Fonts for printed sheets: a TrueType CJK font embedded (as a subset) in every PDF.

Where the font comes from, first found wins:

1. ``SOWTRACK_CJK_FONT``: a .ttf or .ttc file (``path`` or ``path#index`` for a
   collection);
2. the WenQuanYi Micro Hei collection shipped by the ``paperang-p2-fonts-cjk``
   package (a dependency), so that output is the same on every machine;
3. common system locations (WenQuanYi, Droid Sans Fallback, AR PL, Microsoft YaHei,
   SimHei, Arial Unicode);
4. ReportLab's CID font STSong-Light, with a warning: it is not embedded, and a
   reader without that Adobe font sees empty boxes.
"""

from __future__ import annotations

import copy
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from model.i18n import _

FONT_ENV = "SOWTRACK_CJK_FONT"
REGULAR = "SowtrackCJK"
BOLD = "SowtrackCJK-Bold"
CID_FALLBACK = "STSong-Light"

SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class FontWarning(UserWarning):
    """The sheet falls back to a CID font that is not embedded."""


@dataclass(frozen=True)
class FontChoice:
    regular: str  # registered font names
    bold: str
    source: str  # the file embedded, or the CID font's name
    embedded: bool


def _packaged_font() -> str | None:
    try:
        import paperang_p2_fonts_cjk  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    return str(path) if path.exists() else None


def candidates() -> list[str]:
    """Font files to try, in order."""
    out = []
    if os.environ.get(FONT_ENV):
        out.append(os.environ[FONT_ENV])
    packaged = _packaged_font()
    if packaged:
        out.append(packaged)
    out += [p for p in SYSTEM_FONTS if Path(p).exists()]
    return out


def _load(spec: str, name: str = REGULAR) -> TTFont:
    path, _, index = spec.partition("#")
    return TTFont(name, path, subfontIndex=int(index or 0))


def _renamed(font: TTFont, name: str) -> TTFont:
    """``font``'s parsed face under another name (what ``registerFont`` reads of it)."""
    renamed = copy.copy(font)
    renamed.fontName = name
    return renamed


@lru_cache(maxsize=4)
def _choose(env_value: str | None) -> FontChoice:
    for spec in candidates():
        try:
            font = _load(spec)
        except (TTFError, OSError, ValueError) as exc:
            if spec == env_value:
                warnings.warn(_("{variable}={spec}: cannot use it ({reason}); looking further")
                              .format(variable=FONT_ENV, spec=spec, reason=exc),
                              FontWarning, stacklevel=3)
            continue
        pdfmetrics.registerFont(font)
        # No bold cut in these fonts: the bold face is the same font (bold is drawn by
        # size and rules in the layout, never faked by a stroke that smears CJK glyphs).
        # ReportLab maps a second name of a registered face to the font registered first,
        # so the bold name needs no parse of its own (a CJK file's parse is ~0.15 cpu s).
        pdfmetrics.registerFont(_renamed(font, BOLD))
        return FontChoice(REGULAR, BOLD, spec, True)
    warnings.warn(_("no TrueType CJK font found (set {variable} to a .ttf/.ttc file); using "
                    "the CID font {font}, which is not embedded: a reader without it sees "
                    "empty boxes").format(variable=FONT_ENV, font=CID_FALLBACK),
                  FontWarning, stacklevel=3)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return FontChoice(CID_FALLBACK, CID_FALLBACK, CID_FALLBACK, False)


def cjk_font() -> FontChoice:
    """The CJK font to draw sheets with, registered with ReportLab."""
    return _choose(os.environ.get(FONT_ENV))
