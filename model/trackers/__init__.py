"""Other trackers' exports read as sowtrack entries (issue 15): pure, no database.

:mod:`model.trackers.formats` reads each tool's documented format into
:class:`Interval` values (a malformed part named by its line or its JSON path);
:mod:`model.trackers.days` turns them into entries: each interval in the person's time
zone, split at midnight, its task named by a tag or an account segment, and each
person-day's seconds rounded once to whole minutes.
"""

from model.trackers.days import Piece, Plan, PlannedEntry, TrackerProblems, plan_entries
from model.trackers.formats import (
    TOOLS,
    Interval,
    Parsed,
    parse_kimai,
    parse_klog,
    parse_timeclock,
    parse_timedot,
    parse_timew,
)

__all__ = [
    "TOOLS",
    "Interval",
    "Parsed",
    "Piece",
    "Plan",
    "PlannedEntry",
    "TrackerProblems",
    "parse_kimai",
    "parse_klog",
    "parse_timeclock",
    "parse_timedot",
    "parse_timew",
    "plan_entries",
]
