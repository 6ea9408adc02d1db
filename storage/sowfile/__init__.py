"""The SOW file (TOML): read with tomllib, written back with tomli-w, and CSV entries.

Reading is strict: an unknown key, a missing key or a bad value is one
:class:`LedgerError` line that names the file, the table and the key.

Split by subject into the modules of this package; every name is re-exported here,
so the old imports work as before.
"""

from storage.sowfile.dump import (
    dump_sow,
)
from storage.sowfile.entries import (
    ENTRY_HEADER,
    EntryFile,
    EntryRow,
    open_entry_file,
    parse_entry_csv,
    read_entry_csv,
    read_entry_file,
)
from storage.sowfile.parse import (
    CONTRACT_KEYS,
    load_sow,
    parse_sow,
)
from storage.sowfile.spec import (
    MAX_PRICE,
    MAX_QUOTA,
    MAX_SOW_YEARS,
    AllocationSpec,
    DeliverableSpec,
    ObligationSpec,
    PersonSpec,
    QuotaSpec,
    SowSpec,
    TaskSpec,
    latest_end,
)
from storage.sowfile.table import (
    parse_date,
)

__all__ = [
    "AllocationSpec",
    "CONTRACT_KEYS",
    "DeliverableSpec",
    "ENTRY_HEADER",
    "EntryFile",
    "EntryRow",
    "MAX_PRICE",
    "MAX_QUOTA",
    "MAX_SOW_YEARS",
    "ObligationSpec",
    "PersonSpec",
    "QuotaSpec",
    "SowSpec",
    "TaskSpec",
    "dump_sow",
    "latest_end",
    "load_sow",
    "parse_date",
    "parse_entry_csv",
    "parse_sow",
    "read_entry_csv",
    "open_entry_file",
    "read_entry_file",
]
