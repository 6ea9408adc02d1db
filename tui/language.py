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

from model.i18n import _, language, word

if TYPE_CHECKING:
    from textual.dom import DOMNode


def translate_bindings(node: DOMNode) -> None:
    """Describe ``node``'s key bindings in the language spoken now."""
    keys = node._bindings.key_to_bindings
    for key, bindings in keys.items():
        keys[key] = [replace(b, description=_(b.description) if b.description else "",
                             tooltip=_(b.tooltip) if b.tooltip else "")
                     for b in bindings]


def said(kind: str, key: str) -> str:
    """A key of the ledger's vocabulary (``in_progress``, ``vendor``…) as the app's
    tables and lists show it: the key itself in English (as it always read, and what
    the forms take), the word (model.i18n.word) in any other language."""
    return key if language() == "en" else word(kind, key)
