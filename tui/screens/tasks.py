"""(being built)"""

from tui.screens.base import LedgerScreen


class TasksScreen(LedgerScreen):
    VIEW = "tasks"
