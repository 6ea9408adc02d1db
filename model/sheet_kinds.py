"""The registry of printed sheets: every kind once, with its code, titles and options.

This is the one list of sheet kinds. Each layer keys its own part by :class:`SheetKind`:
storage its builder (``storage.sheets.BUILDERS``), exports its renderer
(``exports.render.RENDERERS``), and the command line and the app read the options here
(which parameters select a sheet of that kind). A test checks that every kind has a
builder and a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SheetKind(StrEnum):
    """A kind of printed sheet; its value is the word the command line takes."""

    ACCEPTANCE = "acceptance"
    TIMESHEET = "timesheet"
    CR = "cr"
    PLAN = "plan"
    STATUS = "status"


@dataclass(frozen=True)
class KindInfo:
    """What a kind of sheet is called and which parameters select one."""

    kind: SheetKind
    code: str  # in the document id: PROJECT/CODE[/params]
    title_zh: str
    title_en: str
    period: bool = False  # a period (--from/--to): the timesheet
    person: bool = False  # one person's sheet (--person) or one per person (--per-person)
    cr: bool = False  # a change request's number (--cr)
    as_of: bool = False  # an as-of date (--as-of)

    @property
    def label(self) -> str:
        """How a choice of sheets names it: ``验收报告 acceptance report``."""
        return f"{self.title_zh} {self.title_en}"


#: every kind, in the order the command line and the app list them
SHEET_KINDS: dict[SheetKind, KindInfo] = {
    SheetKind.ACCEPTANCE: KindInfo(SheetKind.ACCEPTANCE, "ACC", "验收报告",
                                   "acceptance report"),
    SheetKind.TIMESHEET: KindInfo(SheetKind.TIMESHEET, "TS", "工时确认单",
                                  "timesheet confirmation", period=True, person=True),
    SheetKind.CR: KindInfo(SheetKind.CR, "CR", "变更申请单", "change request form", cr=True),
    SheetKind.PLAN: KindInfo(SheetKind.PLAN, "PLAN", "需求范围确认", "scope confirmation"),
    SheetKind.STATUS: KindInfo(SheetKind.STATUS, "STATUS", "状态报告", "status report",
                               as_of=True),
}


def kind_of_code(code: str) -> SheetKind | None:
    """The kind whose document-id code is ``code`` (``TS`` -> timesheet), or None."""
    return next((k for k, info in SHEET_KINDS.items() if info.code == code), None)
