"""Render tbdesk offscreen against an in-process sandbox and save PNGs (README screenshots, visual checks).

QT_QPA_PLATFORM=offscreen python packaging/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tbdesk.app import Options, TbDesk
from tbdesk.credentials import CredentialStore
from tbdesk.gui.dialogs import RotateDialog
from tbdesk.gui.models import AccountCol
from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.seed import seed


async def until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)


async def shoot(out: Path, dark: bool) -> None:
    store = Store(":memory:")
    seed(store, 1)
    owner = store.owner()
    os.environ["TESTINGBOT_KEY"], os.environ["TESTINGBOT_SECRET"] = owner["key"], owner["secret"]
    tmp = Path(tempfile.mkdtemp())
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    desk = TbDesk(
        Options(api_url="http://127.0.0.1/v1"),
        CredentialStore(tmp, backend=None),
        settings,
        transport=httpx.ASGITransport(app=create_app(store)),
    )
    await desk.start()
    await until(lambda: desk.accounts.usage_loaded)
    desk.window.resize(1280, 780)
    desk.select_account(desk.accounts.accounts()[0].id)
    ci = next(a for a in desk.accounts.accounts() if a.identifier == "ci-runner")
    desk.select_account(ci.id)
    desk.credentials.reveal(ci, AccountCol.KEY)
    await asyncio.sleep(0.2)
    suffix = "-dark" if dark else ""
    desk.window.grab().save(str(out / f"main-window{suffix}.png"))
    dialog = RotateDialog(desk.window, ci, desk.accounts.usage(ci.id))
    dialog.show()
    await asyncio.sleep(0.2)
    dialog.grab().save(str(out / f"rotate-dialog{suffix}.png"))
    dialog.close()
    desk.window.close()
    await until(desk.closed.is_set)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    if "--dark" in sys.argv:
        app.styleHints().setColorScheme(app.styleHints().colorScheme().Dark)
    loop = qasync.QEventLoop(app)
    with loop:
        loop.run_until_complete(shoot(out, "--dark" in sys.argv))
    print(f"saved to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
