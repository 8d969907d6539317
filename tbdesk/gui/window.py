"""The main window: widgets from ui/main_window.ui (compiled by gui/form_cache.py), actions, menus, toolbar,
status bar, saved layout.

It shows what the models hold and raises signals; app.py decides what they do. Nothing here touches the API.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QIcon, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from . import form_cache, plain, shortcuts, sizes
from .focus_style import outline_current_cell
from .forms import child
from .icons import app_icon, icon
from .row_keys import NoKeyboardContextMenu, RowKeys
from .sort_menu import SortMenu

if TYPE_CHECKING:
    from .activity_panel import ActivityPanel

READ_ONLY_TIP = "Only team admins manage service accounts."
LOADING_ACCOUNTS = "Loading service accounts…"
LOADING_TESTS = "Loading tests…"


class StatusSection(QLabel):
    """One section of the status bar: set apart from its neighbours by a rule, hidden while empty (so no
    rule stands alone). A `yields` section steps aside while a message that needs its room is shown: the
    message matters more than "Updated 08:17:56" does."""

    def __init__(self, yields: bool = False) -> None:
        super().__init__()
        self.setStyleSheet("QLabel { border: 0px; border-left: 1px solid palette(mid); padding: 0 6px 0 8px; }")
        self.yields, self.message_shown = yields, False
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def make_room(self, needed: bool) -> None:
        self.message_shown = needed
        self._fit()

    def _fit(self) -> None:
        self.setVisible(bool(self.text()) and not (self.yields and self.message_shown))


def never_widens(label: QLabel) -> None:
    """A wrapping label that quotes what was typed or sent: word wrap cannot break a word with no space (3,000
    pasted characters), and its width once pushed the window to 25,620 px, which was then saved. Its width is
    the layout's to give; a word longer than that is cut at the edge (the quotes in it are shortened anyway)."""
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)  # keeps heightForWidth: the lines it wraps to still get their height


class MainWindow(QMainWindow):
    closing = Signal()
    minimized = Signal()
    unavailable = Signal(str)  # a shortcut was pressed while its action is off: its action's name
    elsewhere = Signal(str)  # an account shortcut pressed in the tests table: its action's name
    profile_chosen = Signal(str)  # File → Switch profile
    filter_down = Signal()  # Down in the filter box: into the results
    activity_panel_built = Signal()  # the Activity tab's panel was made (it is made when first used)

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.setWindowTitle("tbdesk")
        self.setWindowIcon(app_icon())
        self.content = form_cache.load("main_window.ui", self)  # compiled by uic: a faster first frame
        self.setCentralWidget(self.content)
        c = self.content
        self.splitter = child(c, QSplitter, "splitter")
        self.accounts_pane = child(c, QWidget, "accountsPane")
        self.accounts_view = child(c, QTableView, "accountsView")
        self.accounts_stack = child(c, QStackedWidget, "accountsStack")
        self.empty_label = child(c, QLabel, "emptyLabel")
        self._empty_text = self.empty_label.text()
        self.filter_edit = child(c, QLineEdit, "filterEdit")
        # A fixed width (the header's spacer takes the rest): its placeholder whole, beside the search icon and
        # the clear button; a Show choice or a longer count no longer moves it.
        placeholder = self.filter_edit.fontMetrics().horizontalAdvance(self.filter_edit.placeholderText())
        self.filter_edit.setMinimumWidth(max(300, placeholder + 4 * self.filter_edit.fontMetrics().height()))
        self.accounts_count = child(c, QLabel, "accountsCount")
        self.tests_view = child(c, QTableView, "testsView")
        self.tests_count = child(c, QLabel, "testsCount")
        self.load_all_button = child(c, QPushButton, "loadAllButton")
        self.started_by = child(c, QComboBox, "startedByCombo")
        self.only_selected = child(c, QPushButton, "onlySelectedButton")
        self.show_combo = child(c, QComboBox, "showCombo")
        self.show_combo.setAccessibleName("Show which service accounts")
        self.show_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # never "All accou"
        self.triage_bar = child(c, QFrame, "triageBar")
        self.triage_icon = child(c, QLabel, "triageIcon")
        self.triage_label = child(c, QLabel, "triageLabel")
        self.triage_rotate = child(c, QPushButton, "triageRotateButton")
        self.triage_rotate.setIcon(icon("rotate"))
        self.triage_find = child(c, QPushButton, "triageFindButton")  # an unknown secret: look its owner up
        self.triage_find.setIcon(icon("search"))
        self.lower_tabs = child(c, QTabWidget, "lowerTabs")
        self.lower_tabs.setAccessibleName("Tests and activity")
        self.tests_tab = child(c, QWidget, "testsPane")
        self.result_combo = child(c, QComboBox, "resultCombo")
        self.build_combo = child(c, QComboBox, "buildCombo")
        self.test_name_edit = child(c, QLineEdit, "testNameEdit")
        self.test_name_edit.setAccessibleName("Filter tests by name")
        self.clear_filters = child(c, QPushButton, "clearFiltersButton")
        self.export_button = child(c, QPushButton, "exportButton")
        self.export_button.setEnabled(False)  # until tests are shown to a signed-in admin
        self.activity_tab = child(c, QWidget, "activityTab")
        self._activity_panel: ActivityPanel | None = None  # built when first needed, after the first frame
        # The search mark is a button in the accessibility tree: give it a name and make it do what it says.
        self.search_mark = self.filter_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_mark.setText("Filter service accounts")
        self.search_mark.setToolTip("Filter service accounts by identifier (Ctrl+F)")
        self.search_mark.triggered.connect(self._focus_filter)
        self.filter_edit.setAccessibleName("Filter service accounts by identifier")
        for name in ("accountsTitle",):
            label = child(c, QLabel, name)
            font = QFont(label.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.1)
            label.setFont(font)
        for label in (self.accounts_count, self.tests_count, self.empty_label):
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.empty_label, self.triage_label):
            never_widens(label)
        self._setup_table(self.accounts_view, "Service accounts")
        self._setup_table(self.tests_view, "Recent tests")
        # Several accounts can be selected (Ctrl/Shift+click, Ctrl+A) to rotate them in one go.
        self.accounts_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.row_keys = RowKeys(self.accounts_view)  # Space/Enter on the painted eye and "…" buttons
        NoKeyboardContextMenu(self.tests_view)
        self._open_row_menu: QMenu | None = None
        self.loading = False
        self._busy = False
        self._make_actions()
        self._until_signed_in()
        self._make_status_bar()
        self._tab_order()
        # The tests' empty state sits on the table itself, so its header (and its filters above) stay in view.
        self.tests_empty = QLabel(self.tests_view.viewport())
        self.tests_empty.setTextFormat(Qt.TextFormat.PlainText)
        self.tests_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tests_empty.setWordWrap(True)
        self.tests_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.tests_empty.hide()
        self.tests_view.viewport().installEventFilter(self)
        self.tests_view.installEventFilter(self)
        self.tests_tab.installEventFilter(self)  # keys its filter boxes leave unused (account shortcuts)
        self.result_combo.installEventFilter(self)
        self.filter_edit.installEventFilter(self)
        self.resize(sizes.default_size(self))
        # The first focus is the accounts table, not the first stop of the Tab chain (the Show combo, where
        # the first Down silently switched the list to "Unused"); it is focused when the window activates.
        self.accounts_view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- construction ----------------------------------------------------------------------------

    @staticmethod
    def _setup_table(view: QTableView, name: str) -> None:
        # PySide6 wraps the first unseen QWidget* it is handed (viewport() returns one) by setting up every
        # QtWidgets class to find its type: ~8 ms of the first paint. Found by its name (Qt's since Qt 4), the
        # viewport is wrapped as the QWidget asked for, and viewport() then returns that wrapper.
        view.findChild(QWidget, "qt_scrollarea_viewport", Qt.FindChildOption.FindDirectChildrenOnly)
        view.setAccessibleName(name)
        outline_current_cell(view)  # the current cell stays visible in a selected row
        view.setTabKeyNavigation(False)  # Tab leaves the table (arrows move within it), never a trap
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(30)  # fixed heights: no per-row measuring for 10,000 rows
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.horizontalHeader().setHighlightSections(False)
        view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        view.horizontalHeader().setStretchLastSection(False)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def _tab_order(self) -> None:
        """Tab walks the regions top to bottom, left to right, each filter before the table it filters
        (hidden ones are skipped); the tables are single stops, arrows move within them."""
        chain = [
            self.show_combo,
            self.filter_edit,
            self.triage_rotate,
            self.triage_find,
            self.accounts_view,
            self.lower_tabs,
            self.load_all_button,
            self.only_selected,  # the row above the filters, as laid out
            self.clear_filters,
            self.export_button,
            self.started_by,
            self.result_combo,
            self.build_combo,
            self.test_name_edit,
            self.tests_view,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _action(self, text: str, icon_name: str | None = None, tip: str = "", name: str = "") -> QAction:
        """An action; its keys and scope come from the one shortcut table (gui/shortcuts.py)."""
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        entry = shortcuts.by_name(name)
        keys = ""
        if entry is not None:
            action.setShortcut(shortcuts.sequence(entry))
            keys = f" ({shortcuts.key_text(entry)})"
            if entry.scope in (shortcuts.Scope.ACCOUNTS, shortcuts.Scope.ACCOUNTS_TABLE):
                # Acts on the selected account: only while the focus is in the accounts pane (or its table).
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self._scope_widget(entry).addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                self.addAction(action)
            self._say_when_unavailable(action, entry)
        action.setToolTip(f"{tip or text.replace('&', '').replace('…', '')}{keys}")
        action.setStatusTip(tip)
        return action

    def _scope_widget(self, entry: shortcuts.Shortcut) -> QWidget:
        if entry.scope is shortcuts.Scope.ACCOUNTS_TABLE:
            return self.accounts_view
        return self.accounts_pane if entry.scope is shortcuts.Scope.ACCOUNTS else self

    def _say_when_unavailable(self, action: QAction, entry: shortcuts.Shortcut) -> None:
        """A disabled action's keys do nothing in Qt; this stand-in (on only while the action is off)
        lets the presenter say why in the status bar instead."""
        stand_in = QShortcut(shortcuts.sequence(entry), self._scope_widget(entry))
        stand_in.setContext(action.shortcutContext())
        stand_in.setEnabled(not action.isEnabled())
        action.enabledChanged.connect(lambda enabled: stand_in.setEnabled(not enabled))
        stand_in.activated.connect(lambda: self.unavailable.emit(entry.name))

    def _until_signed_in(self) -> None:
        """What needs a session is off until someone has signed in (Presenter.update_actions decides from then
        on): start-up shows the rows before the actions are wired up, and a button that looked usable then did
        nothing, or turned grey and back again."""
        for action in (
            self.add_action, self.edit_action, self.rotate_action, self.delete_action, self.handover_action,
            self.rotate_due_action, self.copy_key_action, self.reveal_key_action, self.copy_secret_action,
            self.copy_env_action, self.copy_hub_action, self.reveal_secret_action, self.refresh_action,
            self.sign_out_action,
        ):  # fmt: skip
            action.setEnabled(False)
        self.triage_rotate.setEnabled(False)
        # Nor what the controllers answer (on from when they are wired up: TbDesk): About looked available and
        # did nothing (QA9).
        for action in (self.about_action, self.preferences_action, self.row_menu_action, self.tests_menu_action):
            action.setEnabled(False)

    def _make_actions(self) -> None:
        a = self._action
        self.add_action = a("&Add…", "add", "Add a service account", "add_action")
        self.edit_action = a("Re&name…", "edit", "Rename the selected service account", "edit_action")
        self.rotate_action = a("&Rotate access key…", "rotate", "New key and secret for each selected", "rotate_action")
        self.rotate_due_action = a(
            "Rotate keys past the &policy…", "rotate", "Rotate every key older than the rotation policy"
        )
        self.handover_action = a("&Hand over key and secret…", "key", "The pair in the forms CI systems take")
        self.preferences_action = a(
            "&Preferences…", "settings", "Timeouts, rotation policy, updates", "preferences_action"
        )
        self.delete_action = a("&Delete…", "delete", "Delete the selected service account", "delete_action")
        self.refresh_action = a("Re&fresh", "refresh", "Reload service accounts and tests", "refresh_action")
        self.quit_action = a("&Quit", None, "Quit tbdesk", "quit_action")
        self.copy_key_action = a("Copy &key", "copy", "Copy the key", "copy_key_action")
        self.copy_secret_action = a("Copy &secret", "copy", "Copy the secret", "copy_secret_action")
        self.copy_env_action = a("Copy as en&vironment variables", None, "TESTINGBOT_KEY=… TESTINGBOT_SECRET=…")
        self.copy_hub_action = a("Copy hub &URL", None, "The WebDriver hub URL with the key and secret")
        self.reveal_key_action = a("Show/hide ke&y", "eye", "Reveal or hide the key", "reveal_key_action")
        self.reveal_secret_action = a("Show/hide secre&t", "eye", "Reveal or hide the secret", "reveal_secret_action")
        self.find_action = a("F&ilter accounts", "search", "Filter service accounts", "find_action")
        self.sign_in_action = a("Sign &in…", None, "Sign in with a key and secret")
        self.sign_out_action = a(
            "Sign &out", "sign-out", "Forget the stored key and secret and sign in again", "sign_out_action"
        )
        self.details_action = a("Test &details", None, "Every field of the selected test")
        self.shortcuts_action = a("&Keyboard shortcuts", None, "Every keyboard shortcut", "shortcuts_action")
        self.about_action = a("&About tbdesk", None)
        # The row menu from the keyboard: Shift+F10 and the Menu key, wherever the focus is in the table.
        self.row_menu_action = QAction("Actions of the selected account", self)
        self.row_menu_action.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        self.row_menu_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.accounts_view.addAction(self.row_menu_action)
        # The tests table's menu: Details, Copy session id, Open in TestingBot, Only tests by this starter.
        self.tests_menu_action = QAction("Actions of the selected test", self)
        self.tests_menu_action.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        self.tests_menu_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.tests_view.addAction(self.tests_menu_action)
        self.copy_session_action = a("Copy session &id", "copy", "Copy the selected test's session id")
        self.open_test_action = a("&Open in TestingBot", "open", "The dashboard's page of the selected test")
        self.only_starter_action = a("Only tests by this &starter", None, "Only the tests started by the same one")
        self.find_action.triggered.connect(self._focus_filter)
        self.quit_action.triggered.connect(self.close)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.sign_in_action)
        self.profiles_menu = file_menu.addMenu("S&witch profile")
        self.profiles_menu.setToolTipsVisible(True)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.account_menu = bar.addMenu("&Account")
        self.account_menu.addAction(self.add_action)
        self._fill_row_menu(self.account_menu)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.rotate_due_action)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.refresh_action, self.find_action, self.details_action])
        view_menu.addSeparator()
        self.sort_accounts_menu = SortMenu("S&ort accounts by", self.accounts_view, view_menu)
        self.sort_tests_menu = SortMenu("Sort &tests by", self.tests_view, view_menu)
        view_menu.addMenu(self.sort_accounts_menu)
        view_menu.addMenu(self.sort_tests_menu)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

        tools = QToolBar("Main", self)
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([self.add_action, self.edit_action, self.rotate_action, self.delete_action])
        tools.addSeparator()
        tools.addAction(self.refresh_action)
        self.addToolBar(tools)

    def show_shortcuts(self) -> None:
        dialog = shortcuts.ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()

    def set_profiles(self, names: list[str], current: str | None) -> None:
        """File → Switch profile: the stored profiles; picking one emits profile_chosen."""
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

    def _fill_row_menu(self, menu: QMenu) -> None:
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
        menu = QMenu(self)
        menu.setAccessibleName("Actions of the selected service account")
        self._fill_row_menu(menu)
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
        if self._open_row_menu is not None:
            self._open_row_menu.close()
        menu = self._open_row_menu = QMenu(self)
        menu.setAccessibleName("Actions of the selected test")
        self.only_starter_action.setText(
            plain.mnemonic(f"Only tests by {plain.short(starter)}") if starter else "Only tests by this starter"
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

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(90)
        self.busy_bar.setMaximumHeight(12)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Working")
        self.busy_bar.hide()
        self.clipboard_label = StatusSection()
        self.refreshed_label = StatusSection(yields=True)
        self.rate_label = StatusSection(yields=True)
        self.user_label = StatusSection()
        for label in (self.clipboard_label, self.refreshed_label, self.rate_label, self.user_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # they show identifiers and names from the server
        for widget in (self.clipboard_label, self.busy_bar, self.refreshed_label, self.rate_label, self.user_label):
            bar.addPermanentWidget(widget)
        bar.messageChanged.connect(self._make_room)

    def _make_room(self, message: str) -> None:
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
            and isinstance(event, QKeyEvent)
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
        if watched is self.filter_edit and isinstance(event, QKeyEvent):
            # KeePassXC's rule: Ctrl+C copies the selected filter text if any, else the secret.
            if (
                event.type() == QEvent.Type.ShortcutOverride
                and event.matches(QKeySequence.StandardKey.Copy)
                and not self.filter_edit.hasSelectedText()
            ):
                event.ignore()
                return True
            if event.type() == QEvent.Type.KeyPress and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                if event.key() == Qt.Key.Key_Down:
                    self.filter_down.emit()
                    return True
                if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
                    # Every account shown again, the selection kept and in view (KeptSelection): here, so it
                    # works while start-up is still signing in too (QA9).
                    self.filter_edit.clear()
                    return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _account_shortcut(event: QKeyEvent) -> str:
        """The action name of the accounts-pane shortcut this key press is, or ""."""
        pressed = QKeySequence(event.keyCombination())
        for entry in shortcuts.TABLE:
            if entry.scope in (shortcuts.Scope.ACCOUNTS, shortcuts.Scope.ACCOUNTS_TABLE):
                keys = entry.keys
                if event.matches(keys) if isinstance(keys, QKeySequence.StandardKey) else pressed == QKeySequence(keys):
                    return entry.name
        return ""

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- state shown -----------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        """Members and viewers see everything but cannot manage service accounts."""
        for action in (self.add_action, self.edit_action, self.rotate_action, self.delete_action):
            action.setToolTip(READ_ONLY_TIP if read_only else action.statusTip())
        self.add_action.setEnabled(not read_only)

    def show_message(self, level: str, text: str) -> None:
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
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)  # a notice quotes the server: never rich text
        self.empty_label.setText(notice or self._empty_text)
        self.empty_label.setAccessibleName("Service accounts unavailable" if notice else "No service accounts")
        self.accounts_stack.setCurrentWidget(self.empty_label if empty or notice else self.accounts_view)

    # -- remembered layout (never anything secret) -----------------------------------------------

    def restore_layout(self) -> None:
        s = self.settings
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/splitter", self.splitter.restoreState),
            ("accounts/header", self.accounts_view.horizontalHeader().restoreState),
            ("tests/header", self.tests_view.horizontalHeader().restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray | bytes):
                restore(QByteArray(value))
        if not isinstance(s.value("window/splitter"), QByteArray | bytes):
            self.splitter.setSizes([330, 390])
        # A header saved by an older tbdesk (or with the indicator off) restores without the sort arrow, yet
        # both tables always sort: the arrow says by what (QA3 saw tests by name, descending, and no arrow).
        for view in (self.accounts_view, self.tests_view):
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
        self.save_layout()
        self.closing.emit()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange and self.isMinimized():
            self.minimized.emit()
        super().changeEvent(event)
