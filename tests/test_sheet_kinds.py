"""The registry of sheet kinds: every kind has a builder and a renderer, once each."""

from __future__ import annotations

from datetime import date

import pytest

from exports.render import RENDERERS
from model.sheet_kinds import SHEET_KINDS, SheetKind, kind_of_code
from model.sheets import KIND_CODES, KINDS, SheetRequest
from storage.sheets import BUILDERS


def test_every_kind_is_registered_once_with_a_builder_and_a_renderer() -> None:
    assert list(SHEET_KINDS) == list(SheetKind)
    assert set(BUILDERS) == set(SheetKind) == set(RENDERERS)
    assert all(info.kind is kind for kind, info in SHEET_KINDS.items())
    codes = [info.code for info in SHEET_KINDS.values()]
    assert len(set(codes)) == len(codes)
    assert KINDS == tuple(k.value for k in SheetKind)
    assert KIND_CODES == {k.value: SHEET_KINDS[k].code for k in SheetKind}


@pytest.mark.parametrize("kind", list(SheetKind))
def test_document_ids_are_read_back_for_every_kind(kind: SheetKind) -> None:
    info = SHEET_KINDS[kind]
    assert kind_of_code(info.code) is kind
    request = SheetRequest(kind.value, first=date(2026, 3, 1) if info.period else None,
                           last=date(2026, 3, 31) if info.period else None,
                           cr="CR-001" if info.cr else None,
                           as_of=date(2026, 3, 10) if info.as_of else None)
    assert request.kind is kind  # a kind's word is taken and held as the enum
    project, back = SheetRequest.parse(request.doc_id("P"))
    assert project == "P" and back == request


def test_a_word_that_is_no_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="'memo' is not a valid SheetKind"):
        SheetRequest("memo")  # type: ignore[arg-type]
    assert kind_of_code("MEMO") is None
