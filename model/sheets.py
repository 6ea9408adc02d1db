"""What a printed sheet is, independent of how it is drawn: built by storage, drawn by exports.

A sheet's identity is its ``doc_id`` (project, kind and parameters, enough to rebuild
it), the ledger ``version`` it was printed at (the audit log's length), and the
SHA-256 of its canonical ``content``. ``sowtrack verify FILE.pdf`` rebuilds the content
from the ledger and compares digests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from model.rules import digest

KINDS = ("acceptance", "timesheet", "cr", "plan", "status")
KIND_CODES = {"acceptance": "ACC", "timesheet": "TS", "cr": "CR", "plan": "PLAN",
              "status": "STATUS"}

METADATA_PREFIX = "sowtrack"  # keywords: "sowtrack-id=… sowtrack-sha256=… sowtrack-version=…"

LABELS = {
    "zh": {
        "page": "第 {n} 页 / 共 {total} 页", "doc_id": "文档编号", "version": "版本",
        "sha": "内容摘要 SHA-256", "vendor": "乙方", "client": "甲方", "name": "姓名",
        "title": "职务", "date": "日期", "signature": "签字", "seal": "盖章",
        "signed_in_ledger": "系统已记录签字", "project": "项目", "period": "期间",
        "printed": "打印日期", "sow": "工作说明书编号",
    },
    "en": {
        "page": "page {n} of {total}", "doc_id": "Document", "version": "version",
        "sha": "content SHA-256", "vendor": "Vendor", "client": "Client", "name": "Name",
        "title": "Title", "date": "Date", "signature": "Signature", "seal": "Company seal",
        "signed_in_ledger": "signature on record", "project": "Project", "period": "Period",
        "printed": "Printed", "sow": "SOW",
    },
}


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

    kind: str
    first: date | None = None  # timesheet period
    last: date | None = None
    cr: str | None = None  # change request number
    person: str | None = None  # one person's timesheet
    as_of: date | None = None  # status report
    per_person: bool = False  # timesheet: one sheet per person (same content, same id)

    def doc_id(self, project: str) -> str:
        """``PROJECT/KIND[/params]``: enough to rebuild the sheet from the ledger."""
        parts = [project, KIND_CODES[self.kind]]
        if self.kind == "timesheet":
            parts.append(f"{self.first}..{self.last}")
            if self.person:
                parts.append(self.person)
        elif self.kind == "cr":
            parts.append(str(self.cr))
        elif self.kind == "status":
            parts.append(str(self.as_of))
        return "/".join(parts)

    @staticmethod
    def parse(doc_id: str) -> tuple[str, SheetRequest]:
        """(project code, request) of a document id; ValueError when it is not one."""
        parts = doc_id.split("/")
        if len(parts) < 2:
            raise ValueError(doc_id)
        project, code, rest = parts[0], parts[1], parts[2:]
        kind = {v: k for k, v in KIND_CODES.items()}.get(code)
        if kind is None:
            raise ValueError(doc_id)
        if kind == "timesheet":
            first, _, last = rest[0].partition("..")
            return project, SheetRequest(kind, date.fromisoformat(first),
                                         date.fromisoformat(last),
                                         person=rest[1] if len(rest) > 1 else None)
        if kind == "cr":
            return project, SheetRequest(kind, cr=rest[0])
        if kind == "status":
            return project, SheetRequest(kind, as_of=date.fromisoformat(rest[0]))
        return project, SheetRequest(kind)


@dataclass(frozen=True)
class SheetMeta:
    """Who and what a sheet is: printed on every page and in the PDF's metadata."""

    doc_id: str
    version: int
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

    def label(self, key: str, **kw: Any) -> str:
        return LABELS[self.language][key].format(**kw)

    @property
    def qr_payload(self) -> str:
        return f"{METADATA_PREFIX}:{self.doc_id}:v{self.version}:sha256:{self.digest}"

    @property
    def keywords(self) -> str:
        return (f"{METADATA_PREFIX}-id={self.doc_id} {METADATA_PREFIX}-sha256={self.digest} "
                f"{METADATA_PREFIX}-version={self.version}")


def read_keywords(keywords: str) -> dict[str, str]:
    """The sowtrack fields of a PDF's keywords (inverse of SheetMeta.keywords)."""
    out = {}
    for word in keywords.split():
        key, sep, value = word.partition("=")
        if sep and key.startswith(METADATA_PREFIX + "-"):
            out[key[len(METADATA_PREFIX) + 1:]] = value
    return out




@dataclass(frozen=True)
class Sheet:
    """A sheet ready to draw: its identity, its canonical content and its typed data."""

    meta: SheetMeta
    content: dict[str, Any]
    data: Any

    @staticmethod
    def content_digest(content: dict[str, Any]) -> str:
        return digest(content)
