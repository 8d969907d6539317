"""Text from the server on screen as itself, never as markup.

Qt guesses a format wherever it can: a QLabel, a tooltip or a QMessageBox whose text looks like HTML
(Qt.mightBeRichText) is rendered as rich text -- an identifier `<img width=900 height=300>` swallowed the
window. Buttons, menus and labels with a buddy read `&` as a mnemonic (and steal an Alt shortcut); window
titles read `[*]` as the "modified" marker. Every server value (identifiers, names, test fields, messages) goes
through one of these on its way to such a place.

A bidi control (U+202E RIGHT-TO-LEFT OVERRIDE and kin) reorders what follows it wherever text is painted: a
test named "report\u202eevil" read "reportlive". So every helper here shows each one as a visible U+FFFD, and
places that paint plain text anyway (a model's DisplayRole, a tree item, the status bar) still pass server
text through `text`.
"""

from __future__ import annotations

from typing import overload

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the Qt namespace's QtGui half: convertFromPlainText
from PySide6.QtWidgets import QLabel

from ..bidi import neutralise

TOOLTIP_MAX = 600  # characters: a tooltip, not a document (a server's status message can be any length)


def text(value: str) -> str:
    """`value` with no bidi control left to reorder it (each shown as U+FFFD): for any place that paints
    plain text already -- a model's DisplayRole, a QLabel set to PlainText, a tree item, the status bar."""
    return neutralise(value)


def label(widget: QLabel, value: str) -> None:
    """Show `value` in a label as plain text (a label with a buddy keeps `&` literal too)."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(mnemonic(value) if widget.buddy() is not None else text(value))


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
    return GuiQt.convertFromPlainText(_neutral(text), Qt.WhiteSpaceMode.WhiteSpaceNormal)


def short(text: str, limit: int = 32) -> str:
    """A server value cut to `limit` characters for a place of fixed room (a button, the status bar): a
    100-character identifier would otherwise push everything else aside. The full value stays in its cell.
    Cut in the middle: names alike differ at their end ("…-eu-west-1", "…-us-east-2"; QA16), and their start
    is what the admin types to find them."""
    text = _neutral(text)
    if len(text) <= limit:
        return text
    tail = (limit - 1) // 2
    return text[: limit - 1 - tail] + "…" + (text[-tail:] if tail else "")


def quoted(text: str, limit: int = 24) -> str:
    """A name inside a status-bar message, in quotes and cut to `limit`: the message shares the bar with
    the permanent sections, and a 100-character identifier (or two, in "Renamed … to …") pushed the end of
    the sentence out of sight."""
    return f"“{short(text, limit)}”"


def mnemonic(text: str) -> str:
    """For a button, menu item, action or buddy label: every `&` shown as itself, none a shortcut."""
    return _neutral(text).replace("&", "&&")


def title(text: str) -> str:
    """For a window title: `[*]` shown as itself (two in a row are how Qt spells one literal)."""
    return _neutral(text).replace("[*]", "[*][*]")


_neutral = text  # the helpers above take a parameter named `text`
