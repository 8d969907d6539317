"""Render tbdesk offscreen against an in-process sandbox and save PNGs (README screenshots, visual checks).

QT_QPA_PLATFORM=offscreen python packaging/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

if "QT_QPA_PLATFORM" not in os.environ:
    # A 1920 x 1080 screen (offscreen's own is 800 x 800): the window opens at its real default size, which
    # follows the screen (and QT_SCALE_FACTOR) as it does on a desktop.
    _screen = Path(tempfile.mkdtemp()) / "screen.json"
    _screen.write_text('{"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080}]}')
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

import httpx
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from tbdesk.app import Options, TbDesk
from tbdesk.core.waiting import until
from tbdesk.credentials import CredentialStore
from tbdesk.gui.dialogs import RotateDialog
from tbdesk.gui.models import AccountCol
from tbdesk.gui.sizes import default_size
from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.seed import seed


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
        transport=(flaky := _FlakyRotations(httpx.ASGITransport(app=create_app(store)))),
    )
    await desk.start()
    await until(lambda: desk.accounts.usage_loaded)
    desk.window.resize(default_size(desk.window))  # what a first start shows
    desk.select_account(desk.accounts.accounts()[0].id)
    ci = next(a for a in desk.accounts.accounts() if a.identifier == "ci-runner")
    desk.select_account(ci.id)
    desk.credentials.reveal(ci, AccountCol.KEY)
    await asyncio.sleep(0.2)
    suffix = ("-dark" if dark else "") + ("-2x" if os.environ.get("QT_SCALE_FACTOR") == "2" else "")
    if WINDOW_ONLY:
        await window_shots(desk, store, out, suffix)
        desk.window.close()
        await until(desk.closed.is_set)
        return
    if not ACTIVITY_ONLY:
        desk.window.grab().save(str(out / f"main-window{suffix}.png"))
        dialog = RotateDialog(desk.window, ci, desk.accounts.usage(ci.id))
        dialog.show()
        await asyncio.sleep(0.2)
        dialog.grab().save(str(out / f"rotate-dialog{suffix}.png"))
        dialog.close()
    await activity_shots(desk, out, suffix)
    if not dark and not ACTIVITY_ONLY:
        await window_shots(desk, store, out, suffix)
    if not dark and not ACTIVITY_ONLY:
        await lifecycle_shots(desk, out, flaky)
    desk.window.close()
    await until(desk.closed.is_set)


async def activity_shots(desk: TbDesk, out: Path, suffix: str) -> None:
    """The sparkline column and the Activity tab, then the tests filtered and ready to export (issue #14);
    at the default size, and small (820 x 560) when not scaled."""
    w = desk.window
    desk.accounts.hide_all()  # the key revealed for main-window.png
    await until(lambda: desk.accounts.sparks_loaded)
    w.accounts_view.sortByColumn(AccountCol.IDENTIFIER, Qt.SortOrder.AscendingOrder)
    ci = next(a for a in desk.accounts.accounts() if a.identifier == "ci-runner")
    desk.select_account(ci.id)
    w.lower_tabs.setCurrentWidget(w.activity_tab)
    await until(lambda: w.activity_panel.title.text() == "ci-runner")
    await asyncio.sleep(0.2)
    w.grab().save(str(out / f"activity{suffix}.png"))
    if "-2x" not in suffix:
        size = w.size()
        w.resize(820, 560)
        await asyncio.sleep(0.2)
        w.grab().save(str(out / f"activity-small{suffix}.png"))
        w.resize(size)
    w.lower_tabs.setCurrentWidget(w.tests_tab)
    desk.presenter.started_by.show_account(ci.id)
    w.result_combo.setCurrentIndex(w.result_combo.findData("passed"))
    await asyncio.sleep(0.2)
    w.grab().save(str(out / f"tests-filtered{suffix}.png"))
    desk.presenter.clear_test_filters()


async def window_shots(desk: TbDesk, store: Store, out: Path, suffix: str) -> None:
    """Issue #12: the main window at its default size and small, a test's details, the delete dialog with
    the identifier typed, and a member's read-only window."""
    from tbdesk.gui.dialogs import DeleteDialog, TestDetailsDialog
    from tbdesk.gui.models import ROW_ROLE

    w = desk.window
    desk.accounts.hide_all()
    w.accounts_view.sortByColumn(AccountCol.IDENTIFIER, Qt.SortOrder.AscendingOrder)
    ci = next(a for a in desk.accounts.accounts() if a.identifier == "ci-runner")
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    w.resize(default_size(w))
    await asyncio.sleep(0.2)
    w.grab().save(str(out / f"main-window{suffix}.png"))
    if "-2x" not in suffix:
        size = w.size()
        w.resize(820, 560)
        await asyncio.sleep(0.2)
        w.grab().save(str(out / "main-window-small.png"))
        w.resize(size)
    proxy = desk.tests_proxy
    row = next(
        r
        for r in range(proxy.rowCount())
        if (t := proxy.index(r, 0).data(ROW_ROLE)).started_by and t.started_by.is_service_account and t.duration
    )
    details = TestDetailsDialog(w, proxy.index(row, 0).data(ROW_ROLE))
    details.show()
    await asyncio.sleep(0.2)
    details.grab().save(str(out / f"test-details{suffix}.png"))
    details.close()
    delete = DeleteDialog(w, ci, desk.accounts.usage(ci.id))
    delete.show()
    delete.confirm.setText(ci.identifier)
    await asyncio.sleep(0.2)
    delete.grab().save(str(out / f"delete-dialog{suffix}.png"))
    delete.close()
    await member_shot(store, out, suffix)


async def member_shot(store: Store, out: Path, suffix: str) -> None:
    member = next(u for u in store._all("SELECT id FROM users WHERE role = 'member' ORDER BY id"))
    pair = store.reset_user_keys(member["id"])
    os.environ["TESTINGBOT_KEY"], os.environ["TESTINGBOT_SECRET"] = pair["key"], pair["secret"]
    tmp = Path(tempfile.mkdtemp())
    desk = TbDesk(
        Options(api_url="http://127.0.0.1/v1"),
        CredentialStore(tmp, backend=None),
        QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat),
        transport=httpx.ASGITransport(app=create_app(store)),
    )
    await desk.start()
    await until(lambda: not desk.runner.busy)
    desk.window.resize(default_size(desk.window))
    await asyncio.sleep(0.2)
    desk.window.grab().save(str(out / f"member-view{suffix}.png"))
    desk.window.close()
    await until(desk.closed.is_set)


class _FlakyRotations(httpx.AsyncBaseTransport):
    """For the bulk-rotation picture: one rotation refused, one whose answer is lost after it was applied."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.refuse, self.lose = inner, -1, -1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(f"/{self.refuse}/reset-keys"):
            return httpx.Response(403, json={"message": "Rotation is locked for this account by a team policy."})
        if request.method == "POST" and request.url.path.endswith(f"/{self.lose}/reset-keys"):
            await self.inner.handle_async_request(request)
            raise httpx.ReadTimeout("answer lost", request=request)
        return await self.inner.handle_async_request(request)


async def lifecycle_shots(desk: TbDesk, out: Path, flaky: _FlakyRotations) -> None:
    """The key-age column, the hand-over panel and a bulk rotation's result (issue #13)."""
    from tbdesk.gui.bulk_rotate import BulkRotateDialog
    from tbdesk.gui.handover import HandoverPanel

    w = desk.window
    w.resize(1480, 640)  # wide enough for every account column
    w.accounts_view.sortByColumn(AccountCol.KEY_AGE, Qt.SortOrder.DescendingOrder)
    w.accounts_view.clearSelection()
    desk.accounts.hide_all()
    await asyncio.sleep(0.2)
    w.grab().save(str(out / "key-age.png"))

    by_name = {a.identifier: a for a in desk.accounts.accounts()}
    due = [a for a in desk.accounts.accounts() if desk.accounts.past_policy(a)]
    flaky.refuse, flaky.lose = by_name["jenkins-mobile"].id, by_name["nightly-regression"].id
    desk.lifecycle.rotate_due()
    await until(lambda: isinstance(getattr(desk, "dialog", None), BulkRotateDialog))
    bulk = desk.dialog
    await asyncio.sleep(0.1)
    bulk.ok.click()
    await until(lambda: bulk.state.value == "done", 20)
    await asyncio.sleep(0.2)
    bulk.grab().save(str(out / "bulk-rotation.png"))
    assert len(bulk.results) == len(due)
    bulk.handover.click()
    await until(lambda: isinstance(desk.lifecycle.panel, HandoverPanel))
    panel = desk.lifecycle.panel
    panel.form_buttons["github"].click()
    await asyncio.sleep(0.2)
    panel.grab().save(str(out / "handover-panel.png"))
    panel.close()
    bulk.reject()


def dark_palette() -> QPalette:
    """The offscreen platform has no system theme to follow: a dark palette like a desktop's, on Fusion."""
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2e"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1e1e20"),
        (QPalette.ColorRole.AlternateBase, "#262629"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#35353a"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#3d6fb6"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9aa0"),
        (QPalette.ColorRole.Link, "#6fa8ff"),
        (QPalette.ColorRole.ToolTipBase, "#35353a"),
        (QPalette.ColorRole.ToolTipText, "#e8e8e8"),
    ):
        palette.setColor(role, QColor(color))
    return palette


WINDOW_ONLY = "--window-only" in sys.argv  # only the pictures of issue #12 (any scale factor)
ACTIVITY_ONLY = "--activity-only" in sys.argv  # with QT_SCALE_FACTOR=2: the Activity pictures at 2x


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    if "--dark" in sys.argv:
        app.styleHints().setColorScheme(app.styleHints().colorScheme().Dark)
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    loop = qasync.QEventLoop(app)
    with loop:
        loop.run_until_complete(shoot(out, "--dark" in sys.argv))
    print(f"saved to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
