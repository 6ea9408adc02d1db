"""(being built)"""

from tui.screens.base import LedgerScreen


class ChangesScreen(LedgerScreen):
    VIEW = "changes"
