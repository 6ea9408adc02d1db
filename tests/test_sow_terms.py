"""The SOW's contract terms and deliverables (SPEC §8): parsed, refused one key at a time,
stored, exported back by `export sow`, and covered by `verify`.

tests/data/sow-every-key.toml is the example SOW with every key of SPEC §8.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from model.errors import LedgerError
from model.views import ContractTerms, DeliverableView
from storage.orm import AuditEvent, Deliverable, Project
from storage.services import Ledger
from storage.sowfile import dump_sow, load_sow, parse_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW, SHARED

EVERY_KEY = SHARED / "sow-every-key.toml"
CODE = "CLAIMS-AGENT-2026"
SOURCE = "sow.toml"


def every_key() -> str:
    return EVERY_KEY.read_text(encoding="utf-8")


def refused(text: str) -> str:
    """The one line parse_sow refuses ``text`` with."""
    with pytest.raises(LedgerError, match=f"^{re.escape(SOURCE)}: ") as caught:
        parse_sow(text, SOURCE)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{SOURCE}: "), message
    return message


def with_project_keys(lines: str) -> str:
    """The example SOW with ``lines`` added to its [project] table."""
    base = EXAMPLE_SOW.read_text(encoding="utf-8")
    anchor = 'language = "zh"            # zh or en: the language of printed sheets\n'
    assert anchor in base
    return base.replace(anchor, anchor + lines + "\n", 1)


# ---------------------------------------------------------------- parsing


def test_every_key_is_read_exactly() -> None:
    spec = load_sow(EVERY_KEY)
    assert spec.contract == "HT-2026-0117"
    assert spec.signed_on == date(2026, 2, 20)
    assert spec.billing == "actual" and spec.price_minor is None
    assert spec.tax_rate_ppm == 60_000  # 0.06, exactly
    assert spec.prices_include_tax is True
    assert [(d.key, d.tasks, d.due, d.kind) for d in spec.deliverables] == [
        ("D1", ["T1", "T2"], date(2026, 4, 17), None),
        ("D2", ["T3", "T4"], date(2026, 5, 22), None),
        ("KT", ["T4"], date(2026, 5, 29), "training")]
    assert spec.deliverables[0].criteria.count("\n") == 1  # a multi-line criteria text


def test_the_defaults_without_the_keys() -> None:
    spec = load_sow(EXAMPLE_SOW)
    assert (spec.contract, spec.signed_on, spec.billing, spec.price_minor, spec.tax_rate_ppm,
            spec.prices_include_tax, spec.deliverables) == (None, None, "actual", None, None,
                                                            True, [])


def test_a_fixed_price_is_read_in_hundredths() -> None:
    spec = parse_sow(with_project_keys('billing = "fixed"\nprice = 1234567.89\n'
                                       'prices_include_tax = false\ntax_rate = 0.13'))
    assert (spec.billing, spec.price_minor, spec.prices_include_tax, spec.tax_rate_ppm) == (
        "fixed", 123456789, False, 130_000)
    big = parse_sow(with_project_keys('billing = "fixed"\nprice = 250000000'))
    assert big.price_minor == 25_000_000_000  # beyond a 32-bit integer of hundredths


@pytest.mark.parametrize(("lines", "message"), [
    ('contract = ""', "[project] contract: expected a non-empty string, got ''"),
    ('contract = "HT-1\\u001b[2J"', "[project] contract: must be one line without control "
                                    "characters"),
    ('contract = "HT-1\\nHT-2"', "[project] contract: must be one line"),
    ("contract = 117", "[project] contract: expected a non-empty string, got 117"),
    ('contract = "' + "x" * 129 + '"', "[project] contract: at most 128 characters, got 129"),
    ('signed_on = "20 Feb 2026"', "[project] signed_on: expected a date (YYYY-MM-DD), got "
                                  "'20 Feb 2026'"),
    ("signed_on = 2026-06-01", "[project] signed_on: 2026-06-01 is after the SOW's end "
                               "2026-05-29"),
    ('billing = "monthly"', "[project] billing: 'monthly' is not one of actual, fixed"),
    ('billing = "fixed"', '[project] price: missing: billing = "fixed" needs the fixed price'),
    ("price = 100000", '[project] price: only with billing = "fixed"'),
    ('billing = "actual"\nprice = 100000', '[project] price: only with billing = "fixed"'),
    ('billing = "fixed"\nprice = "100000"', "[project] price: expected a number, got "
                                            "'100000'"),
    ('billing = "fixed"\nprice = -5', "[project] price: must not be negative, got -5"),
    ('billing = "fixed"\nprice = 0', "[project] price: must be more than 0"),
    ('billing = "fixed"\nprice = 10.005', "[project] price: 10.005 has more than 2 decimals"),
    ('billing = "fixed"\nprice = 1e13', "[project] price: 10000000000000.0 is too large (at most "
                                     "1000000000000)"),
    ("tax_rate = 6", "[project] tax_rate: must be at least 0 and below 1 (0.06 for 6%), "
                     "got 6"),
    ("tax_rate = 1", "[project] tax_rate: must be at least 0 and below 1"),
    ("tax_rate = -0.06", "[project] tax_rate: must be at least 0 and below 1"),
    ("tax_rate = 0.0600001", "[project] tax_rate: 0.0600001 has more than 6 decimals"),
    ('tax_rate = "6%"', "[project] tax_rate: expected a number, got '6%'"),
    ('prices_include_tax = "yes"', "[project] prices_include_tax: expected true or false, "
                                   "got 'yes'"),
    ("prices_include_tax = 1", "[project] prices_include_tax: expected true or false, got 1"),
    ('contact = "HT-1"', "[project] contact: unknown key"),
])
def test_a_bad_contract_term_is_one_line_naming_the_key(lines: str, message: str) -> None:
    assert f"{SOURCE}: {message}" in refused(with_project_keys(lines))


def _deliverable(body: str) -> str:
    return EXAMPLE_SOW.read_text(encoding="utf-8") + "\n[[deliverable]]\n" + body + "\n"


@pytest.mark.parametrize(("body", "message"), [
    ('title = "Pipeline"', "[[deliverable]] #1 key: missing"),
    ('key = "D1"', "[[deliverable]] #1 title: missing"),
    ('key = "D1"\ntitle = "A"\ntasks = ["T1", "T7"]', "[[deliverable]] #1 tasks: unknown task "
                                                      "'T7'"),
    ('key = "D1"\ntitle = "A"\ntasks = "T1"', "[[deliverable]] #1 tasks: expected a list of "
                                              "task codes"),
    ('key = "D1"\ntitle = "A"\ntasks = [1]', "[[deliverable]] #1 tasks: expected a list of "
                                             "task codes"),
    ('key = "D1"\ntitle = "A"\ndue = 2026-02-27', "[[deliverable]] #1 due: 2026-02-27 is "
                                                  "before the SOW's start 2026-03-02"),
    ('key = "D1"\ntitle = "A"\ndue = "soon"', "[[deliverable]] #1 due: expected a date"),
    ('key = "D1"\ntitle = "A"\nkind = "workshop"', "[[deliverable]] #1 kind: 'workshop' is "
                                                   "not one of training"),
    ('key = "D1"\ntitle = "A\\u001b]0;x\\u0007"', "[[deliverable]] #1 title: must be one "
                                                  "line without control characters"),
    ('key = "D1"\ntitle = "A"\ncriteria = "ok\\u001b[31m"', "[[deliverable]] #1 criteria: "
                                                            "may hold line breaks but no other "
                                                            "control character"),
    ('key = "D1"\ntitle = "A"\ncriteria = "a\\u0000b"', "[[deliverable]] #1 criteria: "
                                                        "contains a NUL character"),
    ('key = "D1"\ntitle = "A"\nowner = "x"', "[[deliverable]] #1 owner: unknown key"),
])
def test_a_bad_deliverable_is_one_line_naming_the_key(body: str, message: str) -> None:
    assert f"{SOURCE}: {message}" in refused(_deliverable(body))


def test_a_duplicate_deliverable_key_is_refused() -> None:
    text = _deliverable('key = "D1"\ntitle = "A"') + '[[deliverable]]\nkey = "D1"\ntitle = "B"\n'
    assert "[[deliverable]] #2 key: duplicate deliverable 'D1'" in refused(text)


def test_without_tasks_in_the_sow_a_deliverable_may_name_tasks_added_later() -> None:
    base = EXAMPLE_SOW.read_text(encoding="utf-8")
    no_tasks = base[:base.index("[[task]]")]
    spec = parse_sow(no_tasks + '[[deliverable]]\nkey = "D1"\ntitle = "A"\ntasks = ["T9"]\n')
    assert spec.deliverables[0].tasks == ["T9"]


def test_the_cli_refuses_a_bad_key_with_nothing_written(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    sow = tmp_path / "sow.toml"
    sow.write_text(every_key().replace("tax_rate = 0.06", "tax_rate = 6"), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", url, "init", str(sow)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == ("error: sow.toml: [project] tax_rate: must be at least 0 and "
                                 "below 1 (0.06 for 6%), got 6\n")
    led = Ledger.open(url)
    with led.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Project)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(AuditEvent)).scalar() == 0
    led.engine.dispose()


# ---------------------------------------------------------------- storage (both backends)


@pytest.fixture
def terms(ledger: Ledger) -> Ledger:
    """The SOW with every key loaded; acting as the vendor lead."""
    return ledger.for_project(ledger.init_project(load_sow(EVERY_KEY)).code).acting_as(
        "zhang.wei")


def test_the_views_carry_the_terms_and_the_deliverables(terms: Ledger) -> None:
    assert terms.project().terms == ContractTerms(
        contract="HT-2026-0117", signed_on=date(2026, 2, 20), billing="actual",
        price_minor=None, tax_rate=Fraction(6, 100), prices_include_tax=True)
    got = terms.deliverables()
    assert [d.key for d in got] == ["D1", "D2", "KT"]
    assert got[2] == DeliverableView(
        "KT", "Knowledge transfer: training and operations manual", ("T4",),
        "Two training sessions held for the client's team; the operations manual handed "
        "over.", date(2026, 5, 29), "training")
    assert got[0].criteria == load_sow(EVERY_KEY).deliverables[0].criteria


def test_a_project_without_the_keys_has_the_default_terms(example: Ledger) -> None:
    assert example.project().terms == ContractTerms()
    assert example.deliverables() == []


def test_export_sow_round_trips_every_key(terms: Ledger, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "back.toml"
    url = terms.engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "export", "sow", "--out", str(out)]) == 0, capsys.readouterr()
    written = out.read_text(encoding="utf-8")
    for key in ("contract = ", "signed_on = ", "billing = ", "tax_rate = 0.06",
                "prices_include_tax = ", "[[deliverable]]", 'kind = "training"', "criteria = "):
        assert key in written, key
    assert load_sow(out) == load_sow(EVERY_KEY)


def test_a_fixed_price_round_trips(ledger: Ledger) -> None:
    text = with_project_keys('contract = "SOW-7"\nbilling = "fixed"\nprice = 987654321.5\n'
                             'tax_rate = 0.0625\nprices_include_tax = false')
    spec = parse_sow(text)
    ledger = ledger.for_project(ledger.init_project(spec).code)
    assert ledger.project().terms.price_minor == 98_765_432_150
    assert ledger.project().terms.tax_rate == Fraction(1, 16)
    assert parse_sow(dump_sow(ledger.export_sow())) == spec
    assert ledger.verify()[1] == []


def sql(led: Ledger, statement: str) -> None:
    """An edit behind the program's back: its own connection, committed."""
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def test_verify_names_an_sql_edit_of_a_deliverables_criteria(terms: Ledger) -> None:
    assert terms.verify()[1] == []
    sql(terms, "UPDATE deliverable SET criteria = 'Whatever the vendor delivers' "
               "WHERE key = 'D2'")
    assert terms.verify()[1] == [
        f"{CODE} deliverable D2: differs from the SOW and its audit rows (edited behind the "
        f"program's back): criteria was Evaluation repor…, is Whatever the ven…"]


def test_verify_names_an_sql_edit_of_the_tax_rate(terms: Ledger) -> None:
    sql(terms, "UPDATE project SET tax_rate_ppm = 0")
    assert terms.verify()[1] == [
        f"{CODE}: differs from the SOW and its audit rows (edited behind the program's "
        f"back): tax_rate_ppm was 60000, is 0"]


@pytest.mark.parametrize(("statement", "named"), [
    ("UPDATE project SET contract = 'HT-2026-9999'", "contract was HT-2026-0117, is HT-2026-9999"),
    ("UPDATE project SET signed_on = NULL", "signed_on was 2026-02-20, is null"),
    ("UPDATE project SET billing = 'fixed', price_minor = 100", "billing was actual, is fixed"),
    ("UPDATE project SET prices_include_tax = false", "prices_include_tax was true, is false"),
    ("UPDATE deliverable SET tasks = '[\"T4\"]' WHERE key = 'D1'",
     "deliverable D1: differs"),
    ("UPDATE deliverable SET due = '2026-05-29' WHERE key = 'D1'",
     "due was 2026-04-17, is 2026-05-29"),
    ("UPDATE deliverable SET kind = NULL WHERE key = 'KT'", "kind was training, is null"),
    ("DELETE FROM deliverable WHERE key = 'D2'",
     "deliverable D2: deleted behind the program's back"),
])
def test_verify_names_every_edit_of_the_terms(terms: Ledger, statement: str,
                                              named: str) -> None:
    sql(terms, statement)
    found = terms.verify()[1]
    assert len(found) == 1 and named in found[0], found


def test_verify_names_a_deliverable_added_with_sql(terms: Ledger) -> None:
    with terms.engine.begin() as conn:
        pid = conn.execute(select(Project.id)).scalar()
        conn.execute(Deliverable.__table__.insert().values(
            project_id=pid, key="D9", title="Extra", tasks="[]", criteria=""))
    assert terms.verify()[1] == [
        f"{CODE} deliverable D9: not in the audit log (added behind the program's back)"]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("statement", [
    "UPDATE deliverable SET criteria = 'anything'",
    "DELETE FROM deliverable",
    "INSERT INTO deliverable (project_id, key, title, tasks, criteria) "
    "SELECT id, 'D9', 'x', '[]', '' FROM project",
    "UPDATE project SET tax_rate_ppm = 0",
    "UPDATE project SET contract = 'HT-X', signed_on = NULL",
    "UPDATE project SET billing = 'fixed', price_minor = 1",
])
def test_no_login_role_writes_the_terms_on_postgresql(db_url: str, roles, statement: str
                                                      ) -> None:  # type: ignore[no-untyped-def]
    """Like the rates and the baseline, the terms come from the signed SOW: the lead's own
    login role (who may plan, sign and log) cannot write them (migration 0007)."""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    owner = Ledger.open(db_url)
    owner = owner.for_project(owner.init_project(load_sow(EVERY_KEY)).code)
    lead = roles("zhang")
    owner.bind_role("zhang.wei", str(make_url(lead).username))
    engine = create_engine(lead, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Deliverable)).scalar() == 3
        with pytest.raises(DBAPIError, match="permission denied for table") as caught, \
                engine.begin() as conn:
            conn.execute(text(statement))
        assert getattr(caught.value.orig, "sqlstate", None) == "42501"  # insufficient privilege
    finally:
        engine.dispose()
    assert owner.verify()[1] == []
    owner.engine.dispose()


def test_the_database_refuses_a_value_that_is_not_a_boolean(terms: Ledger) -> None:
    """A SQLite BOOLEAN column would take 'abc' and read it back as true: a CHECK refuses it."""
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match=r'invalid input syntax for type boolean: "abc"|'
                                         r"CHECK constraint failed"):
        sql(terms, "UPDATE project SET prices_include_tax = 'abc'")
    assert terms.project().terms.prices_include_tax is True


def test_a_ledger_from_before_0007_keeps_verifying(ledger: Ledger) -> None:
    """Back to 0006 and up again: a project of an older ledger has the default terms, no
    deliverables, and verify finds nothing (its SOW in the audit log has no such keys)."""
    from storage.db import HEAD_REVISION, run_alembic

    ledger = ledger.for_project(ledger.init_project(load_sow(EXAMPLE_SOW)).code)
    as_lead = Ledger(ledger.engine, ledger.project_code, "zhang.wei")
    as_lead.log("T1", "8", on="2026-03-02")
    run_alembic(ledger.engine, "downgrade", "0006")
    run_alembic(ledger.engine, "upgrade", HEAD_REVISION)
    assert ledger.project().terms == ContractTerms()
    assert ledger.deliverables() == []
    assert ledger.verify()[1] == []
