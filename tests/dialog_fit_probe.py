"""Run in its own process (a scale factor is fixed once Qt starts): show the Rotate and Delete dialogs for an
account with a long identifier and print, as JSON, which labels got less height than they need."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication, QLabel, QWidget

from tbdesk.api.models import ServiceAccount
from tbdesk.core.usage import Usage
from tbdesk.gui.dialogs import DeleteDialog, RotateDialog

LONG = ("pipeline-very-long-name-" * 5)[:100]


def main() -> None:
    app = QApplication([])
    window = QWidget()
    window.resize(1180, 760)
    window.show()
    squeezed: dict[str, list[str]] = {}
    for name in (LONG, "ci-runner", "W" * 100):
        account = ServiceAccount(1, name, "k" * 32)
        for dialog in (RotateDialog(window, account, Usage(datetime.now(UTC), 3, 12)), DeleteDialog(window, account)):
            dialog.show()
            app.processEvents()
            cut = [
                label.objectName() or label.text()
                for label in dialog.findChildren(QLabel)
                if (label.isVisible() and label.height() < label.heightForWidth(label.width()))
                or (label.isVisible() and not label.wordWrap() and label.height() < label.sizeHint().height())
            ]
            if cut:
                squeezed[f"{type(dialog).__name__} {name[:12]}"] = cut
            dialog.close()
    print(json.dumps({"squeezed": squeezed}))


if __name__ == "__main__":
    main()
