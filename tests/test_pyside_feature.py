"""gui/pyside_feature.py answers PySide6's "does this module use PySide6?" from the file's bytes. PySide6
must record the same answer for every module as with its own check, or its __feature__ switching changes."""

from __future__ import annotations

from helpers.processes import run_probe

PROBE = """
import sys
if QT_FIRST:
    import PySide6.QtCore
else:  # tbdesk.gui imported before anything else has imported PySide6
    import tbdesk.gui
feature = sys.modules["shibokensupport.feature"]
own = feature._mod_uses_pyside
if OWN:
    def keep(module):
        return own(module)
    keep.__module__ = "tbdesk.gui.pyside_feature"  # install() takes it as already done
    feature._mod_uses_pyside = keep
import tbdesk.gui.views  # what the first frame imports
import json, logging.handlers, tbdesk.gui.dialogs
print("CHEAP", not OWN and feature._mod_uses_pyside.__qualname__ == "install.<locals>._mod_uses_pyside")
print("RECORDED", sorted(feature.pyside_feature_dict.items()))
"""


def recorded(own: bool, qt_first: bool = True) -> dict[str, object]:
    found = run_probe(f"OWN = {own}\nQT_FIRST = {qt_first}\n{PROBE}")
    assert "RECORDED" in found, found
    return found


def test_pyside_records_the_same_modules_as_using_it() -> None:
    cheap, own = recorded(own=False), recorded(own=True)
    assert cheap["CHEAP"] is True
    assert cheap["RECORDED"] == own["RECORDED"]
    answers = dict(own["RECORDED"])  # type: ignore[arg-type]
    # 0: uses PySide6 (its feature switching applies); -1: ignored.
    assert answers["tbdesk.gui.icons"] == 0 and answers["tbdesk.core.activity"] == -1 and answers["json"] == -1


def test_installed_when_tbdesk_gui_is_imported_before_pyside6() -> None:
    assert recorded(own=False, qt_first=False)["CHEAP"] is True
