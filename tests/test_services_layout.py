"""storage/services/: one small module per use case, and what the Ledger offers over them:
a ledger acting for someone else or on another project without touching its fields, and
a snapshot under which every read sees one state of the ledger."""

from __future__ import annotations

import ast
import threading
from datetime import date
from pathlib import Path

import pytest

from storage.services import Ledger

from .conftest import as_

SERVICES = Path(__file__).resolve().parent.parent / "storage" / "services"


def test_every_use_case_module_is_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines())
             for p in SERVICES.glob("*.py")}
    assert {name for name, n in sizes.items() if n > 400} == set()


def test_use_cases_depend_on_the_core_alone() -> None:
    """A use-case module reaches the others through the composed Ledger, never by import."""
    for path in SERVICES.glob("*.py"):
        if path.name == "__init__.py":
            continue
        imported = {node.module for node in ast.walk(ast.parse(path.read_text("utf-8")))
                    if isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("storage.services")}
        assert imported <= {"storage.services.core"}, path.name


def test_acting_as_and_for_project_leave_the_ledger_alone(example: Ledger) -> None:
    pinned = Ledger(example.engine, example.project_code, "zhang.wei", today=date(2026, 3, 20))
    liu = pinned.acting_as("liu.yang")
    assert (liu.actor, liu.project_code, liu.pinned_today) == (
        "liu.yang", example.project_code, date(2026, 3, 20))
    assert (pinned.actor, type(liu)) == ("zhang.wei", Ledger)
    assert liu.log("T2", "8", on="2026-03-02").person == "liu.yang"  # the default person
    assert liu.whoami()[1].key == "liu.yang"
    assert pinned.whoami()[1].key == "zhang.wei"
    nobody = example.for_project(None)
    assert (nobody.project_code, nobody.actor) == (None, "zhang.wei")
    assert nobody.project().code == example.project_code  # the only project
    assert example.project_code is not None


def test_a_snapshot_reads_one_state_while_another_connection_writes(example: Ledger) -> None:
    other = as_(example, "liu.yang")
    before = example.entry_count()
    with example.snapshot() as snap:
        assert snap is example
        first = (example.entry_count(), example.summary("2026-03-31"),
                 [e.id for e in example.entries()])
        other.log("T2", "8", on="2026-03-02")  # committed by another connection
        seen: list[int] = []
        worker = threading.Thread(target=lambda: seen.append(example.entry_count()))
        worker.start()
        worker.join()
        assert seen == [before + 1]  # another thread is not in this one's snapshot
        again = (example.entry_count(), example.summary("2026-03-31"),
                 [e.id for e in example.entries()])
        assert again == first and first[0] == before
        with example.snapshot():  # a nested snapshot is the outer one
            assert example.entry_count() == before
        with pytest.raises(RuntimeError, match="a write inside snapshot"):
            example.log("T1", "1", on="2026-03-03")
    assert example.entry_count() == before + 1  # and after it, the ledger as it is now
