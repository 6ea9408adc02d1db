"""Helpers for tests that run real processes: the console script, and no child left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SOWTRACK = Path(sys.executable).parent / "sowtrack"  # the console script a user runs


def cli_env(**extra: str) -> dict[str, str]:
    """This environment, without the variables that would pick a ledger, a person or a
    project, or change how long a busy ledger is waited for; plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOWTRACK_DB", "SOWTRACK_USER", "SOWTRACK_PROJECT",
                        "SOWTRACK_BUSY_TIMEOUT")}
    return {**env, **extra}


@contextmanager
def children() -> Iterator[list[Any]]:
    """Processes started inside are killed on the way out, whatever happened."""
    started: list[Any] = []
    try:
        yield started
    finally:
        for p in started:
            alive = p.poll() is None if isinstance(p, subprocess.Popen) else p.is_alive()
            if alive:
                p.kill()
            if isinstance(p, subprocess.Popen):
                p.communicate(timeout=30)
            else:
                p.join(timeout=30)
