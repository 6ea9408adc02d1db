"""The sheets the Exports view offers and its command palette entries: names only, so
that the app lists them without importing the sheets' code (issue 13: startup)."""

from __future__ import annotations

from model.sheet_kinds import SHEET_KINDS

#: (kind, label) of every sheet, in the order of the choice (model.sheet_kinds)
SHEETS: tuple[tuple[str, str], ...] = tuple(
    (kind.value, info.label) for kind, info in SHEET_KINDS.items())

#: command palette entries (title, help, mode, action), appended to tui.app.ACTIONS
EXPORT_ACTIONS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Export a sheet", "print a sheet as PDF, with its document id and SHA-256", "exports",
     "choose_sheet"),
    *((f"Export the {label.split(' ', 1)[1]} {label.split(' ', 1)[0]}", "as PDF", "exports",
       f"choose_{kind}") for kind, label in SHEETS),
    ("Verify a printed sheet", "does the ledger still hold exactly what a PDF printed?",
     "exports", "verify"),
)
