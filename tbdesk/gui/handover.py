"""The hand-over panel: after Add, Rotate or a bulk rotation, the new pair in the forms CI systems take.

The secret stays hidden (here and in the previews) until revealed, and hides again after the reveal
timeout. Every copy goes through the clipboard guard: marked sensitive, cleared after its timeout.
Closing the panel loses nothing: the table keeps the pair, revealable and copyable as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ..core import snippets
from . import plain
from .clipboard import ClipboardGuard
from .fit import fitted
from .format import MASK
from .forms import child, embed
from .icons import icon
from .window_hints import dialog_frame

_USER_FOCUS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason)


@dataclass(frozen=True)
class Pair:
    """One account's identifier and its current key and secret (held only while the panel is open)."""

    identifier: str
    key: str
    secret: str


class HandoverPanel(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        pairs: Sequence[Pair],
        api_url: str,
        guard: ClipboardGuard,
        *,
        rotated: bool,
        new: bool = True,
        reveal_seconds: int = 30,
    ) -> None:
        """`new`: the pairs were just made (Add, Rotate); else an account's pair as it is, handed over again
        (Account → Hand over), which nothing in the panel may call new (QA15)."""
        super().__init__(parent)
        dialog_frame(self)
        self.pairs = list(pairs)
        self.api_url = api_url
        self.guard = guard
        self.new = new
        fresh = "new " if new else ""
        self.setWindowTitle(f"Hand over the {fresh}key and secret" if len(pairs) == 1 else "Hand over the new pairs")
        self.setWindowIcon(icon("key"))
        self.content = embed("handover.ui", self)
        c = self.content
        self.title = child(c, QLabel, "titleLabel")
        self.title.setStyleSheet("font-weight: 600;")
        child(c, QLabel, "introLabel").setText(
            (
                "The old pairs stopped working. "
                if len(pairs) > 1
                else "The old pair stopped working. "
                if rotated
                else ""
            )
            + (
                "Put each new pair into its pipeline's secret settings. Closing this loses nothing: the pairs stay "
                "revealable and copyable from the table."
                if len(pairs) > 1
                else f"Put the {fresh}pair into the pipeline's secret settings. Closing this loses nothing: the pair "
                "stays revealable and copyable from the table."
            )
        )
        self.account_combo = child(c, QComboBox, "accountCombo")
        self.account_combo.setAccessibleName("Service account to hand over")
        for i, pair in enumerate(self.pairs):
            self.account_combo.addItem(f"{plain.short(pair.identifier)}  ({i + 1} of {len(self.pairs)})")
            self.account_combo.setItemData(i, plain.tooltip(pair.identifier), Qt.ItemDataRole.ToolTipRole)
        for name in ("accountLabel", "accountCombo"):
            child(c, QWidget, name).setVisible(len(self.pairs) > 1)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.key_edit = child(c, QLineEdit, "keyEdit")
        self.secret_edit = child(c, QLineEdit, "secretEdit")
        self.preview = child(c, QPlainTextEdit, "previewEdit")
        for w in (self.key_edit, self.secret_edit, self.preview):
            w.setFont(mono)
        wide = QFontMetrics(mono).horizontalAdvance("0" * 32) + 16  # a whole key, never scrolled
        for edit in (self.key_edit, self.secret_edit):
            edit.setMinimumWidth(wide)
        self.preview.setAccessibleName("Preview of the copied text")
        self.preview_label = child(c, QLabel, "previewLabel")
        self.reveal_button = child(c, QPushButton, "revealButton")
        self.reveal_button.setIcon(icon("eye"))
        self.copy_key_button = child(c, QPushButton, "copyKeyButton")
        self.copy_secret_button = child(c, QPushButton, "copySecretButton")
        for b in (self.copy_key_button, self.copy_secret_button):
            b.setIcon(icon("copy"))
        self.problem = child(c, QLabel, "problemLabel")
        self.clipboard_label = child(c, QLabel, "clipboardLabel")
        self.buttons = child(c, QDialogButtonBox, "buttonBox")
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.form_buttons: dict[str, QPushButton] = {}
        grid = c.findChild(QGridLayout, "formsGrid")
        assert grid is not None
        for i, form in enumerate(snippets.FORMS):
            button = QPushButton(icon("copy"), form.label, self.content)
            button.setToolTip(form.hint)
            button.setAccessibleDescription(form.hint)
            button.clicked.connect(lambda _=False, f=form.id: self.copy_form(f))
            button.installEventFilter(self)  # tabbing onto it shows its preview
            grid.addWidget(button, i // 3, i % 3)
            self.form_buttons[form.id] = button
        self.shown_form = snippets.FORMS[0].id
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(reveal_seconds * 1000)
        self._hide_timer.timeout.connect(self.hide_secret)
        self.reveal_button.toggled.connect(self._reveal_toggled)
        self.copy_key_button.clicked.connect(lambda: self._copy(self.pair.key, "Key"))
        self.copy_secret_button.clicked.connect(lambda: self._copy(self.pair.secret, "Secret"))
        self.account_combo.currentIndexChanged.connect(self._show_pair)
        guard.countdown.connect(self._countdown)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(fitted(self, QSize(700, 520)))
        self._show_pair(0)
        self.form_buttons[snippets.FORMS[0].id].setFocus()

    @property
    def pair(self) -> Pair:
        return self.pairs[max(self.account_combo.currentIndex(), 0)]

    # -- showing ---------------------------------------------------------------------------------

    def _show_pair(self, _index: int) -> None:
        pair = self.pair
        # Shortened (the tooltip has it whole): one long word cannot wrap and would widen the panel.
        self.title.setText(f"{'New key' if self.new else 'Key'} and secret for “{plain.short(pair.identifier, 60)}”")
        self.title.setToolTip(plain.tooltip(pair.identifier))
        self.key_edit.setText(pair.key)
        self.hide_secret()
        self._reveal_toggled(False)
        try:
            snippets.check_pair(pair.key, pair.secret)
            problem = ""
        except snippets.UnsafeValue as exc:
            problem = f"{exc} Only the plain copies are offered."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        for button in self.form_buttons.values():
            button.setEnabled(not problem)
        self._preview(self.shown_form)

    def _preview(self, form: str) -> None:
        self.shown_form = form
        label = next(f.label for f in snippets.FORMS if f.id == form)
        revealed = self.revealed
        secret = self.pair.secret if revealed else MASK
        text = snippets.render(form, self.pair.key, secret, self.api_url) if not self.problem.text() else ""
        hidden = "" if revealed or not snippets.has_secret(form) else " (secret hidden; Reveal to show it)"
        self.preview_label.setText(f"Preview: {label}{hidden}")
        self.preview.setPlainText(text)

    @property
    def revealed(self) -> bool:
        return self.reveal_button.isChecked()

    def _reveal_toggled(self, shown: bool) -> None:
        # Hidden, the field holds a fixed-width mask, not the secret: nothing to read out, no length hinted.
        self.secret_edit.setText(self.pair.secret if shown else MASK)
        self.reveal_button.setText("&Hide" if shown else "&Reveal")
        self.reveal_button.setIcon(icon("eye-off" if shown else "eye"))
        if shown:
            self._hide_timer.start()
        else:
            self._hide_timer.stop()
        self._preview(self.shown_form)

    def hide_secret(self) -> None:
        """Also on minimise and screen lock, like the table."""
        self.reveal_button.setChecked(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Tabbing onto a form's button previews it (a click previews it too, in copy_form).
        if isinstance(event, QFocusEvent) and event.type() == QEvent.Type.FocusIn and event.reason() in _USER_FOCUS:
            for form, button in self.form_buttons.items():
                if button is watched:
                    self._preview(form)
        return super().eventFilter(watched, event)

    # -- copying ---------------------------------------------------------------------------------

    def copy_form(self, form: str) -> None:
        pair = self.pair
        try:
            snippets.check_pair(pair.key, pair.secret)
        except snippets.UnsafeValue:
            return  # the buttons are disabled; a shortcut must not get around that
        label = next(f.label for f in snippets.FORMS if f.id == form)
        self._preview(form)
        self._copy(snippets.render(form, pair.key, pair.secret, self.api_url), label)

    def _copy(self, text: str, what: str) -> None:
        self.guard.copy(text, f"{what} of “{plain.short(self.pair.identifier)}”")

    def _countdown(self, label: str, left: int) -> None:
        self.clipboard_label.setText(f"{label} copied · clears in {left} s" if left else "")

    def done(self, result: int) -> None:
        self.guard.countdown.disconnect(self._countdown)
        self.secret_edit.clear()
        self.preview.clear()
        super().done(result)
