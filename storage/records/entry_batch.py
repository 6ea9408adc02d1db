"""An import's entries in the audit log: one row per batch of entries, not one per entry.

A row of entity :data:`ENTITY` (action ``import``, ref ``FIRST..LAST``, the batch's
smallest and largest entry id) states every entry of its batch, each exactly as a
``log`` row's ``after`` states one (:func:`storage.records.entry_json`'s canonical text),
in id order::

    {"count":N,"first":FIRST,"last":LAST,"rows":[RECORD,
    RECORD,
    ...]}

valid JSON (sorted keys), the records separated by ``",\\n"``: a canonical record holds no
raw line break (JSON writes one inside a text as ``\\n``), so the records are split
without parsing them, and an entry's id is read from its own text (``,"id":N,``: a text
inside a record cannot hold an unescaped quote, so nothing else reads so). The row is
hash-chained like any other: an entry edited, added or removed behind the program's back
is named by ``verify`` as before (storage.records.entry_stream), and the import costs one
audit row and one hash per batch instead of one per entry.

This module alone writes and reads the form."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

ENTITY = "entries"
ACTION = "import"
_SEPARATOR = ",\n"
_ROWS = ',"rows":['
_ID = ',"id":'


def batch_ref(first: int, last: int) -> str:
    return f"{first}..{last}"


def batch_after(first: int, last: int, records: Sequence[str]) -> str:
    """The ``after`` of a batch's row: ``records`` (canonical entry texts, in id order)."""
    return (f'{{"count":{len(records)},"first":{first},"last":{last}{_ROWS}'
            + _SEPARATOR.join(records) + "]}")


def batch_range(ref: Any) -> tuple[int, int] | None:
    """(first, last) of a batch row's ref, or None when it is not one."""
    if type(ref) is not str:
        return None
    first, dots, last = ref.partition("..")
    if not dots or not first.isdigit() or not last.isdigit():
        return None
    return int(first), int(last)


def batch_summary(after: Any) -> dict[str, Any]:
    """The count, first and last id a batch row states (read from its head alone: the
    records are not parsed); {} when the text is not a batch's."""
    if type(after) is not str or not after.startswith('{"count":'):
        return {}
    cut = after.find(_ROWS)
    try:
        head = json.loads(after[:cut] + "}") if cut > 0 else None
    except ValueError:
        return {}
    return head if isinstance(head, dict) else {}


def batch_records(after: Any) -> Iterator[tuple[str, str]]:
    """(ref, record text) of every entry a batch row states, in its order. A text that is
    not a batch's states nothing (the chain check names an edited row; its entries are
    then named as not in the audit log); a record whose id cannot be read is skipped."""
    if type(after) is not str or not after.endswith("]}"):
        return
    cut = after.find(_ROWS)
    if cut < 0:
        return
    body = after[cut + len(_ROWS):-2]
    if not body:
        return
    find = str.find
    for record in body.split(_SEPARATOR):
        at = find(record, _ID)
        if at < 0:
            continue
        at += len(_ID)
        end = find(record, ",", at)
        ref = record[at:end]
        if ref.isdigit():
            yield ref, record


def batch_record(after: Any, ref: str) -> str | None:
    """The record of entry ``ref`` in a batch row, or None when the batch has none."""
    if type(after) is not str or f'{_ID}{ref},' not in after:
        return None
    for r, record in batch_records(after):
        if r == ref:
            return record
    return None
