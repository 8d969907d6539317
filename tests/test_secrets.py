"""Secrets stay secret: revealed values hide, copies are marked and cleared, no file or log holds them."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from tbdesk import identifiers
from tbdesk.app import Options
from tbdesk.credentials import CredentialStore, default_backend
from tbdesk.gui import crash
from tbdesk.gui.clipboard import SENSITIVE_FORMATS, ClipboardGuard
from tbdesk.gui.dialogs import DeleteDialog, ErrorReportDialog, IdentifierDialog, RotateDialog, SignInDialog
from tbdesk.gui.models import AccountCol
from tbdesk.logs import setup_logging
from tbdesk.redact import SECRETS, RedactingFilter

from helpers.gui import click, row_of, until
from helpers.sandbox import asgi_sandbox


def revealed(desk, account_id: int, col: int) -> bool:
    return desk.accounts.is_revealed(account_id, col)


def test_revealed_values_hide_after_the_timeout(gui):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb, reveal_timeout=1))
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.reveal_key_action.trigger()
    assert revealed(desk, ci.id, AccountCol.KEY)
    gui.run(until(lambda: not revealed(desk, ci.id, AccountCol.KEY), timeout=3, what="hidden after 1 s"))


def test_minimising_hides_revealed_values(gui):
    desk = gui.start(gui.desk(asgi_sandbox()))
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.reveal_key_action.trigger()
    desk.window.showMinimized()
    gui.run(until(lambda: not revealed(desk, ci.id, AccountCol.KEY), what="hidden on minimise"))


def test_screen_lock_signal_hides_revealed_values(gui):
    from PySide6.QtDBus import QDBusConnection, QDBusMessage

    desk = gui.start(gui.desk(asgi_sandbox()))
    if not desk.screen_lock.listening:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs under dbus-run-session: the screen-lock watcher must be listening")
        pytest.skip("no D-Bus session bus here")
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.reveal_key_action.trigger()
    signal = QDBusMessage.createSignal("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged")
    signal.setArguments([True])
    assert QDBusConnection.sessionBus().send(signal)
    gui.run(until(lambda: not revealed(desk, ci.id, AccountCol.KEY), what="hidden on screen lock"))


def test_clipboard_is_marked_and_cleared_only_if_still_ours(gui, qapp):
    clip = QGuiApplication.clipboard()
    guard = ClipboardGuard(clip, timeout_s=1)
    ticks: list[int] = []
    guard.countdown.connect(lambda _label, left: ticks.append(left))
    guard.copy("s3cret-value-1234", "Secret")
    mime = clip.mimeData()
    assert {f: bytes(mime.data(f)) for f in SENSITIVE_FORMATS} == SENSITIVE_FORMATS
    gui.run(until(lambda: clip.text() == "", timeout=3, what="cleared"))
    assert ticks[0] == 1 and ticks[-1] == 0
    # Replaced by the user: left alone.
    guard.copy("s3cret-value-1234", "Secret")
    other = QMimeData()
    other.setText("something the user copied")
    clip.setMimeData(other)
    gui.run(until(lambda: not guard.holding and ticks[-1] == 0, timeout=3))
    assert clip.text() == "something the user copied"


def test_quitting_clears_the_copied_secret(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    desk.select_account(row_of(desk, "ci-runner").id)
    desk.window.copy_key_action.trigger()
    assert QGuiApplication.clipboard().text() == row_of(desk, "ci-runner").key
    desk.window.close()
    gui.run(until(desk.closed.is_set))
    assert QGuiApplication.clipboard().text() == ""


def test_timeouts_are_settings(tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert Options.timeouts_from(settings) == {"reveal_timeout": 30, "clipboard_timeout": 30}
    settings.setValue("security/clipboardSeconds", 12)
    settings.setValue("security/revealSeconds", "nonsense")
    assert Options.timeouts_from(settings) == {"reveal_timeout": 30, "clipboard_timeout": 12}
    settings.setValue("security/clipboardSeconds", 100000)
    assert Options.timeouts_from(settings)["clipboard_timeout"] == 600


def test_crash_report_is_redacted_and_copyable(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    hook = crash.install(lambda: desk.window)
    try:
        raise RuntimeError(f"boom with {sb.secret} in https://{sb.key}:{sb.secret}@hub.example/wd/hub")
    except RuntimeError as exc:
        hook(type(exc), exc, exc.__traceback__)
    dialog = gui.run(until(lambda: desk.window.findChild(ErrorReportDialog)))
    report = dialog.report.toPlainText()
    summary = " ".join(lbl.text() for lbl in dialog.findChildren(QLabel))
    assert "RuntimeError" in report and "tbdesk" in report
    for text in (report, summary):
        assert sb.secret not in text and sb.key not in text
    dialog.close()


def test_log_records_are_redacted_by_the_handler(tmp_path):
    SECRETS.register("abcdef0123456789")
    path = setup_logging(verbose=True, folder=tmp_path)
    root = logging.getLogger()
    try:
        logging.getLogger("tbdesk.test").warning("leaked %s and TESTINGBOT_SECRET=zz9plural", "abcdef0123456789")
        try:
            raise ValueError("abcdef0123456789")
        except ValueError:
            logging.getLogger("tbdesk.test").exception("failure")
    finally:
        for handler in [h for h in root.handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
    text = path.read_text("utf-8")
    assert "abcdef0123456789" not in text and "zz9plural" not in text and text.count("‹redacted›") >= 3


def test_a_whole_session_leaves_no_credential_in_any_file(gui, qtbot, tmp_path, monkeypatch):
    """Sign in with "remember", add, reveal, copy, rotate, delete, quit; then read every file written."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    backend = default_backend()
    if backend is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide a Secret Service (./dev test runs gnome-keyring)")
        pytest.skip("no system keyring here: run through ./dev test")
    log_path = setup_logging(verbose=True)  # under XDG_STATE_HOME, like a real run
    root = logging.getLogger()
    sb = asgi_sandbox()
    used: set[str] = {sb.key, sb.secret}
    try:
        gui.tmp = home
        desk = gui.desk(sb, key=False, store=CredentialStore())
        desk.window.settings = QSettings(str(home / ".config/tbdesk/tbdesk.conf"), QSettings.Format.IniFormat)
        task = gui.loop.create_task(desk.start())
        dialog = gui.run(until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog))
        assert dialog.remember.isChecked()
        qtbot.keyClicks(dialog.key, sb.key)
        qtbot.keyClicks(dialog.secret, sb.secret)
        click(qtbot, dialog.ok)
        gui.run(task)

        desk.window.add_action.trigger()
        add = gui.run(
            until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog.isVisible() and desk.dialog)
        )
        qtbot.keyClicks(add.edit, "leak-check")
        click(qtbot, add.ok)
        made = gui.run(until(lambda: row_of(desk, "leak-check")))
        first = sb.store.service_account(made.id)
        used |= {first["key"], first["secret"]}
        desk.window.reveal_secret_action.trigger()
        desk.window.reveal_key_action.trigger()
        for action in (
            desk.window.copy_key_action,
            desk.window.copy_secret_action,
            desk.window.copy_env_action,
            desk.window.copy_hub_action,
        ):
            action.trigger()
        desk.window.rotate_action.trigger()
        rotate = gui.run(
            until(lambda: isinstance(desk.dialog, RotateDialog) and desk.dialog.isVisible() and desk.dialog)
        )
        click(qtbot, rotate.ok)
        gui.run(until(lambda: not rotate.isVisible()))
        second = sb.store.service_account(made.id)
        used |= {second["key"], second["secret"]}
        desk.window.copy_secret_action.trigger()
        desk.window.delete_action.trigger()
        delete = gui.run(
            until(lambda: isinstance(desk.dialog, DeleteDialog) and desk.dialog.isVisible() and desk.dialog)
        )
        qtbot.keyClicks(delete.confirm, "leak-check")
        click(qtbot, delete.ok)
        gui.run(until(lambda: row_of(desk, "leak-check") is None))
        desk.window.close()
        gui.run(until(desk.closed.is_set))
        assert QGuiApplication.clipboard().text() == ""
        assert CredentialStore().load("default") is not None  # remembered: in the keyring only
    finally:
        for handler in [h for h in root.handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        CredentialStore().delete("default")

    files = [p for p in (home.rglob("*")) if p.is_file()] + [p for p in gui.tmp.parent.rglob("*.ini") if p.is_file()]
    names = {p.name for p in files}
    assert {"tbdesk.log", "profiles.json", "tbdesk.conf"} <= names, names
    assert log_path.stat().st_size > 0
    for path in files:
        data = path.read_bytes()
        for secret in used:
            for encoded in (secret.encode(), secret.encode("utf-16-le")):
                assert encoded not in data, f"a credential was written to {path.relative_to(tmp_path)}"
    print(
        f"\nscanned {len(files)} files ({sum(p.stat().st_size for p in files)} bytes) for {len(used)} "
        "credentials: none found"
    )


def test_markup_from_the_server_is_shown_as_plain_text(gui):
    sb = asgi_sandbox()
    sb.store.create_service_account("<b>bold</b><script>x</script>")
    desk = gui.start(gui.desk(sb))
    hostile = row_of(desk, "<b>bold</b><script>x</script>")
    desk.select_account(hostile.id)
    desk.window.rotate_action.trigger()
    dialog = gui.run(until(lambda: isinstance(desk.dialog, RotateDialog) and desk.dialog))
    title = dialog.content.findChild(QLabel, "titleLabel")
    assert title.textFormat() == Qt.TextFormat.PlainText and "<b>bold</b>" in title.text()
    dialog.reject()
    assert desk.accounts.index(desk.accounts.row_of(hostile.id), 0).data() == "<b>bold</b><script>x</script>"
    for label in desk.window.findChildren(QLabel):
        if "<b>" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


HOSTILE = [
    ("emoji 🚀-pipeline 🧪", True),
    ("שלום-pipeline", True),
    ("‏rtl‎-mark-name", False),  # bidi marks: refused since #11 (look-alike identifiers)
    ("x" * 10_000, False),
    ("ctrl\x00name", False),
    ("tab\tname", False),
    ("     ", False),
    ("sep\u2028name", False),
    ("ab", False),
    ("  spaced-out  ", True),
    ("Ωmega-ünïcode", True),
]


@pytest.mark.parametrize(("text", "valid"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_identifiers_in_the_add_dialog(gui, qtbot, text, valid):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    desk.window.add_action.trigger()
    dialog = gui.run(until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog))
    dialog.edit.setMaxLength(20_000)  # paste past the field's limit: validation must still hold
    dialog.edit.setText(text)
    assert dialog.ok.isEnabled() is valid
    if not valid:
        assert dialog.hint.text()
        dialog.reject()
        return
    click(qtbot, dialog.ok)
    gui.run(until(lambda: row_of(desk, text.strip()), what="created"))
    assert sb.store.service_account(row_of(desk, text.strip()).id)["identifier"] == text.strip()


def test_server_rejects_what_the_dialog_lets_through_without_losing_input(gui, qtbot):
    """Were the rules to drift apart, the server's message lands on the field and the text stays."""
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    desk.window.add_action.trigger()
    dialog = gui.run(until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog))
    dialog.taken = identifiers.Taken([])
    sb.store.create_service_account("raced")
    dialog.edit.setText("RACED")
    click(qtbot, dialog.ok)
    gui.run(until(lambda: "already exists" in dialog.hint.text()))
    assert dialog.edit.text() == "RACED" and dialog.isVisible()
    dialog.reject()


def test_reveal_storage_is_memory_only(gui):
    """The model keeps secrets in a dict that is dropped with rows; nothing persists them."""
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.reveal_secret_action.trigger()
    gui.run(until(lambda: desk.accounts.secret(ci.id)))
    desk.accounts.remove(ci.id)
    assert desk.accounts.secret(ci.id) is None
    assert not any(Path(gui.tmp).rglob("*.db"))


def test_redaction_keeps_ordinary_words_after_a_label_but_masks_credentials():
    """QA #40: the retry log line read "Checking your key and secret: ‹redacted› in 1.4s" ("retrying" was masked)."""
    line = "Checking your key and secret: retrying in 1.4s after NetworkError"
    assert SECRETS.redact(line) == line
    assert SECRETS.redact("Key: invalid.") == "Key: invalid."
    hexkey = "0f3a9c1e" * 4
    letters = "abcdefabcdefabcdefabcdefabcdefab"  # an unregistered 32-character key with no digit
    for text, value in [
        (f"secret: {hexkey}", hexkey),
        (f"key:{letters}", letters),
        (f"Key: {hexkey[:10]}", hexkey[:10]),
        ("TESTINGBOT_SECRET=plainword", "plainword"),
        (f"https://{hexkey}:s3cr3tval@hub.testingbot.com/wd/hub", hexkey),
    ]:
        out = SECRETS.redact(text)
        assert value not in out and "‹redacted›" in out, text
