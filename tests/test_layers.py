"""Arrows point one way: tui -> storage -> model, tui -> exports -> model."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["model.rules", "storage.orm", "model.views",
                                     "storage.services", "storage.sowfile", "storage.demo"])
def test_no_terminal_below_the_tui(package: str) -> None:
    code = (f"import sys, {package}; "
            "bad = [m for m in ('textual', 'tui') if m in sys.modules]; "
            "print(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""


def test_model_rules_need_no_database() -> None:
    code = "import sys, model.rules; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
