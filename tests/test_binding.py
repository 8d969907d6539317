"""The Qt binding itself must not corrupt reference counts: PySide6 6.12.0 on Python 3.11 dropped a
reference to None on every void call, which crashed tbdesk ("deallocating None") within minutes."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QMimeData, QObject, QSortFilterProxyModel


# From Python 3.12 None is immortal: its count is a constant, so this check could not fail there.
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_none_alive():
    obj, mime, proxy = QObject(), QMimeData(), QSortFilterProxyModel()
    calls = [lambda: obj.setObjectName("x"), lambda: mime.setText("x"), lambda: proxy.setFilterFixedString("x")]
    for call in calls:
        call()
    before = sys.getrefcount(None)
    for _ in range(2000):
        for call in calls:
            call()
    assert sys.getrefcount(None) >= before - 50, "the Qt binding leaks references to None; pin another version"
