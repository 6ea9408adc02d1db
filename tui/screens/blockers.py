"""(being built)"""

from tui.screens.base import LedgerScreen


class BlockersScreen(LedgerScreen):
    VIEW = "blockers"
