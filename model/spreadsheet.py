"""Spreadsheets for finance (`export entries|summary|timesheet --format csv|xlsx`): what a
table holds, whatever file it is written to, and the rules both files follow.

A :class:`Table` is typed: each column has a :class:`Kind` (text, date, whole number,
hours, PD, money) and its cells hold ``str``, ``date``, ``int`` or ``Decimal`` (never a
float: hours come from integer minutes, PD and money are exact and rounded once, each
column so that it adds up to its total as the printed sheets do: largest remainder).
A totals row sums the columns marked ``total``: a ``=SUM(...)`` formula in the xlsx, the
same sum computed exactly in the CSV. A :class:`RowSum` cell is the sum of cells to its
left in its row (a timesheet's subtotal per person), likewise.

Which format a file gets (:func:`export_format`) and how a text cell is made safe for a
spreadsheet (:func:`csv_text`) are decided here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePath

from model.errors import FieldError, Ref
from model.i18n import _, parts
from model.usertext import shown


class Kind(StrEnum):
    """What a column holds, hence its cell type and number format."""

    TEXT = "text"
    DATE = "date"
    INT = "int"  # a count or an id
    HOURS = "hours"  # Decimal, 2 places
    PD = "pd"  # Decimal, 3 places
    MONEY = "money"  # Decimal, 2 places, in the SOW's currency


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    total: bool = False  # the totals row sums this column


@dataclass(frozen=True)
class RowSum:
    """A cell that is the sum of its row's cells in columns ``first``..``last`` (0-based,
    inclusive): ``value`` is that sum, exactly (the CSV writes it, the xlsx a formula)."""

    value: Decimal
    first: int
    last: int


Value = str | date | int | Decimal | RowSum | None


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook, or one CSV file."""

    title: str  # the sheet's name (and the workbook's title)
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    total_label: str | None = None  # a totals row, labelled in the first column
    currency: str = "CNY"
    #: label and value rows after the table (the summary's overtime, blocked days): the
    #: value in the second column, typed by ``kind``
    notes: tuple[tuple[str, Kind, Value], ...] = ()
    frozen_columns: int = 0  # the xlsx keeps this many columns in view (a timesheet's names)

    @property
    def sheet_rows(self) -> int:
        """The rows it takes on a sheet: header, rows, totals, an empty row and the notes."""
        return (1 + len(self.rows) + (self.total_label is not None)
                + (1 + len(self.notes) if self.notes else 0))

    def column_total(self, index: int) -> Decimal:
        """The sum of column ``index`` over the rows: what the totals row shows."""
        return sum((_number(row[index]) for row in self.rows), Decimal(0))


def _number(value: Value) -> Decimal:
    if isinstance(value, RowSum):
        return value.value
    if value is None:
        return Decimal(0)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    raise TypeError(f"not a number: {value!r}")


#: the formats a spreadsheet export is written in; a timesheet is a PDF by default
FORMATS = ("csv", "xlsx")
#: the media type of each format, for a browser that downloads the file
MEDIA_TYPES = {"csv": "text/csv",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: the kinds that are spreadsheets only
SPREADSHEET_KINDS = ("entries", "summary")
#: the kinds a spreadsheet is exported of
TABLE_KINDS = ("entries", "summary", "timesheet")
_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".pdf": "pdf"}


def check_format(fmt: str) -> None:
    """A spreadsheet's format: one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise FieldError("format", _("{value!r} is not one of {choices}").format(
            value=fmt, choices=", ".join(FORMATS)))


def export_format(kind: str, fmt: str | None, out: str) -> str:
    """The format of ``export KIND --out FILE [--format F]``: ``pdf``, ``csv`` or ``xlsx``.

    Of entries, summary and timesheet: ``--format`` wins; without it the file's suffix
    decides (``.csv``, ``.xlsx``, ``.pdf``, any case); without either, a timesheet is a PDF
    and entries or summary are refused (which format?). A ``--format`` that contradicts a
    known suffix (``--format csv --out x.xlsx``) is refused; an unknown suffix (``.txt``)
    takes the format given. Any other kind is written as it always was, whatever the
    file's name (the SOW as TOML, a sheet as a PDF: both ``pdf`` here), and ``--format``
    is refused for it."""
    suffix = _SUFFIXES.get(PurePath(out).suffix.lower())
    if fmt is not None:
        check_format(fmt)
        if suffix is not None and suffix != fmt:
            raise FieldError("format", *parts(
                _("{fmt} does not match {out_input} {out} (a .{suffix} file); name a .{fmt} "
                  "file or set {format_input} to {suffix}"),
                fmt=fmt, out_input=Ref("out"), out=out, suffix=suffix,
                format_input=Ref("format")))
    if kind not in TABLE_KINDS:  # the SOW (TOML) or a printed sheet, whatever its name
        if fmt is not None:
            raise FieldError("format", (
                _("`export {kind}` is written as TOML; csv and xlsx are for {kinds}")
                if kind == "sow" else
                _("`export {kind}` is written as a PDF; csv and xlsx are for {kinds}")).format(
                kind=kind, kinds=", ".join(TABLE_KINDS)))
        return "pdf"
    chosen = fmt or suffix
    if kind in SPREADSHEET_KINDS:
        if chosen is None or chosen == "pdf":
            raise FieldError("format", _("`export {kind}` is a spreadsheet: csv or xlsx "
                                         "(or name a .csv or .xlsx file)").format(kind=kind))
        return chosen
    return chosen or "pdf"


#: the rows of one XLSX worksheet (Excel's limit, and LibreOffice's)
XLSX_MAX_ROWS = 1_048_576


def check_fits(table: Table, fmt: str) -> None:
    """Refuse an XLSX file whose sheet would hold more rows than Excel opens (a CSV file
    has no such limit), naming what narrows it."""
    if fmt == "xlsx" and table.sheet_rows > XLSX_MAX_ROWS:
        raise FieldError("format", *parts(
            _("{rows} rows do not fit in one XLSX sheet (at most {maximum} rows with the "
              "header and totals); choose csv, or fewer rows ({first}, {last}, {person})"),
            rows=f"{len(table.rows):,}", maximum=f"{XLSX_MAX_ROWS:,}", first=Ref("first"),
            last=Ref("last"), person=Ref("person")))


#: the days of a timesheet spreadsheet (a column a day, the grid footed both ways: its
#: cost grows faster than the days; a decades-long period from a typo took gigabytes)
MAX_TIMESHEET_DAYS = 1096


def check_timesheet_days(first: date, last: date) -> None:
    """Refuse a timesheet spreadsheet of more than :data:`MAX_TIMESHEET_DAYS` days."""
    days = (last - first).days + 1
    if days > MAX_TIMESHEET_DAYS:
        raise FieldError("last", _("{span} is {days} days; a timesheet spreadsheet has a "
                                   "column a day, at most {maximum} (three years): choose a "
                                   "shorter period, or export entries").format(
            span=f"{first}..{last}", days=f"{days:,}", maximum=f"{MAX_TIMESHEET_DAYS:,}"))


#: the characters of one XLSX cell (Excel's limit: a longer text is unreadable content)
XLSX_MAX_CELL = 32_767


def xlsx_text(text: str) -> str:
    """A text cell of an XLSX file: :func:`cell_text`, cut to :data:`XLSX_MAX_CELL`
    characters with a closing ``…`` when longer (the CSV keeps the whole text)."""
    text = cell_text(text)
    return text if len(text) <= XLSX_MAX_CELL else text[:XLSX_MAX_CELL - 1] + "…"


#: what a spreadsheet reads as the start of a formula (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """User text as a spreadsheet cell may hold it: any control character shown as its
    symbol (model.usertext.shown: the ledger refuses them, an older one may hold one)."""
    return shown(text)


def csv_text(text: str) -> str:
    """A text cell of a CSV file: :func:`cell_text`, and a leading ``'`` when it starts
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, so that Excel or
    LibreOffice shows it as text and never runs it as a formula (OWASP's rule for CSV
    injection). Numbers are written as numbers, never escaped."""
    text = cell_text(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
