"""(being built)"""

from tui.screens.base import LedgerScreen


class JournalScreen(LedgerScreen):
    VIEW = "journal"
