"""(being built)"""

from tui.screens.base import LedgerScreen


class SignoffsScreen(LedgerScreen):
    VIEW = "signoffs"
