"""Entries imported in bulk and changed behind the program's back: what the verify tests
build their ledgers from."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.services import Ledger
from storage.sowfile import open_entry_file

#: the example SOW's vendor people who log
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]


def sql(led: Ledger, statement: str) -> None:
    """Run ``statement`` on the ledger's database directly (a hostile edit)."""
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def import_rows(led: Ledger, tmp_path: Path, n: int, hours: str = "0.05") -> list[int]:
    """Import ``n`` entries of ``hours`` each over March 2026 (four people, four tasks);
    the ids of the ledger's entries, in order."""
    path = tmp_path / "entries.csv"
    path.write_text("date,person,task,hours,note\n" + "".join(
        f"2026-03-{2 + (i // 4) % 20:02d},{PEOPLE[i % 4]},T{i % 4 + 1},{hours},bulk {i}\n"
        for i in range(n)), encoding="utf-8")
    f = open_entry_file(path)
    led.import_entries(f.rows, f.problems, source=f)
    return sorted(e.id for e in led.entries())
