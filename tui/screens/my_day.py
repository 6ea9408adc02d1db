"""(being built)"""

from tui.screens.base import LedgerScreen


class MyDayScreen(LedgerScreen):
    VIEW = "myday"
