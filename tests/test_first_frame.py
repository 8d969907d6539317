"""The main window's first frame (issue #16): Qt builds it from ui/main_window.ui before the rest of the window
exists (gui/first_frame.py), and what it shows is the finished window, pixel for pixel, in the layout the
admin left it in. The rest is added to that same window once it is on screen (gui/window_setup.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QToolBar

from tbdesk.gui.views import Shell
from tbdesk.gui.window import MainWindow
from tbdesk.startup import paint_first


def test_the_first_frame_is_the_finished_window_in_the_layout_it_was_left_in(qapp, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    # A first start: nothing remembered, so the window is finished (its columns measured) before it shows.
    window, shell = paint_first(settings)
    qtbot.addWidget(window)
    assert shell is not None
    header = window.accounts_view.horizontalHeader()
    header.resizeSection(0, header.sectionSize(0) + 60)  # the admin widens the name column
    window.splitter.setSizes([200, 520])  # and gives the tests more room
    widened, split = header.sectionSize(0), window.splitter.sizes()
    window.close()  # remembered as it closes

    # The next start: the form first, the rest of the window once that frame is on screen.
    window, shell = paint_first(settings)
    qtbot.addWidget(window)
    assert shell is None
    assert isinstance(window, MainWindow) and window.isVisible()
    assert window.accounts_view.horizontalHeader().sectionSize(0) == widened
    assert window.splitter.sizes() == split
    first = window.grab().toImage()

    shell = Shell(settings, window)
    assert shell.window is window  # finished in place: the same window, not a second one
    assert window.accounts_view.model() is shell.accounts_proxy
    finished = window.grab().toImage()
    assert first == finished, "the window changed after its first frame"
    assert window.accounts_view.horizontalHeader().sectionSize(0) == widened


def test_the_toolbar_s_buttons_act_with_their_keys_once_the_window_is_finished(qapp, qtbot, tmp_path):
    """The form's toolbar buttons stand in for the first frame; the finished window's actions take their place,
    with their keys, tips and menus, off until someone has signed in."""
    shell = Shell(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = shell.window
    qtbot.addWidget(window)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    buttons = [a for a in toolbar.actions() if not a.isSeparator()]
    assert buttons == [window.add_action, window.edit_action, window.rotate_action, window.delete_action,
                       window.refresh_action]  # fmt: skip
    assert [a.text() for a in buttons] == ["&Add…", "Re&name…", "&Rotate access key…", "&Delete…", "Re&fresh"]
    assert window.add_action.shortcut().toString() == "Ctrl+N" and "(Ctrl+N)" in window.add_action.toolTip()
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.add_action in window.account_menu.actions()
    assert not any(a.isEnabled() for a in buttons)
