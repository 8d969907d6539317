"""Signing in when the environment is hostile or wrong: a bad API URL, a URL without /v1, a keyring that is
broken, refused or locked. Each is a plain message in the sign-in dialog, never the crash dialog."""

from __future__ import annotations

import json

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tbdesk.credentials import DISMISSED, LOCKED, CredentialStore
from tbdesk.gui.dialogs import SignInDialog

from helpers.gui import until
from helpers.sandbox import Sandbox, asgi_sandbox


def sign_in_dialog(gui, desk) -> SignInDialog:
    """Start the desk (as __main__ does, without waiting for the dialog to be answered) until it asks."""
    gui.loop.create_task(desk.start())
    return gui.run(until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog))


def error_of(dialog: SignInDialog) -> str:
    label = dialog.content.findChild(QLabel, "errorLabel")
    return label.text() if label.isVisible() else ""


def keyring_note(dialog: SignInDialog) -> str:
    note = dialog.content.findChild(QLabel, "keyringNote")
    return note.text() if note.isVisible() else ""


@pytest.mark.parametrize(
    "url", ["ftp://example.com/v1", "http://[::1", "https://api.example.com:abc/v1", "http://example.com/v1", "x"]
)
def test_a_bad_api_url_is_a_message_not_a_crash(gui, url):
    desk = gui.desk(Sandbox(url, "k" * 32, "s" * 32))
    dialog = sign_in_dialog(gui, desk)
    assert "cannot be used" in error_of(dialog) and url in error_of(dialog)
    assert dialog.api_url.text() == url  # there to be corrected
    assert desk.client is None


def test_a_bad_profile_url_is_a_message_not_a_crash(gui):
    config = gui.tmp / "config"
    config.mkdir()
    (config / "profiles.json").write_text(
        json.dumps({"profiles": [{"name": "work", "api_url": "https://h/\u0000v1"}], "last": "work"})
    )
    desk = gui.desk(Sandbox("unused", "k" * 32, "s" * 32), store=CredentialStore(config, backend=None))
    desk.options.api_url = None  # the profile's URL is the one used
    dialog = sign_in_dialog(gui, desk)
    assert "cannot be used" in error_of(dialog) and "not a valid URL" in error_of(dialog)


def test_a_url_without_v1_that_would_work_with_it_gets_a_suggestion(gui):
    sb = asgi_sandbox()
    desk = gui.desk(Sandbox("http://127.0.0.1", sb.key, sb.secret, sb.transport))
    dialog = sign_in_dialog(gui, desk)
    assert "404" in error_of(dialog) or "not found" in error_of(dialog).lower()
    assert "http://127.0.0.1/v1" in error_of(dialog) and "add /v1" in error_of(dialog)


def test_a_wrong_url_that_is_not_missing_v1_gets_no_suggestion(gui):
    sb = asgi_sandbox()
    desk = gui.desk(Sandbox("http://127.0.0.1/api", sb.key, sb.secret, sb.transport))
    dialog = sign_in_dialog(gui, desk)
    assert error_of(dialog) and "/v1" not in error_of(dialog)


@pytest.mark.parametrize("named", ["no.such.Keyring", "keyrings.alt.file.PlaintextKeyring"])
def test_a_bad_keyring_backend_in_the_environment_is_said_in_the_sign_in_dialog(gui, monkeypatch, named):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", named)
    desk = gui.desk(None, store=CredentialStore(gui.tmp / "config"))  # the real choice, from the environment
    dialog = sign_in_dialog(gui, desk)
    assert "PYTHON_KEYRING_BACKEND" in keyring_note(dialog) and named in keyring_note(dialog)
    assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()


class LockedKeyring(KeyringBackend):
    """Every read is one unlock prompt on a desktop, which the user cancels."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_password(self, service, username):
        self.reads += 1
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service, username):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_a_locked_keyring_is_said_before_signing_in(gui):
    """The environment's pair is refused, so the dialog asks: it must already know the keyring is locked."""
    sb = asgi_sandbox()
    desk = gui.desk(sb, secret="0" * 32, store=CredentialStore(gui.tmp / "config", backend=LockedKeyring()))
    dialog = sign_in_dialog(gui, desk)
    assert "not accepted" in error_of(dialog)
    assert keyring_note(dialog) == LOCKED
    assert not dialog.remember.isEnabled()


def test_a_cancelled_unlock_prompt_at_start_up_is_not_shown_again_by_the_sign_in_dialog(gui):
    """No pair in the environment: the stored one is read (the system's unlock prompt, cancelled), then the
    dialog asks for a pair. It knows the keyring is locked: asking again showed the same prompt twice."""
    locked = LockedKeyring()
    desk = gui.desk(None, store=CredentialStore(gui.tmp / "config", backend=locked))
    dialog = sign_in_dialog(gui, desk)
    assert keyring_note(dialog) == LOCKED and not dialog.remember.isEnabled()
    assert locked.reads == 1


class NoKeyringYet(KeyringBackend):
    """A Secret Service with no keyring made yet: each access shows the prompt to make one, cancelled."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.prompts = 0

    def _prompt(self):
        self.prompts += 1
        raise keyring.errors.InitError("Failed to create the collection: Prompt dismissed..")

    def get_password(self, service, username):
        self._prompt()

    def set_password(self, service, username, password):
        self._prompt()

    def delete_password(self, service, username):
        self._prompt()


def test_a_cancelled_prompt_to_make_a_keyring_is_said_once_and_in_words(gui):
    """QA16: with no keyring made yet, the prompt to make one came back for the dialog that followed, which
    then said "The system keyring failed (InitError)": the admin had only cancelled it."""
    none_yet = NoKeyringYet()
    desk = gui.desk(None, store=CredentialStore(gui.tmp / "config", backend=none_yet))
    dialog = sign_in_dialog(gui, desk)
    assert keyring_note(dialog) == DISMISSED and "InitError" not in keyring_note(dialog)
    assert not dialog.remember.isEnabled() and none_yet.prompts == 1


def sign_out_by_keys(gui, qtbot, desk) -> None:
    """File → Sign out, from the accounts table, as a person does it with the keyboard."""
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    desk.window.accounts_view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu = gui.run(until(QApplication.activePopupWidget, what="File menu"))
    qtbot.keyClick(menu, Qt.Key.Key_O)  # Sign out


def test_a_keyring_declined_at_start_up_is_not_offered_again_and_sign_out_removes_nothing(gui, qtbot):
    """QA17: the prompt to make a keyring, cancelled at start-up, came back at sign-out (to remove a pair that
    was never stored), which then said "could not be removed"."""
    sb = asgi_sandbox()
    none_yet = NoKeyringYet()
    desk = gui.desk(sb, secret="0" * 32, store=CredentialStore(gui.tmp / "config", backend=none_yet))
    dialog = sign_in_dialog(gui, desk)  # the environment's pair refused; the keyring's prompt once, cancelled
    assert none_yet.prompts == 1 and keyring_note(dialog) == DISMISSED
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.key)
    qtbot.keyClicks(QApplication.focusWidget(), sb.key)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), sb.secret)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    sign_out_by_keys(gui, qtbot, desk)
    again = gui.run(
        until(lambda: (d := desk.dialog) is not dialog and isinstance(d, SignInDialog) and d.isVisible() and d)
    )
    assert none_yet.prompts == 1 and keyring_note(again) == DISMISSED
    assert "could not be removed" not in error_of(again)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


def test_signing_out_with_a_locked_keyring_says_the_pair_stays_and_prompts_once(gui, qtbot):
    """QA16: signing out showed the keyring's prompt for the removal, then again for the sign-in dialog; and it
    said the stored pair was removed when it was not."""
    from tbdesk.api.models import Credentials
    from tbdesk.credentials import Profile
    from tbdesk.gui.dialogs import SignInDialog

    from helpers.keyring import MemoryKeyring

    class LocksLater(MemoryKeyring):
        locked, prompts = False, 0

        def _locked(self):
            self.prompts += 1
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

        def get_password(self, service, username):
            return self._locked() if self.locked else super().get_password(service, username)

        def delete_password(self, service, username):
            return self._locked() if self.locked else super().delete_password(service, username)

    sb = asgi_sandbox()
    backend = LocksLater()
    store = CredentialStore(gui.tmp / "config", backend=backend)
    store.save(Profile("work", sb.url), Credentials(sb.key, sb.secret))
    desk = gui.start(gui.desk(sb, key=False, store=store))
    backend.locked = True  # the screen locked meanwhile, and the keyring with it
    sign_out_by_keys(gui, qtbot, desk)
    dialog = gui.run(until(lambda: isinstance(d := desk.dialog, SignInDialog) and d.isVisible() and d))
    assert keyring_note(dialog) == LOCKED and backend.prompts == 1
    assert "could not be removed" in error_of(dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


def test_a_trust_store_setting_that_cannot_be_read_is_a_message_not_a_crash(gui, monkeypatch):
    missing = str(gui.tmp / "no-such-ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", missing)
    desk = gui.desk(asgi_sandbox())
    dialog = sign_in_dialog(gui, desk)
    assert "SSL_CERT_FILE" in error_of(dialog) and missing in error_of(dialog)
    assert desk.client is None


# -- a stored pair refused at start-up: the dialog says where it is kept ---------------------------


@pytest.mark.parametrize("names", [("TESTINGBOT_KEY", "TESTINGBOT_SECRET"), ("TB_KEY", "TB_SECRET")])
def test_a_refused_environment_pair_is_named_with_its_variables(gui, names):
    """The dialog asked again with no word of the environment: the admin typed a pair in, and at the next
    start the same variables were refused again (they come before any stored pair)."""
    sb = asgi_sandbox()
    desk = gui.desk(sb, key=False)  # none of the variables set
    gui.monkeypatch.setenv(names[0], sb.key)
    gui.monkeypatch.setenv(names[1], "0" * 32)
    dialog = sign_in_dialog(gui, desk)
    error = error_of(dialog)
    assert f"environment variables {names[0]} and {names[1]} were not accepted" in error
    assert "correct or unset them" in error
    assert sb.key not in error and "0" * 32 not in error  # named, never shown


def test_a_refused_keyring_pair_is_named_with_its_profile(gui):
    from tbdesk.api.models import Credentials
    from tbdesk.credentials import Profile

    from helpers.keyring import MemoryKeyring

    sb = asgi_sandbox()
    store = CredentialStore(gui.tmp / "config", backend=MemoryKeyring())
    store.save(Profile("staging", sb.url), Credentials(sb.key, "0" * 32))
    desk = gui.desk(sb, key=False, store=store)
    dialog = sign_in_dialog(gui, desk)
    assert error_of(dialog) == "The key and secret stored in the keyring for the profile “staging” were not accepted."


def test_a_refused_dotfile_pair_is_named_with_its_file(gui):
    sb = asgi_sandbox()
    desk = gui.desk(sb, key=False)
    (gui.tmp / ".testingbot").write_text(f"{sb.key}:{'0' * 32}\n")
    dialog = sign_in_dialog(gui, desk)
    assert error_of(dialog).startswith("The key and secret in ~/.testingbot were not accepted.")
    assert "correct or remove it" in error_of(dialog)  # QA14: it comes back at every start otherwise
