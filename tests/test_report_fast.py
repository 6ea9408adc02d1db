"""`report summary` and `report burndown` on a large ledger (issue 13): what their
process imports, the sums kept per date read instead of the entries, and the same
figures as the rules' own definition, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select

from model import rules
from storage.db import writing
from storage.demo import DEMO_CODE
from storage.orm import DaySumDirty, Person, Project, Task, TimeEntry
from storage.services import Ledger
from tui.cli import main

from .processes import cli_env
from .tui_support import TODAY, demo_ledger
from .txcount import Statements, TxCount

#: runs tui.cli.main with argv[1:], then prints the modules it imported, as JSON, on the
#: last line of stderr
CLI = """
import json, sys
from tui.cli import main
sys.argv = ["sowtrack", *sys.argv[1:]]
rc = main()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
sys.exit(rc or 0)
"""

#: what neither report uses: the app, the sheets, migrations, and the libraries only an
#: unpinned today, a SOW's time zones, writing TOML or an acceptance need
UNUSED = ("textual", "reportlab", "pypdf", "alembic", "plotext", "textual_plotext",
          "pendulum", "dateutil", "tomli_w", "rich.text", "model.sheet_acceptance",
          "storage.sheets", "tui.app", "tui.screens")


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in cli_env(**env).items()
             if k != "SOWTRACK_TODAY" or "SOWTRACK_TODAY" in env}
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True,
                          text=True, timeout=300, env=clean)


def _demo_url(tmp_path: Path) -> str:
    demo_ledger(tmp_path).engine.dispose()
    return f"sqlite:///{tmp_path / 'tui.db'}"


@pytest.mark.parametrize("report", ["summary", "burndown"])
def test_a_report_process_imports_only_what_it_uses(tmp_path: Path, report: str) -> None:
    done = _run(["--db", _demo_url(tmp_path), "--project", DEMO_CODE, "report", report,
                 "--json"], SOWTRACK_TODAY=TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)  # the report itself
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    imported = sorted(m for m in modules for u in UNUSED if m == u or m.startswith(u + "."))
    assert not imported, imported
    assert "sqlalchemy" in modules  # it did open the ledger


def test_an_unpinned_today_still_reads_the_clock(tmp_path: Path) -> None:
    done = _run(["--db", _demo_url(tmp_path), "--project", DEMO_CODE, "report", "summary",
                 "--json"])  # no SOWTRACK_TODAY: today is read from the clock
    assert done.returncode == 0, done.stderr
    as_of = date.fromisoformat(json.loads(done.stdout)["as_of"])
    assert abs(as_of - date.today()) <= timedelta(days=1)  # the demo's time zone's today
    # in the project's time zone by zoneinfo (model.zones): pendulum's import is not paid
    assert "pendulum" not in json.loads(done.stderr.strip().splitlines()[-1])


# (person, grade, date, minutes): an overtime day, a weekend, a grade on no ladder
# ("principal") on a day that also has ladder grades, and a day with only it
ROWS = [("liu.yang", "senior", date(2026, 3, 9), 600),
        ("liu.yang", "principal", date(2026, 3, 9), 90),
        ("chen.jing", "expert", date(2026, 3, 9), 480),
        ("wang.fang", "junior", date(2026, 3, 14), 240),
        ("zhang.wei", "senior_expert", date(2026, 3, 10), 420),
        ("zhang.wei", "principal", date(2026, 3, 11), 30),
        ("chen.jing", "expert", date(2026, 4, 6), 481)]


def _load(led: Ledger, rows: list[tuple[str, str, date, int]] = ROWS) -> list[rules.DayTotal]:
    """The project's entries replaced by ``rows``, straight into the table (as a bulk load
    would); returned as the rules' day totals."""
    with led.engine.begin() as conn:
        project_id = conn.execute(select(Project.id)).scalar_one()
        ids = dict(conn.execute(select(Person.key, Person.id)).all())
        task = conn.execute(select(Task.id).limit(1)).scalar_one()
        conn.execute(delete(TimeEntry))
        conn.execute(insert(TimeEntry), [
            {"project_id": project_id, "person_id": ids[p], "task_id": task, "on": on,
             "minutes": m, "grade": g, "note": ""} for p, g, on, m in rows])
    return [rules.DayTotal(on, p, g, m) for p, g, on, m in rows]


def _cli(led: Ledger, capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    url = led.engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "--project", led.project_code, "report", *argv,
                 "--as-of", "2026-04-30", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_reports_give_the_rules_figures(example: Ledger,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    totals = _load(example)
    facts = dataclasses.replace(Ledger(example.engine, example.project_code).facts(),
                                sums=rules.day_sums(totals, 480))
    day = date(2026, 4, 30)
    summary = _cli(example, capsys, "summary")
    assert summary == json.loads(json.dumps(rules.summarize(facts, day).to_json()))
    by_grade = {g: v["consumed_pd"] for g, v in summary["by_grade"].items()}
    assert by_grade["principal"] == 0.25 and by_grade["senior"] == 1.25  # 120 and 600 min
    burndown = _cli(example, capsys, "burndown")
    assert burndown["series"] == json.loads(json.dumps(
        [r.to_json() for r in rules.burndown(facts, day)]))


def test_summary_and_burndown_read_the_kept_sums_not_the_entries(example: Ledger) -> None:
    """Entries written outside sowtrack: their dates are dirty (the triggers), and the
    reports sum those dates from the entries, in one statement, without writing. After
    any write of sowtrack the sums are kept: the reports read no entry at all."""
    _load(example)
    led = Ledger(example.engine, example.project_code)  # no figures kept from before
    with Statements(led.engine, "time_entry") as scans, \
            Statements(led.engine, "day_sum.minutes") as kept, TxCount(led.engine) as tx, \
            led.snapshot():
        s = led.summary("2026-04-30")
        rows = led.burndown("2026-04-30")
    assert len(scans.seen) == 1 and "day_sum_dirty" in scans.seen[0], scans.seen
    assert len(kept.seen) == 1 and tx.kinds == ["read"]
    assert "principal" in {g.grade for g in s.by_grade}
    assert [r.consumed_pd for r in rows if r.on == date(2026, 4, 30)] == [s.consumed_pd]

    with writing(example.engine):  # any write: the dirty dates' sums are kept at its end
        pass
    with example.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DaySumDirty)).scalar() == 0
    again = Ledger(example.engine, example.project_code)
    with Statements(again.engine, "time_entry") as scans, again.snapshot():
        assert again.summary("2026-04-30") == s
        assert again.burndown("2026-04-30") == rows
    assert scans.seen == []
