"""The audit log in words (model.history, Ledger.history, ``sowtrack history``)."""

from __future__ import annotations

import ast
import json
from datetime import date, datetime
from pathlib import Path

import pytest

import storage.audit
from model.errors import FieldError
from model.history import SENTENCES, AuditRow, describe, parse_record, state
from storage.records import entry_batch
from storage.services import Ledger
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"chen.jing": "陈静", "wang.fang": "王芳", "zhang.wei": "张伟", "li.na": "李娜"}


# ---------------------------------------------------------------- every kind has its words


def _literal(node: ast.AST | None) -> str | None:
    """A literal text, or a module's constant named by ``entry_batch.ACTION``-like
    attributes (storage.records.entry_batch's import batch rows)."""
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "entry_batch"):
        value = getattr(entry_batch, node.attr, None)
        return value if isinstance(value, str) else None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _written_kinds() -> set[tuple[str, str]]:
    """Every (action, entity) the program's code writes into the audit log, read from the
    source: each call of an AuditWriter's record / record_many / append / chain, the literal
    arguments of the helpers that pass theirs on, and fails on a call it cannot read."""
    kinds: set[tuple[str, str]] = set()
    unread: list[str] = []
    for path in sorted((ROOT / "storage").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # obligations: _Done(entity, action, ...), module-level
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_Done"):
                kinds.add((_literal(node.args[1]) or "?", _literal(node.args[0]) or "?"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if not isinstance(node, ast.Call):
                    continue
                name = (node.func.attr if isinstance(node.func, ast.Attribute)
                        else node.func.id if isinstance(node.func, ast.Name) else "")
                args = node.args
                if name == "_staff_change":  # (s, project, person, change, day)
                    kinds.add((_literal(args[3]) or "?", "staff_change"))
                elif name == "_sign":  # (s, project, kind, ...): a "status" row of kind
                    kinds.add(("status", _literal(args[2]) or "?"))
                elif name == "record_many" and args and isinstance(args[0], ast.List):
                    for t in args[0].elts:
                        assert isinstance(t, ast.Tuple)
                        kinds.add((_literal(t.elts[0]) or "?", _literal(t.elts[1]) or "?"))
                elif name in ("record", "append", "chain") and len(args) >= 2:
                    action, entity = _literal(args[0]), _literal(args[1])
                    if name == "append" and action is None:
                        continue  # a list's append
                    if name == "chain" and (isinstance(node.func, ast.Name)
                                            or fn.name == "append"):
                        continue  # itertools.chain; AuditWriter.append's own (its caller's)
                    if action is not None and entity is not None:
                        kinds.add((action, entity))
                    elif (fn.name, name) == ("withdraw_signoff", "record"):
                        kinds.update(("withdraw", k) for k in ("period", "acceptance", "scope"))
                    elif fn.name not in ("_mark_done", "_staff_change", "_sign"):
                        unread.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:60]}")
    assert not unread, f"audit rows whose kind this test cannot read: {unread}"
    assert not any("?" in k for k in kinds), kinds
    return kinds


def test_every_kind_of_audit_row_has_its_sentence() -> None:
    written = _written_kinds()
    # the scan finds the kinds (a scan that finds nothing would prove nothing)
    assert {("log", "entry"), ("sign", "signature"), ("status", "cr"), ("done", "obligation"),
            ("withdraw", "scope"), ("add", "staff_change"), ("import", "import"),
            ("import", "entries"), ("deliver", "deliverable")} <= written
    assert len(written) >= 40
    unnamed = sorted(written - set(SENTENCES))
    assert not unnamed, f"audit rows with no sentence in model.history.SENTENCES: {unnamed}"


def test_each_kind_is_worded_by_its_own_sentence() -> None:
    # a row of each kind, even one whose before and after say little, gets its sentence,
    # not the plain fallback ("actor action entity ref")
    for action, entity in _written_kinds():
        text = describe(row(action, entity, "R-1/x", {}, {"status": "effective"}), NAMES,
                        date(2026, 11, 2))
        assert not text.startswith(f"陈静 {action} {entity} "), text
        assert text.startswith("陈静 "), text


def test_no_row_of_the_demo_is_worded_by_the_fallback(tmp_path: Path) -> None:
    from .tui_support import demo_ledger

    lines = list(demo_ledger(tmp_path).history_all())
    kinds = {(h.action, h.entity) for h in lines}
    assert len(kinds) >= 20  # the demo does most things a project does
    assert not [h.text for h in lines if h.text.split(" on ")[0].endswith(
        f"{h.action} {h.entity} {h.ref}")]


def row(action: str, entity: str, ref: str, before: dict | None = None,
        after: dict | None = None, actor: str = "chen.jing") -> AuditRow:
    return AuditRow(1, datetime(2026, 11, 2, 3, 0), actor, action, entity, ref, before, after)


ENTRY = {"id": 13, "date": "2026-11-02", "person": "chen.jing", "task": "T2", "minutes": 450,
         "grade": "expert", "note": "parsing"}


def test_each_sentence_names_who_what_and_when() -> None:
    day = date(2026, 11, 2)
    edited = row("edit", "entry", "13", ENTRY, {**ENTRY, "minutes": 480, "note": "parsing v2"})
    assert describe(edited, NAMES, day) == (
        "陈静 edited entry 13 on 2026-11-02: hours 7.5 → 8, note “parsing” → “parsing v2”")
    assert describe(row("log", "entry", "13", None, ENTRY), NAMES, day) == (
        "陈静 logged entry 13 on 2026-11-02: 陈静, 2026-11-02, T2, 7.5 h, note “parsing”")
    signed = row("sign", "signature", "CR-002/li.na", None,
                 {"doc": "CR-002", "person": "li.na", "party": "client", "role": "signatory",
                  "on": "2026-10-03", "digest": "ab"}, actor="li.na")
    assert describe(signed, NAMES, date(2026, 10, 3)) == (
        "李娜 signed CR-002 on 2026-10-03 as client signatory")
    assert describe(signed, NAMES, date(2026, 10, 5)) == (
        "李娜 signed CR-002 on 2026-10-03 (recorded on 2026-10-05) as client signatory")
    graded = row("grade", "person", "wang.fang", {"grade": "intermediate"}, {"grade": "senior"},
                 actor="zhang.wei")
    assert describe(graded, NAMES, date(2026, 10, 1)) == (
        "张伟 changed 王芳's grade to senior from 2026-10-01: was intermediate")
    # someone the ledger has no name for is named by their key; an unknown kind of row
    # is still worded
    assert describe(row("frobnicate", "widget", "7", actor="db:ops"), NAMES, day) == (
        "db:ops frobnicate widget 7 on 2026-11-02")


def test_user_text_in_a_sentence_is_data() -> None:
    # a note edited in behind the program's back: markup stays text, controls are shown
    # as their symbols, never sent to the terminal
    odd = {**ENTRY, "note": "[red]x[/red] \x1b[2J\nnext"}
    text = describe(row("log", "entry", "13", None, odd), NAMES, date(2026, 11, 2))
    assert "[red]x[/red] ␛[2J␊next" in text
    assert not any(ord(c) < 32 or c == "\x7f" for c in text)
    # a before/after that is not a JSON object (an edit behind the program's back)
    assert state("not json") == {"value": "not json"}
    assert describe(row("edit", "entry", "13", {"value": 1}, {"value": 2}), NAMES,
                    date(2026, 11, 2)) == "陈静 edited entry 13 on 2026-11-02: value 1 → 2"


def test_a_record_is_named_as_people_name_it() -> None:
    assert parse_record("entry:13") == parse_record("13") == parse_record(" Entry : 13 ")
    assert parse_record("cr-002").entity == "cr" and parse_record("cr-002").ref == "CR-002"
    assert parse_record("TS-001").entity == "period"
    assert parse_record("task:T2").entity == "task"
    with pytest.raises(FieldError, match="no kind of record"):
        parse_record("widget:1")
    with pytest.raises(FieldError, match="names no entry"):
        parse_record("entry:")


# ---------------------------------------------------------------- the ledger's history


@pytest.fixture
def story(example: Ledger, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """A few weeks of the example project, each action at a known instant (UTC)."""
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-03-20")
    clock: list[datetime] = []
    monkeypatch.setattr(storage.audit, "_now", lambda: clock[-1])
    chen, lina = example.acting_as("chen.jing"), example.acting_as("li.na")
    clock.append(datetime(2026, 3, 10, 2, 0))  # 10:00 in Shanghai
    e = chen.log("T2", "7.5", "2026-03-09", note="parsing [v1]")
    clock.append(datetime(2026, 3, 11, 17, 0))  # 2026-03-12 01:00 in Shanghai
    chen.edit_entry(e.id, hours="8", note="parsing v2")
    clock.append(datetime(2026, 3, 12, 2, 0))
    example.change_grade("wang.fang", "senior")
    clock.append(datetime(2026, 3, 13, 2, 0))
    example.new_cr("More evaluation", deltas={"senior": "5"}, on="2026-03-13")
    clock.append(datetime(2026, 3, 14, 2, 0))
    lina.sign_cr("CR-001", on="2026-03-14")
    return {"entry": e.id, "ledger": example}


def test_one_records_history_newest_first(story: dict[str, object]) -> None:
    led, entry = story["ledger"], story["entry"]
    assert isinstance(led, Ledger)
    assert [h.text for h in led.history(f"entry:{entry}")] == [
        f"陈静 edited entry {entry} on 2026-03-12: hours 7.5 → 8, note “parsing [v1]” → "
        "“parsing v2”",
        f"陈静 logged entry {entry} on 2026-03-10: 陈静, 2026-03-09, T2, 7.5 h, note "
        "“parsing [v1]”"]
    # a bare number is an entry too
    assert [h.id for h in led.history(str(entry))] == [h.id for h in
                                                       led.history(f"entry:{entry}")]
    # a change request with its signatures, in words
    cr = [h.text for h in led.history("cr-001")]
    assert cr[-1] == "张伟 raised CR-001 “More evaluation” on 2026-03-13: senior +5 PD"
    assert "李娜 signed CR-001 on 2026-03-14 as client signatory" in cr
    assert all("CR-001" in t for t in cr) and len(cr) == 4  # raise, sign, status, state
    # the time shown is the project's (Asia/Shanghai)
    assert led.history(f"entry:{entry}")[0].at == datetime(2026, 3, 12, 1, 0)


def test_history_by_person_and_by_day(story: dict[str, object]) -> None:
    led = story["ledger"]
    assert isinstance(led, Ledger)
    # by li.na: her signature and what it did; nothing of chen.jing's
    lina = [h.text for h in led.history(person="li.na")]
    assert lina[-1] == "李娜 signed CR-001 on 2026-03-14 as client signatory"
    assert all(t.startswith("李娜 ") for t in lina) and len(lina) == 3
    # about wang.fang: the grade change made by the lead
    assert [h.text for h in led.history(person="wang.fang")] == [
        "张伟 changed 王芳's grade to senior from 2026-03-12: was intermediate"]
    # the days are the project's: 17:00 UTC on the 11th is the 12th in Shanghai
    day = [h.text for h in led.history(first="2026-03-12", last="2026-03-12")]
    assert day == ["张伟 changed 王芳's grade to senior from 2026-03-12: was intermediate",
                   f"陈静 edited entry {story['entry']} on 2026-03-12: hours 7.5 → 8, note "
                   "“parsing [v1]” → “parsing v2”"]
    assert led.history(first="2026-03-15", last="2026-03-31") == []
    # record and person together
    assert len(led.history(f"entry:{story['entry']}", person="chen.jing",
                           last="2026-03-11")) == 1


def test_history_is_read_a_page_at_a_time(story: dict[str, object]) -> None:
    led = story["ledger"]
    assert isinstance(led, Ledger)
    everything = [h.id for h in led.history(limit=10_000)]
    assert everything == sorted(everything, reverse=True) and len(everything) == 8
    pages, before = [], None
    while True:
        page = led.history(before=before, limit=2)
        assert len(page) <= 2
        pages += [h.id for h in page]
        if len(page) < 2:
            break
        before = page[-1].id
    assert pages == everything
    assert [h.id for h in led.history_all(limit=5)] == everything[:5]


def test_bad_filters_are_refused_naming_the_field(example: Ledger) -> None:
    with pytest.raises(FieldError) as e:
        example.history(person="nobody")
    assert e.value.field == "person"
    with pytest.raises(FieldError) as e:
        example.history(first="2026-03-05", last="2026-03-01")
    assert e.value.field == "last"
    with pytest.raises(FieldError) as e:
        example.history(first="2026-13-01")
    assert e.value.field == "first"


def cli(capsys: pytest.CaptureFixture[str], led: Ledger, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", led.engine.url.render_as_string(hide_password=False), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_the_history_command(story: dict[str, object],
                             capsys: pytest.CaptureFixture[str]) -> None:
    led, entry = story["ledger"], story["entry"]
    assert isinstance(led, Ledger)
    rc, out, err = cli(capsys, led, "history", "--record", f"entry:{entry}")
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("2026-03-12 01:00  #")
    assert lines[0].endswith(f"陈静 edited entry {entry} on 2026-03-12: hours 7.5 → 8, "
                             "note “parsing [v1]” → “parsing v2”")
    assert len(lines) == 2
    rc, out, _ = cli(capsys, led, "history", "--person", "li.na", "--json")
    doc = json.loads(out)
    assert doc["project"] == "CLAIMS-AGENT-2026"
    assert [r["record"] for r in doc["rows"]] == ["CR-001", "CR-001", "signature:CR-001/li.na"]
    assert doc["rows"][-1]["text"] == "李娜 signed CR-001 on 2026-03-14 as client signatory"
    assert doc["rows"][-1]["actor"] == "li.na"
    rc, out, _ = cli(capsys, led, "history", "--from", "2026-03-15", "--to", "2026-03-31",
                     "--json")
    assert rc == 0 and json.loads(out)["rows"] == []
    rc, out, _ = cli(capsys, led, "history", "--limit", "3")
    assert rc == 0 and len(out.splitlines()) == 3
    # refused input: one line naming the flag, exit code 1, nothing printed on stdout
    for argv, flag in ((("--person", "nobody"), "--person"),
                       (("--record", "widget:1"), "--record"),
                       (("--from", "2026-03-05", "--to", "2026-03-01"), "--to"),
                       (("--from", "03/05"), "--from")):
        rc, out, err = cli(capsys, led, "history", *argv, "--json")
        assert rc == 1 and out == "", argv
        assert err.startswith(f"error: {flag}: ") and err.count("\n") == 1, err
