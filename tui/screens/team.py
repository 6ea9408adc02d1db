"""(being built)"""

from tui.screens.base import LedgerScreen


class TeamScreen(LedgerScreen):
    VIEW = "team"
