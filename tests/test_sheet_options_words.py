"""A sheet's options refused by field (tui.sheets.sheet_request): the command line words
each with its flag, the Exports view with its form's label, from the same refusal."""

import pytest

from model.errors import FieldError
from tui.cli import build_parser
from tui.flags import flag_namer
from tui.sheets import SheetOptions, sheet_request
from tui.text import refusal
from tui.widgets.sheet_export import EXPORT_LABELS


@pytest.mark.parametrize("options, flagged, labelled", [
    (SheetOptions("timesheet", first="2026-10-01"),
     "--from/--to: a timesheet needs its period", "From/To: a timesheet needs its period"),
    (SheetOptions("timesheet", first="2026-10-32", last="2026-10-31"),
     "--from: '2026-10-32' is not a date (YYYY-MM-DD)",
     "From: '2026-10-32' is not a date (YYYY-MM-DD)"),
    (SheetOptions("timesheet", first="2026-10-31", last="2026-10-01"),
     "--to: 2026-10-01 is before --from 2026-10-31",
     "To: 2026-10-01 is before From 2026-10-31"),
    (SheetOptions("timesheet", first="2026-10-01", last="2026-10-31", person="liu.yang",
                  per_person=True),
     "--per-person: not with --person (one sheet for one person)",
     "One file per person: not with Person (one sheet for one person)"),
    (SheetOptions("cr"), "--cr: which change request? (e.g. CR-001)",
     "Change request: which change request? (e.g. CR-001)"),
    (SheetOptions("status", as_of="soon"), "--as-of: 'soon' is not a date (YYYY-MM-DD)",
     "As of: 'soon' is not a date (YYYY-MM-DD)"),
    (SheetOptions("cr", cr="CR-001", lang="fr"), "--lang: 'fr' is not one of zh, en",
     "Language: 'fr' is not one of zh, en"),
    (SheetOptions("plan", person="liu.yang"),
     "--person: does not apply to `export plan` (only to timesheet)",
     "Person: does not apply to `export plan` (only to timesheet)"),
])
def test_a_refused_option_is_worded_by_flag_and_by_label(options: SheetOptions, flagged: str,
                                                         labelled: str) -> None:
    export = build_parser().parse_args(["export", "plan", "--out", "x.pdf"]).command_parser
    with pytest.raises(FieldError) as caught:
        sheet_request(options)
    assert caught.value.worded(flag_namer(export)) == flagged
    assert refusal(caught.value, EXPORT_LABELS) == labelled
