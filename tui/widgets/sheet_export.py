"""The Exports view's pieces that hold no widget state: the sheets and languages to choose
from, the form's values as a checked :class:`~model.sheets.SheetRequest`, the default file
name, the form's labels for a refusal, and the words of an export's or a check's result.

Nothing here touches the database or writes a file: ``tui.sheets.write_sheet`` does,
in the view's worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Select

from model import rules
from model.errors import FieldError, Ref
from model.sheets import SheetRequest
from model.spreadsheet import SPREADSHEET_KINDS, TABLE_KINDS
from model.usertext import text_problem
from model.views import ChangeView, PersonView, ProjectView
from storage.spreadsheets import TableRequest
from tui.sheets import SheetOptions
from tui.sheets import sheet_request as checked_request
from tui.spreadsheets import table_request as checked_table_request
from tui.widgets.export_menu import EXPORT_ACTIONS, SHEETS  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from storage.sheets import VerifyReport

#: the languages a sheet is printed in (the SOW's is chosen when the view opens)
LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = (("中文 Chinese", "zh"), ("English", "en"))

#: where sheets go unless the path says otherwise (created on the first export)
EXPORT_DIR = "~/sowtrack-exports"

#: the form's labels, by the field a refusal names (tui.text.refusal): "From: ..." where
#: the command line says "--from: ..."
EXPORT_LABELS: dict[str, str] = {
    "kind": "Sheet", "first": "From", "last": "To", "period": "From/To", "person": "Person",
    "per_person": "One file per person", "cr": "Change request", "as_of": "As of",
    "lang": "Language", "out": "Save to", "force": "Overwrite an existing file",
    "format": "Format",
}

#: the spreadsheets the view writes besides the sheets (`export entries|summary`)
TABLES: tuple[tuple[str, str], ...] = (
    ("entries", "工时明细 time entries (spreadsheet)"),
    ("summary", "人天汇总 person-day summary (spreadsheet)"))
#: every format's label, in the order of the choice
FORMAT_LABELS: dict[str, str] = {"pdf": "PDF (to sign)", "xlsx": "XLSX (Excel)",
                                 "csv": "CSV (UTF-8)"}


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` is written in: entries and the summary are spreadsheets, a
    timesheet a PDF or a spreadsheet, every other sheet a PDF."""
    if kind in SPREADSHEET_KINDS:
        return ("xlsx", "csv")
    return ("pdf", "xlsx", "csv") if kind in TABLE_KINDS else ("pdf",)

#: the form's field for the path (worded by its label), and how to say "overwrite" there
OUT_FIELD = Ref("out")
OVERWRITE = "choose another name, or tick “overwrite an existing file”"

CR_STATUS = {rules.DOC_OPEN: "pending", rules.DOC_SIGNING: "pending",
             rules.DOC_EFFECTIVE: "effective", rules.DOC_WITHDRAWN: "withdrawn"}


@dataclass(frozen=True)
class ExportsData:
    project: ProjectView
    people: list[PersonView]
    changes: list[ChangeView]


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    path: Path
    doc_id: str
    revision: int
    digest: str
    title: str
    pages: int | None
    size: int
    build_s: float
    draw_s: float
    warnings: tuple[str, ...] = field(default=())
    #: a timesheet printed per person: every file written (one document each), the
    #: first of them above
    files: tuple[Path, ...] = field(default=())


def served_path(text: str) -> Path:
    """The file a browser's page names, which only the export folder may hold: whoever
    reaches ``sowtrack serve`` need not be the machine's user, so the page writes and
    reads no other file of theirs. A bare name is in that folder; any other path (``..``,
    a link out of it) is refused, naming the field."""
    problem = text_problem(text)  # a NUL made resolve() raise ValueError, unsaid
    if problem is not None:
        raise FieldError(OUT_FIELD.field, problem)
    folder = Path(EXPORT_DIR).expanduser()
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        path = folder / path
    if path.resolve().parent != folder.resolve():
        raise FieldError(OUT_FIELD.field, f"in a browser, sheets are saved in {EXPORT_DIR} "
                                          f"only: type a file name")
    return path


def _span(first: date, last: date) -> str:
    whole_month = (first.day == 1 and last.month == first.month
                   and last.year == first.year and last == rules.month_end(last))
    return f"{first:%Y-%m}" if whole_month else f"{first}_{last}"


def default_name(code: str, request: SheetRequest | TableRequest, fmt: str = "pdf") -> str:
    """The file name a sheet (or a spreadsheet, in ``fmt``) is saved under unless told
    otherwise."""
    kind = str(request.kind)
    if isinstance(request, TableRequest):
        span = (f"-{_span(request.first, request.last)}" if request.first and request.last
                else f"-{request.as_of}" if request.as_of else "")
        person = f"-{request.person}" if request.person else ""
        return f"{code}-{kind}{span}{person}.{fmt}"
    if kind == "timesheet" and request.first and request.last:
        person = f"-{request.person}" if request.person else ""
        return f"{code}-timesheet-{_span(request.first, request.last)}{person}.pdf"
    if kind == "cr" and request.cr:
        return f"{code}-{request.cr}.pdf"
    if kind == "status" and request.as_of:
        return f"{code}-status-{request.as_of}.pdf"
    return f"{code}-{kind}.pdf"


def sheet_request(values: dict[str, object]) -> SheetRequest:
    """The SheetRequest of the form, checked as the command line checks its options."""
    kind = str(values["kind"])

    def text(key: str, only: str) -> str | None:
        # The form keeps every field; only those of the chosen sheet are options.
        value = str(values.get(key) or "").strip() if kind == only else ""
        return value or None

    return checked_request(SheetOptions(
        kind=kind, first=text("first", "timesheet"), last=text("last", "timesheet"),
        person=text("person", "timesheet"),
        per_person=kind == "timesheet" and bool(values.get("per_person")),
        cr=text("cr", "cr"), as_of=text("as_of", "status"),
        lang=str(values.get("lang") or "") or None))


def table_request(values: dict[str, object]) -> TableRequest:
    """The TableRequest of the form (entries, summary, or a timesheet as a spreadsheet),
    checked as the command line checks `export KIND --format csv|xlsx`."""
    kind = str(values["kind"])

    def text(key: str, *kinds: str) -> str | None:
        value = str(values.get(key) or "").strip() if kind in kinds else ""
        return value or None

    return checked_table_request(SheetOptions(
        kind=kind, first=text("first", "entries", "timesheet"),
        last=text("last", "entries", "timesheet"),
        person=text("person", "entries", "timesheet"), as_of=text("as_of", "summary"),
        lang=str(values.get("lang") or "") or None))


def output_path(text: str, served: bool = False) -> Path:
    """The path typed (``~`` expanded); the default export folder is created on the
    first export. Whether it may be written is storage.outfile's rule (check_target).
    ``served``: the app in a browser (:func:`served_path`)."""
    text = text.strip()
    if not text:
        raise FieldError(OUT_FIELD.field, "where? (a file name: .pdf, .xlsx or .csv)")
    path = served_path(text) if served else Path(text).expanduser()
    folder = path.parent
    if not folder.exists() and folder == Path(EXPORT_DIR).expanduser():
        folder.mkdir(parents=True, exist_ok=True)
    return path


def short(path: Path) -> str:
    """A path as the user reads it: ``~`` for the home folder."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def set_options(select: Select, labelled: list[tuple[Text, str]]) -> None:
    """Replace a Select's options, keeping its choice when it is still one of them."""
    current = select.value
    select.set_options(labelled)
    if current is not Select.NULL and current in [v for _, v in labelled]:
        select.value = current


def page_count(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except Exception:  # noqa: BLE001 - the count is a nicety
        return None


# ---------------------------------------------------------------- results, in words


def exported_text(result: Exported) -> Text:
    """What an export wrote: the file(s), the document, its revision and digest."""
    out = Text()
    out.append("✓ wrote ", style="bold green")
    out.append(f"{short(result.path)}\n", style="bold")
    if len(result.files) > 1:  # a timesheet per person: a file per person
        out.append(f"  and {len(result.files) - 1} more, one document per person: "
                   + ", ".join(p.name for p in result.files[1:]) + "\n")
    out.append(f"  document  {result.doc_id}\n")
    out.append(f"  title     {result.title}\n")
    out.append(f"  revision  {result.revision} (of this document's content)\n")
    out.append(f"  sha256    {result.digest[:16]}…\n")
    pages = f"{result.pages} page(s), " if result.pages is not None else ""
    out.append(f"  size      {pages}{result.size / 1024:.0f} KB · built in "
               f"{result.build_s:.1f} s, drawn in {result.draw_s:.1f} s\n")
    for note in result.warnings:
        out.append(f"  warning: {note}\n", style="yellow")
    out.append("\nv checks it against the ledger later: its content, every page, and the "
               "audit chain head it carries.",
               style="dim")
    return out


def verified_text(report: VerifyReport, path: Path) -> Text:
    """What checking the PDF at ``path`` against the ledger found."""
    out = Text()
    if report.ok:
        out.append("✓ matches: ", style="bold green")
        out.append("the ledger still holds exactly this content, and every page "
                   "is what it prints\n")
    elif not report.matches:
        out.append("✗ does not match: ", style="bold red")
        out.append("the ledger no longer holds this content\n")
    else:
        out.append("✗ refused: ", style="bold red")
        out.append("the content its digest covers matches, but:\n")
    for problem in report.problems:
        out.append(f"  {problem}\n", style="red")
    if report.note:
        out.append(f"  {report.note}\n", style="yellow")
    out.append(f"  file      {short(path.resolve())}\n")
    out.append(f"  document  {report.doc_id} revision {report.revision}\n")
    if report.superseded:
        out.append(f"  {report.superseded}\n", style="yellow")
    out.append(f"  printed   sha256 {report.printed_digest[:16]}…\n")
    out.append(f"  now       sha256 {report.current_digest[:16]}…\n")
    out.append(f"  signed    {report.signed}\n")
    return out


def table_text(path: Path, fmt: str, rows: int) -> Text:
    """What a spreadsheet export wrote."""
    out = Text()
    out.append("✓ wrote ", style="bold green")
    out.append(f"{short(path)}\n", style="bold")
    out.append(f"  {FORMAT_LABELS[fmt]}, {rows} row(s) and a totals row\n")
    out.append("\nThe totals are the ledger's: each column adds up to them as the printed "
               "sheets do" + ("; in Excel they are =SUM formulas." if fmt == "xlsx" else "."),
               style="dim")
    return out
