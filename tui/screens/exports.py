"""Exports (导出): print a sheet as PDF, and check a printed sheet against the ledger; write
the time entries, the summary or a timesheet as a spreadsheet for finance (XLSX, CSV:
``export entries|summary|timesheet --format``, tui.spreadsheets).

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
from model.errors import FieldError, LedgerError
from model.i18n import N_, _
from model.sheets import Sheet, SheetRequest
from model.spreadsheet import MEDIA_TYPES, TABLE_KINDS, export_format
from storage.services import Ledger
from storage.spreadsheets import TableRequest
from tui.sheets import WriteRequest, write_sheet
from tui.text import grade_text, options, previous_month, refusal
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.sheet_export import (
    CR_STATUS,
    EXPORT_ACTIONS,
    EXPORT_DIR,
    EXPORT_LABELS,
    FORMAT_LABELS,
    LANGUAGE_CHOICES,
    OUT_FIELD,
    OVERWRITE,
    SHEETS,
    TABLES,
    Exported,
    ExportsData,
    default_name,
    exported_text,
    formats_of,
    output_path,
    page_count,
    served_path,
    set_options,
    sheet_request,
    short,
    table_request,
    table_text,
    verified_text,
)

#: the names tests and the app import from here (they live in tui.widgets.sheet_export)
__all__ = ["EXPORT_ACTIONS", "EXPORT_DIR", "LANGUAGE_CHOICES", "SHEETS", "Exported",
           "ExportsData", "ExportsScreen", "default_name", "output_path", "sheet_request",
           "short"]


class ExportsScreen(LedgerScreen):
    """Print a sheet as PDF; verify a printed sheet against the ledger."""

    VIEW = "exports"
    FIELD_LABELS = EXPORT_LABELS  # a refusal names the form's field by its label
    BINDINGS = [
        Binding("x", "export", N_("Export"), id="exports-export"),
        Binding("v", "verify", N_("Verify a PDF"), id="exports-verify"),
        Binding("escape", "leave_form", N_("Leave the field"), show=False,
                id="exports-leave"),
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
    /* 80 or 100 columns: the form and the result share the width */
    ExportsScreen.narrow #ex-form { width: 1fr; min-width: 44; }
    ExportsScreen.narrow #ex-pane { width: 1fr; min-width: 30; }
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
        yield Static(_("Exports 导出 · printed sheets as PDF, each carrying its document id, "
                       "revision and the SHA-256 of its content (also in a QR code); time "
                       "entries, the summary and timesheets as CSV or XLSX for finance"),
                     id="ex-headline", classes="headline", markup=False)
        with Horizontal():
            with VerticalScroll(id="ex-form", classes="form"):
                yield Static(_("Sheet to print"), classes="section-title", markup=False)
                yield Label(_("Sheet"), markup=False)
                yield Select([(_(label), kind) for kind, label in (*SHEETS, *TABLES)],
                             id="ex-kind", value="timesheet", allow_blank=False, compact=True)
                with Vertical(id="ex-timesheet", classes="ex-group"):
                    with Horizontal(classes="ex-pair"):
                        with Vertical():
                            yield Label(_("From"), markup=False)
                            yield Input(id="ex-first", placeholder="YYYY-MM-DD", compact=True)
                        with Vertical():
                            yield Label(_("To"), markup=False)
                            yield Input(id="ex-last", placeholder="YYYY-MM-DD", compact=True)
                    yield Label(_("Person"), markup=False)
                    yield Select([], id="ex-person", allow_blank=True,
                                 prompt=_("everyone (one sheet for the team)"), compact=True)
                    yield Checkbox(_("one file per person (by id)"),
                                   id="ex-per-person", compact=True)
                with Vertical(id="ex-cr-group", classes="ex-group"):
                    yield Label(_("Change request"), markup=False)
                    yield Select([], id="ex-cr", allow_blank=True,
                                 prompt=_("no change request yet"), compact=True)
                with Vertical(id="ex-status-group", classes="ex-group"):
                    yield Label(_("As of"), markup=False)
                    yield Input(id="ex-as-of", placeholder="YYYY-MM-DD", compact=True)
                with Horizontal(classes="ex-pair"):
                    with Vertical(id="ex-format-group"):
                        yield Label(_("Format"), markup=False)
                        yield Select([(_(label), f) for f, label in FORMAT_LABELS.items()],
                                     id="ex-format", value="pdf", allow_blank=False,
                                     compact=True)
                    with Vertical():
                        yield Label(_("Language"), markup=False)
                        yield Select([(_(label), lang) for label, lang in LANGUAGE_CHOICES],
                                     id="ex-lang", allow_blank=False, compact=True)
                yield Label(_("Save to"), markup=False)
                yield Input(id="ex-out", compact=True)
                yield Checkbox(_("overwrite an existing file"), id="ex-overwrite",
                               compact=True)
                with Horizontal(id="ex-buttons"):
                    yield Button(_("Export (x)"), id="ex-export", variant="primary")
                    yield Button(_("Verify (v)"), id="ex-verify")
            with Vertical(id="ex-pane"):
                yield Static(_("Result"), classes="section-title", markup=False)
                with Horizontal(id="ex-progress"):
                    yield LoadingIndicator(id="ex-spinner")
                    yield Static("", id="ex-status", markup=False)
                yield Static("", id="ex-result", markup=False)
                yield Static("", id="ex-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#ex-spinner").display = False
        self.query_one("#ex-result", Static).update(Text(
            _("Choose a sheet (or a spreadsheet) and press x (or the Export button).\n"
              "v checks the PDF at the path against the ledger: does it still hold exactly "
              "what was printed, and who has signed since?"), style="dim"))
        self._kind_changed()
        self.query_one("#ex-kind", Select).focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> ExportsData:
        led = self.ledger
        with led.snapshot():  # one read transaction: the choices agree with each other
            return ExportsData(led.project(), led.people(), led.change_requests())

    def show(self, data: ExportsData) -> None:
        self.data = data
        people = [p for p in data.people if p.party == "vendor" and p.grade]
        set_options(self.query_one("#ex-person", Select),
                     options((f"{p.name} {p.key} ({grade_text(p.grade or '')})", p.key)
                             for p in people))
        crs = self.query_one("#ex-cr", Select)
        set_options(crs, options((f"{c.number}  {_(CR_STATUS.get(c.status, c.status))}  "
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
                "lang": sel("#ex-lang"), "format": self._format(),
                "out": self.query_one("#ex-out", Input).value,
                "overwrite": self.query_one("#ex-overwrite", Checkbox).value}

    def _format(self) -> str:
        """The format chosen, among those of the chosen kind (a sheet: pdf)."""
        kind = str(self.query_one("#ex-kind", Select).value)
        value = self.query_one("#ex-format", Select).value
        formats = formats_of(kind)
        return str(value) if value in formats else formats[0]

    @on(Select.Changed, "#ex-kind")
    def _kind_changed(self) -> None:
        kind = str(self.query_one("#ex-kind", Select).value)
        self.query_one("#ex-timesheet").display = kind in ("timesheet", "entries")
        self.query_one("#ex-per-person").display = kind == "timesheet"
        self.query_one("#ex-cr-group").display = kind == "cr"
        self.query_one("#ex-status-group").display = kind in ("status", "summary")
        formats = formats_of(kind)
        self.query_one("#ex-format-group").display = len(formats) > 1
        chosen = self._format()
        fmt = self.query_one("#ex-format", Select)
        fmt.set_options([(_(FORMAT_LABELS[f]), f) for f in formats])
        fmt.value = chosen
        self._params_changed()

    @on(Input.Changed, "#ex-first, #ex-last, #ex-as-of")
    @on(Select.Changed, "#ex-person, #ex-cr, #ex-format")
    def _params_changed(self) -> None:
        """Follow the parameters with the default path, unless the user typed their own."""
        if self.data is None:
            return
        values = self.values()
        fmt = str(values["format"])
        try:
            request = (sheet_request(values) if fmt == "pdf" else table_request(values))
        except LedgerError:
            return
        out = self.query_one("#ex-out", Input)
        name = f"{EXPORT_DIR}/{default_name(self.data.project.code, request, fmt)}"
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

    def _refused(self, message: str, prefix: str = N_("refused")) -> None:
        """The ledger's refusal (or a failure), shown under the result; nothing written.
        ``prefix``: a marked message ("refused", "failed")."""
        self.busy = False
        self._progress(None)
        self.query_one("#ex-error", Static).update(f"{_(prefix)}: {message}")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ex-export")
    def action_export(self) -> None:
        if not self.when_loaded(self.action_export):
            return
        if self.busy:
            self.notify(_("an export or a check is already running"), severity="warning")
            return
        self.query_one("#ex-error", Static).update("")
        self.query_one("#ex-result", Static).update("")
        values = self.values()
        kind, fmt = str(values["kind"]), str(values["format"])
        if kind in TABLE_KINDS and fmt != "pdf":  # a spreadsheet for finance
            try:
                export_format(kind, fmt, str(values["out"]).strip())  # the suffix agrees
                table = table_request(values)
            except LedgerError as exc:
                self._refused(refusal(exc, self.FIELD_LABELS))
                return
            self.busy = True
            self._progress(_("reading the ledger and writing the spreadsheet…"))
            self._export_table(table, fmt, str(values["out"]), bool(values["overwrite"]))
            return
        try:
            request = sheet_request(values)
        except LedgerError as exc:
            self._refused(refusal(exc, self.FIELD_LABELS))
            return
        self.busy = True
        self._progress(_("reading the ledger and building the sheet…"))
        self._export(request, str(values["out"]), bool(values["overwrite"]))

    @work(thread=True, group="export")
    def _export(self, request: SheetRequest, out_text: str, overwrite: bool) -> None:
        from exports.fonts import cjk_font

        call = self.app.call_from_thread
        try:
            out = output_path(out_text, served=self.sow_app.fixed_actor)
            t0 = time.monotonic()
            built: list[float] = []

            def drawing(sheet: Sheet) -> None:
                built.append(time.monotonic())
                call(self._progress, _("drawing {title} ({doc_id})…").format(
                    title=sheet.meta.title, doc_id=sheet.meta.doc_id))

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
        except Exception as exc:  # noqa: BLE001 - a failed drawing must not end the app
            call(self._write_failed, exc, out_text, _("could not print the sheet"))
            return
        notes = list(result.warnings)
        if not cjk_font().embedded and not notes:
            notes.append(_("no TrueType CJK font: the Chinese text is not embedded"))
        call(self._exported, Exported(
            path.resolve(), sheet.meta.doc_id, sheet.meta.revision, sheet.meta.digest,
            sheet.meta.title, page_count(path), path.stat().st_size, t1 - t0, t2 - t1,
            tuple(dict.fromkeys(notes)),
            tuple(Path(w.path).resolve() for w in written) if request.per_person else ()))

    @work(thread=True, group="export")
    def _export_table(self, request: TableRequest, fmt: str, out_text: str,
                      overwrite: bool) -> None:
        from tui.spreadsheets import write_table

        call = self.app.call_from_thread
        try:
            written = write_table(self.ledger, request, fmt,
                                  output_path(out_text, served=self.sow_app.fixed_actor),
                                  force=overwrite, field=OUT_FIELD, overwrite=OVERWRITE)
        except Exception as exc:  # noqa: BLE001 - a failed export must not end the app
            call(self._write_failed, exc, out_text, _("could not write the spreadsheet"))
            return

        def done() -> None:
            self.busy = False
            self.last = None
            self.query_one("#ex-overwrite", Checkbox).value = False  # asked for each file
            self._progress(None)
            self.query_one("#ex-result", Static).update(
                table_text(written.path, fmt, written.rows))
            self.notify(_("wrote {name}").format(name=written.path.name), timeout=4)
            if self.app.is_web:  # in a browser (sowtrack serve): the file goes to the page too
                self.app.deliver_binary(written.path, mime_type=MEDIA_TYPES[fmt])

        call(done)

    def _write_failed(self, exc: Exception, out_text: str, failed: str) -> None:
        """An export that did not write its file, said in the form's words: refused
        input, a file that cannot be written (naming the field), or the drawing or
        writing itself that failed (``failed``: what could not be done)."""
        if isinstance(exc, LedgerError):
            self._refused(refusal(exc, self.FIELD_LABELS))
        elif isinstance(exc, OSError):
            self._refused(refusal(FieldError(OUT_FIELD.field, _("cannot write {path}: {error}")
                                             .format(path=out_text.strip(),
                                                     error=exc.strerror or exc)),
                                  self.FIELD_LABELS))
        else:
            self._refused(f"{failed}: {type(exc).__name__}: {exc}", N_("failed"))

    def _exported(self, result: Exported) -> None:
        self.busy = False
        self.last = result
        self.query_one("#ex-overwrite", Checkbox).value = False  # asked for each file anew
        self._progress(None)
        out = exported_text(result)
        self.query_one("#ex-result", Static).update(out)
        self.notify(_("wrote {name}").format(name=result.path.name), timeout=4)
        if self.app.is_web:  # in a browser (sowtrack serve): the file goes to the page too
            for path in result.files or (result.path,):
                self.app.deliver_binary(path, mime_type="application/pdf")

    # ------------------------------------------------------------ verifying

    @on(Button.Pressed, "#ex-verify")
    def action_verify(self) -> None:
        if self.busy:
            self.notify(_("an export or a check is already running"), severity="warning")
            return
        self.query_one("#ex-error", Static).update("")
        self.query_one("#ex-result", Static).update("")
        text = self.query_one("#ex-out", Input).value.strip()
        if not text:
            self._refused(_("verify: which file? type its path in Save to"))
            return
        self.busy = True
        self._progress(_("reading {path} and rebuilding it from the ledger…").format(path=text))
        self._verify(text)

    @work(thread=True, group="export")
    def _verify(self, text: str) -> None:
        from exports.render import render_pdf
        from storage.sheets import verify_pdf

        engine, actor = self.ledger.engine, self.ledger.actor
        call = self.app.call_from_thread
        try:
            path = served_path(text) if self.sow_app.fixed_actor else Path(text).expanduser()
        except LedgerError as exc:
            call(self._refused, refusal(exc, self.FIELD_LABELS))
            return
        if not path.is_file():
            call(self._refused, _("verify: no file at {path}").format(path=text))
            return
        try:
            report = verify_pdf(path, lambda code: Ledger(engine, code, actor), render_pdf)
        except LedgerError as exc:
            call(self._refused, refusal(exc, self.FIELD_LABELS))
            return
        except Exception as exc:  # noqa: BLE001 - a damaged PDF must not end the app
            call(self._refused, _("{path}: cannot check this PDF: {error}").format(
                path=text, error=f"{type(exc).__name__}: {exc}"), N_("failed"))
            return

        def shown() -> None:
            self.busy = False
            self._progress(None)
            self.query_one("#ex-result", Static).update(verified_text(report, path))

        call(shown)
