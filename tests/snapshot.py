"""Text captures of screens compared with golden files (snapshot tests without syrupy).

Run with SOWTRACK_UPDATE_SNAPSHOTS=1 to rewrite the golden files after a deliberate change,
then read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("SOWTRACK_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        if os.environ.get("SOWTRACK_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"{name}: no golden file yet; wrote one, look at it and rerun")
        return
    expected = path.read_text(encoding="utf-8").rstrip("\n")
    assert text == expected, f"{name} differs from its golden file (SOWTRACK_UPDATE_SNAPSHOTS=1)"
