"""The main window's first frame, made by Qt from ui/main_window.ui with next to no Python (issue #16).

The form is the whole window: menus, toolbar, both tables, every filter, the status bar. QUiLoader builds it
in C++; Python only names the parts the frame needs, sets what depends on the font and the palette (the
toolbar's icons, the title's size, the filter box's width) and restores the remembered layout. The tables
get their column titles from stand-in models until the real ones are set (gui/views.py). No module that
makes Qt's namespace (~95 Python enums) or QStyle's is imported before that frame; gui/window_setup.py does
the rest afterwards.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QAction, QFont, QIcon, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QTableView, QToolBar, QWidget

from ..paths import resource
from .columns import ACCOUNT_HEADERS, TEST_HEADERS
from .fit import default_size
from .forms import child, load_form, plain_loader
from .icons import icon
from .window import MainWindow

TOOLBAR_ICONS = {
    "add_action": "add",
    "edit_action": "edit",
    "rotate_action": "rotate",
    "delete_action": "delete",
    "refresh_action": "refresh",
}
# The columns as they were left; without them the window is finished before its first frame (their default
# widths are measured with QStyle). The window's size and the splitter have defaults the form can show.
REMEMBERED = ("accounts/header", "tests/header")


def still_icon(name: str, size: QSize, scale: float) -> QIcon:
    """The toolbar's icon drawn once, at its size: Qt derives its greyed look (the actions are off until signed
    in) in C++, where icons.py's engine asks QStyle from Python (QStyle's enums: ~3 ms). window_setup puts
    the live icon in its place, drawn alike."""
    return QIcon(icon(name).pixmap(size, scale))


def app_icon() -> QIcon:
    return QIcon(str(resource("tbdesk.svg")))


def remembered(settings: QSettings) -> bool:
    """Whether the window's layout was saved: its first frame can then come before window_setup.finish."""
    return all(settings.contains(key) for key in REMEMBERED)


def load_window(settings: QSettings) -> MainWindow:
    """The main window as ui/main_window.ui has it, with its remembered layout (not shown yet)."""
    window = load_form("main_window.ui", loader=plain_loader(MainWindow))  # its top-level is tbdesk's class
    if not isinstance(window, MainWindow):
        raise RuntimeError(f"ui/main_window.ui made a {type(window).__name__}, not a MainWindow")
    window.settings = settings
    c = window.content = child(window, QWidget, "MainContent")
    window.splitter = child(c, QSplitter, "splitter")
    window.accounts_view = child(c, QTableView, "accountsView")
    window.tests_view = child(c, QTableView, "testsView")
    for view, titles in ((window.accounts_view, ACCOUNT_HEADERS), (window.tests_view, TEST_HEADERS)):
        stand_in = QStandardItemModel(0, len(titles), view)  # replaced by the real one in gui/views.py
        stand_in.setHorizontalHeaderLabels(titles)
        view.setModel(stand_in)
    size, scale = child(window, QToolBar, "mainToolbar").iconSize(), window.devicePixelRatioF()
    for name, icon_name in TOOLBAR_ICONS.items():
        child(window, QAction, name).setIcon(still_icon(icon_name, size, scale))
    title = child(c, QLabel, "accountsTitle")
    font = QFont(title.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    title.setFont(font)
    edit = window.filter_edit = child(c, QLineEdit, "filterEdit")
    # A fixed width (the header's spacer takes the rest): its placeholder whole, beside the search icon and the
    # clear button; a Show choice or a longer count no longer moves it.
    placeholder = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    edit.setMinimumWidth(max(300, placeholder + 4 * edit.fontMetrics().height()))
    window.search_mark = edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
    window.resize(default_size(window))
    window.restore_layout()
    return window
