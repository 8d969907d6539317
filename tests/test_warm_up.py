"""gui/warm_up.py: the first paint of the accounts with their rows makes no PySide6 types and parses no SVG.

Both are one-time costs that sat inside the longest stall of signing in (issue #16). Each case runs in a fresh
Python: this one made those types and parsed those icons long ago. Without the warm-up the same paint does
make them, so the probe can tell the difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.processes import run_probe

PROBE = """
import enum
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tbdesk.api.models import ServiceAccount
from tbdesk.gui.views import Shell
shell = Shell(QSettings())
window = shell.window
window.resize(1100, 700)
window.show()
window.repaint()  # the first frame: empty tables, as start-up paints it
app.processEvents()
if WARM:  # as tbdesk.app does: the import behind the window, the icons before signing in has an answer
    from tbdesk.gui import warm_up
    warm_up.row_icons()
made, parsed = [], []
EnumType = type(enum.Enum)
make_enum = EnumType.__new__
def counting(mcls, name, bases, namespace, **kwargs):
    made.append(name)
    return make_enum(mcls, name, bases, namespace, **kwargs)
EnumType.__new__ = counting
import tbdesk.gui.icons as icons
Renderer = icons.QSvgRenderer
def parsing(data):
    parsed.append(1)
    return Renderer(data)
icons.QSvgRenderer = parsing
# Signed in: the first page of accounts, the first one selected, the actions on.
shell.accounts.set_accounts([ServiceAccount(i, f"pipeline-{i:03}", f"{i:032x}") for i in range(1, 40)])
window.show_empty(False)
window.accounts_view.setCurrentIndex(shell.accounts_proxy.index(0, 0))
window.repaint()
app.processEvents()
print("TYPES", made)
print("PARSED", len(parsed))
"""


@pytest.mark.parametrize("warm", [True, False])
def test_the_first_rows_paint_makes_no_types_and_parses_no_icons(warm: bool, tmp_path: Path) -> None:
    found = run_probe(f"WARM = {warm}\n{PROBE}", env={"HOME": str(tmp_path)})
    if warm:
        assert found["TYPES"] == [] and found["PARSED"] == 0
    else:  # what the warm-up takes out of that paint (the style options' types are made with the empty
        # tables' scroll bars, drawn through the focus style, in the first frames)
        assert found["PARSED"] > 0  # type: ignore[operator]
