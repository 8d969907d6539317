"""What the main window needs beyond its first frame: names for its parts, actions with their keys, the menus'
items, the status bar's sections, the tables' behaviour, the Tab order (issue #16).

ui/main_window.ui is the window as its first frame shows it, built by Qt with no Python in between (gui/
first_frame.py); `finish` adds the rest once that frame is on screen. Nothing here changes what that frame
showed: tests/test_first_frame.py compares the two.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from . import shortcuts
from .first_frame import TOOLBAR_ICONS
from .focus_style import outline_current_cell
from .forms import child
from .icons import icon
from .row_keys import NoKeyboardContextMenu, RowKeys
from .sort_menu import SortMenu
from .window import MainWindow


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


def finish(w: MainWindow) -> None:
    """Everything the window does besides showing itself, in the order the parts depend on each other."""
    find_parts(w)
    set_up_tables(w)
    make_actions(w)
    until_signed_in(w)
    make_status_bar(w)
    tab_order(w)
    watch_keys(w)
    # The toolbar's new buttons are placed now: a paint already due would show the toolbar empty for a frame.
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


# The window's parts found by name in the form: (attribute of MainWindow, its class, its name in the form).
PARTS: tuple[tuple[str, type[QWidget], str], ...] = (
    ("accounts_pane", QWidget, "accountsPane"),
    ("accounts_stack", QStackedWidget, "accountsStack"),
    ("empty_label", QLabel, "emptyLabel"),
    ("accounts_count", QLabel, "accountsCount"),
    ("tests_count", QLabel, "testsCount"),
    ("load_all_button", QPushButton, "loadAllButton"),
    ("started_by", QComboBox, "startedByCombo"),
    ("only_selected", QPushButton, "onlySelectedButton"),
    ("show_combo", QComboBox, "showCombo"),
    ("triage_bar", QFrame, "triageBar"),
    ("triage_icon", QLabel, "triageIcon"),
    ("triage_label", QLabel, "triageLabel"),
    ("triage_rotate", QPushButton, "triageRotateButton"),
    ("triage_find", QPushButton, "triageFindButton"),  # an unknown secret: look its owner up
    ("lower_tabs", QTabWidget, "lowerTabs"),
    ("tests_tab", QWidget, "testsPane"),
    ("result_combo", QComboBox, "resultCombo"),
    ("build_combo", QComboBox, "buildCombo"),
    ("test_name_edit", QLineEdit, "testNameEdit"),
    ("clear_filters", QPushButton, "clearFiltersButton"),
    ("export_button", QPushButton, "exportButton"),  # off until tests are shown to a signed-in admin
    ("activity_tab", QWidget, "activityTab"),
)


def find_parts(w: MainWindow) -> None:
    for attribute, kind, name in PARTS:
        setattr(w, attribute, child(w.content, kind, name))
    w.empty_text = w.empty_label.text()
    w.show_combo.setAccessibleName("Show which service accounts")
    w.lower_tabs.setAccessibleName("Tests and activity")
    w.test_name_edit.setAccessibleName("Filter tests by name")
    w.triage_rotate.setIcon(icon("rotate"))
    w.triage_find.setIcon(icon("search"))
    # The form's items are the first frame's: the filters put theirs in, with the values they stand for.
    for combo in (w.show_combo, w.result_combo, w.started_by, w.build_combo):
        combo.clear()
    # The search mark is a button in the accessibility tree: give it a name and make it do what it says.
    w.search_mark.setText("Filter service accounts")
    w.search_mark.setToolTip("Filter service accounts by identifier (Ctrl+F)")
    w.search_mark.triggered.connect(w.focus_filter)
    w.filter_edit.setAccessibleName("Filter service accounts by identifier")
    for label in (w.accounts_count, w.tests_count, w.empty_label):
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    for label in (w.empty_label, w.triage_label):
        never_widens(label)


def set_up_tables(w: MainWindow) -> None:
    set_up_table(w.accounts_view, "Service accounts")
    set_up_table(w.tests_view, "Recent tests")
    # Several accounts can be selected (Ctrl/Shift+click, Ctrl+A) to rotate them in one go.
    w.accounts_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    w.row_keys = RowKeys(w.accounts_view)  # Space/Enter on the painted eye and "…" buttons
    NoKeyboardContextMenu(w.tests_view)
    # The tests' empty state sits on the table itself, so its header (and its filters above) stay in view.
    w.tests_empty = QLabel(w.tests_view.viewport())
    w.tests_empty.setTextFormat(Qt.TextFormat.PlainText)
    w.tests_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    w.tests_empty.setWordWrap(True)
    w.tests_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    w.tests_empty.hide()


def set_up_table(view: QTableView, name: str) -> None:
    # PySide6 wraps the first unseen QWidget* it is handed (viewport() returns one) by setting up every
    # QtWidgets class to find its type: ~8 ms. Found by its name (Qt's since Qt 4), the viewport is wrapped as
    # the QWidget asked for, and viewport() then returns that wrapper.
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


def tab_order(w: MainWindow) -> None:
    """Tab walks the regions top to bottom, left to right, each filter before the table it filters (hidden
    ones are skipped); the tables are single stops, arrows move within them."""
    chain = [
        w.show_combo,
        w.filter_edit,
        w.triage_rotate,
        w.triage_find,
        w.accounts_view,
        w.lower_tabs,
        w.load_all_button,
        w.only_selected,  # the row above the filters, as laid out
        w.clear_filters,
        w.export_button,
        w.started_by,
        w.result_combo,
        w.build_combo,
        w.test_name_edit,
        w.tests_view,
    ]
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
    # The first focus is the accounts table, not the first stop of the Tab chain (the Show combo, where the
    # first Down silently switched the list to "Unused"); it is focused when the window activates.
    w.accounts_view.setFocus(Qt.FocusReason.OtherFocusReason)


def watch_keys(w: MainWindow) -> None:
    w.tests_view.viewport().installEventFilter(w)
    w.tests_view.installEventFilter(w)
    w.tests_tab.installEventFilter(w)  # keys its filter boxes leave unused (account shortcuts)
    w.result_combo.installEventFilter(w)
    w.filter_edit.installEventFilter(w)


def action(w: MainWindow, text: str, icon_name: str | None = None, tip: str = "", name: str = "") -> QAction:
    """An action; its keys and scope come from the one shortcut table (gui/shortcuts.py)."""
    made = QAction(icon(icon_name) if icon_name else QIcon(), text, w)
    entry = shortcuts.by_name(name)
    keys = ""
    if entry is not None:
        made.setShortcut(shortcuts.sequence(entry))
        keys = f" ({shortcuts.key_text(entry)})"
        if entry.scope in (shortcuts.Scope.ACCOUNTS, shortcuts.Scope.ACCOUNTS_TABLE):
            # Acts on the selected account: only while the focus is in the accounts pane (or its table).
            made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            scope_widget(w, entry).addAction(made)
        else:
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            w.addAction(made)
        say_when_unavailable(w, made, entry)
    made.setToolTip(f"{tip or text.replace('&', '').replace('…', '')}{keys}")
    made.setStatusTip(tip)
    return made


def scope_widget(w: MainWindow, entry: shortcuts.Shortcut) -> QWidget:
    if entry.scope is shortcuts.Scope.ACCOUNTS_TABLE:
        return w.accounts_view
    return w.accounts_pane if entry.scope is shortcuts.Scope.ACCOUNTS else w


def say_when_unavailable(w: MainWindow, made: QAction, entry: shortcuts.Shortcut) -> None:
    """A disabled action's keys do nothing in Qt; this stand-in (on only while the action is off) lets the
    presenter say why in the status bar instead."""
    stand_in = QShortcut(shortcuts.sequence(entry), scope_widget(w, entry))
    stand_in.setContext(made.shortcutContext())
    stand_in.setEnabled(not made.isEnabled())
    made.enabledChanged.connect(lambda enabled: stand_in.setEnabled(not enabled))
    stand_in.activated.connect(lambda: w.unavailable.emit(entry.name))


def until_signed_in(w: MainWindow) -> None:
    """What needs a session is off until someone has signed in (Presenter.update_actions decides from then
    on): start-up shows the rows before the actions are wired up, and a button that looked usable then did
    nothing, or turned grey and back again. The toolbar's are off in the form already."""
    for made in (
        w.add_action, w.edit_action, w.rotate_action, w.delete_action, w.handover_action,
        w.rotate_due_action, w.copy_key_action, w.reveal_key_action, w.copy_secret_action,
        w.copy_env_action, w.copy_hub_action, w.reveal_secret_action, w.refresh_action,
        w.sign_out_action,
    ):  # fmt: skip
        made.setEnabled(False)
    w.triage_rotate.setEnabled(False)
    # Nor what the controllers answer (on from when they are wired up: TbDesk): About looked available and
    # did nothing (QA9).
    for made in (w.about_action, w.preferences_action, w.row_menu_action, w.tests_menu_action):
        made.setEnabled(False)


def from_toolbar(w: MainWindow, name: str) -> QAction:
    """The action for one of the form's toolbar buttons (its text and tip are the form's), in its place.

    Made here rather than taken from the form: PySide6 takes a menu an action is added to for the owner of an
    action Qt made, and the row menus are deleted as they close: the action's Python side died with the first.
    """
    toolbar = child(w, QToolBar, "mainToolbar")
    form = child(w, QAction, name)
    made = action(w, form.text(), TOOLBAR_ICONS[name], form.statusTip(), name)
    toolbar.insertAction(form, made)
    toolbar.removeAction(form)
    form.deleteLater()
    return made


def make_actions(w: MainWindow) -> None:
    def a(text: str, icon_name: str | None = None, tip: str = "", name: str = "") -> QAction:
        return action(w, text, icon_name, tip, name)

    def toolbar(name: str) -> QAction:
        return from_toolbar(w, name)

    w.add_action = toolbar("add_action")
    w.edit_action = toolbar("edit_action")
    w.rotate_action = toolbar("rotate_action")
    w.rotate_due_action = a(
        "Rotate keys past the &policy…", "rotate", "Rotate every key older than the rotation policy"
    )
    w.handover_action = a("&Hand over key and secret…", "key", "The pair in the forms CI systems take")
    w.preferences_action = a("&Preferences…", "settings", "Timeouts, rotation policy, updates", "preferences_action")
    w.delete_action = toolbar("delete_action")
    w.refresh_action = toolbar("refresh_action")
    w.quit_action = a("&Quit", None, "Quit tbdesk", "quit_action")
    w.copy_key_action = a("Copy &key", "copy", "Copy the key", "copy_key_action")
    w.copy_secret_action = a("Copy &secret", "copy", "Copy the secret", "copy_secret_action")
    w.copy_env_action = a("Copy as en&vironment variables", None, "TESTINGBOT_KEY=… TESTINGBOT_SECRET=…")
    w.copy_hub_action = a("Copy hub &URL", None, "The WebDriver hub URL with the key and secret")
    w.reveal_key_action = a("Show/hide ke&y", "eye", "Reveal or hide the key", "reveal_key_action")
    w.reveal_secret_action = a("Show/hide secre&t", "eye", "Reveal or hide the secret", "reveal_secret_action")
    w.find_action = a("F&ilter accounts", "search", "Filter service accounts", "find_action")
    w.sign_in_action = a("Sign &in…", None, "Sign in with a key and secret")
    w.sign_out_action = a(
        "Sign &out", "sign-out", "Forget the stored key and secret and sign in again", "sign_out_action"
    )
    w.details_action = a("Test &details", None, "Every field of the selected test")
    w.shortcuts_action = a("&Keyboard shortcuts", None, "Every keyboard shortcut", "shortcuts_action")
    w.about_action = a("&About tbdesk", None)
    # The row menu from the keyboard: Shift+F10 and the Menu key, wherever the focus is in the table.
    w.row_menu_action = QAction("Actions of the selected account", w)
    w.row_menu_action.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
    w.row_menu_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.accounts_view.addAction(w.row_menu_action)
    # The tests table's menu: Details, Copy session id, Open in TestingBot, Only tests by this starter.
    w.tests_menu_action = QAction("Actions of the selected test", w)
    w.tests_menu_action.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
    w.tests_menu_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.tests_view.addAction(w.tests_menu_action)
    w.copy_session_action = a("Copy session &id", "copy", "Copy the selected test's session id")
    w.open_test_action = a("&Open in TestingBot", "open", "The dashboard's page of the selected test")
    w.only_starter_action = a("Only &tests by this starter", None, "Only the tests started by the same one")
    w.find_action.triggered.connect(w.focus_filter)
    w.quit_action.triggered.connect(w.close)
    w.shortcuts_action.triggered.connect(w.show_shortcuts)

    file_menu = child(w, QMenu, "fileMenu")
    file_menu.addAction(w.sign_in_action)
    w.profiles_menu = file_menu.addMenu("S&witch profile")
    w.profiles_menu.setToolTipsVisible(True)
    file_menu.addAction(w.sign_out_action)
    file_menu.addSeparator()
    file_menu.addAction(w.preferences_action)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)
    w.account_menu = child(w, QMenu, "accountMenu")
    w.account_menu.addAction(w.add_action)
    w.fill_row_menu(w.account_menu)
    w.account_menu.addSeparator()
    w.account_menu.addAction(w.rotate_due_action)
    view_menu = child(w, QMenu, "viewMenu")
    view_menu.addActions([w.refresh_action, w.find_action, w.details_action])
    view_menu.addSeparator()
    w.sort_accounts_menu = SortMenu("S&ort accounts by", w.accounts_view, view_menu)
    w.sort_tests_menu = SortMenu("Sort &tests by", w.tests_view, view_menu)
    view_menu.addMenu(w.sort_accounts_menu)
    view_menu.addMenu(w.sort_tests_menu)
    help_menu = child(w, QMenu, "helpMenu")
    help_menu.addActions([w.shortcuts_action, w.about_action])


def make_status_bar(w: MainWindow) -> None:
    bar = w.statusBar()
    w.busy_bar = QProgressBar()
    w.busy_bar.setRange(0, 0)
    w.busy_bar.setMaximumWidth(90)
    w.busy_bar.setMaximumHeight(12)
    w.busy_bar.setTextVisible(False)
    w.busy_bar.setAccessibleName("Working")
    w.busy_bar.hide()
    w.clipboard_label = StatusSection()
    w.refreshed_label = StatusSection(yields=True)
    w.rate_label = StatusSection(yields=True)
    w.user_label = StatusSection()
    for label in (w.clipboard_label, w.refreshed_label, w.rate_label, w.user_label):
        label.setTextFormat(Qt.TextFormat.PlainText)  # they show identifiers and names from the server
    for widget in (w.clipboard_label, w.busy_bar, w.refreshed_label, w.rate_label, w.user_label):
        bar.addPermanentWidget(widget)
    bar.messageChanged.connect(w.make_room)
