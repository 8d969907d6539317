"""Item views laid out now, before their next paint, when rows first arrive.

A view puts its own layout off to its next turn, and shows or hides its scroll bars in a queued call after
that. Painted in between, new rows showed without the scroll bar they need and a frame later every column
moved by its width (QA10), and the window was painted twice.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication


def lay_out_now(*views: QAbstractItemView) -> None:
    """The window's pending layout, then each view's and its scroll bars'. Only those events: a pending paint
    sent here would show the rows before them."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    for view in views:
        view.doItemsLayout()
        QApplication.sendPostedEvents(view, QEvent.Type.MetaCall)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
