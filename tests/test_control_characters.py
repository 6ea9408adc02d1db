"""SPEC §7 "Input is data, never control": one-line text refuses control characters.

One rule (``model.usertext.text_problem``), enforced where text enters the ledger: the
SOW loader, the CSV reader and every unit of work's flush (``storage.db``), so no service,
form or import can store an ESC (a terminal escape sequence waiting for whoever prints
it), a line break, a tab, another C0/C1 control or DEL in a title, a note or a name. A
change request's reason is the one multi-line field: newlines, nothing else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input, Select, Static

from model.errors import FieldError, LedgerError, LedgerErrors
from model.usertext import text_problem
from storage.services import Ledger
from storage.sowfile import EntryRow, load_sow
from tui.app import SowtrackApp
from tui.cli import main
from tui.screens.form import FormScreen

from .conftest import EXAMPLE_SOW, as_
from .tui_support import settle

#: ESC, line breaks (LF, CR, NEL, U+2028), tab, BEL, DEL, a C1 control (CSI)
BAD = ["\x1b", "\n", "\r", "\x85", "\u2028", "\t", "\x07", "\x7f", "\x9b"]


def one_line(field: str, c: str) -> str:
    return f"{field}: must be one line without control characters (it holds {c!r})"


def refused(field: str, c: str) -> pytest.RaisesContext[FieldError]:
    return pytest.raises(FieldError, match=f"^{re.escape(one_line(field, c))}$")


def test_the_rule() -> None:
    for c in BAD:
        assert text_problem(f"a{c}b") is not None
    assert text_problem("a\nb", multiline=True) is None
    assert text_problem("a\rb", multiline=True) is not None
    assert text_problem("a\x00b", multiline=True) == "contains a NUL character"
    # Markup, CJK, emoji, a non-breaking space, a zero-width joiner: all just text.
    assert text_problem("[/oops] <b>&amp;</b> 测试环境 👩‍💻\u00a0x") is None


# ---------------------------------------------------------------- through the services


def test_blocker_title(example: Ledger) -> None:
    for c in BAD:
        with refused("title", c):
            example.add_blocker(f"VPN{c}[31m down", "client", on="2026-03-03")
    assert example.blockers() == []
    assert example.add_blocker("VPN down", "client", on="2026-03-03").number == "B-001"
    assert example.verify()[1] == []


def test_entry_note(example: Ledger) -> None:
    for c in BAD:
        with refused("note", c):
            example.log("T2", "2", on="2026-03-02", person="liu.yang", note=f"a{c}b")
    e = example.log("T2", "2", on="2026-03-02", person="liu.yang", note="fine")
    for c in BAD:
        with refused("note", c):
            example.edit_entry(e.id, note=f"x{c}y")
    assert [x.note for x in example.entries()] == ["fine"]
    assert example.verify()[1] == []


def test_task_code_and_title(example: Ledger) -> None:
    for c in BAD:
        with refused("title", c):
            example.add_task("T9", f"new{c}task", "3")
        with refused("code", c):
            example.add_task(f"T{c}9", "new task", "3")
        with refused("title", c):
            example.edit_task("T1", title=f"new{c}title")
    assert [t.code for t in example.tasks()] == ["T1", "T2", "T3", "T4"]
    assert example.tasks()[0].title == "Requirement clarification and task breakdown"


def test_change_request_title_and_reason(example: Ledger) -> None:
    for c in BAD:
        with refused("title", c):
            example.new_cr(f"More{c}scope", deltas={"senior": 5}, on="2026-03-03")
    for c in [b for b in BAD if b != "\n"]:
        with pytest.raises(FieldError, match=re.escape(
                f"reason: may hold line breaks but no other control character (it holds {c!r})")):
            example.new_cr("More scope", f"asked by{c}the client", {"senior": 5},
                           on="2026-03-03")
    assert example.change_requests() == []
    # The reason is the one multi-line field.
    cr = example.new_cr("More scope", "asked by the client\nin the March review",
                        {"senior": 5}, on="2026-03-03")
    assert example.change_request(cr.number).reason == "asked by the client\nin the March review"
    with refused("title", "\x1b"):
        example.edit_cr(cr.number, title="x\x1by")
    with pytest.raises(FieldError, match="^reason: may hold line breaks"):
        example.edit_cr(cr.number, reason="a\x1b[2Jb")
    assert example.change_request(cr.number).title == "More scope"
    assert example.verify()[1] == []


def test_quota_use_note(example: Ledger) -> None:
    for c in BAD:
        with refused("note", c):
            example.use_quota("research-meetings", 1, on="2026-03-04", note=f"kick{c}off")
    assert {q.key: q.used for q in example.quotas()}["research-meetings"] == 0


def test_import_rows_not_read_from_a_file(example: Ledger) -> None:
    """The import writes with Core inserts (no flush to check them): it checks each note."""
    rows = [EntryRow(2, "2026-03-02", "liu.yang", "T2", "8", "ok"),
            EntryRow(3, "2026-03-03", "liu.yang", "T2", "8", "esc\x1b[2J")]
    line = f"line 3: {one_line('note', chr(27))}"
    with pytest.raises(LedgerErrors, match=f"^{re.escape(line)}$") as caught:
        example.import_entries(rows)
    assert caught.value.problems == [line]
    assert example.entries() == []


def test_names_and_titles_of_a_new_project(ledger: Ledger) -> None:
    """A SowSpec built in code (not read from a TOML file) meets the same rule."""
    spec = load_sow(EXAMPLE_SOW)
    people = [dataclasses.replace(spec.people[0], name="张伟\x1b]0;pwned\x07")] + spec.people[1:]
    with refused("name", "\x1b"):
        ledger.init_project(dataclasses.replace(spec, people=people))
    with refused("title", "\n"):
        ledger.init_project(dataclasses.replace(spec, title="Claims\nassistant"))
    with refused("client", "\t"):
        ledger.init_project(dataclasses.replace(spec, client="Example\tMutual"))
    assert ledger.projects() == []


def test_the_sow_loader_words_it_the_same(tmp_path: Path) -> None:
    path = tmp_path / "sow.toml"
    path.write_text(EXAMPLE_SOW.read_text(encoding="utf-8").replace(
        '"Example Mutual Insurance Co."', '"Example\\u001b[2J Mutual"'), encoding="utf-8")
    with pytest.raises(LedgerError, match=re.escape(
            "client: must be one line without control characters")):
        load_sow(path)


def test_a_record_written_before_the_rule_can_still_be_edited(example: Ledger) -> None:
    """Only the values an action sets are checked: an older note holding an ESC does not
    block an edit of the hours (and the new note is checked when it is set)."""
    e = example.log("T2", "2", on="2026-03-02", person="liu.yang", note="old")
    with example.engine.begin() as conn:
        conn.execute(text("UPDATE time_entry SET note = :n WHERE id = :i"),
                     {"n": "old\x1b[31m", "i": e.id})
    assert example.edit_entry(e.id, hours="3").minutes == 180
    with refused("note", "\t"):
        example.edit_entry(e.id, note="a\tb")


# ---------------------------------------------------------------- the command line


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", db_url, "--as", "zhang.wei", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_the_command_line_names_the_flag(db_url: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "init", str(EXAMPLE_SOW))[0] == 0
    cases = [
        (["blocker", "add", "--title", "VPN\x1b[31m down", "--party", "client",
          "--on", "2026-03-03"], "--title", "\x1b"),
        (["log", "--task", "T2", "--hours", "2", "--person", "liu.yang", "--date",
          "2026-03-02", "--note", "line one\nline two"], "--note", "\n"),
        (["cr", "new", "--title", "More\rscope", "--delta", "senior=5", "--on", "2026-03-03"],
         "--title", "\r"),
        (["quota", "use", "research-meetings", "--on", "2026-03-04", "--note", "x\x7f"],
         "--note", "\x7f"),
    ]
    for argv, flag, c in cases:
        assert run(capsys, db_url, *argv) == (
            1, "", f"error: {one_line(flag, c)}\n"), argv
    rc, out, err = run(capsys, db_url, "cr", "new", "--title", "More scope", "--reason",
                       "asked\tby the client", "--delta", "senior=5", "--on", "2026-03-03")
    assert (rc, err) == (1, "error: --reason: may hold line breaks but no other control "
                            "character (it holds '\\t')\n")
    # Nothing was written; a reason on two lines is fine.
    led = Ledger.open(db_url)
    assert (led.blockers(), led.entries(), led.change_requests()) == ([], [], [])
    rc, out, err = run(capsys, db_url, "cr", "new", "--title", "More scope", "--reason",
                       "asked by the client\nin the March review", "--delta", "senior=5",
                       "--on", "2026-03-03")
    assert (rc, out.strip()) == (0, "CR-001"), err
    assert Ledger.open(db_url).change_requests()[0].reason == \
        "asked by the client\nin the March review"


def test_the_import_names_the_line(db_url: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "init", str(EXAMPLE_SOW))[0] == 0
    path = tmp_path / "march.csv"
    path.write_bytes(b"date,person,task,hours,note\n2026-03-02,liu.yang,T2,8,ok\n"
                     b"2026-03-03,liu.yang,T2,8,\"esc \x1b[2J here\"\n"
                     b"2026-03-04,liu.yang,T2,8,\"two\nlines\"\n"
                     b"2026-03-06,liu.yang,T2,8,tab\there\n")
    rc, out, err = run(capsys, db_url, "import", "entries", str(path))
    assert (rc, out) == (1, "")
    assert err.splitlines() == [
        f"march.csv: line 3: {one_line('note', chr(27))}",
        f"march.csv: line 4: {one_line('note', chr(10))}",
        f"march.csv: line 6: {one_line('note', chr(9))}",
        "nothing imported: 3 bad row(s)"]
    assert Ledger.open(db_url).entries() == []


# ---------------------------------------------------------------- the app


TODAY = date(2026, 3, 13)


def _example_file(tmp_path: Path, actor: str) -> Ledger:
    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    view = led.init_project(load_sow(EXAMPLE_SOW))
    return Ledger(led.engine, view.code, actor)


def test_the_apps_forms_name_the_field_by_its_label(tmp_path: Path) -> None:
    """In the app a refusal names the form's field ("Title"), not a command-line flag."""
    lead = _example_file(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}
    app = SowtrackApp(lead, today=TODAY)

    async def scenario() -> None:
        async with app.run_test(size=(150, 45), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("5", "a")  # Blockers, add
            await settle(pilot)
            form = app.screen
            assert isinstance(form, FormScreen)
            # A pasted title holding an escape sequence (the keyboard cannot type one).
            form.query_one("#f-title", Input).value = "VPN\x1b[2J down"
            form.query_one("#f-party", Select).value = "client"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form  # the form stays open
            seen["error"] = str(form.query_one("#form-error", Static).render())
            await pilot.press("escape")  # a changed form asks first: Discard
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            # My day's log form (not a modal form) notifies the refusal with its label.
            app.set_actor("liu.yang")
            await pilot.press("2")
            await settle(pilot)
            app.screen.query_one("#log-note", Input).value = "fixed\tparser"
            app.screen.query_one("#log-hours", Input).value = "4"
            await pilot.press("ctrl+s")
            await settle(pilot)
            seen["notes"] = "\n".join(n.message for n in app._notifications)

    asyncio.run(scenario())
    assert seen["error"] == ("refused: Title: must be one line without control characters "
                             "(it holds '\\x1b')")
    assert "Note: must be one line without control characters (it holds '\\t')" \
        in seen["notes"]
    assert lead.blockers() == [] and lead.entries() == []
    assert as_(lead, "liu.yang").entries() == []
