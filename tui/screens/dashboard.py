"""(being built)"""

from tui.screens.base import LedgerScreen


class DashboardScreen(LedgerScreen):
    VIEW = "dashboard"
