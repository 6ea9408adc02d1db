"""(being built)"""

from tui.screens.base import LedgerScreen


class TimesheetScreen(LedgerScreen):
    VIEW = "timesheet"
