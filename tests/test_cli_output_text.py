"""What the command line prints never carries a control character: a name the user typed
(a file's, in `wrote FILE` or a refusal) is printed with each one as its symbol."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.services import Ledger
from tui.cli import main


def _url(ledger: Ledger) -> str:
    return ledger.engine.url.render_as_string(hide_password=False)


def test_a_file_name_with_escapes_is_printed_as_symbols(
        sqlite_example: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x\x1b[31m\x07.csv"
    assert main(["--db", _url(sqlite_example), "--as", "zhang.wei", "export", "summary",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.exists()  # the file is the one named, escapes and all
    assert "x\u241b[31m\u2407.csv" in printed
    assert "\x1b" not in printed and "\x07" not in printed


def test_a_refusal_naming_such_a_file_is_printed_as_symbols(
        sqlite_example: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "t\x1b]0;pwned\x07.json"
    bad.write_text('{"not": "an array"}', encoding="utf-8")
    assert main(["--db", _url(sqlite_example), "--as", "liu.yang", "import", "timew",
                 str(bad)]) == 1
    err = capsys.readouterr().err
    assert "t\u241b]0;pwned\u2407.json" in err
    assert "\x1b" not in err and "\x07" not in err
