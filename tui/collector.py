"""The cyclic garbage collector paused around a heavy first import (start-up, issue 14)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(module: str) -> Iterator[None]:
    """Around the first import of ``module``, a command's heavy one (SQLAlchemy, the
    mapped classes, the services): it makes a few hundred thousand objects that live as
    long as the process, and no garbage, yet the cyclic garbage collector would scan them
    again and again while they are made, and all of them once more at exit. So it is off
    meanwhile; then what the import made is kept out of its scans for good (gc.freeze)
    and it is back on for the command's own work. A third of `log`'s and `report`'s CPU
    (docs/performance.md, "Start-up"). Once ``module`` is imported (a test process
    running many commands), nothing is paused or frozen again."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
