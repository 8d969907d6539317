"""Dialogs: sign in, add, rename, rotate, delete, test details, error report.

Layouts come from ui/*.ui. An action dialog never calls the API: OK emits `submitted`, the controller
does the request and answers with accept() or show_error(). `submissions()` turns that into a plain
`async for` loop without nested event loops.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import bidi, identifiers
from ..api.models import ServiceAccount, Test
from ..core import test_page
from ..core.usage import Usage
from . import format as fmt
from . import plain
from .forms import child, embed, relayout
from .icons import icon
from .window_hints import dialog_frame

_CLOSED = object()


async def submissions(dialog: ActionDialog, waiting: Callable[[bool], None] | None = None) -> AsyncIterator[Any]:
    """Open the dialog; yield each value the user submits until it closes.

    `waiting(True)` while the dialog waits for the user, `waiting(False)` while a submission is handled: the
    busy mark is for the network, not for a person thinking."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    wait = waiting or (lambda _waiting: None)

    def closed(_result: int) -> None:
        queue.put_nowait(_CLOSED)

    dialog.submitted.connect(queue.put_nowait)
    dialog.finished.connect(closed)
    dialog.open()
    try:
        wait(True)
        while (item := await queue.get()) is not _CLOSED:
            wait(False)
            yield item
            wait(True)
    finally:
        wait(False)
        dialog.submitted.disconnect(queue.put_nowait)
        dialog.finished.disconnect(closed)


class ActionDialog(QDialog):
    submitted = Signal(object)
    UI = ""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str) -> None:
        super().__init__(parent)
        dialog_frame(self)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.content = embed(self.UI, self)
        self.buttons = child(self.content, QDialogButtonBox, "buttonBox")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.ok.setText(ok_text)
        self.ok.clicked.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.busy = False
        self.setMinimumWidth(460)

    def value(self) -> Any:
        return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A window is sized from its width-independent hint, i.e. its wrapped text laid out narrower than it
        # is shown: too short for a heading on two lines at 2x (rows squeezed, descenders cut), or too tall
        # (an empty gap above the buttons). The height its width needs, then.
        self.fit_height()

    def fit_height(self, grow_only: bool = False) -> None:
        """The height the content needs at the current width (a hint or warning that wraps onto more lines
        must not be clipped); `grow_only` while the user types, so the window does not jump back and forth."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = max(layout.totalHeightForWidth(self.width()), self.minimumSizeHint().height())
            if needed > self.height() or (needed != self.height() and not grow_only):
                self.resize(self.width(), needed)

    def _submit(self) -> None:
        if self.ok.isEnabled() and not self.busy:
            self.busy = True  # at once: a second Enter before the controller sees this one sends nothing
            self.submitted.emit(self.value())

    def set_busy(self, busy: bool) -> None:
        """While a request runs, nothing can be changed or sent again."""
        self.busy = busy
        self.content.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def reject(self) -> None:
        if not self.busy:  # let a running request finish, so its outcome can be shown
            super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        # Back to the main window, whose focus widget gets the keys again (not every platform reactivates it).
        if (parent := self.parentWidget()) is not None:
            parent.window().activateWindow()

    def show_error(self, text: str) -> None:
        label = self.content.findChild(QLabel, "errorLabel")
        if label is not None:
            label.setText(text)
            label.setVisible(bool(text))
            self.adjustSize()  # a message of several lines must not be clipped


IDENTIFIER_RULES = "3 to 100 characters, different from every other service account's identifier."


class IdentifierDialog(ActionDialog):
    UI = "identifier.ui"

    def __init__(self, parent: QWidget | None, taken: Iterable[str], account: ServiceAccount | None = None) -> None:
        renaming = account is not None
        super().__init__(
            parent,
            plain.title(f"Rename “{account.identifier}”") if account else "Add a service account",
            "Rename" if renaming else "Add",
        )
        self.taken = identifiers.Taken(taken)  # indexed once: 10,000 names take about 20 ms
        self.current = account.identifier if account else None
        self.edit = child(self.content, QLineEdit, "identifierEdit")
        self.hint = child(self.content, QLabel, "hintLabel")
        child(self.content, QLabel, "introLabel").setText(
            "Renaming changes only the label. The key and secret do not change, so the pipelines that use "
            "them keep working."
            if renaming
            else "Name it after the pipeline that will use it: the name marks every test it starts (“Started by”). "
            "Its key and secret are made for you."
        )
        self.hint.setMinimumHeight(self.hint.fontMetrics().height())  # one line kept for it: no jump as it comes
        self.edit.textChanged.connect(self._validate)
        self._note = ""  # said while nothing else needs saying
        if account:
            # A name stored before the rules (or by another client) may hold bidi controls: in the field they
            # would reorder what the admin reads and edits. They are left out, and the admin is told.
            hidden = sorted({ch for ch in account.identifier if ch in bidi.CONTROLS})
            self.edit.setText("".join(ch for ch in account.identifier if ch not in bidi.CONTROLS))
            if hidden:
                self._note = (
                    "The current identifier holds invisible characters that reorder text "
                    f"({', '.join(map(identifiers.describe, hidden))}); they are left out here."
                )
            self.edit.selectAll()
        self._validate()
        self.ok.setDefault(True)

    def value(self) -> str:
        """The identifier as the server will store it (trimmed, NFKC)."""
        text = self.edit.text()
        return identifiers.normalise(text) if identifiers.problem(text) is None else text.strip()

    def problem(self) -> str | None:
        """The server's rules (tbdesk.identifiers), checked as the user types: a message, or None."""
        try:
            name = identifiers.normalise(self.edit.text())
        except identifiers.InvalidIdentifier as exc:
            return exc.message
        if self.current is not None and name == self.current:
            return "This is the current identifier."
        existing = self.taken.clash(name, own=self.current)
        return identifiers.clash_message(name, existing) if existing is not None else None

    def _validate(self) -> None:
        problem = self.problem()
        self.ok.setEnabled(problem is None)
        if problem is None and self.value() != self.edit.text().strip():
            problem = f"Will be saved as “{self.value()}”."  # fullwidth letters, decomposed accents
        # An empty field is not an error yet; say nothing until the user has typed.
        self._set_hint(problem or self._note if self.edit.text() else "", error=False)

    def _set_hint(self, text: str, error: bool) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet("color: #d64545;" if error else "")
        if self.isVisible():  # a look-alike warning wraps onto lines the dialog had no room for (QA2 #29/63)
            relayout(self.content, self)
            self.fit_height(grow_only=True)
        # The hint belongs to the field: a screen reader says it with the field, not only when found.
        self.edit.setAccessibleDescription(text or IDENTIFIER_RULES)

    def show_error(self, text: str) -> None:
        self._set_hint(text, error=True)
        self.edit.setFocus()


class RotateDialog(ActionDialog):
    UI = "rotate.ui"

    def __init__(self, parent: QWidget | None, account: ServiceAccount, usage: Usage | None) -> None:
        super().__init__(parent, "Rotate access key", "Rotate access key")
        self.account = account
        heading = child(self.content, QLabel, "titleLabel")
        _heading(heading, "Rotate the access key of “{name}”?", account.identifier)
        _show_usage(self.content, usage)
        _cancel_is_default(self)

    def value(self) -> int:
        return self.account.id


class DeleteDialog(ActionDialog):
    UI = "delete.ui"

    def __init__(self, parent: QWidget | None, account: ServiceAccount, usage: Usage | None = None) -> None:
        super().__init__(parent, "Delete service account", "Delete")
        self.account = account
        _show_usage(self.content, usage)  # as Rotate shows it: who would break
        heading = child(self.content, QLabel, "titleLabel")
        _heading(heading, "Delete “{name}”?", account.identifier)
        plain.label(child(self.content, QLabel, "promptLabel"), f"Type {account.identifier} to confirm:")
        self.confirm = child(self.content, QLineEdit, "confirmEdit")
        # No accessible name of its own: the buddy label ("Type ci-runner to confirm:") names the field.
        self.confirm.setAccessibleDescription("Delete becomes available once the text matches exactly.")
        self.confirm.textChanged.connect(self._confirmed)
        self.ok.setIcon(icon("delete"))
        _cancel_is_default(self)
        self.confirm.setFocus()
        self._confirmed("")

    def _confirmed(self, text: str) -> None:
        # Typing the identifier is the confirmation: from then on Enter deletes (GitHub's rule). Until then
        # Cancel stays the default (else the button box would make Delete the default when shown).
        match = text == self.account.identifier
        self.ok.setEnabled(match)
        self.ok.setDefault(match)
        self.cancel.setDefault(not match)
        if match:
            self.show_error("")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # An early Enter in the field neither deletes nor silently closes the dialog: it says what is missing.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.focusWidget() is self.confirm and not self.ok.isEnabled():
            self.show_error("Type the identifier exactly as shown to delete, or press Escape to cancel.")
            return
        super().keyPressEvent(event)

    def value(self) -> int:
        return self.account.id


HEADING_NAME_PX = 360  # the widest an identifier may be in a heading: it fits the dialog's narrowest width


def _heading(label: QLabel, template: str, identifier: str) -> None:
    """A dialog's bold question naming an account: the identifier elided in the middle to fit (one long word
    cannot wrap and was cut at the dialog's edge), the whole identifier in the tooltip and for screen readers.
    The middle: two pipelines named alike differ at their end ("…-eu-west", "…-us-east"), and the question is
    where the admin checks which one (QA15)."""
    label.setStyleSheet("font-weight: 600;")
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    name = QFontMetrics(font).elidedText(plain.text(identifier), Qt.TextElideMode.ElideMiddle, HEADING_NAME_PX)
    plain.label(label, template.format(name=name))
    label.setToolTip(plain.tooltip(identifier))
    label.setAccessibleDescription(plain.text(identifier))


def _show_usage(content: QWidget, usage: Usage | None) -> None:
    """Recent use in Rotate and Delete, in the words of the accounts table."""
    if usage is None:
        values = ("still loading", "still loading", "still loading")
    else:
        last = f"{fmt.local(usage.last_test)} ({fmt.relative(usage.last_test)})" if usage.last_test else "none"
        values = (last, str(usage.last_24h), str(usage.last_7d))
    for name, text in zip(("lastTestValue", "dayValue", "weekValue"), values, strict=True):
        child(content, QLabel, name).setText(text)


def _cancel_is_default(dialog: ActionDialog) -> None:
    # Cancel is the default while the focus is elsewhere; a push button the user has tabbed to is the one
    # Enter presses (autoDefault), as everywhere in Qt: Enter on a focused "Rotate" must not cancel.
    dialog.ok.setAutoDefault(True)
    dialog.ok.setDefault(False)
    dialog.cancel.setAutoDefault(True)
    dialog.cancel.setDefault(True)
    dialog.cancel.setFocus()


class SignInDialog(ActionDialog):
    UI = "sign_in.ui"

    def __init__(
        self,
        parent: QWidget | None,
        api_url: str,
        keyring_problem: str | None,
        message: str | None = None,
        check_url: Callable[[str], object] | None = None,
        profile: str = "default",
        profiles: Sequence[str] = (),
    ) -> None:
        """`profile` is the name the pair is kept under (an existing one of `profiles` is updated, a new one
        added). `check_url` raises ValueError with a message for a URL the client would refuse (the API layer's
        check_base_url, handed in by the session: views do not import the client)."""
        super().__init__(parent, "Sign in to TestingBot", "Sign in")
        self._check_url = check_url
        self.key = child(self.content, QLineEdit, "keyEdit")
        self.secret = child(self.content, QLineEdit, "secretEdit")
        self.api_url = child(self.content, QLineEdit, "apiUrlEdit")
        self.advanced = child(self.content, QGroupBox, "advancedBox")
        self.remember = child(self.content, QCheckBox, "rememberCheck")
        self.profile = child(self.content, QLineEdit, "profileEdit")
        self.profile.setText(profile)
        self.profile.setAccessibleDescription("Stored profiles: " + (", ".join(profiles) or "none yet"))
        names = QCompleter(list(profiles), self.profile)
        names.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.profile.setCompleter(names)
        self.api_url.setText(api_url)
        self._eye = QAction(icon("eye"), "Show the secret", self.secret)
        self._eye.setCheckable(True)
        self._eye.toggled.connect(self._toggle_secret)
        self.secret.addAction(self._eye, QLineEdit.ActionPosition.TrailingPosition)
        self.pair_note = child(self.content, QLabel, "pairNote")
        self._key_length = 0
        self.key.textChanged.connect(self._split_pair)  # first: the secret must leave the Key field at once
        for edit in (self.key, self.secret, self.api_url, self.profile):
            edit.textChanged.connect(self._validate)  # Enter is the default button's: one submission
        self._remember_allowed = not keyring_problem
        if keyring_problem:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.remember.setToolTip(plain.tooltip(keyring_problem) or "")
            note = child(self.content, QLabel, "keyringNote")
            note.setText(keyring_problem)
            note.setVisible(True)
        if message:
            self.show_error(message)
        self.ok.setDefault(True)
        self._validate()
        self.setMinimumWidth(440)

    cancelled = Signal()  # Cancel (or Escape) while signing in: stop trying

    def set_busy(self, busy: bool) -> None:
        """While signing in, the fields and Sign in are off but Cancel stays live: an unreachable server
        must not hold the dialog for the length of a timeout."""
        self.busy = busy
        for widget in (self.key, self.secret, self.profile, self.api_url, self.advanced, self.remember, self.ok):
            widget.setEnabled(not busy and (widget is not self.remember or self._remember_allowed))
        if not busy:
            self._validate()
            if not any(field.hasFocus() for field in (self.key, self.secret, self.profile, self.api_url)):
                # Signing in, only Cancel was on, so the focus went there (QA6: typing then went nowhere and
                # Enter cancelled): back to the Secret, its text selected to be typed over.
                self.secret.setFocus(Qt.FocusReason.OtherFocusReason)
                self.secret.selectAll()
        self.ok.setText("Signing in…" if busy else "Sign in")
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def reject(self) -> None:
        if self.busy:
            self.cancelled.emit()
            self.set_busy(False)
        QDialog.reject(self)

    def _toggle_secret(self, shown: bool) -> None:
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self._eye.setIcon(icon("eye-off" if shown else "eye"))
        self._eye.setText("Hide the secret" if shown else "Show the secret")

    def _split_pair(self, text: str) -> None:
        """A pasted KEY:SECRET (as ~/.testingbot and hub URLs hold it): the secret goes to its masked field."""
        pasted = len(text) - self._key_length > 1  # typed one character at a time, a colon is left alone
        self._key_length = len(text)
        key, colon, secret = text.partition(":")
        if not pasted or not colon or not key.strip() or not secret.strip():
            return
        self.secret.setText(secret.strip())
        self.key.setText(key.strip())  # the secret is off screen before the next paint
        self.pair_note.setText("You pasted a key:secret pair: the secret went to the Secret field, masked.")
        self.pair_note.setVisible(True)
        # Room for the note, now: the layouts learn of the shown label first (else adjustSize sizes the old).
        relayout(self.content, self)
        self.adjustSize()

    def _validate(self) -> None:
        fields = (self.key, self.secret, self.api_url, self.profile)
        self.ok.setEnabled(all(edit.text().strip() for edit in fields))

    def value(self) -> tuple[str, str, str, bool, str]:
        return (
            self.key.text().strip(),
            self.secret.text().strip(),
            self.api_url.text().strip(),
            self.remember.isChecked(),
            " ".join(self.profile.text().split()),  # one line (at most 64 characters): it names a menu item
        )

    def _submit(self) -> None:
        try:
            if self._check_url is not None:
                self._check_url(self.api_url.text())
        except ValueError as exc:
            self.advanced.setChecked(True)
            self.show_error(str(exc))
            return
        super()._submit()


class TestDetailsDialog(QDialog):
    """One test, as TestingBot's test page reads (core/test_page.py), with every raw field one click away."""

    __test__ = False

    def __init__(self, parent: QWidget | None, test: Test, on_testingbot: bool = True) -> None:
        super().__init__(parent)
        dialog_frame(self)
        self.test = test
        self.setWindowTitle(plain.title(f"Test: {test.name or test.session_id}"[:120]))
        self.content = embed("test_details.ui", self)
        title = child(self.content, QLabel, "titleLabel")
        plain.label(title, test.name or test.session_id)
        title.setStyleSheet("font-weight: 600; font-size: 14pt;")
        form = self.content.findChild(QFormLayout, "summaryForm")
        if form is None:
            raise LookupError("the test details layout has no summaryForm")
        self.form = form
        assert self.form is not None
        self.values: dict[str, QLabel] = {}
        for label, value in test_page.summary(test):
            self._add_row(label, value)
        self.fields = self.table = child(self.content, QTableWidget, "fieldsTable")
        self.table.setAccessibleName("Fields of the test")
        self.table.setTabKeyNavigation(False)  # Tab moves on to Close; arrows move between fields
        rows = test_page.all_fields(dict(test.raw))
        self.fields.setRowCount(len(rows))
        for r, (name, value) in enumerate(rows):
            for c, text in enumerate((name, value)):
                item = QTableWidgetItem(plain.text(text))  # items show plain text, never markup
                if not text:
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, "empty")  # never an unnamed cell
                self.fields.setItem(r, c, item)
        self.fields.resizeColumnToContents(0)
        self.all_fields = child(self.content, QCheckBox, "allFieldsCheck")
        self.all_fields.toggled.connect(self._show_all)
        buttons = child(self.content, QDialogButtonBox, "buttonBox")
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(icon("open"), "&Open in TestingBot")
        self.open_button.setToolTip(plain.tooltip(f"The dashboard's page of this test: {self.url}"))
        if not on_testingbot:  # a sandbox's or another server's test has no page on testingbot.com
            self.open_button.setEnabled(False)
            self.open_button.setToolTip("This test ran on another server than TestingBot: it has no dashboard page.")
        self.open_button.clicked.connect(self._open)
        self.copy_button = QPushButton(icon("copy"), "Copy session &id")
        self.copy_button.clicked.connect(self._copy_session_id)
        for button in (self.open_button, self.copy_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button.setDefault(True)  # Enter and Escape both close it
        self.setMinimumWidth(520)
        self.resize(620, self.sizeHint().height())

    @property
    def url(self) -> str:
        return test_page.dashboard_url(self.test)

    def _add_row(self, label: str, value: str) -> None:
        text = QLabel()
        plain.label(text, plain.short(value, 60))  # a 100-character identifier was cut at the dialog's edge
        if len(value) > 60:
            text.setToolTip(plain.tooltip(value))  # whole here and under "Show all fields"
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        self.values[label] = text
        if label == "Started by" and self.test.started_by is not None:
            sb = self.test.started_by
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            mark = QLabel()
            mark.setPixmap(icon("robot" if sb.is_service_account else "person").pixmap(16, 16))
            mark.setAccessibleName("Service account" if sb.is_service_account else "Team member")
            box.addWidget(mark)
            box.addWidget(text, 1)
            if sb.deleted or not sb.is_service_account:
                font = text.font()
                font.setItalic(True)
                text.setFont(font)
            self.form.addRow(f"{label}:", row)
            return
        if label == "Session id":
            text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.form.addRow(f"{label}:", text)

    def _show_all(self, shown: bool) -> None:
        self.fields.setVisible(shown)
        if shown:
            self.resize(self.width(), max(self.height(), 620))

    def _open(self) -> None:
        QDesktopServices.openUrl(QUrl(self.url))

    def _copy_session_id(self) -> None:
        # A session id is not a credential: a plain copy, no timeout.
        QGuiApplication.clipboard().setText(self.test.session_id)
        self.copy_button.setText("Session &id copied")


class ErrorReportDialog(QDialog):
    """An unexpected error, with a report the user can copy (already redacted)."""

    def __init__(self, parent: QWidget | None, summary: str, report: str) -> None:
        super().__init__(parent)
        dialog_frame(self)
        self.setWindowTitle("tbdesk hit an unexpected error")
        layout = QVBoxLayout(self)
        label = QLabel(
            f"{summary}\n\nYour data is safe. If this keeps happening, copy the report below into "
            "a bug report. Keys and secrets have been removed from it."
        )
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Error report (keys and secrets removed)")
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy report")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 420)
