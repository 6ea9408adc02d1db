"""The old home of :class:`LedgerScreen`, kept so that old imports still work; it lives in
:mod:`tui.widgets.ledger_screen` (screens never import each other)."""

from tui.widgets.ledger_screen import LedgerScreen

__all__ = ["LedgerScreen"]
