"""`sowtrack verify FILE.pdf`: a printed sheet proves its visible content (SPEC §7).

The sheet is printed again from the ledger with the parameters its metadata carries and
each page is compared with the file's, whatever it draws; the audit chain must still
hold the head the sheet was printed at. Every attack keeps the file's metadata (its id,
digest and print parameters) and changes what a page shows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DecodedStreamObject
from sqlalchemy import text

from exports.render import render_pdf, render_sheet
from model.sheets import SheetMeta, SheetRequest, read_keywords
from storage.services import Ledger
from storage.sheets import build_sheet, print_sheet, verify_pdf
from storage.sheets.pages import compare
from tui.cli import main

from .conftest import as_

PRINTED_ON = "2026-03-20"

#: every sheet kind a user can print: (CLI options, its document id)
SHEETS = {
    "cr": (["cr", "--cr", "CR-001"], "CLAIMS-AGENT-2026/CR/CR-001"),
    "timesheet": (["timesheet", "--from", "2026-03-02", "--to", "2026-03-06"],
                  "CLAIMS-AGENT-2026/TS/2026-03-02..2026-03-06"),
    # --per-person writes a file per person; export() returns liu.yang's
    "timesheet-per-person": (["timesheet", "--from", "2026-03-02", "--to", "2026-03-06",
                              "--per-person"],
                             "CLAIMS-AGENT-2026/TS/2026-03-02..2026-03-06/liu.yang"),
    "timesheet-person": (["timesheet", "--from", "2026-03-02", "--to", "2026-03-06",
                          "--person", "liu.yang"],
                         "CLAIMS-AGENT-2026/TS/2026-03-02..2026-03-06/liu.yang"),
    "acceptance": (["acceptance"], "CLAIMS-AGENT-2026/ACC"),
    "plan": (["plan"], "CLAIMS-AGENT-2026/PLAN"),
    "status": (["status", "--as-of", "2026-03-20"], "CLAIMS-AGENT-2026/STATUS/2026-03-20"),
}


@pytest.fixture
def scene(example: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example SOW with a week of entries signed by both parties, CR-001 of +3 expert
    PD signed by the vendor, and an open client blocker (the acceptance counts its days up
    to the day printed: a re-print on another day would differ)."""
    monkeypatch.setenv("SOWTRACK_TODAY", PRINTED_ON)
    for day in range(2, 7):
        on = date(2026, 3, day)
        as_(example, "chen.jing").log("T2", "8", on=on)
        as_(example, "liu.yang").log("T2", "6.5", on=on, note="parsing")
        as_(example, "wang.fang").log("T3", "9", on=on)
    example.sign_period("2026-03-02", "2026-03-06", on="2026-03-09")
    as_(example, "li.na").sign_period("2026-03-02", "2026-03-06", on="2026-03-10")
    example.new_cr("A third OCR engine", reason="handwritten forms", deltas={"expert": "3"},
                   on="2026-03-11")
    as_(example, "zhao.min").sign_cr("CR-001", on="2026-03-12")
    example.add_blocker("Test accounts not granted", "client", on="2026-03-16", task="T2")
    return example


def cli(led: Ledger, *argv: str) -> int:
    url = led.engine.url.render_as_string(hide_password=False)
    return main(["--db", url, "--as", "zhang.wei", *argv])


def export(led: Ledger, kind: str, out: Path) -> Path:
    assert cli(led, "export", *SHEETS[kind][0], "--out", str(out)) == 0
    if "--per-person" in SHEETS[kind][0]:
        return out.with_name(f"{out.stem}-liu.yang{out.suffix}")
    return out


def verify(led: Ledger, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str],
                                                                                 list[str]]:
    capsys.readouterr()
    rc = cli(led, "verify", str(path))
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err.splitlines()


def keywords(path: Path) -> dict[str, str]:
    return read_keywords(str(PdfReader(str(path)).metadata.get("/Keywords") or ""))


def edit_page(src: Path, dst: Path, index: int, edit: Callable[[bytes], bytes]) -> Path:
    """``src`` with page ``index``'s content stream (decompressed) edited; the metadata,
    and with it the id, digest and print parameters, kept."""
    writer = PdfWriter(clone_from=str(src))
    page = writer.pages[index]
    data = page.get_contents().get_data()
    edited = edit(data)
    assert edited != data
    stream = ContentStream(None, None)
    stream.set_data(edited)
    page.replace_contents(stream)
    writer.write(str(dst))
    assert keywords(dst) == keywords(src)
    return dst


SHOWN = re.compile(rb"\((.*?)\) Tj")


def _digits(shown: bytes) -> list[int]:
    """Where a digit is written in a PDF string (not inside an octal escape \\ddd)."""
    out, i = [], 0
    while i < len(shown):
        if shown[i:i + 1] == b"\\":
            i += 1
            octal = 0
            while octal < 3 and i + octal < len(shown) and chr(shown[i + octal]) in "01234567":
                octal += 1
            i += max(octal, 1)
            continue
        if chr(shown[i]).isdigit():
            out.append(i)
        i += 1
    return out


def change_a_number(data: bytes) -> bytes:
    """The first digit a text operation draws on the page, changed."""
    for found in SHOWN.finditer(data):
        digits = _digits(found.group(1))
        if digits:
            at = found.start(1) + digits[0]
            return data[:at] + b"%d" % ((int(chr(data[at])) + 1) % 10) + data[at + 1:]
    raise AssertionError(f"no number drawn: {data[:300]!r}")


# ---------------------------------------------------------------- every sheet, then an edit


@pytest.mark.parametrize("kind", list(SHEETS))
def test_every_sheet_verifies_and_a_number_edited_on_a_page_is_refused(
        kind: str, scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, kind, tmp_path / f"{kind}.pdf")
    fields = keywords(path)
    assert fields["id"] == SHEETS[kind][1] and fields["printed"] == PRINTED_ON
    rc, out, err = verify(scene, path, capsys)
    assert rc == 0 and err == [], err
    assert "every page is what it prints" in out[0]

    pages = len(PdfReader(str(path)).pages)
    last = pages - 1  # the last page: the refusal names it
    bad = edit_page(path, tmp_path / f"{kind}-edited.pdf", last, change_a_number)
    rc, out, err = verify(scene, bad, capsys)
    assert rc == 1 and out == []
    assert f"{bad}: {fields['id']} revision {fields['revision']}: page {pages} differs " \
           f"from what the ledger prints: it reads '" in err[0], err
    assert err[1] == (f"the ledger has not changed since this sheet was printed (audit row "
                      f"{fields['head'].split(':')[0]}): the file was altered after it was "
                      f"printed"), err
    assert err[2].startswith("signatures: ") and len(err) == 3, err


def test_the_issues_attack_a_cr_edited_from_plus_3_to_plus_30_pd(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "CR-001.pdf")
    assert len(PdfReader(str(path)).pages) == 1
    forged = edit_page(path, tmp_path / "CR-001-forged.pdf", 0,
                       lambda data: data.replace(b"(+3) Tj", b"(+30) Tj"))
    assert "+30" in PdfReader(str(forged)).pages[0].extract_text()
    rc, out, err = verify(scene, forged, capsys)
    assert rc == 1 and out == []
    assert err[0] == (f"{forged}: CLAIMS-AGENT-2026/CR/CR-001 revision "
                      f"{keywords(path)['revision']}: "
                      f"page 1 differs from what the ledger prints: it reads '+30' where the "
                      f"ledger prints '+3'"), err
    # The digest alone still matched: that is what let the forgery through before.
    report = verify_pdf(forged, lambda code: Ledger(scene.engine, code), render_pdf)
    assert report.matches and not report.ok


def test_a_page_removed_or_added_is_named(scene: Ledger, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "timesheet-per-person", tmp_path / "ts.pdf")
    pages = len(PdfReader(str(path)).pages)
    assert pages >= 2
    shorter = PdfWriter(clone_from=str(path))
    shorter.remove_page(pages - 1)
    shorter.write(str(tmp_path / "shorter.pdf"))
    rc, _, err = verify(scene, tmp_path / "shorter.pdf", capsys)
    assert rc == 1
    fewer = f"{pages - 1} page" + ("s" if pages > 2 else "")
    assert err[0].endswith(f": it has {fewer}, the ledger prints {pages} pages"), err

    longer = PdfWriter(clone_from=str(path))
    longer.add_page(longer.pages[0])
    longer.write(str(tmp_path / "longer.pdf"))
    rc, _, err = verify(scene, tmp_path / "longer.pdf", capsys)
    assert rc == 1
    assert err[0].endswith(f": it has {pages + 1} pages, the ledger prints {pages} pages"), err


def test_pages_swapped_are_named(scene: Ledger, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "timesheet-per-person", tmp_path / "ts.pdf")
    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=str(path))
    order = [1, 0, *range(2, len(reader.pages))]
    swapped = PdfWriter()
    for i in order:
        swapped.add_page(writer.pages[i])
    swapped.add_metadata(reader.metadata)
    swapped.write(str(tmp_path / "swapped.pdf"))
    rc, _, err = verify(scene, tmp_path / "swapped.pdf", capsys)
    assert rc == 1
    assert [e.split(": ", 2)[2][:7] for e in err[:2]] == ["page 1 ", "page 2 "], err


# ---------------------------------------------------------------- the QR code and images


@dataclass(frozen=True)
class _ForgedQr(SheetMeta):
    """A sheet whose QR code points elsewhere; everything else (metadata too) genuine."""

    @property
    def qr_payload(self) -> str:
        return "sowtrack:CLAIMS-AGENT-2026/CR/CR-001:v1:sha256:" + "0" * 64


def test_a_qr_code_swapped_is_refused(scene: Ledger, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    genuine = export(scene, "cr", tmp_path / "cr.pdf")
    sheet = build_sheet(scene, SheetRequest("cr", cr="CR-001"), date(2026, 3, 20))
    forged_meta = _ForgedQr(**{f: getattr(sheet.meta, f)
                               for f in SheetMeta.__dataclass_fields__})
    forged = render_sheet(replace(sheet, meta=forged_meta), "cr", tmp_path / "forged.pdf")
    assert keywords(forged) == keywords(genuine)
    assert PdfReader(str(forged)).pages[0].extract_text() == \
        PdfReader(str(genuine)).pages[0].extract_text()
    rc, _, err = verify(scene, forged, capsys)
    assert rc == 1
    assert "page 1 differs from what the ledger prints: what it draws differs (lines, shapes, " \
           "colours or positions)" in err[0], err


def _png(colour: tuple[int, int, int]) -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(out, format="PNG")
    out.seek(0)
    return out


def test_an_image_stamped_on_a_page_is_refused(scene: Ledger, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    path = export(scene, "acceptance", tmp_path / "acc.pdf")
    stamp = io.BytesIO()
    canvas = Canvas(stamp, pagesize=tuple(PdfReader(str(path)).pages[0].mediabox[2:]))
    canvas.drawImage(ImageReader(_png((255, 255, 255))), 400, 700, width=60, height=20)
    canvas.save()
    writer = PdfWriter(clone_from=str(path))
    writer.pages[0].merge_page(PdfReader(stamp).pages[0])
    writer.write(str(tmp_path / "stamped.pdf"))
    assert keywords(tmp_path / "stamped.pdf") == keywords(path)
    rc, _, err = verify(scene, tmp_path / "stamped.pdf", capsys)
    assert rc == 1 and ": page 1 differs from what the ledger prints: " in err[0], err


def test_a_note_laid_over_a_number_is_refused(scene: Ledger, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """What a PDF editor's "add text" does: an annotation drawn over the page."""
    from pypdf.annotations import FreeText

    path = export(scene, "cr", tmp_path / "cr.pdf")
    writer = PdfWriter(clone_from=str(path))
    writer.add_annotation(0, FreeText(text="+30", rect=(300, 500, 340, 515)))
    writer.write(str(tmp_path / "annotated.pdf"))
    rc, _, err = verify(scene, tmp_path / "annotated.pdf", capsys)
    assert rc == 1
    assert err[0].endswith(": page 1 differs from what the ledger prints: its annotations "
                           "differ (the ledger prints none)"), err


def test_the_image_data_a_page_draws_is_compared() -> None:
    """Two files drawing the same operations with different pixels in the same image."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(100, 750, "approved: 3 PD")
    canvas.drawImage(ImageReader(_png((0, 128, 0))), 100, 600, width=40, height=40)
    canvas.save()
    genuine = out.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine)))
    xobjects = writer.pages[0]["/Resources"]["/XObject"]
    (name, ref), = xobjects.items()
    image = ref.get_object()
    other = DecodedStreamObject()  # same size and name, other colours, stored unfiltered
    other.update({k: v for k, v in image.items() if k not in ("/Filter", "/Length")})
    other.set_data(bytes(255 - b for b in image.get_data()))
    writer._replace_object(ref, other)
    swapped = io.BytesIO()
    writer.write(swapped)
    assert compare(genuine, genuine) == []
    assert compare(swapped.getvalue(), genuine) == [
        f"page 1 differs from what the ledger prints: its image or form {name} differs"]


# ---------------------------------------------------------------- re-saved by another tool


def test_a_sheet_re_saved_with_the_same_drawing_still_verifies(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "status", tmp_path / "status.pdf")
    # Another tool: objects renumbered, the content streams parsed and written again by
    # pypdf (its own spacing and number formatting) and stored uncompressed.
    writer = PdfWriter()
    for page in PdfReader(str(path)).pages:
        writer.add_page(page)
    for page in writer.pages:
        parsed = ContentStream(page.get_contents(), writer)
        rewritten = ContentStream(None, None)
        rewritten.operations = parsed.operations
        stream = ContentStream(None, None)
        stream.set_data(rewritten.get_data())
        page.replace_contents(stream)
    writer.add_metadata(PdfReader(str(path)).metadata)
    resaved = tmp_path / "resaved.pdf"
    writer.write(str(resaved))
    assert resaved.read_bytes() != path.read_bytes()
    rc, out, err = verify(scene, resaved, capsys)
    assert rc == 0 and err == [], err
    assert "every page is what it prints" in out[0]


# ---------------------------------------------------------------- the audit chain's head


def test_every_page_carries_the_head_it_was_printed_at(scene: Ledger, tmp_path: Path) -> None:
    before = scene.chain_head()
    path = export(scene, "timesheet-per-person", tmp_path / "ts.pdf")
    # printed at the head after the record of its revision (and the other people's)
    head_id, head_hash = scene.chain_head()
    assert head_id > before[0] and keywords(path)["head"] == f"{head_id}:{head_hash}"
    for page in PdfReader(str(path)).pages:
        assert f"审计链 #{head_id} {head_hash[:12]}" in page.extract_text()


@pytest.mark.parametrize("attack", ["deleted", "rewritten"])
def test_a_sheet_whose_head_left_the_chain_is_refused(
        attack: str, scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "cr.pdf")
    head_id = int(keywords(path)["head"].split(":")[0])
    with scene.engine.begin() as conn:
        if attack == "deleted":  # the newest rows, the sheet's head among them
            conn.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": head_id - 1})
        else:
            conn.execute(text("UPDATE audit_event SET hash = :h WHERE id = :id"),
                         {"h": "f" * 64, "id": head_id})
    rc, out, err = verify(scene, path, capsys)
    assert rc == 1 and out == []
    assert err[0].endswith(
        f": the ledger's audit chain no longer holds the head this sheet was printed at "
        f"(audit row {head_id}): rows were removed or rewritten"), err
    assert err[1].startswith("signatures: ") and len(err) == 2, err


def test_metadata_pointing_at_another_head_is_refused(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "plan", tmp_path / "plan.pdf")
    fields = keywords(path)
    head_id = int(fields["head"].split(":")[0])
    writer = PdfWriter(clone_from=str(path))
    old = str(writer.metadata["/Keywords"])
    for row, sha in ((head_id + 50, fields["head"].split(":")[1]), (head_id, "a" * 64)):
        writer.add_metadata({"/Keywords": old.replace(fields["head"], f"{row}:{sha}")})
        writer.write(str(tmp_path / "other.pdf"))
        rc, _, err = verify(scene, tmp_path / "other.pdf", capsys)
        assert rc == 1
        assert f"no longer holds the head this sheet was printed at (audit row {row})" in \
            err[0], err


def test_a_sheet_without_a_head_or_print_parameters_is_refused(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "cr.pdf")
    writer = PdfWriter(clone_from=str(path))
    old = str(writer.metadata["/Keywords"])
    writer.add_metadata({"/Keywords": re.sub(r" sowtrack-(head|printed)=\S+", "", old)})
    writer.write(str(tmp_path / "old.pdf"))
    rc, _, err = verify(scene, tmp_path / "old.pdf", capsys)
    assert rc == 1
    assert err[0].endswith(": this sheet carries no audit chain head, revision or print "
                           "parameters (printed by an older sowtrack): it cannot be printed "
                           "again to compare; print it anew"), err


@pytest.mark.parametrize("field, value", [("head", "12"), ("head", "x:y"), ("printed", "soon"),
                                          ("lang", "fr"), ("revision", "v2"),
                                          ("revision", "0")])
def test_malformed_print_parameters_are_one_line(field: str, value: str, scene: Ledger,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "cr.pdf")
    writer = PdfWriter(clone_from=str(path))
    old = str(writer.metadata["/Keywords"])
    writer.add_metadata({"/Keywords": re.sub(rf"sowtrack-{field}=\S+",
                                             f"sowtrack-{field}={value}", old)})
    writer.write(str(tmp_path / "odd.pdf"))
    rc, out, err = verify(scene, tmp_path / "odd.pdf", capsys)
    assert rc == 1 and out == [] and len(err) == 1, err
    assert err[0].startswith("error: ") and f"{field}: " in err[0], err


# ---------------------------------------------------------------- the ledger changes after


def test_a_signature_recorded_after_printing_asks_for_a_new_print(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "cr.pdf")
    printed_head = keywords(path)["head"].split(":")[0]
    as_(scene, "li.na").sign_cr("CR-001", on="2026-03-13")
    rc, _, err = verify(scene, path, capsys)
    # The content the signatures cover is unchanged; the form the ledger prints now
    # carries the client's signature date: the old print says so, and asks for a new one.
    assert rc == 1
    assert ": page 1 differs from what the ledger prints: it reads " in err[0], err
    assert err[1].startswith(f"the ledger changed after this sheet was printed (audit row "
                             f"{printed_head}, now "), err
    assert "effective since 2026-03-13" in err[2]
    report = verify_pdf(path, lambda code: Ledger(scene.engine, code), render_pdf)
    assert report.matches and not report.ok
    again = export(scene, "cr", tmp_path / "cr-signed.pdf")
    assert verify(scene, again, capsys)[0] == 0


def test_an_unrelated_change_after_printing_leaves_the_sheet_valid(
        scene: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(scene, "cr", tmp_path / "cr.pdf")
    as_(scene, "chen.jing").log("T3", "2", on="2026-03-17")
    assert scene.chain_head()[0] > int(keywords(path)["head"].split(":")[0])
    rc, out, _ = verify(scene, path, capsys)
    assert rc == 0 and "every page is what it prints" in out[0]


def test_the_language_printed_with_is_the_language_printed_again(
        scene: Ledger, tmp_path: Path) -> None:
    sheet = print_sheet(scene, SheetRequest("plan", language="en"), date(2026, 3, 20))
    path = render_sheet(sheet, "plan", tmp_path / "plan-en.pdf")
    assert keywords(path)["lang"] == "en" and "Scope Confirmation" in \
        PdfReader(str(path)).pages[0].extract_text()
    assert verify_pdf(path, lambda code: Ledger(scene.engine, code), render_pdf).ok
