"""Obligations and deliverables (SPEC §9) on SQLite and PostgreSQL: the SOW file's
``[[obligation]]``, ``obligation done|list``, ``deliverable done|list``, a late client
obligation counted as a client blocker, alerts, ``verify`` and ``export sow``.

The worked example, by hand. The SOW starts on Monday 2026-03-02; March 2026 has no
holiday, so its working days are Monday to Friday. The client obligation ENV-ACCESS is
due on Friday 2026-03-06 and done on Friday 2026-03-13. It is late from the first working
day after its due date, Monday 03-09, until the day before it is done: 03-09, 03-10,
03-11, 03-12 = 4 working days, so 4 client blocked days. A client blocker raised by hand
on Wednesday 03-11 and resolved on Tuesday 03-17 is open on 03-11, 03-12, 03-13 and 03-16;
together with the obligation's days the client is blocked on 03-09, 03-10, 03-11, 03-12,
03-13 and 03-16 = 6 distinct working days (03-11 and 03-12 count once).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from model import rules
from model.errors import LedgerError
from storage.services import Ledger
from storage.sowfile import load_sow, parse_sow
from tui.cli import main

from .life_support import OBLIGATIONS, cli, example_sow, sql, start, training, write_sow

CODE = "CLAIMS-AGENT-2026"
TODAY = "2026-03-20"

def sow_text() -> str:
    return example_sow(extra=training("Knowledge transfer: training and operations manual")
                       + OBLIGATIONS)


@pytest.fixture
def sow(tmp_path: Path) -> Path:
    return write_sow(tmp_path, sow_text())


@pytest.fixture
def led(ledger: Ledger, sow: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example SOW with two obligations and a training deliverable, as the lead, on
    2026-03-20."""
    return start(ledger, sow, monkeypatch, TODAY)


# ---------------------------------------------------------------- the rule, pure

CAL = rules.Calendar()
START = date(2026, 3, 2)


def test_a_client_obligation_late_is_a_client_blocker_from_the_next_working_day() -> None:
    ob = rules.ObligationFact("ENV", "client", due=date(2026, 3, 6), done_on=date(2026, 3, 13))
    assert rules.obligation_blockers([ob], CAL, START) == [
        rules.BlockerFact("ENV", "client", date(2026, 3, 9), date(2026, 3, 13))]
    assert rules.days_late(ob, CAL, START, date(2026, 3, 20)) == 4
    assert rules.blocked_days(rules.obligation_blockers([ob], CAL, START), CAL,
                              date(2026, 3, 20)) == {"client": 4, "vendor": 0}
    # As of Wednesday 03-11, not done yet: late on 03-09, 03-10, 03-11.
    assert rules.days_late(ob, CAL, START, date(2026, 3, 11)) == 3
    assert rules.is_overdue(ob, CAL, START, date(2026, 3, 11))
    assert not rules.is_overdue(ob, CAL, START, date(2026, 3, 13))


def test_done_on_time_or_before_the_next_working_day_blocks_nothing() -> None:
    for done in (date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)):
        ob = rules.ObligationFact("ENV", "client", due=date(2026, 3, 6), done_on=done)
        assert rules.obligation_blockers([ob], CAL, START) == []
        assert rules.days_late(ob, CAL, START, date(2026, 3, 20)) == 0


def test_a_vendor_obligation_late_blocks_no_day() -> None:
    ob = rules.ObligationFact("CV", "vendor", due_days=3)
    assert rules.due_date(ob, CAL, START) == date(2026, 3, 5)  # Mon + 3 working days
    assert rules.obligation_blockers([ob], CAL, START) == []
    assert rules.days_late(ob, CAL, START, date(2026, 3, 20)) == 11  # 03-06..03-20


def test_due_days_counts_working_days_after_the_start() -> None:
    cal = rules.Calendar(holidays=frozenset({date(2026, 3, 4)}))
    assert rules.due_date(rules.ObligationFact("X", "client", due_days=0), cal, START) == START
    # 03-03, (03-04 a holiday), 03-05, 03-06
    assert rules.due_date(rules.ObligationFact("X", "client", due_days=3), cal,
                          START) == date(2026, 3, 6)


def test_an_overdue_obligation_is_alerted_with_its_kind_and_args() -> None:
    facts = rules.LedgerFacts(CODE, START, date(2026, 5, 29), 480, "CNY", CAL, {}, {},
                              obligations=[rules.ObligationFact("CV", "vendor", due_days=3)])
    summary = rules.summarize(facts, date(2026, 3, 20))
    found = rules.alerts(summary, [], CAL, START, [], {}, obligations=facts.obligations)
    assert found == [rules.Alert("obligation", ("CV", "vendor", "2026-03-05", "11"))]
    assert found[0].text == ("obligation CV (vendor) due 2026-03-05 is not done: 11 working "
                             "days late")
    assert summary.blocked_days == {"client": 0, "vendor": 0}


# ---------------------------------------------------------------- the ledger


def test_a_client_obligation_4_working_days_late_adds_exactly_4_client_blocked_days(
        led: Ledger) -> None:
    """See the module's docstring: due Fri 03-06, done Fri 03-13 -> 03-09..03-12 = 4."""
    assert led.summary("2026-03-06").blocked_days == {"client": 0, "vendor": 0}
    assert led.summary(TODAY).blocked_days["client"] == 10  # open: 03-09..03-20
    view = led.obligation_done("ENV-ACCESS", on="2026-03-13")
    assert (view.due, view.done_on, view.days_late, view.overdue) == (
        date(2026, 3, 6), date(2026, 3, 13), 4, False)
    assert led.summary(TODAY).blocked_days == {"client": 4, "vendor": 0}
    assert led.summary("2026-03-10").blocked_days["client"] == 2  # 03-09, 03-10
    blockers = led.obligation_blockers(TODAY)
    assert [(b.number, b.party, b.raised_on, b.resolved_on, b.age_days) for b in blockers] == [
        ("ENV-ACCESS", "client", date(2026, 3, 9), date(2026, 3, 13), 4)]


def test_overlapping_with_a_blocker_raised_by_hand_counts_a_day_once(led: Ledger) -> None:
    """See the module's docstring: 03-09..03-12 and 03-11..03-16 -> 6 distinct days."""
    led.obligation_done("ENV-ACCESS", on="2026-03-13")
    led.add_blocker("VPN drops every hour", "client", on="2026-03-11")
    led.resolve_blocker("B-001", on="2026-03-17")
    assert led.summary(TODAY).blocked_days == {"client": 6, "vendor": 0}


def test_the_list_resolves_due_days_and_flags_what_is_overdue(led: Ledger) -> None:
    got = {o.key: o for o in led.obligations(TODAY)}
    assert (got["CV-NDA"].due, got["CV-NDA"].due_days, got["CV-NDA"].overdue,
            got["CV-NDA"].days_late, got["CV-NDA"].blocks) == (
        date(2026, 3, 5), 3, True, 11, False)
    assert got["ENV-ACCESS"].blocks and got["ENV-ACCESS"].overdue
    kinds = [(a.kind, a.args[0]) for a in led.alerts(led.summary(TODAY))
             if a.kind == "obligation"]
    assert kinds == [("obligation", "ENV-ACCESS"), ("obligation", "CV-NDA")]
    led.acting_as("li.na").obligation_done("CV-NDA", on="2026-03-10")  # a client person
    assert not any(a.kind == "obligation" and a.args[0] == "CV-NDA"
                   for a in led.alerts(led.summary(TODAY)))


def test_done_twice_and_unknown_keys_are_refused_naming_the_key(led: Ledger) -> None:
    led.obligation_done("ENV-ACCESS", on="2026-03-13")
    with pytest.raises(LedgerError) as twice:
        led.obligation_done("ENV-ACCESS", on="2026-03-16")
    assert str(twice.value) == "key: obligation ENV-ACCESS was already done on 2026-03-13"
    with pytest.raises(LedgerError, match=r"^key: unknown obligation 'NOPE' \(known: "
                                          r"ENV-ACCESS, CV-NDA\)$"):
        led.obligation_done("NOPE")
    with pytest.raises(LedgerError, match=r"^on: .*after today"):
        led.obligation_done("CV-NDA", on="2026-03-21")
    with pytest.raises(LedgerError, match=r"^actor: liu.yang \(vendor engineer\) may not "):
        led.acting_as("liu.yang").obligation_done("CV-NDA")
    assert led.verify()[1] == []


def test_the_training_deliverable_is_delivered_once(led: Ledger) -> None:
    view = led.acting_as("li.na").deliverable_done("KT", on="2026-03-19",
                                                   note="two sessions, manual v1")
    assert (view.key, view.training, view.delivered_on, view.delivery_note) == (
        "KT", True, date(2026, 3, 19), "two sessions, manual v1")
    assert led.deliverables()[0].delivered_on == date(2026, 3, 19)
    with pytest.raises(LedgerError, match=r"^key: deliverable KT was already delivered on "
                                          r"2026-03-19$"):
        led.deliverable_done("KT")
    with pytest.raises(LedgerError, match=r"^key: unknown deliverable 'D9' \(known: KT\)$"):
        led.deliverable_done("D9")
    with pytest.raises(LedgerError, match=r"^note: must be one line"):
        led.deliverable_done("KT", note="a\x1b[2Jb")
    assert led.verify()[1] == []


@pytest.mark.parametrize(("statement", "named"), [
    ("UPDATE obligation SET done_on = '2026-03-06' WHERE key = 'ENV-ACCESS'",
     f"{CODE} obligation ENV-ACCESS: differs from the SOW and its audit rows (edited behind "
     f"the program's back): done_on was 2026-03-13, is 2026-03-06"),
    ("UPDATE obligation SET done_on = '2026-03-06', done_by = 'li.na' WHERE key = 'CV-NDA'",
     f"{CODE} obligation CV-NDA: differs from the SOW and its audit rows (edited behind the "
     f"program's back): done_by was null, is li.na; done_on was null, is 2026-03-06"),
    ("UPDATE obligation SET due = '2026-04-30' WHERE key = 'ENV-ACCESS'",
     f"{CODE} obligation ENV-ACCESS: differs"),
    ("DELETE FROM obligation WHERE key = 'CV-NDA'",
     f"{CODE} obligation CV-NDA: deleted behind the program's back"),
    ("UPDATE deliverable SET delivered_on = '2026-03-02' WHERE key = 'KT'",
     f"{CODE} deliverable KT: differs from the SOW and its audit rows (edited behind the "
     f"program's back): delivered_on was 2026-03-19, is 2026-03-02"),
    ("UPDATE deliverable SET delivery_note = NULL WHERE key = 'KT'",
     f"{CODE} deliverable KT: differs"),
])
def test_verify_names_an_obligation_or_delivery_changed_with_sql(
        led: Ledger, statement: str, named: str) -> None:
    led.obligation_done("ENV-ACCESS", on="2026-03-13")
    led.deliverable_done("KT", on="2026-03-19", note="manual")
    assert led.verify()[1] == []
    sql(led, statement)
    found = led.verify()[1]
    assert len(found) == 1 and found[0].startswith(named), found


def test_verify_names_an_obligation_added_with_sql(led: Ledger) -> None:
    sql(led, "INSERT INTO obligation (project_id, key, title, party, due) "
             "SELECT id, 'X', 'x', 'client', '2026-03-03' FROM project")
    assert led.verify()[1] == [
        f"{CODE} obligation X: not in the audit log (added behind the program's back)"]


def test_export_sow_writes_the_obligations_back(led: Ledger, sow: Path,
                                                tmp_path: Path) -> None:
    led.obligation_done("ENV-ACCESS", on="2026-03-13")  # an event, not part of the SOW
    out = tmp_path / "out.toml"
    assert main(["--db", led.engine.url.render_as_string(hide_password=False), "export",
                 "sow", "--out", str(out)]) == 0
    assert load_sow(out) == load_sow(sow)
    assert [(o.key, o.party, o.due, o.due_days) for o in load_sow(out).obligations] == [
        ("ENV-ACCESS", "client", date(2026, 3, 6), None), ("CV-NDA", "vendor", None, 3)]


# ---------------------------------------------------------------- the command line


def test_the_command_line_records_lists_and_refuses(led: Ledger,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "ENV-ACCESS",
                       "--on", "2026-03-13")
    assert (rc, out, err) == (0, "ENV-ACCESS done on 2026-03-13 (due 2026-03-06, 4 working "
                                 "day(s) late)\n", "")
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "ENV-ACCESS")
    assert (rc, out, err) == (1, "", "error: key: obligation ENV-ACCESS was already done on "
                                     "2026-03-13\n")
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "NOPE")
    assert rc == 1 and err.startswith("error: key: unknown obligation 'NOPE'")
    assert err.count("\n") == 1
    rc, out, err = cli(capsys, led, "obligation", "list")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["key", "party", "due", "done", "late", "state", "title"]
    assert lines[2].split()[:6] == ["ENV-ACCESS", "client", "2026-03-06", "2026-03-13", "4",
                                    "done"]
    assert lines[3].split()[:5] == ["CV-NDA", "vendor", "2026-03-05", "11", "overdue"]
    rc, out, _ = cli(capsys, led, "blocker", "list")
    assert out.splitlines()[2].split()[:5] == ["ENV-ACCESS", "client", "2026-03-09",
                                               "2026-03-13", "4"]
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "blocker", "resolve", "ENV-ACCESS")
    assert (rc, err) == (1, "error: blocker: ENV-ACCESS is a late obligation, resolved when "
                            "it is done: `sowtrack obligation done ENV-ACCESS`\n")
    rc, out, err = cli(capsys, led, "--as", "li.na", "deliverable", "done", "KT", "--on",
                       "2026-03-19", "--note", "two sessions")
    assert (rc, out) == (0, "knowledge transfer KT delivered on 2026-03-19\n")
    rc, out, err = cli(capsys, led, "--as", "li.na", "deliverable", "done", "KT")
    assert (rc, err) == (1, "error: key: deliverable KT was already delivered on "
                            "2026-03-19\n")
    rc, out, _ = cli(capsys, led, "deliverable", "list")
    assert out.splitlines()[2].split()[:4] == ["KT", "training", "2026-05-29", "2026-03-19"]


def test_report_summary_json_counts_the_late_client_obligation(
        led: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cli(capsys, led, "report", "summary", "--as-of", TODAY, "--json")
    assert rc == 0 and json.loads(out)["blocked_days"] == {"client": 10, "vendor": 0}
    cli(capsys, led, "--as", "zhang.wei", "obligation", "done", "ENV-ACCESS", "--on",
        "2026-03-13")
    rc, out, _ = cli(capsys, led, "report", "summary", "--as-of", TODAY, "--json")
    assert json.loads(out)["blocked_days"] == {"client": 4, "vendor": 0}


def test_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["obligation", "--help"], ["obligation", "done", "--help"],
                 ["deliverable", "done", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "example:\n  sowtrack " in out and "Traceback" not in out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "obligation" in out and "deliverable" in out


# ---------------------------------------------------------------- the SOW file


@pytest.mark.parametrize(("table", "problem"), [
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue = 2026-03-06\nowner = "x"',
     "sow.toml: [[obligation]] #1 owner: unknown key (known: due, due_days, key, party, "
     "title)"),
    ('key = "A"\ntitle = "t"\nparty = "both"\ndue = 2026-03-06',
     "sow.toml: [[obligation]] #1 party: 'both' is not one of vendor, client"),
    ('key = "A"\ntitle = "t"\nparty = "client"',
     "sow.toml: [[obligation]] #1 due: missing: give due (a date) or due_days (working days "
     "after the start)"),
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue = 2026-03-06\ndue_days = 3',
     "sow.toml: [[obligation]] #1 due_days: give either due or due_days, not both"),
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue_days = -1',
     "sow.toml: [[obligation]] #1 due_days: must be at least 0, got -1"),
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue_days = 2.5',
     "sow.toml: [[obligation]] #1 due_days: expected a whole number, got 2.5"),
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue = 2026-01-06',
     "sow.toml: [[obligation]] #1 due: 2026-01-06 is outside the SOW (2026-03-02..2026-05-29)"),
    ('key = "A"\ntitle = "t"\nparty = "client"\ndue = "soon"',
     "sow.toml: [[obligation]] #1 due: expected a date (YYYY-MM-DD), got 'soon'"),
    ('title = "t"\nparty = "client"\ndue = 2026-03-06', "sow.toml: [[obligation]] #1 key: "
                                                        "missing"),
])
def test_bad_obligation_keys_are_named(table: str, problem: str) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_sow(example_sow(extra="\n[[obligation]]\n" + table), "sow.toml")
    assert str(caught.value) == problem


def test_a_duplicate_obligation_key_is_named() -> None:
    one = '\n[[obligation]]\nkey = "A"\ntitle = "t"\nparty = "client"\ndue_days = 1\n'
    with pytest.raises(LedgerError, match=r"^sow.toml: \[\[obligation\]\] #2 key: duplicate "
                                          r"obligation 'A'$"):
        parse_sow(example_sow(extra=one + one), "sow.toml")


# ---------------------------------------------------------------- PostgreSQL's own check


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgresql_lets_a_bound_person_record_and_refuses_plain_sql(
        db_url: str, roles, sow: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """The client signatory's own login role records an obligation done and a delivery
    through the program; the engineer's login role cannot set done_on with plain SQL, nor
    can anyone set it in somebody else's name."""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    owner = Ledger.open(db_url)
    owner = owner.for_project(owner.init_project(load_sow(sow)).code)
    li, liu = roles("li"), roles("liu")
    owner.bind_role("li.na", str(make_url(li).username))
    owner.bind_role("liu.yang", str(make_url(liu).username))
    try:
        assert main(["--db", li, "obligation", "done", "ENV-ACCESS", "--on", "2026-03-13"]) == 0
        assert main(["--db", li, "deliverable", "done", "KT", "--on", "2026-03-19"]) == 0
        assert main(["--db", liu, "obligation", "done", "CV-NDA"]) == 1
        capsys.readouterr()
        for url, statement in (
                (liu, "UPDATE obligation SET done_on = '2026-03-05', done_by = 'liu.yang' "
                      "WHERE key = 'CV-NDA'"),
                (li, "UPDATE obligation SET done_on = '2026-03-05', done_by = 'zhang.wei' "
                     "WHERE key = 'CV-NDA'"),
                (li, "UPDATE obligation SET title = 'x'"),
                (li, "DELETE FROM obligation"),
                (liu, "UPDATE deliverable SET delivered_on = '2026-03-05', "
                      "delivered_by = 'liu.yang'")):
            engine = create_engine(url, poolclass=NullPool)
            try:
                with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
                    conn.execute(text(statement))
                assert getattr(caught.value.orig, "sqlstate", None) in ("42501", "42P01"), (
                    statement)
            finally:
                engine.dispose()
        assert owner.summary(TODAY).blocked_days["client"] == 4
        assert owner.verify()[1] == []
    finally:
        owner.engine.dispose()
