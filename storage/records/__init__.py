"""Every record that carries meaning, as the audit log states it and as the tables hold it.

One definition per kind of record serves both sides of ``verify``: the services
write a record's state into the ``after`` of its audit row with the functions of
:mod:`storage.records.kinds`, and :func:`table_records` reads the tables back through the
same functions. So a record changed, added or deleted by any means other than the program
shows as a difference between :func:`replay` (the audit log alone) and :func:`table_records`
(:mod:`storage.records.sides`). Every name is re-exported here: ``from storage import
records`` and ``records.X`` work as before.
"""

from storage.records.kinds import (
    KINDS,
    SETUP_KINDS,
    Key,
    _iso,
    _normal,
    acceptance_record,
    active_days_record,
    away_record,
    blocker_content,
    blocker_record,
    change_content,
    change_record,
    deliverable_record,
    deliverable_row,
    deliverable_spec,
    entry_json,
    entry_record,
    label,
    period_record,
    person_record,
    printed_record,
    project_record,
    quota_use_record,
    quota_use_ref,
    scope_record,
    signature_record,
    signature_ref,
    sow_records,
    task_record,
    terms_record,
)
from storage.records.sides import (
    Found,
    Replayed,
    changes,
    compare,
    replay,
    table_records,
)

__all__ = [
    "Found",
    "KINDS",
    "Key",
    "Replayed",
    "SETUP_KINDS",
    "_iso",
    "_normal",
    "acceptance_record",
    "active_days_record",
    "away_record",
    "blocker_content",
    "blocker_record",
    "change_content",
    "change_record",
    "changes",
    "compare",
    "deliverable_record",
    "deliverable_row",
    "deliverable_spec",
    "entry_json",
    "entry_record",
    "label",
    "period_record",
    "person_record",
    "printed_record",
    "project_record",
    "quota_use_record",
    "quota_use_ref",
    "scope_record",
    "replay",
    "signature_record",
    "signature_ref",
    "sow_records",
    "table_records",
    "task_record",
    "terms_record",
]
