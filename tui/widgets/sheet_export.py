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

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Select

from model import rules
from model.errors import FieldError, Ref
from model.i18n import N_, _
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
#: (marked, as the constants below: translated where shown)
EXPORT_LABELS: dict[str, str] = {
    "kind": N_("Sheet"), "first": N_("From"), "last": N_("To"), "period": N_("From/To"),
    "person": N_("Person"), "per_person": N_("One file per person"),
    "cr": N_("Change request"), "as_of": N_("As of"), "lang": N_("Language"),
    "out": N_("Save to"), "force": N_("Overwrite an existing file"), "format": N_("Format"),
}

#: the spreadsheets the view writes besides the sheets (`export entries|summary`)
TABLES: tuple[tuple[str, str], ...] = (
    ("entries", N_("工时明细 time entries (spreadsheet)")),
    ("summary", N_("人天汇总 person-day summary (spreadsheet)")))
#: every format's label, in the order of the choice
FORMAT_LABELS: dict[str, str] = {"pdf": N_("PDF (to sign)"), "xlsx": "XLSX (Excel)",
                                 "csv": "CSV (UTF-8)"}


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` is written in: entries and the summary are spreadsheets, a
    timesheet a PDF or a spreadsheet, every other sheet a PDF."""
    if kind in SPREADSHEET_KINDS:
        return ("xlsx", "csv")
    return ("pdf", "xlsx", "csv") if kind in TABLE_KINDS else ("pdf",)

#: the form's field for the path (worded by its label), and how to say "overwrite" there
OUT_FIELD = Ref("out")
OVERWRITE = N_("choose another name, or tick “overwrite an existing file”")

CR_STATUS = {rules.DOC_OPEN: N_("pending"), rules.DOC_SIGNING: N_("pending"),
             rules.DOC_EFFECTIVE: N_("effective"), rules.DOC_WITHDRAWN: N_("withdrawn")}


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
        raise FieldError(OUT_FIELD.field, _("in a browser, sheets are saved in {folder} only: "
                                            "type a file name").format(folder=EXPORT_DIR))
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
        raise FieldError(OUT_FIELD.field, _("where? (a file name: .pdf, .xlsx or .csv)"))
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


def _row(label: str, value: str) -> str:
    """``  document  ACME/TS/…``: a label padded to 10 cells (a Chinese character takes
    two), then its value, on one line."""
    return f"  {label}{' ' * max(1, 10 - cell_len(label))}{value}\n"


def exported_text(result: Exported) -> Text:
    """What an export wrote: the file(s), the document, its revision and digest."""
    out = Text()
    out.append("✓ " + _("wrote") + " ", style="bold green")
    out.append(f"{short(result.path)}\n", style="bold")
    if len(result.files) > 1:  # a timesheet per person: a file per person
        out.append("  " + _("and {n} more, one document per person:").format(
            n=len(result.files) - 1) + " " + ", ".join(p.name for p in result.files[1:]) + "\n")
    out.append(_row(_("document"), result.doc_id))
    out.append(_row(_("title"), result.title))
    out.append(_row(_("revision"), _("{revision} (of this document's content)").format(
        revision=result.revision)))
    out.append(_row("sha256", f"{result.digest[:16]}…"))
    pages = (_("{n} page(s),").format(n=result.pages) + " "
             if result.pages is not None else "")
    out.append(_row(_("size"), pages + _("{kb} KB · built in {built} s, drawn in {drawn} s")
                    .format(kb=f"{result.size / 1024:.0f}", built=f"{result.build_s:.1f}",
                            drawn=f"{result.draw_s:.1f}")))
    for note in result.warnings:
        out.append("  " + _("warning: {note}").format(note=note) + "\n", style="yellow")
    out.append("\n" + _("v checks it against the ledger later: its content, every page, and "
                        "the audit chain head it carries."),
               style="dim")
    return out


def verified_text(report: VerifyReport, path: Path) -> Text:
    """What checking the PDF at ``path`` against the ledger found."""
    out = Text()
    if report.ok:
        out.append("✓ " + _("matches:") + " ", style="bold green")
        out.append(_("the ledger still holds exactly this content, and every page "
                     "is what it prints") + "\n")
    elif not report.matches:
        out.append("✗ " + _("does not match:") + " ", style="bold red")
        out.append(_("the ledger no longer holds this content") + "\n")
    else:
        out.append("✗ " + _("refused:") + " ", style="bold red")
        out.append(_("the content its digest covers matches, but:") + "\n")
    for problem in report.problems:
        out.append(f"  {problem}\n", style="red")
    if report.note:
        out.append(f"  {report.note}\n", style="yellow")
    out.append(_row(_("file"), short(path.resolve())))
    out.append(_row(_("document"), _("{doc_id} revision {revision}").format(
        doc_id=report.doc_id, revision=report.revision)))
    if report.superseded:
        out.append(f"  {report.superseded}\n", style="yellow")
    out.append(_row(_("printed"), f"sha256 {report.printed_digest[:16]}…"))
    out.append(_row(_("now"), f"sha256 {report.current_digest[:16]}…"))
    out.append(_row(_("signed"), str(report.signed)))
    return out


def table_text(path: Path, fmt: str, rows: int) -> Text:
    """What a spreadsheet export wrote."""
    out = Text()
    out.append("✓ " + _("wrote") + " ", style="bold green")
    out.append(f"{short(path)}\n", style="bold")
    out.append("  " + _("{format}, {n} row(s) and a totals row").format(
        format=_(FORMAT_LABELS[fmt]), n=rows) + "\n")
    out.append("\n" + (_("The totals are the ledger's: each column adds up to them as the "
                         "printed sheets do; in Excel they are =SUM formulas.") if fmt == "xlsx"
                       else _("The totals are the ledger's: each column adds up to them as "
                              "the printed sheets do.")),
               style="dim")
    return out
