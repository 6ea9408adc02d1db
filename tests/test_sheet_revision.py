"""Per-document revisions and per-person timesheets (SPEC §8, "Layout").

A sheet prints the revision of its document's content (1 for the first content printed
under its id, one more for each new content), recorded when it is exported, with an
audit row; ``verify FILE.pdf`` checks the revision against the ledger, and ``verify``
covers the table. ``export timesheet --per-person`` writes one file per person, each a
document of its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.pool import NullPool

from model.rules import digest
from storage.db import reading
from storage.orm import AuditEvent
from storage.services import Ledger
from tui.cli import main

from .conftest import as_

CODE = "CLAIMS-AGENT-2026"
MARCH = ("2026-03-02", "2026-03-06")
TS = f"{CODE}/TS/2026-03-02..2026-03-06"
TODAY = "2026-03-20"


@pytest.fixture
def week(example: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example SOW with a week of entries by three engineers."""
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    for day in range(2, 7):
        on = date(2026, 3, day)
        as_(example, "chen.jing").log("T2", "8", on=on)
        as_(example, "liu.yang").log("T2", "6.5", on=on)
        as_(example, "wang.fang").log("T3", "8", on=on)
    return example


def url(led: Ledger) -> str:
    return led.engine.url.render_as_string(hide_password=False)


def run(led: Ledger, capsys: pytest.CaptureFixture[str], *argv: str,
        who: str | None = "zhang.wei") -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    rc = main(["--db", url(led), *(["--as", who] if who else []), *argv])
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err.splitlines()


def export(led: Ledger, capsys: pytest.CaptureFixture[str], out: Path, *options: str,
           who: str | None = "zhang.wei") -> list[str]:
    rc, lines, err = run(led, capsys, "export", "timesheet", "--from", MARCH[0], "--to",
                         MARCH[1], *options, "--out", str(out), who=who)
    assert rc == 0, err
    return lines


def fields(path: Path) -> dict[str, str]:
    from model.sheets import read_keywords

    return read_keywords(str(PdfReader(str(path)).metadata.get("/Keywords") or ""))


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def audit_count(led: Ledger) -> int:
    with reading(led.engine) as s:
        return len(list(s.scalars(select(AuditEvent.id))))


# ---------------------------------------------------------------- revisions


def test_a_revision_per_content_of_each_document(week: Ledger, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "week.pdf"
    assert export(week, capsys, first) == [f"wrote {first} ({TS} revision 1)"]
    assert fields(first)["revision"] == "1" and "version" not in fields(first)
    text = text_of(first)
    assert "第 1 版" in text and "版本" not in text and " v" not in text.replace("Inv", "")
    # exported again, unchanged: the same revision, and nothing recorded
    rows = audit_count(week)
    again = tmp_path / "again.pdf"
    export(week, capsys, again)
    assert fields(again)["revision"] == "1" and audit_count(week) == rows
    per = tmp_path / "per.pdf"
    export(week, capsys, per, "--per-person")
    assert {fields(tmp_path / f"per-{p}.pdf")["revision"]
            for p in ("chen.jing", "liu.yang", "wang.fang")} == {"1"}

    # liu.yang's entry of 3 March changes: the period's sheet and liu.yang's are revision 2
    entry = next(e for e in week.entries() if e.person == "liu.yang" and e.on.day == 3)
    as_(week, "liu.yang").edit_entry(entry.id, hours="7")
    second = tmp_path / "week-2.pdf"
    assert export(week, capsys, second) == [f"wrote {second} ({TS} revision 2)"]
    export(week, capsys, tmp_path / "per2.pdf", "--per-person")
    assert fields(tmp_path / "per2-liu.yang.pdf")["revision"] == "2"
    # the other documents' revisions are unchanged
    assert fields(tmp_path / "per2-chen.jing.pdf")["revision"] == "1"
    assert fields(tmp_path / "per2-wang.fang.pdf")["revision"] == "1"
    assert fields(tmp_path / "per2-chen.jing.pdf")["sha256"] == \
        fields(tmp_path / "per-chen.jing.pdf")["sha256"]
    assert [(n, on) for n, _, on in week.printed_revisions(TS)] == [
        (1, date(2026, 3, 20)), (2, date(2026, 3, 20))]

    # the old print is superseded, naming both revisions; the new one holds
    rc, out, err = run(week, capsys, "verify", str(first))
    assert rc == 1 and out == []
    assert err[1] == (f"{first}: {TS} revision 1: revision 1 is superseded by revision 2 "
                      f"(first printed 2026-03-20)"), err
    rc, out, err = run(week, capsys, "verify", str(tmp_path / "per-liu.yang.pdf"))
    assert rc == 1 and "revision 1 is superseded by revision 2" in err[1], err
    for ok in (second, tmp_path / "per2-liu.yang.pdf", tmp_path / "per-chen.jing.pdf"):
        rc, out, err = run(week, capsys, "verify", str(ok))
        assert rc == 0 and err == [], err
    # the ledger's own verify covers the table: every revision has its audit row
    rc, out, err = run(week, capsys, "verify")
    assert rc == 0 and err == [], err


def test_a_content_not_yet_printed_is_named_as_the_next_revision(
        week: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "week.pdf"
    export(week, capsys, first)
    as_(week, "chen.jing").log("T2", "1", on=date(2026, 3, 6))
    rc, _, err = run(week, capsys, "verify", str(first))
    assert rc == 1
    assert err[1].endswith("revision 1 is superseded: the ledger holds a content not "
                           "printed yet (it will be revision 2)"), err


@pytest.mark.parametrize("attack", ["update", "delete", "insert"])
def test_an_sql_edit_of_the_revisions_is_caught(attack: str, week: Ledger, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week.pdf"
    export(week, capsys, path)
    with week.engine.begin() as conn:
        if attack == "update":  # the print then claims another revision than recorded
            conn.execute(text("UPDATE printed_revision SET revision = 5"))
        elif attack == "delete":
            conn.execute(text("DELETE FROM printed_revision"))
        else:
            conn.execute(text(
                "INSERT INTO printed_revision (project_id, doc_id, revision, digest, "
                "printed_on, printed_by) SELECT id, :doc, 7, :sha, '2026-03-20', NULL "
                "FROM project"), {"doc": f"{CODE}/PLAN", "sha": "0" * 64})
    rc, _, err = run(week, capsys, "verify")
    assert rc == 1
    problem = {
        "update": f"{CODE} printed revision (row 1): differs from its last audit row (edited "
                  f"behind the program's back): revision was 1, is 5",
        "delete": f"{CODE} printed revision (row 1): deleted behind the program's back",
        "insert": f"{CODE} printed revision (row 2): not in the audit log (added behind the "
                  f"program's back)",
    }[attack]
    assert problem in err, err
    rc, _, err = run(week, capsys, "verify", str(path))
    if attack == "update":
        assert rc == 1 and err[0].endswith(
            ": it says revision 1, but the ledger records this content as revision 5 "
            "(first printed 2026-03-20)"), err
    elif attack == "delete":
        assert rc == 1 and err[0].endswith(
            ": the ledger records no printed revision with this content (it says revision "
            "1): it was not printed from this ledger, or the record of its printing was "
            "removed"), err
    else:
        assert rc == 0, err


def test_a_revision_forged_in_the_metadata_is_refused(
        week: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week.pdf"
    export(week, capsys, path)
    writer = PdfWriter(clone_from=str(path))
    old = str(writer.metadata["/Keywords"])
    writer.add_metadata({"/Keywords": old.replace("sowtrack-revision=1",
                                                  "sowtrack-revision=3")})
    writer.write(str(tmp_path / "forged.pdf"))
    rc, _, err = run(week, capsys, "verify", str(tmp_path / "forged.pdf"))
    assert rc == 1 and err[0].endswith(": it says revision 3, but the ledger records this "
                                       "content as revision 1 (first printed 2026-03-20)"), err


def test_an_engineer_and_an_accepted_ledger_record_revisions(
        week: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Recording a printed revision is document control, not a fact of the ledger: an
    engineer may, and so may anyone on an accepted (read-only) ledger."""
    path = tmp_path / "mine.pdf"
    export(week, capsys, path, "--person", "liu.yang", who="liu.yang")
    assert fields(path)["revision"] == "1"
    with reading(week.engine) as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (last.actor, last.action, last.entity) == ("liu.yang", "print", "printed")
    as_(week, "zhang.wei").sign_acceptance("2026-03-19", None)
    as_(week, "li.na").sign_acceptance("2026-03-20", "accepted")
    assert week.project().accepted_on is not None
    rc, _, err = run(week, capsys, "log", "--task", "T2", "--hours", "1", "--date",
                     "2026-03-09", who="liu.yang")
    assert rc == 1 and "read-only" in err[0]
    plan = tmp_path / "plan.pdf"
    rc, out, err = run(week, capsys, "export", "plan", "--out", str(plan), who="chen.jing")
    assert rc == 0 and out == [f"wrote {plan} ({CODE}/PLAN revision 1)"], err
    rc, _, err = run(week, capsys, "verify", str(plan))
    assert rc == 0, err
    rc, _, err = run(week, capsys, "verify")
    assert rc == 0, err


# ---------------------------------------------------------------- per person


def test_per_person_writes_a_document_per_person(week: Ledger, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    week.sign_period(*MARCH, on="2026-03-09")
    as_(week, "li.na").sign_period(*MARCH, on="2026-03-10")
    whole = tmp_path / "whole.pdf"
    export(week, capsys, whole)
    assert "系统已记录签字" in text_of(whole)  # the signatures cover this digest
    lines = export(week, capsys, tmp_path / "week.pdf", "--per-person")
    people = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]  # vendor, with a grade
    assert lines == [f"wrote {tmp_path / f'week-{p}.pdf'} ({TS}/{p} revision 1)"
                     for p in people]
    assert not (tmp_path / "week.pdf").exists()
    period = week.period_content(date(2026, 3, 2), date(2026, 3, 6))
    signed = digest(period)
    seen = set()
    for p in people:
        path = tmp_path / f"week-{p}.pdf"
        meta = fields(path)
        assert meta["id"] == f"{TS}/{p}"
        assert meta["sha256"] == digest({**period, "person": p, "entries": [
            e for e in period["entries"] if e[1] == p]})
        seen.add(meta["sha256"])
        pages = [page.extract_text() for page in PdfReader(str(path)).pages]
        name = next(v.name for v in week.people() if v.key == p)
        assert f"工时确认单 {name}" in pages[0]  # its own title
        for n, page in enumerate(pages, start=1):  # its own page numbering
            assert f"第 {n} 页 / 共 {len(pages)} 页" in page
        text = "\n".join(pages)
        # the period's signatures cover another digest: not printed as on record here
        assert "系统已记录签字" not in text and "2026-03-10" not in text
        flat = "".join(text.split())
        assert f"工时确认单（已签，摘要{signed[:16]}…）的分人明细" in flat
        assert "张伟" in text and "李娜" in text  # the signatories, lines left blank
        rc, out, err = run(week, capsys, "verify", str(path))
        assert rc == 0 and out[1] == (
            f"signatures: no signature on record covers this sheet: it is {p}'s part of "
            f"TS-001 (2026-03-02..2026-03-06), whose signatures cover the whole period's "
            f"sheet (signed by 张伟 (vendor) 2026-03-09, 李娜 (client) 2026-03-10)"), out
    assert len(seen) == len(people) and signed not in seen


def test_per_person_in_english_says_what_it_details(week: Ledger, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    week.sign_period(*MARCH, on="2026-03-09")
    export(week, capsys, tmp_path / "w.pdf", "--per-person", "--lang", "en")
    text = text_of(tmp_path / "w-liu.yang.pdf").replace("\n", " ")
    assert "One person's part of timesheet confirmation TS-001" in text
    assert "being signed" in text and "signature on record" not in text
    assert "page 1 of" in text and "Revision 1" in text


def test_per_person_never_overwrites_a_file_unasked(week: Ledger, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "week-liu.yang.pdf"
    mine.write_text("my notes\n", encoding="utf-8")
    rc, out, err = run(week, capsys, "export", "timesheet", "--from", MARCH[0], "--to",
                       MARCH[1], "--per-person", "--out", str(tmp_path / "week.pdf"))
    assert rc == 1 and out == []
    assert err == [f"error: --out: {mine} exists; add --force to overwrite it"], err
    # refused before any work: nothing written, nothing recorded
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == [mine.name]
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    assert week.printed_revisions(f"{TS}/chen.jing") == []
    export(week, capsys, tmp_path / "week.pdf", "--per-person", "--force")
    assert mine.read_bytes().startswith(b"%PDF")


def test_a_print_of_the_old_per_person_kind_is_refused_in_one_line(
        week: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week.pdf"
    export(week, capsys, path)
    writer = PdfWriter(clone_from=str(path))
    writer.add_metadata({"/Keywords": str(writer.metadata["/Keywords"])
                         + " sowtrack-per-person=1"})
    writer.write(str(tmp_path / "old.pdf"))
    rc, _, err = run(week, capsys, "verify", str(tmp_path / "old.pdf"))
    assert rc == 1 and err == [
        f"error: {tmp_path / 'old.pdf'}: per-person: printed by an older sowtrack as one "
        f"document for the whole team; print it anew (one file per person)"], err


# ---------------------------------------------------------------- PostgreSQL login roles


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_login_roles_record_revisions_as_themselves(week: Ledger, roles, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    liu, nobody = roles("liu"), roles("nobody")
    week.bind_role("liu.yang", str(make_url(liu).username))
    path = tmp_path / "mine.pdf"
    capsys.readouterr()
    assert main(["--db", liu, "export", "timesheet", "--from", MARCH[0], "--to", MARCH[1],
                 "--person", "liu.yang", "--out", str(path)]) == 0, capsys.readouterr().err
    assert fields(path)["revision"] == "1"
    with reading(week.engine) as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (last.actor, last.entity) == ("liu.yang", "printed")
    # a role bound to nobody prints what is recorded, but records nothing new
    again = tmp_path / "again.pdf"
    assert main(["--db", nobody, "export", "timesheet", "--from", MARCH[0], "--to", MARCH[1],
                 "--person", "liu.yang", "--out", str(again)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["--db", nobody, "export", "plan", "--out", str(tmp_path / "p.pdf")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: export: {CODE}/PLAN holds content "
                                               f"not printed before"), err
    assert not (tmp_path / "p.pdf").exists()
    # no role may rewrite or remove a recorded revision, nor record one as someone else
    for statement in ("UPDATE printed_revision SET revision = 9",
                      "DELETE FROM printed_revision"):
        engine = create_engine(liu, poolclass=NullPool)
        with engine.connect() as conn:
            with pytest.raises(Exception, match="permission denied"):
                conn.execute(text(statement))
        engine.dispose()
    engine = create_engine(liu, poolclass=NullPool)
    with engine.connect() as conn:
        with pytest.raises(Exception, match="row-level security"):
            conn.execute(text(
                "INSERT INTO printed_revision (project_id, doc_id, revision, digest, "
                "printed_on, printed_by) SELECT id, 'X', 1, 'x', '2026-03-20', 'zhang.wei' "
                "FROM project"))
    engine.dispose()
