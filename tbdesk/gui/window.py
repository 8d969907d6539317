"""The main window: its parts, its menus' and tables' state, its remembered layout.

ui/main_window.ui is the whole window as its first frame shows it, built by Qt before any of tbdesk's other
modules are imported (gui/first_frame.py, issue #16); gui/window_setup.py adds the rest after that frame. So
this module is imported before the first frame: it imports Qt classes as modules (`QtCore.Qt`, `QtWidgets.
QMenu`), which PySide6 makes on first use, and tbdesk's own modules where they are used. Qt's namespace
alone is ~95 Python enums, ~10 ms of the first paint otherwise.

It shows what the models hold and raises signals; app.py decides what they do. Nothing here touches the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent
    from PySide6.QtWidgets import (
        QComboBox,
        QFrame,
        QLabel,
        QLineEdit,
        QMenu,
        QProgressBar,
        QPushButton,
        QSplitter,
        QStackedWidget,
        QTableView,
        QTabWidget,
        QWidget,
    )

    from .activity_panel import ActivityPanel
    from .row_keys import RowKeys
    from .sort_menu import SortMenu
    from .window_setup import StatusSection

READ_ONLY_TIP = "Only team admins manage service accounts."
LOADING_ACCOUNTS = "Loading service accounts…"
LOADING_TESTS = "Loading tests…"


class MainWindow(QMainWindow):
    closing = Signal()
    minimized = Signal()
    unavailable = Signal(str)  # a shortcut was pressed while its action is off: its action's name
    elsewhere = Signal(str)  # an account shortcut pressed in the tests table: its action's name
    profile_chosen = Signal(str)  # File → Switch profile
    filter_down = Signal()  # Down in the filter box: into the results
    activity_panel_built = Signal()  # the Activity tab's panel was made (it is made when first used)

    # Found before the first frame (gui/first_frame.py).
    settings: QSettings
    content: QWidget
    splitter: QSplitter
    accounts_view: QTableView
    tests_view: QTableView
    filter_edit: QLineEdit
    search_mark: QAction
    # Found or made after it (gui/window_setup.py).
    accounts_pane: QWidget
    accounts_stack: QStackedWidget
    empty_label: QLabel
    empty_text: str
    accounts_count: QLabel
    tests_count: QLabel
    load_all_button: QPushButton
    started_by: QComboBox
    only_selected: QPushButton
    show_combo: QComboBox
    triage_bar: QFrame
    triage_icon: QLabel
    triage_label: QLabel
    triage_rotate: QPushButton
    triage_find: QPushButton
    lower_tabs: QTabWidget
    tests_tab: QWidget
    result_combo: QComboBox
    build_combo: QComboBox
    test_name_edit: QLineEdit
    clear_filters: QPushButton
    export_button: QPushButton
    activity_tab: QWidget
    tests_empty: QLabel
    row_keys: RowKeys
    add_action: QAction
    edit_action: QAction
    rotate_action: QAction
    rotate_due_action: QAction
    handover_action: QAction
    preferences_action: QAction
    delete_action: QAction
    refresh_action: QAction
    quit_action: QAction
    copy_key_action: QAction
    copy_secret_action: QAction
    copy_env_action: QAction
    copy_hub_action: QAction
    reveal_key_action: QAction
    reveal_secret_action: QAction
    find_action: QAction
    sign_in_action: QAction
    sign_out_action: QAction
    details_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    row_menu_action: QAction
    tests_menu_action: QAction
    copy_session_action: QAction
    open_test_action: QAction
    only_starter_action: QAction
    profiles_menu: QMenu
    account_menu: QMenu
    sort_accounts_menu: SortMenu
    sort_tests_menu: SortMenu
    busy_bar: QProgressBar
    clipboard_label: StatusSection
    refreshed_label: StatusSection
    rate_label: StatusSection
    user_label: StatusSection

    def __init__(self, parent: QWidget | None = None) -> None:
        """Made by QUiLoader from ui/main_window.ui, before its parts exist (gui/first_frame.py)."""
        super().__init__(parent)
        self.loading = False
        self._busy = False
        self._open_row_menu: QMenu | None = None
        self._activity_panel: ActivityPanel | None = None  # built when first needed

    def show_shortcuts(self) -> None:
        from . import shortcuts

        dialog = shortcuts.ShortcutsDialog(self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()

    def set_profiles(self, names: list[str], current: str | None) -> None:
        """File → Switch profile: the stored profiles; picking one emits profile_chosen."""
        from . import plain

        menu = self.profiles_menu
        menu.clear()
        for name in names:
            action = menu.addAction(plain.mnemonic(name))
            action.setCheckable(True)
            action.setChecked(name == current)
            action.triggered.connect(lambda _checked=False, n=name: self.profile_chosen.emit(n))
        if not names:
            none = menu.addAction("No stored profiles")
            none.setEnabled(False)

    def fill_row_menu(self, menu: QMenu) -> None:
        menu.addActions([self.edit_action, self.rotate_action, self.delete_action])
        menu.addSeparator()
        menu.addActions(
            [
                self.handover_action,
                self.copy_key_action,
                self.copy_secret_action,
                self.copy_env_action,
                self.copy_hub_action,
            ]
        )
        menu.addSeparator()
        menu.addActions([self.reveal_key_action, self.reveal_secret_action])

    def row_menu(self) -> QMenu:
        """The per-row actions ("…" button and context menu)."""
        menu = QtWidgets.QMenu(self)
        menu.setAccessibleName("Actions of the selected service account")
        self.fill_row_menu(menu)
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def popup_row_menu(self, global_pos: QPoint, keyboard: bool) -> QMenu:
        """Open the row menu; from the keyboard its first enabled item has the focus, as in a menu bar.
        Never two at once: an open one closes first."""
        if self._open_row_menu is not None:
            self._open_row_menu.close()  # its aboutToHide forgets it
        menu = self._open_row_menu = self.row_menu()
        menu.aboutToHide.connect(self._forget_row_menu)
        menu.popup(global_pos)
        if keyboard:
            first = next((a for a in menu.actions() if a.isEnabled() and not a.isSeparator()), None)
            if first is not None:
                menu.setActiveAction(first)
        return menu

    def popup_tests_menu(self, global_pos: QPoint, keyboard: bool, starter: str | None) -> QMenu:
        """The selected test's actions (`starter`: who started it, for "Only tests by …")."""
        from . import plain

        if self._open_row_menu is not None:
            self._open_row_menu.close()
        menu = self._open_row_menu = QtWidgets.QMenu(self)
        menu.setAccessibleName("Actions of the selected test")
        self.only_starter_action.setText(
            f"Only &tests by {plain.mnemonic(plain.short(starter))}" if starter else "Only &tests by this starter"
        )
        self.only_starter_action.setEnabled(starter is not None)
        menu.addActions([self.details_action, self.copy_session_action, self.open_test_action])
        menu.addSeparator()
        menu.addAction(self.only_starter_action)
        menu.aboutToHide.connect(self._forget_row_menu)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(global_pos)
        if keyboard:
            menu.setActiveAction(self.details_action)
        return menu

    def _forget_row_menu(self) -> None:
        self._open_row_menu = None

    def make_room(self, message: str) -> None:
        """A message too long for the room the sections leave: the yielding ones step aside, one by one."""
        bar = self.statusBar()
        needed = bar.fontMetrics().horizontalAdvance(message) + 24  # the bar's margins and size grip
        sections = (self.clipboard_label, self.busy_bar, self.refreshed_label, self.rate_label, self.user_label)
        for section in (self.refreshed_label, self.rate_label):
            section.make_room(False)
        for section in (self.refreshed_label, self.rate_label):
            taken = sum(s.sizeHint().width() + 6 for s in sections if s.isVisible())
            if not message or needed <= bar.width() - taken:
                return
            section.make_room(True)

    def show_tests_empty(self, text: str) -> None:
        """ "No tests yet", "No tests by this account" … on the empty tests table, or nothing ("")."""
        self.tests_empty.setText(text)
        self.tests_empty.setVisible(bool(text))
        self.tests_empty.setGeometry(self.tests_view.viewport().rect().adjusted(16, 16, -16, -16))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tests_view.viewport() and event.type() == QEvent.Type.Resize:
            self.tests_empty.setGeometry(self.tests_view.viewport().rect().adjusted(16, 16, -16, -16))
        if (
            watched in (self.tests_view, self.result_combo, self.tests_tab)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QtGui.QKeyEvent)
        ):
            # The account shortcuts act in the accounts pane only; in the tests table, the Result list (it takes
            # Ctrl+R's control character as a letter to find) and whatever the tests pane's boxes and buttons
            # leave unused, they say so instead of nothing (QA15). Ctrl+C keeps its own meaning there (the
            # table's: the cell's text), never an account's secret.
            name = self._account_shortcut(event)
            if name == "copy_secret_action":
                if watched is self.tests_view:
                    self.elsewhere.emit(name)
                return False
            if name:
                self.elsewhere.emit(name)
                return True
        if watched is self.filter_edit and isinstance(event, QtGui.QKeyEvent):
            # KeePassXC's rule: Ctrl+C copies the selected filter text if any, else the secret.
            if (
                event.type() == QEvent.Type.ShortcutOverride
                and event.matches(QtGui.QKeySequence.StandardKey.Copy)
                and not self.filter_edit.hasSelectedText()
            ):
                event.ignore()
                return True
            if event.type() == QEvent.Type.KeyPress and event.modifiers() == QtCore.Qt.KeyboardModifier.NoModifier:
                if event.key() == QtCore.Qt.Key.Key_Down:
                    self.filter_down.emit()
                    return True
                if event.key() == QtCore.Qt.Key.Key_Escape and self.filter_edit.text():
                    # Every account shown again, the selection kept and in view (KeptSelection): here, so it
                    # works while start-up is still signing in too (QA9).
                    self.filter_edit.clear()
                    return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _account_shortcut(event: QKeyEvent) -> str:
        """The action name of the accounts-pane shortcut this key press is, or ""."""
        from . import shortcuts

        pressed = QtGui.QKeySequence(event.keyCombination())
        for entry in shortcuts.TABLE:
            if entry.scope in (shortcuts.Scope.ACCOUNTS, shortcuts.Scope.ACCOUNTS_TABLE):
                keys = entry.keys
                if isinstance(keys, QtGui.QKeySequence.StandardKey):
                    if event.matches(keys):
                        return entry.name
                elif pressed == QtGui.QKeySequence(keys):
                    return entry.name
        return ""

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- state shown -----------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        """Members and viewers see everything but cannot manage service accounts."""
        for action in (self.add_action, self.edit_action, self.rotate_action, self.delete_action):
            action.setToolTip(READ_ONLY_TIP if read_only else action.statusTip())
        self.add_action.setEnabled(not read_only)

    def show_message(self, level: str, text: str) -> None:
        from . import plain

        prefix = {"error": "⚠ ", "warning": "⚠ "}.get(level, "")
        self.statusBar().showMessage(plain.text(prefix + text), 0 if level == "error" else 8000)

    @property
    def activity_panel_made(self) -> bool:
        return self._activity_panel is not None

    @property
    def activity_panel(self) -> ActivityPanel:
        if self._activity_panel is None:
            from .activity_panel import ActivityPanel

            self._activity_panel = ActivityPanel(self.activity_tab)
            layout = self.activity_tab.layout()
            if layout is not None:
                layout.addWidget(self._activity_panel)
            self.activity_panel_built.emit()  # to be filled with the selected account's activity
        return self._activity_panel

    def set_activity_title(self, name: str | None) -> None:
        """The tab says whose activity it shows, so selecting an account visibly changes it."""
        from . import plain

        index = self.lower_tabs.indexOf(self.activity_tab)
        # Shortened: a 100-character identifier would push the Recent tests tab aside; the tooltip has it whole.
        self.lower_tabs.setTabText(index, f"Activit&y · {plain.mnemonic(plain.short(name))}" if name else "Activit&y")
        self.lower_tabs.setTabToolTip(index, plain.tooltip(f"Activity of “{name}”") if name else "")

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy or self.loading)

    def set_loading(self, loading: bool) -> None:
        """Signing in and loading the first screen: say so where the rows will be, and mark the window busy."""
        self.loading = loading
        if loading:
            self.show_empty(True, LOADING_ACCOUNTS)
            self.show_tests_empty(LOADING_TESTS)
        else:
            if self.empty_label.text() == LOADING_ACCOUNTS:  # nothing else was shown meanwhile
                self.show_empty(False)
            if self.tests_empty.text() == LOADING_TESTS:
                self.show_tests_empty("")
        self.busy_bar.setVisible(self._busy or loading)

    def show_empty(self, empty: bool, notice: str | None = None) -> None:
        """The table, or in its place the empty-state text or a notice (e.g. a refused accounts request)."""
        self.empty_label.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # a notice quotes the server: never rich text
        self.empty_label.setText(notice or self.empty_text)
        self.empty_label.setAccessibleName("Service accounts unavailable" if notice else "No service accounts")
        self.accounts_stack.setCurrentWidget(self.empty_label if empty or notice else self.accounts_view)

    # -- remembered layout (never anything secret) -----------------------------------------------

    def restore_layout(self) -> None:
        s = self.settings
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/splitter", self.splitter.restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray | bytes):
                restore(QByteArray(value))
        if not isinstance(s.value("window/splitter"), QByteArray | bytes):
            self.splitter.setSizes([330, 390])
        self.restore_headers()

    def restore_headers(self) -> None:
        """Column widths, order and sorting as they were left (again once the real models are set: a new model
        resets the header)."""
        for key, view in (("accounts/header", self.accounts_view), ("tests/header", self.tests_view)):
            value = self.settings.value(key)
            if isinstance(value, QByteArray | bytes):
                view.horizontalHeader().restoreState(QByteArray(value))
            # A header saved by an older tbdesk (or with the indicator off) restores without the sort arrow, yet
            # both tables always sort: the arrow says by what (QA3 saw tests by name, descending, and no arrow).
            view.horizontalHeader().setSortIndicatorShown(True)

    def save_layout(self) -> None:
        s = self.settings
        screen = self.screen()
        if screen is None or self.frameGeometry().width() <= screen.availableGeometry().width():
            # A window wider than its screen is not one the user made (QA4: a long paste made it 25,620 px,
            # and it came back that wide); the size it had before stays remembered.
            s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("accounts/header", self.accounts_view.horizontalHeader().saveState())
        s.setValue("tests/header", self.tests_view.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()  # first: quitting hides a revealed key, so its column's own width is saved (QA19)
        self.save_layout()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange and self.isMinimized():
            self.minimized.emit()
        super().changeEvent(event)
