"""Arrows point one way: tui -> storage -> model, tui -> exports -> model.

The rules are the import-linter contracts in pyproject.toml (`[tool.importlinter]`), which
`make test` runs as `lint-imports`. These tests run the same contracts, so a broken one
fails the suite, and show on a copy of the code that each kind of forbidden import (one
inside a function too) does break them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("model", "storage", "exports", "tui")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run `lint-imports` on the packages and pyproject.toml found under ``root``."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(
        [*command, "--no-cache", "--no-logo"],
        cwd=root,
        # The packages are found on sys.path: the copy's come first.
        env={"PATH": "", "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four packages and pyproject.toml, copied (sources only)."""
    root = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


# (module, the import added to it, the contract it breaks)
BREAKS = [
    ("model/errors.py", "def late():\n    import sqlalchemy  # noqa\n",
     "model is pure: no database, no terminal, no PDF"),
    ("model/usertext.py", "import reportlab  # noqa\n",
     "model is pure: no database, no terminal, no PDF"),
    ("model/errors.py", "import storage.db  # noqa\n",
     "tui above storage and exports, both above model"),
    ("exports/fonts.py", "def late():\n    from storage import db  # noqa\n",
     "tui above storage and exports, both above model"),
    ("storage/audit.py", "import exports.base  # noqa\n",
     "tui above storage and exports, both above model"),
    ("storage/outfile.py", "def late():\n    import tui.text  # noqa\n",
     "tui above storage and exports, both above model"),
    ("storage/config.py", "def late():\n    import textual  # noqa\n",
     "only tui knows about terminals"),
    ("exports/fonts.py", "from sqlalchemy.orm import Session  # noqa\n",
     "exports take model views, never a database"),
    ("exports/base.py", "def late():\n    import psycopg  # noqa\n",
     "exports take model views, never a database"),
    ("exports/render.py", "def late():\n    from tui import flags  # noqa\n",
     "tui above storage and exports, both above model"),
    ("exports/status.py", "def late():\n    import textual  # noqa\n",
     "only tui knows about terminals"),
    ("model/sheets.py", "def late():\n    from exports import base  # noqa\n",
     "tui above storage and exports, both above model"),
]


@pytest.mark.parametrize(("module", "added", "contract"), BREAKS,
                         ids=[f"{m}:{c.split(':')[0]}" for m, _, c in BREAKS])
def test_a_forbidden_import_breaks_a_contract(copy_of_the_code: Path, module: str,
                                             added: str, contract: str) -> None:
    path = copy_of_the_code / module
    kept = path.read_text(encoding="utf-8")
    try:
        path.write_text(kept + "\n\n" + added, encoding="utf-8")
        done = lint_imports(copy_of_the_code)
    finally:
        path.write_text(kept, encoding="utf-8")
    assert done.returncode == 1, done.stdout + done.stderr
    # Forbidden imports are followed through other modules, so one import may break more.
    assert f"{contract} BROKEN" in done.stdout
