"""The sheets the Exports view offers and its command palette entries: names only, so
that the app lists them without importing the sheets' code (issue 13: startup)."""

from __future__ import annotations

from model.i18n import N_, _
from model.sheet_kinds import SHEET_KINDS

#: (kind, label) of every sheet, in the order of the choice (model.sheet_kinds)
SHEETS: tuple[tuple[str, str], ...] = tuple(
    (kind.value, info.label) for kind, info in SHEET_KINDS.items())

#: the palette's title of one sheet's export (its titles in both languages are names)
SHEET_TITLE = N_("Export the {title_en} {title_zh}")

#: command palette entries (title, help, mode, action), appended to tui.app.ACTIONS;
#: in English (marked), :func:`palette_text` words them in the language spoken now
EXPORT_ACTIONS: tuple[tuple[str, str, str, str | None], ...] = (
    (N_("Export a sheet"), N_("print a sheet as PDF, with its document id and SHA-256"),
     "exports", "choose_sheet"),
    *((SHEET_TITLE.format(title_en=info.title_en, title_zh=info.title_zh), N_("as PDF"),
       "exports", f"choose_{kind.value}") for kind, info in SHEET_KINDS.items()),
    (N_("Verify a printed sheet"), N_("does the ledger still hold exactly what a PDF printed?"),
     "exports", "verify"),
)


def palette_text(title: str, help_text: str, action: str | None) -> tuple[str, str]:
    """A palette entry's title and help (tui.app.ACTIONS) in the language spoken now."""
    kind = action.removeprefix("choose_") if action else ""
    info = next((i for k, i in SHEET_KINDS.items() if k.value == kind), None)
    if info is not None:
        title = _(SHEET_TITLE).format(title_en=info.title_en, title_zh=info.title_zh)
    elif title:
        title = _(title)
    return title, _(help_text) if help_text else ""
