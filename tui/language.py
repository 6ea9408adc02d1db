"""The app in the language spoken now (model.i18n): its key bindings' descriptions.

A class's ``BINDINGS`` are made once, when the module is imported, in English (each
description marked with ``N_``); every screen and the app copy them when they are
made (Textual's per-instance ``_bindings``). :func:`translate_bindings` turns that
copy into the language chosen when the app opened (``Ledger.speak``), so the footer
and the help screen speak it; a class's own ``BINDINGS`` stay English for the next app.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from model.i18n import _

if TYPE_CHECKING:
    from textual.dom import DOMNode


def translate_bindings(node: DOMNode) -> None:
    """Describe ``node``'s key bindings in the language spoken now."""
    keys = node._bindings.key_to_bindings
    for key, bindings in keys.items():
        keys[key] = [replace(b, description=_(b.description) if b.description else "",
                             tooltip=_(b.tooltip) if b.tooltip else "")
                     for b in bindings]
