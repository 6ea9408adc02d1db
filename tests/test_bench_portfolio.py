"""bench/portfolio.py: the portfolio benchmark runs end to end on a small ledger, prints
every figure, and its reference computes sowtrack's numbers (issue 13)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import portfolio  # noqa: E402
import portfolio_data  # noqa: E402

LINES = ["reference: load the CSV", "reference: totals + overtime + series",
         "sowtrack import entries", "sowtrack report summary --json",
         "sowtrack report burndown --json", "sowtrack verify", "dashboard figures painted",
         "timesheet PDF, 50 engineers, 1 month", "2 concurrent loggers, entries/s"]


def test_a_small_portfolio_runs_and_agrees_with_the_reference(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user runs it: no language set, so sowtrack speaks the portfolio SOW's (the
    dashboard's figures are found in it; they were once looked for in English only)."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(BENCH / "portfolio.py"), "--entries", "2000", "--runs", "1",
         "--loggers", "2", "--logger-entries", "5", "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("portfolio: 2,000 entries, ")
    for label in LINES:
        line = next((ln for ln in text.splitlines() if ln.startswith(label)), None)
        assert line is not None, f"{label!r} missing from:\n{text}"
        if label.startswith("sowtrack"):  # a time, a peak, a ratio and the target
            assert "× the " in line and ("(met)" in line or "(missed)" in line), line
    assert "totals: sowtrack and the reference agree in every run" in text
    assert "nothing lost, verified" in text
    assert "DISAGREE" not in text
    # the inputs and the outputs are in --out; the ledgers are gone
    assert {p.name for p in out.iterdir()} >= {
        "portfolio-sow.toml", "portfolio-entries.csv", "portfolio-commands.sh",
        "results.txt", "results.json", "summary-run1.json", "timesheet-run1.pdf"}
    assert not any((out / "ledgers").iterdir())
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["entries"] == 2000 and results["checks"][0]["bad"] == []
    assert (out / "results.txt").read_text(encoding="utf-8").strip() == text.strip()


def test_out_must_be_new_or_empty(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCH / "portfolio.py"), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: --out: {tmp_path} exists and is not an empty directory"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_the_input_is_deterministic_and_no_person_day_holds_over_20_hours(
        tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    made = portfolio_data.write_entries(a, 30_000)
    portfolio_data.write_entries(b, 30_000)
    assert a.read_bytes() == b.read_bytes()
    assert made.entries == 30_000
    day: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    with a.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        day[r["date"], r["person"]] += Decimal(r["hours"])
    assert len(rows) == 30_000 and len(day) == made.person_days
    assert max(day.values()) <= 20
    assert sum(day.values()) * 60 == made.minutes
    people = {e.key: e for e in portfolio_data.engineers()}
    assert len(people) == 400
    assert all(people[p].first.isoformat() <= d <= people[p].last.isoformat() for d, p in day)


def test_a_disagreement_is_named() -> None:
    ref = {"consumed_pd": "10.000", "overtime_pd": "1.500", "by_grade": {"senior": "10.000"},
           "series": {"2024-01-02": "10.000"}}
    summary = {"consumed_pd": 10.0, "overtime_pd": 1.25,
               "by_grade": {"senior": {"consumed_pd": 10.0}, "junior": {"consumed_pd": 0.0}}}
    burndown = {"series": [{"date": "2024-01-02", "consumed_pd": 9.5}]}
    got = portfolio.compare(ref, json.dumps(summary), json.dumps(burndown))
    assert got["bad"] == ["overtime_pd: reference 1.500, sowtrack 1.25",
                          "burn-down 2024-01-02: reference 10.000, sowtrack 9.5"]
    assert portfolio.compare(ref, json.dumps({**summary, "overtime_pd": 1.5}),
                             json.dumps({"series": [{"date": "2024-01-02",
                                                     "consumed_pd": 10.0}]}))["bad"] == []
