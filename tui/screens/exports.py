"""Exports (导出): print a sheet as PDF, and check a printed sheet against the ledger.

Choose the sheet (acceptance report 验收报告, timesheet confirmation 工时确认单, change
request form 变更申请单, work plan 工作计划, status report 状态报告), its parameters,
its language (the SOW's unless another is chosen: ``export --lang``) and where to save
it (an existing file only with "overwrite an existing file" ticked: the rule of
``export --out``, storage.outfile); ``x`` builds it from the ledger and
draws it in a thread worker (the view shows which step it is at, and never blocks),
then shows the file, its document id and the SHA-256 of its content. ``v`` reads a PDF
back and says whether the ledger still holds exactly what it printed, and who has signed
since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    LoadingIndicator,
    Select,
    Static,
)

from model import rules
from model.errors import LedgerError
from model.sheet_kinds import SHEET_KINDS
from model.sheets import Sheet, SheetRequest
from model.views import ChangeView, PersonView, ProjectView
from storage.services import Ledger
from tui.sheets import SheetOptions, WriteRequest, write_sheet
from tui.sheets import sheet_request as checked_request
from tui.text import options, previous_month
from tui.widgets.ledger_screen import LedgerScreen

#: (kind, label) of every sheet, in the order of the choice (model.sheet_kinds)
SHEETS: tuple[tuple[str, str], ...] = tuple(
    (kind.value, info.label) for kind, info in SHEET_KINDS.items())

#: the languages a sheet is printed in (the SOW's is chosen when the view opens)
LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = (("中文 Chinese", "zh"), ("English", "en"))

#: where sheets go unless the path says otherwise (created on the first export)
EXPORT_DIR = "~/sowtrack-exports"

#: command palette entries (title, help, mode, action), appended to tui.app.ACTIONS
EXPORT_ACTIONS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Export a sheet", "print a sheet as PDF, with its document id and SHA-256", "exports",
     "choose_sheet"),
    *((f"Export the {label.split(' ', 1)[1]} {label.split(' ', 1)[0]}", "as PDF", "exports",
       f"choose_{kind}") for kind, label in SHEETS),
    ("Verify a printed sheet", "does the ledger still hold exactly what a PDF printed?",
     "exports", "verify"),
)

_CR_STATUS = {rules.DOC_OPEN: "pending", rules.DOC_SIGNING: "pending",
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


def default_name(code: str, request: SheetRequest) -> str:
    """The file name a sheet is saved under unless told otherwise."""
    kind = request.kind
    if kind == "timesheet" and request.first and request.last:
        first, last = request.first, request.last
        whole_month = (first.day == 1 and last.month == first.month
                       and last.year == first.year and last == rules.month_end(last))
        span = f"{first:%Y-%m}" if whole_month else f"{first}_{last}"
        person = f"-{request.person}" if request.person else ""
        return f"{code}-timesheet-{span}{person}.pdf"
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


#: the form's name for the path field, and how to say "overwrite" there (no flags in the app)
OUT_FIELD = "save to"
OVERWRITE = "choose another name, or tick “overwrite an existing file”"


def output_path(text: str) -> Path:
    """The path typed (``~`` expanded); the default export folder is created on the
    first export. Whether it may be written is storage.outfile's rule (check_target)."""
    text = text.strip()
    if not text:
        raise LedgerError(f"{OUT_FIELD}: where? (a file name ending in .pdf)")
    path = Path(text).expanduser()
    folder = path.parent
    if not folder.exists() and folder == Path(EXPORT_DIR).expanduser():
        folder.mkdir(parents=True, exist_ok=True)
    return path


def _short(path: Path) -> str:
    """A path as the user reads it: ``~`` for the home folder."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class ExportsScreen(LedgerScreen):
    """Print a sheet as PDF; verify a printed sheet against the ledger."""

    VIEW = "exports"
    BINDINGS = [
        Binding("x", "export", "Export", id="exports-export"),
        Binding("v", "verify", "Verify a PDF", id="exports-verify"),
        Binding("escape", "leave_form", "Leave the field", show=False, id="exports-leave"),
    ]
    DEFAULT_CSS = """
    ExportsScreen #ex-form { width: 74; height: auto; max-height: 100%; }
    ExportsScreen #ex-form Label { padding: 1 0 0 0; }
    ExportsScreen .ex-group { height: auto; }
    ExportsScreen .ex-pair { height: auto; }
    ExportsScreen .ex-pair Vertical { width: 1fr; height: auto; }
    ExportsScreen .ex-pair Vertical:first-of-type { margin-right: 2; }
    ExportsScreen #ex-per-person { margin-top: 1; }
    ExportsScreen #ex-buttons { height: auto; margin-top: 1; }
    ExportsScreen #ex-buttons Button { margin-right: 2; }
    ExportsScreen #ex-pane { width: 1fr; padding: 0 1; }
    ExportsScreen #ex-progress { height: auto; }
    ExportsScreen #ex-spinner { height: 1; width: 8; }
    ExportsScreen #ex-status { width: 1fr; height: auto; }
    ExportsScreen #ex-result { height: auto; padding-top: 1; }
    ExportsScreen #ex-error { height: auto; padding-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: ExportsData | None = None
        self.busy = False
        self.last: Exported | None = None
        self._auto_out = ""  # the path last filled in by default (replaced as params change)
        self._filled = False

    def compose_body(self) -> ComposeResult:
        yield Static("Exports 导出 · printed sheets as PDF, each carrying its document id, "
                     "revision and the SHA-256 of its content (also in a QR code)",
                     id="ex-headline", classes="headline", markup=False)
        with Horizontal():
            with VerticalScroll(id="ex-form", classes="form"):
                yield Static("Sheet to print", classes="section-title")
                yield Label("Sheet")
                yield Select([(label, kind) for kind, label in SHEETS], id="ex-kind",
                             value="timesheet", allow_blank=False, compact=True)
                with Vertical(id="ex-timesheet", classes="ex-group"):
                    with Horizontal(classes="ex-pair"):
                        with Vertical():
                            yield Label("From")
                            yield Input(id="ex-first", placeholder="YYYY-MM-DD", compact=True)
                        with Vertical():
                            yield Label("To")
                            yield Input(id="ex-last", placeholder="YYYY-MM-DD", compact=True)
                    yield Label("Person")
                    yield Select([], id="ex-person", allow_blank=True,
                                 prompt="everyone (one sheet for the team)", compact=True)
                    yield Checkbox("one file per person (the name gets each person's id)",
                                   id="ex-per-person", compact=True)
                with Vertical(id="ex-cr-group", classes="ex-group"):
                    yield Label("Change request")
                    yield Select([], id="ex-cr", allow_blank=True,
                                 prompt="no change request yet", compact=True)
                with Vertical(id="ex-status-group", classes="ex-group"):
                    yield Label("As of")
                    yield Input(id="ex-as-of", placeholder="YYYY-MM-DD", compact=True)
                yield Label("Language")
                yield Select(LANGUAGE_CHOICES, id="ex-lang", allow_blank=False,
                             compact=True)
                yield Label("Save to")
                yield Input(id="ex-out", compact=True)
                yield Checkbox("overwrite an existing file", id="ex-overwrite", compact=True)
                with Horizontal(id="ex-buttons"):
                    yield Button("Export (x)", id="ex-export", variant="primary")
                    yield Button("Verify (v)", id="ex-verify")
            with Vertical(id="ex-pane"):
                yield Static("Result", classes="section-title")
                with Horizontal(id="ex-progress"):
                    yield LoadingIndicator(id="ex-spinner")
                    yield Static("", id="ex-status", markup=False)
                yield Static("", id="ex-result", markup=False)
                yield Static("", id="ex-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#ex-spinner").display = False
        self.query_one("#ex-result", Static).update(Text(
            "Choose a sheet and press x (or the Export button).\n"
            "v checks the PDF at the path against the ledger: does it still hold exactly "
            "what was printed, and who has signed since?", style="dim"))
        self._kind_changed()
        self.query_one("#ex-kind", Select).focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> ExportsData:
        led = self.ledger
        return ExportsData(led.project(), led.people(), led.change_requests())

    def show(self, data: ExportsData) -> None:
        self.data = data
        people = [p for p in data.people if p.party == "vendor" and p.grade]
        _set_options(self.query_one("#ex-person", Select),
                     options((f"{p.name} {p.key} ({p.grade})", p.key) for p in people))
        crs = self.query_one("#ex-cr", Select)
        _set_options(crs, options((f"{c.number}  {_CR_STATUS.get(c.status, c.status)}  "
                                   f"{c.title}", c.number) for c in data.changes))
        if crs.value is Select.NULL and data.changes:
            pending = [c for c in data.changes if c.status in (rules.DOC_OPEN,
                                                               rules.DOC_SIGNING)]
            crs.value = (pending or data.changes)[-1].number
        if not self._filled:
            self._filled = True
            first, last = previous_month(self.today)
            self.query_one("#ex-first", Input).value = first.isoformat()
            self.query_one("#ex-last", Input).value = last.isoformat()
            self.query_one("#ex-as-of", Input).value = self.today.isoformat()
            self.query_one("#ex-lang", Select).value = data.project.language
        self._params_changed()

    # ------------------------------------------------------------ the form

    def values(self) -> dict[str, object]:
        def sel(wid: str) -> str:
            value = self.query_one(wid, Select).value
            return "" if value is Select.NULL else str(value)

        return {"kind": sel("#ex-kind"), "first": self.query_one("#ex-first", Input).value,
                "last": self.query_one("#ex-last", Input).value, "person": sel("#ex-person"),
                "per_person": self.query_one("#ex-per-person", Checkbox).value,
                "cr": sel("#ex-cr"), "as_of": self.query_one("#ex-as-of", Input).value,
                "lang": sel("#ex-lang"),
                "out": self.query_one("#ex-out", Input).value,
                "overwrite": self.query_one("#ex-overwrite", Checkbox).value}

    @on(Select.Changed, "#ex-kind")
    def _kind_changed(self) -> None:
        kind = self.query_one("#ex-kind", Select).value
        self.query_one("#ex-timesheet").display = kind == "timesheet"
        self.query_one("#ex-cr-group").display = kind == "cr"
        self.query_one("#ex-status-group").display = kind == "status"
        self._params_changed()

    @on(Input.Changed, "#ex-first, #ex-last, #ex-as-of")
    @on(Select.Changed, "#ex-person, #ex-cr")
    def _params_changed(self) -> None:
        """Follow the parameters with the default path, unless the user typed their own."""
        if self.data is None:
            return
        try:
            request = sheet_request(self.values())
        except LedgerError:
            return
        out = self.query_one("#ex-out", Input)
        name = f"{EXPORT_DIR}/{default_name(self.data.project.code, request)}"
        if out.value.strip() in ("", self._auto_out):
            self._auto_out = name
            out.value = name

    def action_leave_form(self) -> None:
        """Esc: out of the text fields, so that the view's keys work again."""
        self.query_one("#ex-kind", Select).focus()

    def action_choose_sheet(self) -> None:
        self.query_one("#ex-kind", Select).focus()

    def pick(self, kind: str) -> None:
        """Pick a sheet (the palette's entries)."""
        if not self.when_loaded(lambda: self.pick(kind)):
            return
        self.query_one("#ex-kind", Select).value = kind
        self.query_one("#ex-kind", Select).focus()

    # One action per sheet, without arguments: the palette's entries name them.
    def action_choose_acceptance(self) -> None:
        self.pick("acceptance")

    def action_choose_timesheet(self) -> None:
        self.pick("timesheet")

    def action_choose_cr(self) -> None:
        self.pick("cr")

    def action_choose_plan(self) -> None:
        self.pick("plan")

    def action_choose_status(self) -> None:
        self.pick("status")

    # ------------------------------------------------------------ exporting

    def _progress(self, text: str | None) -> None:
        self.query_one("#ex-spinner").display = text is not None
        self.query_one("#ex-status", Static).update(text or "")
        self.query_one("#ex-export", Button).disabled = text is not None
        self.query_one("#ex-verify", Button).disabled = text is not None

    def _refused(self, message: str, prefix: str = "refused") -> None:
        """The ledger's refusal (or a failure), shown under the result; nothing written."""
        self.busy = False
        self._progress(None)
        self.query_one("#ex-error", Static).update(f"{prefix}: {message}")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ex-export")
    def action_export(self) -> None:
        if not self.when_loaded(self.action_export):
            return
        if self.busy:
            self.notify("an export or a check is already running", severity="warning")
            return
        self.query_one("#ex-error", Static).update("")
        self.query_one("#ex-result", Static).update("")
        values = self.values()
        try:
            request = sheet_request(values)
        except LedgerError as exc:
            self._refused(str(exc))
            return
        self.busy = True
        self._progress("reading the ledger and building the sheet…")
        self._export(request, str(values["out"]), bool(values["overwrite"]))

    @work(thread=True, group="export")
    def _export(self, request: SheetRequest, out_text: str, overwrite: bool) -> None:
        from exports.fonts import cjk_font

        call = self.app.call_from_thread
        try:
            out = output_path(out_text)
            t0 = time.monotonic()
            built: list[float] = []

            def drawing(sheet: Sheet) -> None:
                built.append(time.monotonic())
                call(self._progress, f"drawing {sheet.meta.title} ({sheet.meta.doc_id})…")

            # The command line's rule (export --out, --force), in the form's words. Every
            # target is refused before the work (check_target); a pinned "today"
            # (SOWTRACK_TODAY) is the date the sheet is printed on too.
            result = write_sheet(self.ledger, WriteRequest(
                request, out, force=overwrite,
                printed_on=self.today if self.sow_app.today_given else None,
                field=OUT_FIELD, overwrite=OVERWRITE), progress=drawing)
            written = result.files
            t1, t2 = (built[0] if built else t0), time.monotonic()
            path, sheet = Path(written[0].path), written[0].sheet
        except LedgerError as exc:
            call(self._refused, str(exc))
            return
        except OSError as exc:
            call(self._refused, f"save to: cannot write {out_text.strip()}: "
                                f"{exc.strerror or exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a failed drawing must not end the app
            call(self._refused, f"could not print the sheet: {type(exc).__name__}: {exc}",
                 "failed")
            return
        notes = list(result.warnings)
        if not cjk_font().embedded and not notes:
            notes.append("no TrueType CJK font: the Chinese text is not embedded")
        call(self._exported, Exported(
            path.resolve(), sheet.meta.doc_id, sheet.meta.revision, sheet.meta.digest,
            sheet.meta.title, _page_count(path), path.stat().st_size, t1 - t0, t2 - t1,
            tuple(dict.fromkeys(notes)),
            tuple(Path(w.path).resolve() for w in written) if request.per_person else ()))

    def _exported(self, result: Exported) -> None:
        self.busy = False
        self.last = result
        self.query_one("#ex-overwrite", Checkbox).value = False  # asked for each file anew
        self._progress(None)
        out = Text()
        out.append("✓ wrote ", style="bold green")
        out.append(f"{_short(result.path)}\n", style="bold")
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
        self.query_one("#ex-result", Static).update(out)
        self.notify(f"wrote {result.path.name}", timeout=4)

    # ------------------------------------------------------------ verifying

    @on(Button.Pressed, "#ex-verify")
    def action_verify(self) -> None:
        if self.busy:
            self.notify("an export or a check is already running", severity="warning")
            return
        self.query_one("#ex-error", Static).update("")
        self.query_one("#ex-result", Static).update("")
        text = self.query_one("#ex-out", Input).value.strip()
        if not text:
            self._refused("verify: which file? type its path in Save to")
            return
        self.busy = True
        self._progress(f"reading {text} and rebuilding it from the ledger…")
        self._verify(text)

    @work(thread=True, group="export")
    def _verify(self, text: str) -> None:
        from exports.render import render_pdf
        from storage.sheets import verify_pdf

        engine, actor = self.ledger.engine, self.ledger.actor
        path = Path(text).expanduser()
        call = self.app.call_from_thread
        if not path.is_file():
            call(self._refused, f"verify: no file at {text}")
            return
        try:
            report = verify_pdf(path, lambda code: Ledger(engine, code, actor), render_pdf)
        except LedgerError as exc:
            call(self._refused, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a damaged PDF must not end the app
            call(self._refused, f"{text}: cannot check this PDF: {type(exc).__name__}: {exc}",
                 "failed")
            return

        def shown() -> None:
            self.busy = False
            self._progress(None)
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
            out.append(f"  file      {_short(path.resolve())}\n")
            out.append(f"  document  {report.doc_id} revision {report.revision}\n")
            if report.superseded:
                out.append(f"  {report.superseded}\n", style="yellow")
            out.append(f"  printed   sha256 {report.printed_digest[:16]}…\n")
            out.append(f"  now       sha256 {report.current_digest[:16]}…\n")
            out.append(f"  signed    {report.signed}\n")
            self.query_one("#ex-result", Static).update(out)

        call(shown)


def _set_options(select: Select, labelled: list[tuple[Text, str]]) -> None:
    """Replace a Select's options, keeping its choice when it is still one of them."""
    current = select.value
    select.set_options(labelled)
    if current is not Select.NULL and current in [v for _, v in labelled]:
        select.value = current


def _page_count(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except Exception:  # noqa: BLE001 - the count is a nicety
        return None
