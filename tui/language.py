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

from model.i18n import N_, _, key_word

if TYPE_CHECKING:
    from textual.dom import DOMNode


#: the words Textual itself shows (the footer's command palette key, the palette's own
#: system commands), marked here so that the catalogue translates them too
TEXTUAL_WORDS = (
    N_("palette"), N_("Open the command palette"),
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)


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
    return key_word(kind, key)
