"""Run in a child process with a chosen screen (offscreen configfile) and QT_SCALE_FACTOR: builds the real
window as the app does, at its default size, and prints what a user would see, as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tbdesk.api.models import ServiceAccount
from tbdesk.app import Options, TbDesk
from tbdesk.credentials import CredentialStore
from tbdesk.gui import sizes
from tbdesk.gui.handover import HandoverPanel, Pair
from tbdesk.gui.models import TestCol


def main() -> None:
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    desk = TbDesk(
        Options(api_url=None),
        CredentialStore(tmp / "config", backend=None),
        QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat),
    )
    w = desk.window
    w.restore_layout()
    w.show()
    w.accounts_view.show()  # the table, not the "no accounts" page, is what the widths are for
    w.accounts_stack.setCurrentWidget(w.accounts_view)
    app.processEvents()
    room = w.screen().availableGeometry()
    default = [w.width(), w.height()]
    w.resize(min(1600, room.width()), w.height())  # wider than the default: the name column takes the room
    app.processEvents()
    tests = w.tests_view.horizontalHeader()
    wide = {"name": tests.sectionSize(0), "duration": tests.sectionSize(TestCol.DURATION), "width": w.width()}
    w.resize(*default)
    app.processEvents()
    accounts_fit = sizes.columns_fit(w.accounts_view)
    # A team with more accounts than the table shows at once: its vertical scroll bar takes room too.
    desk.accounts.set_accounts(
        [ServiceAccount(id=i, identifier=f"pipeline-{i:03d}", key=f"{i:032x}") for i in range(1, 80)]
    )
    w.accounts_stack.setCurrentWidget(w.accounts_view)  # signed out, the panel shows its notice instead
    app.processEvents()
    scrolled_fit = sizes.columns_fit(w.accounts_view) and w.accounts_view.verticalScrollBar().isVisible()
    # The hand-over dialog, as it opens after Add or Rotate.
    panel = HandoverPanel(
        w, [Pair("ci-runner", "k" * 32, "s" * 32)], "https://api.testingbot.com/v1", desk.clipboard, rotated=False
    )
    panel.show()
    app.processEvents()
    handover = [panel.width(), panel.height()]
    panel.close()
    print(
        json.dumps(
            {
                "screen": [room.width(), room.height()],
                "window": [w.width(), w.height()],
                "minimum": [w.minimumSizeHint().width(), w.minimumSizeHint().height()],
                "handover": handover,
                "accounts_fit": accounts_fit,
                "accounts_fit_scrolling": scrolled_fit,
                "tests_fit": sizes.columns_fit(w.tests_view),
                "accounts_viewport": w.accounts_view.viewport().width(),
                "key_width": w.accounts_view.horizontalHeader().sectionSize(1),
                "wide": wide,
            }
        )
    )


if __name__ == "__main__":
    main()
