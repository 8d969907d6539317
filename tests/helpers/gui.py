"""Driving the real window on a qasync loop: a per-test loop, a built app, and waiting helpers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication

from tbdesk.api import ServiceAccount
from tbdesk.app import Options, TbDesk
from tbdesk.core.waiting import StallWatch, until
from tbdesk.credentials import CredentialStore
from tbdesk.gui.delegates import CredentialDelegate

from helpers.sandbox import Sandbox

__all__ = ["Harness", "StallWatch", "cell_center", "click", "row_of", "until"]


class Harness:
    def __init__(self, loop: asyncio.AbstractEventLoop, tmp: Path, monkeypatch: Any) -> None:
        self.loop = loop
        self.tmp = tmp
        self.monkeypatch = monkeypatch
        self.desks: list[TbDesk] = []

    def run(self, coro: Awaitable[Any], timeout: float = 60.0) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def desk(
        self,
        sb: Sandbox | None,
        *,
        key: str | None = None,
        secret: str | None = None,
        store: CredentialStore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> TbDesk:
        """A TbDesk pointed at `sb`, signed in from the environment with `key`/`secret` (default: owner)."""
        if sb is not None and key is not False:
            self.monkeypatch.setenv("TESTINGBOT_KEY", key or sb.key)
            self.monkeypatch.setenv("TESTINGBOT_SECRET", secret or sb.secret)
        else:
            for name in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET"):
                self.monkeypatch.delenv(name, raising=False)
        self.monkeypatch.setenv("HOME", str(self.tmp))  # no ~/.testingbot of the developer's
        settings = QSettings(str(self.tmp / "settings.ini"), QSettings.Format.IniFormat)
        desk = TbDesk(
            Options(api_url=sb.url if sb else None, **options),
            store or CredentialStore(self.tmp / "config", backend=None),
            settings,
            transport=transport or (sb.transport if sb else None),
        )
        self.desks.append(desk)
        return desk

    def start(self, desk: TbDesk) -> TbDesk:
        self.run(desk.start())
        self.run(until(desk.loaded.is_set, what="first screen"))
        return desk

    def close_all(self) -> None:
        for desk in self.desks:
            if desk.window.isVisible():
                desk.window.close()
                self.run(until(desk.closed.is_set, what="shutdown"))
            desk.window.deleteLater()
            desk.deleteLater()
        self.desks.clear()
        # Delete Qt objects here, on the GUI thread: left to the garbage collector they may be finalised on
        # a worker thread of a later test, where Qt refuses to stop their timers.
        QApplication.sendPostedEvents(None, 0)
        gc.collect()
        QApplication.processEvents()


def row_of(desk: TbDesk, identifier: str) -> ServiceAccount | None:
    return next((a for a in desk.accounts.accounts() if a.identifier == identifier), None)


def cell_center(desk: TbDesk, account_id: int, col: int, button: str | None = None) -> QPoint:
    """Where to click in the accounts view: a cell, or its eye/copy button."""
    row = desk.accounts.row_of(account_id)
    index = desk.accounts_proxy.mapFromSource(desk.accounts.index(row, col))
    view = desk.window.accounts_view
    view.scrollTo(index)
    rect = view.visualRect(index)
    if button is None:
        return rect.center()
    eye, copy = CredentialDelegate.button_rects(rect)
    return (eye if button == "eye" else copy).center()


def click(qtbot: Any, widget: Any, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos) if pos is not None else qtbot.mouseClick(
        widget, Qt.MouseButton.LeftButton
    )
