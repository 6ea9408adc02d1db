"""What a SOW, a person, an entry, a change request are in the database: SQLAlchemy 2.0.

Storage units: time in integer minutes, person-days in integer thousandths
(``*_milli``), money in integer hundredths (``*_minor``). Nothing is a float.

Split by subject into the modules of this package (base, sow, grades, obligations, work,
documents, audit);
import the classes from here: ``from storage.orm import Project``.
"""

from storage.orm.audit import (
    AuditEvent,
    AuditWitness,
)
from storage.orm.base import (
    NAMING,
    Base,
)
from storage.orm.documents import (
    Acceptance,
    Period,
    PrintedRevision,
    Signature,
)
from storage.orm.grades import (
    LadderGrade,
)
from storage.orm.obligations import (
    Obligation,
)
from storage.orm.remind import (
    ReminderSent,
)
from storage.orm.scope import (
    ChangeTaskDelta,
    Scope,
)
from storage.orm.sow import (
    Assignment,
    Baseline,
    CalendarDay,
    Deliverable,
    Person,
    PersonAway,
    Project,
    Quota,
    QuotaUse,
    Rate,
    Task,
)
from storage.orm.trackers import (
    TrackerPiece,
)
from storage.orm.work import (
    Blocker,
    ChangeDelta,
    ChangeQuotaDelta,
    ChangeRequest,
    DaySum,
    DaySumDirty,
    TimeEntry,
)

__all__ = [
    "Acceptance",
    "Assignment",
    "AuditEvent",
    "AuditWitness",
    "Base",
    "Baseline",
    "Blocker",
    "CalendarDay",
    "ChangeDelta",
    "ChangeQuotaDelta",
    "ChangeRequest",
    "ChangeTaskDelta",
    "DaySum",
    "DaySumDirty",
    "Deliverable",
    "LadderGrade",
    "NAMING",
    "Obligation",
    "Period",
    "Person",
    "PersonAway",
    "PrintedRevision",
    "ReminderSent",
    "Project",
    "Quota",
    "QuotaUse",
    "Rate",
    "Scope",
    "Signature",
    "Task",
    "TimeEntry",
    "TrackerPiece",
]
