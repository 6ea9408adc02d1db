"""Issue 13: verify takes a signed period's digest by writing its canonical text a row at a
time (rules.digest_with_rows, SignoffsMixin._period_digest) instead of json.dumps of a
dict holding every entry. The bytes must be json.dumps's exactly, for any value a row can
hold (texts the program writes, and values only SQL behind its back could put there), and
a change to any entry of a signed period must still break its signatures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from model import rules
from storage.orm import Project
from storage.services import Ledger
from tests.conftest import as_

CODE = "CLAIMS-AGENT-2026"
WEEK = (date(2026, 3, 2), date(2026, 3, 8))
ODD = ['say "hi" \\ back', "中文 备注 🎉", "‮rtl ​zero width", "</script> & <b>",
       "é\u00a0ü", "x" * 300, "", "tab\there", "line\nbreak \x01 \x1f \x7f \u2028"]
AWKWARD: list[object] = [
    *ODD, 0, -1, 10**30, -(10**19), True, False, None, 1.5, 1.0, -0.0, float("inf"),
    Decimal("1.10"), date(2026, 3, 2), [1, "a", None], {"b": 1, "a": [2]}]


def sql(led: Ledger, statement: str, **params: object) -> None:
    with led.engine.begin() as conn:
        conn.execute(text(statement), params)


@pytest.mark.parametrize("value", AWKWARD, ids=range(len(AWKWARD)))
def test_canonical_value_is_json_dumps_of_the_value(value: object) -> None:
    assert rules.canonical_value(value) == rules.canonical_json(value)
    assert rules.canonical_value([value]) == "[" + rules.canonical_json(value) + "]"


@pytest.mark.parametrize("head", [
    {"kind": "period", "project": "P", "first": "2026-03-02", "last": "2026-03-08"},
    {"kind": "period", "project": "项目 \"x\"", "contract": "C\\1", "contract_signed_on":
     "2026-01-01", "first": "a", "last": "b", "zz": None, "a": [1, {"y": 2, "x": 1}]},
    {},
])
@pytest.mark.parametrize("n", [0, 1, 5000, 9000])  # empty, one, over one batch, several
def test_digest_with_rows_is_the_digest_of_the_whole_content(head: dict[str, object],
                                                             n: int) -> None:
    rows = [[AWKWARD[i % len(AWKWARD)], i, ODD[i % len(ODD)], AWKWARD[(i * 7) % len(AWKWARD)]]
            for i in range(n)]
    texts = ("[" + ",".join(rules.canonical_value(v) for v in row) + "]" for row in rows)
    assert (rules.digest_with_rows(head, "entries", texts)
            == rules.digest({**head, "entries": rows}))


def test_digest_with_rows_differs_when_one_row_does() -> None:
    head = {"kind": "period"}
    assert (rules.digest_with_rows(head, "entries", ['["a",1]', '["b",2]'])
            != rules.digest_with_rows(head, "entries", ['["a",1]', '["b",3]']))


def period_digests(led: Ledger) -> tuple[str, str]:
    """(the fast digest verify takes, rules.digest of the period's content)."""
    with led._reading() as s:
        project = s.scalars(select(Project).where(Project.code == CODE)).one()
        fast = led._period_digest(s, project, *WEEK)
    return fast, rules.digest(led.period_content(*WEEK))


def test_a_signed_periods_digest_is_its_contents_byte_for_byte(example: Ledger) -> None:
    eng = as_(example, "liu.yang")
    # logged in reverse date order: the content is sorted, the table is not
    for i, note in enumerate(reversed(ODD[:6])):
        eng.log("T2", "1.25", on=f"2026-03-0{6 - i % 5}", note=note)
    example.log("T1", "2", on="2026-03-03", person="zhang.wei", note=ODD[1])
    as_(example, "zhang.wei").sign_period(*(d.isoformat() for d in WEEK), on="2026-03-09")
    as_(example, "li.na").sign_period(*(d.isoformat() for d in WEEK), on="2026-03-10")
    fast, full = period_digests(example)
    assert fast == full
    assert len(example.period_content(*WEEK)["entries"]) == 7
    assert example.verify()[1] == []
    # values the program never writes, put there with SQL: still the same bytes, and the
    # signatures no longer match
    with example.engine.connect() as conn:
        first = conn.execute(text("SELECT min(id) FROM time_entry")).scalar_one()
    sql(example, "UPDATE time_entry SET note = :n, minutes = 2000000000 WHERE id = :i",
        n=ODD[-1], i=first)
    fast2, full2 = period_digests(example)
    assert fast2 == full2 != fast
    problems = example.verify()[1]
    assert problems[1:] == [
        f"{CODE} TS-001 signature of {who}: the document no longer matches what was signed "
        f"on {on}" for who, on in (("zhang.wei", "2026-03-09"), ("li.na", "2026-03-10"))]
    assert problems[0].startswith(f"{CODE} entry {first}: differs from its last audit row")


def test_a_period_entry_edited_to_what_sorts_elsewhere_breaks_the_signatures(
        example: Ledger) -> None:
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        example.log("T1", "8", on=day, person="zhang.wei", note=f"work {day}")
    as_(example, "zhang.wei").sign_period(*(d.isoformat() for d in WEEK), on="2026-03-09")
    fast, full = period_digests(example)
    assert fast == full
    with example.engine.connect() as conn:
        first = conn.execute(text("SELECT min(id) FROM time_entry")).scalar_one()
    # the first entry moved to the period's last day: the same rows, another order
    sql(example, "UPDATE time_entry SET \"on\" = :d WHERE id = :i", d=date(2026, 3, 8),
        i=first)
    fast2, full2 = period_digests(example)
    assert fast2 == full2 != fast
    assert (f"{CODE} TS-001 signature of zhang.wei: the document no longer matches what "
            f"was signed on 2026-03-09") in example.verify()[1]


def test_minutes_stored_as_a_fraction_digest_like_the_content(
        sqlite_example: Ledger) -> None:
    e = sqlite_example.log("T1", "2", on="2026-03-02", person="zhang.wei", note="a")
    sql(sqlite_example, f"UPDATE time_entry SET minutes = 120.5 WHERE id = {e.id}")
    fast, full = period_digests(sqlite_example)
    assert fast == full
    assert "120.5" in rules.canonical_json(sqlite_example.period_content(*WEEK))
