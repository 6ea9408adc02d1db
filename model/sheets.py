"""What a printed sheet is, independent of how it is drawn: built by storage, drawn by exports.

A sheet's identity is its ``doc_id`` (project, kind and parameters, enough to rebuild
it), the SHA-256 of its canonical ``content``, its ``revision`` (1 for the first content
printed under that id, one more for each new content: the ledger's table of printed
revisions), and the audit chain's ``head`` when it was printed. Its metadata also carries
what else it was printed with (the day, the language), so that ``sowtrack verify
FILE.pdf`` can print it again from the ledger and compare pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Generic, TypeVar

from model.errors import FieldError
from model.i18n import _
from model.rules import digest
from model.sheet_kinds import SHEET_KINDS, KindInfo, SheetKind, kind_of_code

#: the kinds' words and their document-id codes (model.sheet_kinds is the registry)
#: a kind's typed figures (model.sheet_acceptance, sheet_timesheet, ...)
D = TypeVar("D")

KINDS = tuple(k.value for k in SHEET_KINDS)
KIND_CODES = {k.value: info.code for k, info in SHEET_KINDS.items()}

METADATA_PREFIX = "sowtrack"  # keywords: "sowtrack-id=… sowtrack-sha256=… sowtrack-revision=…"
LANGUAGES = ("zh", "en")


def check_language(language: str | None) -> None:
    """A sheet's or a spreadsheet's language as asked for (None: the SOW's)."""
    if language is not None and language not in LANGUAGES:
        raise FieldError("lang", _("{value!r} is not one of {choices}").format(
            value=language, choices=", ".join(LANGUAGES)))

LABELS = {
    "zh": {
        "page": "第 {n} 页 / 共 {total} 页", "doc_id": "文档编号", "revision": "第 {n} 版",
        "sha": "内容摘要 SHA-256", "vendor": "乙方", "client": "甲方", "name": "姓名",
        "title": "职务", "date": "日期", "signature": "签字", "seal": "盖章",
        "signed_in_ledger": "系统已记录签字", "project": "项目", "period": "期间",
        "printed": "打印日期", "sow": "工作说明书编号", "head": "审计链",
        "foot": "各行数值按最大余额法舍入，使其之和与所列合计完全一致。",
        "contract": "合同编号", "contract_signed_on": "签订日期",
    },
    "en": {
        "page": "page {n} of {total}", "doc_id": "Document", "revision": "Revision {n}",
        "sha": "content SHA-256", "vendor": "Vendor", "client": "Client", "name": "Name",
        "title": "Title", "date": "Date", "signature": "Signature", "seal": "Company seal",
        "signed_in_ledger": "signature on record", "project": "Project", "period": "Period",
        "printed": "Printed", "sow": "SOW", "head": "audit chain",
        "foot": "Rows are rounded (largest remainder) so that they add up to the total shown.",
        "contract": "Contract no.", "contract_signed_on": "signed",
    },
}


def contract_content(contract: str | None, signed_on: date | None) -> dict[str, Any]:
    """The contract number and its date as every sheet's content holds them (SPEC §8:
    every sheet names them, so its digest covers them); empty when the SOW has neither,
    so that the content of a sheet without them is what it always was."""
    out: dict[str, Any] = {}
    if contract is not None:
        out["contract"] = contract
    if signed_on is not None:
        out["contract_signed_on"] = signed_on.isoformat()
    return out


@dataclass(frozen=True)
class Signatory:
    """A person expected to sign (pre-printed), and their signature if on record."""

    party: str  # vendor | client
    name: str
    title: str = ""
    signed_on: date | None = None


@dataclass(frozen=True)
class SheetRequest:
    """Which sheet: its kind and the parameters that select its content."""

    kind: SheetKind  # a kind's word ("timesheet") is taken too; ValueError for another
    first: date | None = None  # timesheet period
    last: date | None = None
    cr: str | None = None  # change request number
    person: str | None = None  # one person's timesheet
    as_of: date | None = None  # status report
    #: timesheet: print one independent sheet per person (each its own id, digest,
    #: revision and file; see storage.sheets.per_person_requests), never one document
    per_person: bool = False
    language: str | None = None  # zh | en; None: the SOW's
    printed_on: date | None = None  # "today" for what a sheet counts up to; None: today

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", SheetKind(self.kind))

    @property
    def info(self) -> KindInfo:
        """Its kind's entry in the registry (code, titles, options)."""
        return SHEET_KINDS[self.kind]

    def doc_id(self, project: str) -> str:
        """``PROJECT/KIND[/params]``: enough to rebuild the sheet from the ledger."""
        info = self.info
        parts = [project, info.code]
        if info.period:
            parts.append(f"{self.first}..{self.last}")
            if self.person:
                parts.append(self.person)
        elif info.cr:
            parts.append(str(self.cr))
        elif info.as_of:
            parts.append(str(self.as_of))
        return "/".join(parts)

    @staticmethod
    def parse(doc_id: str) -> tuple[str, SheetRequest]:
        """(project code, request) of a document id; ValueError when it is not one."""
        parts = doc_id.split("/")
        if len(parts) < 2:
            raise ValueError(doc_id)
        project, code, rest = parts[0], parts[1], parts[2:]
        kind = kind_of_code(code)
        if kind is None:
            raise ValueError(doc_id)
        info = SHEET_KINDS[kind]
        if info.period:
            first, __, last = rest[0].partition("..")
            return project, SheetRequest(kind, date.fromisoformat(first),
                                         date.fromisoformat(last),
                                         person=rest[1] if len(rest) > 1 else None)
        if info.cr:
            return project, SheetRequest(kind, cr=rest[0])
        if info.as_of:
            return project, SheetRequest(kind, as_of=date.fromisoformat(rest[0]))
        return project, SheetRequest(kind)


@dataclass(frozen=True)
class SheetMeta:
    """Who and what a sheet is: printed on every page and in the PDF's metadata."""

    doc_id: str
    revision: int  # the document's revision of this content (storage.sheets)
    digest: str
    title: str
    language: str  # zh | en
    project_code: str
    project_title: str
    client: str
    vendor: str
    printed_on: date
    signatories: tuple[Signatory, ...] = ()
    landscape: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    head: tuple[int, str] = (0, "")  # the audit chain's head (row id, hash) when printed
    contract: str | None = None  # the contract (or SOW) number, when the SOW has one
    contract_signed_on: date | None = None  # and its date

    def label(self, key: str, **kw: Any) -> str:
        return LABELS[self.language][key].format(**kw)

    @property
    def qr_payload(self) -> str:
        return f"{METADATA_PREFIX}:{self.doc_id}:r{self.revision}:sha256:{self.digest}"

    @property
    def keywords(self) -> str:
        """The PDF's keywords: the identity, and every parameter that prints it again
        exactly (``verify FILE.pdf`` renders it anew from the ledger and compares pages)."""
        fields = {"id": self.doc_id, "sha256": self.digest, "revision": self.revision,
                  "head": f"{self.head[0]}:{self.head[1]}",
                  "printed": self.printed_on.isoformat(), "lang": self.language}
        return " ".join(f"{METADATA_PREFIX}-{k}={v}" for k, v in fields.items())


@dataclass(frozen=True)
class PrintedIdentity:
    """What a sheet's metadata says of it: which document, its digest and revision, and
    the parameters it was printed with (the audit chain's head, the day printed, the
    language)."""

    project: str
    request: SheetRequest
    digest: str
    revision: int | None  # None: printed before sheets carried a revision
    head: tuple[int, str] | None  # None: printed before sheets carried the head

    @staticmethod
    def parse(fields: dict[str, str]) -> PrintedIdentity:
        """From :func:`read_keywords`; ValueError naming the field that is not well formed."""
        try:
            project, request = SheetRequest.parse(fields["id"])
        except (ValueError, IndexError, KeyError):
            raise ValueError(_("{id!r} is not a sowtrack document id").format(
                id=fields.get("id"))) from None
        digest = fields.get("sha256", "")
        revision = head = None
        if "revision" in fields:
            revision = _field(fields, "revision", int)
            if revision < 1:
                raise ValueError("revision: " + _("{value!r} is not a revision (1, 2, …)").format(
                    value=fields["revision"]))
        if "head" in fields:
            row, __, sha = fields["head"].partition(":")
            head = (_field({"head": row}, "head", int), sha)
            if len(sha) != 64 or head[0] < 0:
                raise ValueError("head: " + _("{value!r} is not an audit row id:hash").format(
                    value=fields["head"]))
        language = fields.get("lang")
        if language is not None and language not in LANGUAGES:
            raise ValueError("lang: " + _("{value!r} is not one of {choices}").format(
                value=language, choices=", ".join(LANGUAGES)))
        printed = (_field(fields, "printed", date.fromisoformat) if "printed" in fields
                   else None)
        if "per-person" in fields:
            # An older sowtrack printed the whole team into one document per person.
            raise ValueError("per-person: " + _("printed by an older sowtrack as one document "
                                                "for the whole team; print it anew (one file "
                                                "per person)"))
        request = replace(request, language=language, printed_on=printed)
        return PrintedIdentity(project, request, digest, revision, head)


def revision_of(printed: list[tuple[int, str, date]], digest: str) -> int:
    """The revision of content ``digest`` among a document's printed revisions (revision,
    digest, first printed on): the one recorded for it, else the next (one more than the
    last; 1 for a document never printed). The one rule for export and verify."""
    known = [n for n, d, __ in printed if d == digest]
    return known[0] if known else max((n for n, __, ___ in printed), default=0) + 1


def _field(fields: dict[str, str], key: str, parse: Any) -> Any:
    try:
        return parse(fields[key])
    except ValueError:
        raise ValueError(f"{key}: " + _("{value!r} is not well formed").format(
            value=fields[key])) from None


def read_keywords(keywords: str) -> dict[str, str]:
    """The sowtrack fields of a PDF's keywords (inverse of SheetMeta.keywords)."""
    out = {}
    for word in keywords.split():
        key, sep, value = word.partition("=")
        if sep and key.startswith(METADATA_PREFIX + "-"):
            out[key[len(METADATA_PREFIX) + 1:]] = value
    return out


@dataclass(frozen=True)
class Sheet(Generic[D]):
    """A sheet ready to draw: its identity, its canonical content and its typed data
    (``Sheet[StatusSheetData]``: each kind's figures, model.sheet_*)."""

    meta: SheetMeta
    content: dict[str, Any]
    data: D

    @staticmethod
    def content_digest(content: dict[str, Any]) -> str:
        return digest(content)
