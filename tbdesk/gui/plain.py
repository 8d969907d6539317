"""Text from the server on screen as itself, never as markup.

Qt guesses a format wherever it can: a QLabel, a tooltip or a QMessageBox whose text looks like HTML
(Qt.mightBeRichText) is rendered as rich text -- an identifier `<img width=900 height=300>` swallowed the
window. Buttons, menus and labels with a buddy read `&` as a mnemonic (and steal an Alt shortcut); window
titles read `[*]` as the "modified" marker. Every server value (identifiers, names, test fields, messages)
goes through one of these on its way to such a place. Item views, QLineEdit, QComboBox items and
QStatusBar.showMessage always paint plain text and need none of them.
"""

from __future__ import annotations

from typing import overload

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the Qt namespace's QtGui half: convertFromPlainText
from PySide6.QtWidgets import QLabel

TOOLTIP_MAX = 600  # characters: a tooltip, not a document (a server's status message can be any length)


def label(widget: QLabel, text: str) -> None:
    """Show `text` in a label as plain text (a label with a buddy keeps `&` literal too)."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(mnemonic(text) if widget.buddy() is not None else text)


@overload
def tooltip(text: str) -> str: ...
@overload
def tooltip(text: None) -> None: ...
def tooltip(text: str | None) -> str | None:
    """A tooltip that shows `text` literally: escaped rich text, since Qt would guess a plain one's format."""
    if not text:
        return text
    if len(text) > TOOLTIP_MAX:
        text = text[: TOOLTIP_MAX - 1] + "…"
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def short(text: str, limit: int = 32) -> str:
    """A server value cut to `limit` characters for a place of fixed room (a button, the status bar): a
    100-character identifier would otherwise push everything else aside. The full value stays in its cell."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mnemonic(text: str) -> str:
    """For a button, menu item, action or buddy label: every `&` shown as itself, none a shortcut."""
    return text.replace("&", "&&")


def title(text: str) -> str:
    """For a window title: `[*]` shown as itself (two in a row are how Qt spells one literal)."""
    return text.replace("[*]", "[*][*]")
