"""What each page of a PDF draws, to compare a printed sheet with the same sheet printed
again from the ledger.

A page is reduced to what a reader sees: its content stream decoded into operations
(the text and numbers shown, lines, shapes, colours and their positions), the fonts,
images and forms it draws with (streams decoded, so a file whose streams another tool
compressed differently compares equal), its annotations, and its size, crop box and
rotation. Object numbers, stream filters, the file's layout and its metadata do not
count. Nothing here knows a sheet's layout: every page is compared whole.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import io
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
    TextStringObject,
)

from model.i18n import _, ngettext

# Keys that say nothing about what is drawn: the page tree, back references, how a
# stream is stored (its data is compared decoded), page transitions, thumbnails and
# structure-tree links that a re-saving tool may add or drop.
_NOT_DRAWN = frozenset({"/Parent", "/P", "/Length", "/Filter", "/DecodeParms", "/DL",
                        "/ProcSet", "/Trans", "/Thumb", "/StructParents", "/Tabs",
                        "/PieceInfo", "/LastModified", "/Metadata"})
# A coordinate or a colour to a thousandth of its unit: what a re-saving tool that
# writes fewer digits keeps, far below what a reader can see.
_QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class PageDrawing:
    """One page, as a reader sees it (each part canonical and comparable)."""

    operations: tuple[Any, ...]
    resources: tuple[tuple[str, str, Any], ...]  # (category, name, what it is)
    annotations: Any
    settings: Any  # the page's other entries: size, crop box, rotation, ...


def drawings(data: bytes) -> list[PageDrawing]:
    """Every page of the PDF ``data``, in order. ValueError when a page cannot be read."""
    reader = _reader(data)
    canon = _Canon(reader)
    out = []
    for number, page in enumerate(reader.pages, 1):
        try:
            out.append(canon.page(page))
        except Exception as exc:  # noqa: BLE001 - any damage: one line naming the page
            raise ValueError(_("page {number} cannot be read: {reason}")
                             .format(number=number, reason=exc)) from None
    return out


def compare(printed: bytes, fresh: bytes) -> list[str]:
    """What the pages of ``printed`` draw that ``fresh`` (the ledger's print) does not:
    one line per differing page, and one when the page counts differ; [] when equal."""
    if printed == fresh:  # the usual case: the very bytes sowtrack wrote
        return []
    mine, theirs = drawings(printed), drawings(fresh)
    problems = []
    if len(mine) != len(theirs):
        problems.append(_("it has {mine}, the ledger prints {theirs}")
                        .format(mine=_pages(len(mine)), theirs=_pages(len(theirs))))
    texts: tuple[PdfReader, PdfReader] | None = None
    for number, (a, b) in enumerate(zip(mine, theirs, strict=False), 1):
        if a == b:
            continue
        if texts is None:
            texts = (_reader(printed), _reader(fresh))
        detail = _difference(a, b, texts[0].pages[number - 1], texts[1].pages[number - 1])
        problems.append(_("page {number} differs from what the ledger prints: {detail}")
                        .format(number=number, detail=detail))
    return problems


def _pages(n: int) -> str:
    return ngettext("{n} page", "{n} pages", n).format(n=n)


def _reader(data: bytes) -> PdfReader:
    # pypdf logs its own complaints about a damaged file; the caller says one line.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return PdfReader(io.BytesIO(data))
    finally:
        log.setLevel(level)


def _difference(a: PageDrawing, b: PageDrawing, page_a: Any, page_b: Any) -> str:
    """The first thing a reader would notice, in words."""
    shown = _text_difference(page_a, page_b)
    if shown:
        return shown
    if a.operations != b.operations:
        n = next((i for i, (x, y) in enumerate(zip(a.operations, b.operations, strict=False))
                  if x != y), min(len(a.operations), len(b.operations)))
        op = a.operations[n][0] if n < len(a.operations) else b.operations[n][0]
        return _("what it draws differs (lines, shapes, colours or positions) from "
                 "operation {n} of {count} ({op})").format(n=n + 1, count=len(a.operations),
                                                            op=op)
    if a.resources != b.resources:
        ours, fresh = dict(((c, n), v) for c, n, v in a.resources), dict(
            ((c, n), v) for c, n, v in b.resources)
        for key in sorted(set(ours) | set(fresh)):
            if ours.get(key) != fresh.get(key):
                if key[0] == "/Font":
                    return _("its font {name} differs").format(name=key[1])
                if key[0] == "/XObject":
                    return _("its image or form {name} differs").format(name=key[1])
                return _("its {kind} {name} differs").format(kind=key[0][1:], name=key[1])
    if a.annotations != b.annotations:
        return _("its annotations differ (the ledger prints none)") if not b.annotations else (
            _("its annotations differ"))
    return _("its page settings (size, crop box, rotation) differ")


def _text_difference(page_a: Any, page_b: Any) -> str:
    try:
        a, b = page_a.extract_text().split(), page_b.extract_text().split()
    except Exception:  # noqa: BLE001 - a font pypdf cannot map: the drawing is compared
        return ""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "replace":
            return _("it reads {read} where the ledger prints {printed}").format(
                read=_words(a[i1:i2]), printed=_words(b[j1:j2]))
        if tag == "delete":
            return _("it reads {read}, which the ledger does not print").format(
                read=_words(a[i1:i2]))
        if tag == "insert":
            return _("it lacks {printed}, which the ledger prints").format(
                printed=_words(b[j1:j2]))
    return ""


def _words(words: list[str]) -> str:
    text = " ".join(words)
    return repr(text if len(text) <= 60 else text[:57] + "...")


class _Canon:
    """Canonical, comparable forms of a document's objects (memoised by object number:
    the fonts every page shares are read once)."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.memo: dict[tuple[int, int], Any] = {}
        self.active: set[tuple[int, int]] = set()

    def page(self, page: Any) -> PageDrawing:
        contents = page.get_contents()
        operations = self.operations(contents) if contents is not None else ()
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        listed = []
        for category in sorted(resources):
            if category in _NOT_DRAWN:
                continue
            value = resources[category].get_object()
            if isinstance(value, DictionaryObject):
                listed += [(str(category), str(name), self(value.raw_get(name)))
                           for name in sorted(value)]
            else:
                listed.append((str(category), "", self(value)))
        annotations = self(page.raw_get("/Annots")) if "/Annots" in page else None
        settings = tuple((str(k), self(v)) for k, v in sorted(page.items())
                         if k not in _NOT_DRAWN and k not in ("/Contents", "/Resources",
                                                              "/Annots"))
        return PageDrawing(operations, tuple(listed), annotations, settings)

    def operations(self, stream: Any) -> tuple[Any, ...]:
        if not isinstance(stream, ContentStream):
            stream = ContentStream(stream, self.reader)
        out = []
        for operands, operator in stream.operations:
            if operator == b"INLINE IMAGE":
                out.append(("INLINE IMAGE", self(operands["settings"]),
                            hashlib.sha256(operands["data"]).hexdigest()))
            else:
                out.append((operator.decode("latin-1"), tuple(self(x) for x in operands)))
        return tuple(out)

    def __call__(self, obj: Any) -> Any:
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in self.memo:
                return self.memo[key]
            if key in self.active:  # a reference back into what is being read
                return ("ref",)
            self.active.add(key)
            try:
                value = self(obj.get_object())
            finally:
                self.active.discard(key)
            self.memo[key] = value
            return value
        if isinstance(obj, StreamObject):
            entries = self._entries(obj)
            if obj.get("/Subtype") == "/Form":
                return ("form", entries, self.operations(obj))
            return ("stream", entries, hashlib.sha256(_data(obj)).hexdigest())
        if isinstance(obj, DictionaryObject):
            return ("dict", self._entries(obj))
        if isinstance(obj, list | ArrayObject):
            return ("array", tuple(self(x) for x in obj))
        if isinstance(obj, BooleanObject):
            return ("bool", bool(obj))
        if isinstance(obj, int | float):
            return ("n", _number(obj))
        if isinstance(obj, TextStringObject):
            return ("s", obj.get_original_bytes())
        if isinstance(obj, bytes):
            return ("s", bytes(obj))
        if isinstance(obj, NameObject):
            return ("name", str(obj))
        if obj is None or isinstance(obj, NullObject):
            return ("null",)
        return ("other", type(obj).__name__, str(obj))

    def _entries(self, obj: DictionaryObject) -> tuple[Any, ...]:
        return tuple((str(k), self(obj.raw_get(k))) for k in sorted(obj) if k not in _NOT_DRAWN)


@functools.lru_cache(maxsize=8192)  # a page repeats its coordinates and sizes
def _number(value: int | float) -> Decimal:
    exact = Decimal(repr(value))
    try:
        return exact.quantize(_QUANTUM).normalize()
    except ArithmeticError:  # too large or not finite: compared as written
        return exact


def _data(stream: StreamObject) -> bytes:
    try:
        return stream.get_data()
    except Exception:  # noqa: BLE001 - a filter pypdf cannot decode: compare it as stored
        return b"raw:" + str(stream.get("/Filter")).encode() + b":" + stream._data
