"""The first screen asked for by a helper process while the window paints (tbdesk/ahead.py, issue #16).

What the admin relies on: the rows that appear are the ones signing in would show; signing in then uses the
helper's pair (no second keyring prompt) and its answers (no second wait); anything the helper cannot do
plainly (a proxy, an error, a wrong pair, a service account's pair) is left to the client, which says what
went wrong; a helper that is not needed any more is stopped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
from pathlib import Path

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

from tbdesk import ahead
from tbdesk import credentials as credentials_module
from tbdesk.api import Credentials
from tbdesk.api.client import TestingBotClient
from tbdesk.app import Options, TbDesk
from tbdesk.controllers import session as session_module
from tbdesk.core.first_screen import fetch
from tbdesk.credentials import LOCKED, CredentialStore
from tbdesk.gui.dialogs import IdentifierDialog, SignInDialog
from tbdesk.gui.models import ROW_ROLE
from tbdesk.startup import AheadReader, EarlyFilter, show_window

from helpers.gui import click, until
from helpers.processes import Silent
from helpers.sandbox import SA, Sandbox

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper is forked on Linux only")


@pytest.fixture
def pair_in_env(socket_sandbox, monkeypatch, tmp_path):
    """Signed in from the environment, with no keyring and no ~/.testingbot of the developer's."""
    monkeypatch.setenv("TESTINGBOT_KEY", socket_sandbox.key)
    monkeypatch.setenv("TESTINGBOT_SECRET", socket_sandbox.secret)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return socket_sandbox


def client_screen(sb, run=asyncio.run):
    """What the client itself gets for the first screen (run: the test's way of running a coroutine)."""

    async def ask():
        client = TestingBotClient(Credentials(sb.key, sb.secret), sb.url)
        try:
            return await fetch(client)
        finally:
            await client.aclose()

    return run(ask())


def test_the_helper_finds_the_pair_and_the_same_first_screen_as_the_client(pair_in_env):
    sb = pair_in_env
    fetched = ahead.start(sb.url, None).wait()
    assert fetched is not None and fetched.credentials == Credentials(sb.key, sb.secret)
    assert (fetched.source, fetched.api_url) == ("environment", sb.url)
    assert "redacted" in repr(fetched.credentials) and sb.secret not in repr(fetched)
    screen, own = fetched.screen, client_screen(sb)
    assert screen is not None
    assert screen.user == own.user
    assert screen.accounts == own.accounts and len(screen.accounts.items) > 0
    assert screen.tests.items == own.tests.items and screen.tests.total == own.tests.total
    assert screen.rate_limit_remaining is not None and not screen.shown


def test_a_refused_pair_or_an_unreachable_server_is_left_to_the_client(pair_in_env, monkeypatch):
    sb = pair_in_env
    monkeypatch.setenv("TESTINGBOT_SECRET", "not-the-secret")
    refused = ahead.start(sb.url, None).wait()
    assert refused is not None and refused.credentials is not None and refused.screen is None
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    gone = ahead.start(f"http://127.0.0.1:{port}/v1", None).wait()
    assert gone is not None and gone.source == "environment" and gone.screen is None


def test_with_no_pair_stored_the_helper_says_so_and_asks_nothing(monkeypatch, tmp_path):
    for name in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    fetched = ahead.start("http://127.0.0.1:9/v1", None).wait()
    assert fetched is not None and fetched.credentials is None and fetched.screen is None


@pytest.mark.parametrize(
    ("url", "proxy"),
    [("https://api.testingbot.example/v1", "http://proxy.example:3128"), ("http://api.testingbot.example/v1", None)],
)
def test_a_proxy_or_plain_http_to_another_machine_is_left_to_the_client(url, proxy, monkeypatch):
    """Never a request the client would not send the same way: through the environment's proxy, or the pair
    in clear to another machine. Nothing is connected to at all."""
    import http.client

    if proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)

    def refuse(*_a, **_k):
        raise AssertionError("the helper connected")

    monkeypatch.setattr(http.client.HTTPConnection, "connect", refuse)
    assert ahead._ask(Credentials("k" * 32, "s" * 32), url) == (None, False)


def test_anything_but_the_helpers_own_document_is_not_used():
    assert ahead.read_message(b"") is None
    assert ahead.read_message(b"[1, 2]") is None
    assert ahead.read_message(b'{"pair": ["key"], "source": "environment"}') is None
    assert ahead.read_message(b'{"pair": ["k", 5], "source": "x", "profile": "p", "api_url": "u"}') is None
    odd = b'{"pair": ["k", "s"], "source": "x", "profile": "p", "api_url": "u", "answers": [[200, null, "{}"]]}'
    fetched = ahead.read_message(odd)
    assert fetched is not None and fetched.credentials == Credentials("k", "s") and fetched.screen is None


def test_a_helper_that_says_too_much_is_stopped_and_not_used(pair_in_env, monkeypatch):
    monkeypatch.setattr(ahead, "MAX_MESSAGE", 100)
    helper = ahead.start(pair_in_env.url, None)
    assert helper.wait() is None
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)  # stopped and reaped: no zombie left behind


def test_quitting_before_the_helper_is_done_stops_it(pair_in_env):
    """A server that takes the request and never answers: quitting does not wait for it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    taken: list[socket.socket] = []
    accepting = threading.Thread(target=lambda: taken.extend(server.accept() for _ in range(3)), daemon=True)
    accepting.start()
    try:
        helper = ahead.start(f"http://127.0.0.1:{server.getsockname()[1]}/v1", None)
        accepting.join(10)
        assert len(taken) == 3 and not helper.read()  # all three asked, none answered
        helper.cancel()
        assert helper.done and helper.fetched is None
        with pytest.raises(ChildProcessError):
            os.waitpid(helper.pid, os.WNOHANG)
    finally:
        for conn, _ in taken:
            conn.close()
        server.close()


def start_up(gui, sb, store=None):
    """What __main__ does: the helper forked, the window painted, the helper's rows shown when read."""
    helper = ahead.start(sb.url, None)
    settings = QSettings(str(gui.tmp / "settings.ini"), QSettings.Format.IniFormat)
    shell = show_window(settings)
    reader = AheadReader(helper, shell, announce=False)
    return settings, shell, reader


def build_desk(gui, sb, settings, shell, reader, store):
    desk = TbDesk(Options(api_url=sb.url), store, settings, shell=shell, ahead=reader)
    gui.desks.append(desk)
    return desk


def test_start_up_shows_the_helpers_rows_then_signs_in_with_its_pair_and_answers(gui, qtbot, pair_in_env):
    sb = pair_in_env
    settings, shell, reader = start_up(gui, sb)
    qtbot.waitUntil(lambda: reader.done, timeout=10_000)
    own = client_screen(sb, gui.run)
    view = shell.window.accounts_view
    # On screen before anything of signing in exists: the accounts and tests signing in would show.
    assert shell.accounts.rowCount() == len(own.accounts.items) > 2
    assert shell.tests.rowCount() == len(own.tests.items)
    assert shell.window.accounts_stack.currentWidget() is view and shell.window.isVisible()
    assert view.currentIndex().row() == 0 and view.selectionModel().isRowSelected(0)
    # The admin picks the third row while the rest of tbdesk is still loading: it stays picked.
    click(qtbot, view.viewport(), view.visualRect(shell.accounts_proxy.index(2, 0)).center())
    picked = shell.accounts_proxy.index(2, 0).data(ROW_ROLE)

    store = CredentialStore(gui.tmp / "config", backend=None)
    asked: list[str] = []
    gui.monkeypatch.setattr(store, "resolve", lambda *a, **k: asked.append("keyring") or None)
    real_fetch = session_module.fetch
    gui.monkeypatch.setattr(session_module, "fetch", lambda client: asked.append("server") or real_fetch(client))
    desk = build_desk(gui, sb, settings, shell, reader, store)
    gui.run(desk.start())
    gui.run(until(desk.loaded.is_set, what="signed in"))
    assert asked == []  # neither the keyring nor the server was asked again
    assert desk.client is not None and desk.session.user == own.user
    assert desk.window.statusBar().currentMessage() == "Signed in with the key from the environment."
    assert desk.window.rate_label.text().startswith("API: ")
    assert view.currentIndex().row() == 2 and view.selectionModel().selectedRows() == [desk.accounts_proxy.index(2, 0)]
    assert desk.selected() == picked
    # Signing in is wired up: the keys act on the row the admin picked.
    view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert desk.selected() == desk.accounts_proxy.index(3, 0).data(ROW_ROLE)
    assert desk.window.accounts_count.text() == str(len(own.accounts.items))


def test_rows_that_come_while_start_up_imports_wait_until_the_imports_are_done(gui, qtbot, pair_in_env):
    """Read and painted during the imports behind the window, every Python step of them waited for the
    importing thread (a 30-40 ms stall); they are read as soon as the imports are over."""
    helper = ahead.start(pair_in_env.url, None)
    shell = show_window(QSettings(str(gui.tmp / "settings.ini"), QSettings.Format.IniFormat))
    answered: list[bool] = []
    read = helper.read
    helper.read = lambda: bool(answered) and read()  # type: ignore[method-assign]
    reader = AheadReader(helper, shell, announce=False)  # not there yet at the first frame
    with reader.held():  # the imports behind the window
        answered.append(True)
        qtbot.waitUntil(lambda: os.waitpid(helper.pid, os.WNOHANG)[0] != 0, timeout=10_000)  # all of it sent
        for _ in range(3):
            QApplication.processEvents()
        assert not reader.done and shell.accounts.rowCount() == 0
    assert reader.done and shell.accounts.rowCount() > 2  # read and shown as the imports ended
    assert shell.window.accounts_stack.currentWidget() is shell.window.accounts_view


def test_on_a_slow_server_the_client_warms_up_once_the_rows_are_shown(gui, qtbot, pair_in_env):
    """The warm-up's imports on their thread made every Python step of reading and painting the late rows wait
    for it: it starts once they are on screen."""
    helper = ahead.start(pair_in_env.url, None)
    settings = QSettings(str(gui.tmp / "settings.ini"), QSettings.Format.IniFormat)
    shell = show_window(settings)
    answered: list[bool] = []
    read = helper.read
    helper.read = lambda: bool(answered) and read()  # type: ignore[method-assign]
    reader = AheadReader(helper, shell, announce=False)
    warmed: list[int] = []
    real_warm_up = session_module._warm_up_quietly
    gui.monkeypatch.setattr(
        session_module, "_warm_up_quietly", lambda: (warmed.append(shell.accounts.rowCount()), real_warm_up())
    )
    desk = build_desk(gui, pair_in_env, settings, shell, reader, CredentialStore(gui.tmp / "config", backend=None))
    starting = gui.loop.create_task(desk.start())
    gui.run(until(lambda: shell.window.empty_label.text().startswith("Loading"), what="waiting for the helper"))
    assert warmed == []
    answered.append(True)  # the server answers; the helper passes it on
    gui.run(until(desk.loaded.is_set, what="signed in"))
    assert len(warmed) == 1 and warmed[0] > 2  # after the rows were shown
    gui.run(starting)


def test_a_service_accounts_pair_shows_nothing_and_is_refused(gui, qtbot, pair_in_env):
    sb = pair_in_env

    async def robot():
        async with sb.client() as c:
            made = await c.post(SA, json={"identifier": f"ahead-{os.getpid()}-{id(gui)}"})
            assert made.status_code == 201, made.text
            return made.json()

    account = gui.run(robot())
    gui.monkeypatch.setenv("TESTINGBOT_KEY", account["key"])
    gui.monkeypatch.setenv("TESTINGBOT_SECRET", account["secret"])
    settings, shell, reader = start_up(gui, sb)
    qtbot.waitUntil(lambda: reader.done, timeout=10_000)
    assert reader.fetched is not None and reader.fetched.credentials is not None
    assert shell.accounts.rowCount() == 0 and shell.tests.rowCount() == 0  # nothing of its answers is shown
    desk = build_desk(gui, sb, settings, shell, reader, CredentialStore(gui.tmp / "config", backend=None))
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(
        until(lambda: next((d for d in desk.window.findChildren(SignInDialog) if d.isVisible()), None), what="dialog")
    )
    assert "Service accounts cannot sign in" in dialog.content.findChild(QLabel, "errorLabel").text()
    assert desk.client is None and desk.accounts.rowCount() == 0
    dialog.reject()
    gui.run(task)


def test_a_server_that_takes_the_requests_and_says_nothing_is_not_asked_twice(gui, qtbot, pair_in_env, monkeypatch):
    """The client would wait its whole read timeout too, for the same silence: the sign-in dialog says at once
    that the server did not answer in time, and no second request goes out (one wait, not two)."""
    monkeypatch.setattr(ahead, "READ_TIMEOUT", 0.5)  # the helper's copy of the client's 15 s
    server = Silent()
    try:
        helper = ahead.start(server.url, None)
        settings = QSettings(str(gui.tmp / "settings.ini"), QSettings.Format.IniFormat)
        shell = show_window(settings)
        reader = AheadReader(helper, shell, announce=False)
        desk = TbDesk(
            Options(api_url=server.url),
            CredentialStore(gui.tmp / "config", backend=None),
            settings,
            shell=shell,
            ahead=reader,
        )
        gui.desks.append(desk)
        task = gui.loop.create_task(desk.start())
        # Waiting on the helper looks like any sign-in: "Loading…" where the rows will be.
        gui.run(until(lambda: desk.window.loading, what="loading shown"))
        dialog = gui.run(
            until(
                lambda: next((d for d in desk.window.findChildren(SignInDialog) if d.isVisible()), None), what="dialog"
            )
        )
        text = dialog.content.findChild(QLabel, "errorLabel").text()
        assert text == "Checking your key and secret failed: The server did not answer in time."
        assert len(server.held) == 3 and not desk.window.loading
        dialog.reject()
        gui.run(task)
    finally:
        server.close()


def test_a_pair_kept_in_the_keyring_is_found_by_the_helper_under_its_profile(socket_sandbox, monkeypatch, tmp_path):
    """The usual start: no pair in the environment, the profile's pair and server in the keyring and settings."""
    from tbdesk.credentials import Profile, default_backend

    if default_backend() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this under dbus-run-session with gnome-keyring (./dev test does)")
        pytest.skip("no Secret Service here: run through ./dev test")
    sb = socket_sandbox
    for name in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    name = f"ahead-{os.getpid()}"
    store = CredentialStore()  # where the helper's own store looks: this HOME's config, the session keyring
    store.save(Profile(name, sb.url), Credentials(sb.key, sb.secret))
    try:
        fetched = ahead.start(None, name).wait()
        assert fetched is not None and fetched.credentials == Credentials(sb.key, sb.secret)
        assert (fetched.source, fetched.profile, fetched.api_url) == ("keyring", name, sb.url)
        assert fetched.screen is not None and fetched.screen.user == client_screen(sb).user
    finally:
        store.delete(name)


def test_what_needs_a_session_is_off_until_signed_in_so_an_early_key_does_nothing(gui, qtbot, pair_in_env):
    """The rows are on screen a moment before tbdesk can act on them: Rename, Delete, Copy secret… are off
    (greyed, on the toolbar too) and the status bar says it is signing in, rather than looking usable and
    doing nothing, or acting later on another row (QA7); once signed in they are on, and the F2 pressed early
    opened nothing, then or later (QA8: a replayed key acted twice, or inside sign-in's task)."""
    sb = pair_in_env
    settings, shell, reader = start_up(gui, sb)
    early = EarlyFilter(shell)
    qtbot.waitUntil(lambda: reader.done, timeout=10_000)
    w = shell.window
    row_actions = (w.add_action, w.edit_action, w.rotate_action, w.delete_action, w.copy_secret_action, w.about_action)
    assert shell.accounts_proxy.rowCount() > 0 and not any(a.isEnabled() for a in row_actions)
    assert w.statusBar().currentMessage() == "Signing in…"  # why they are off
    toolbar = w.findChild(QToolBar)
    assert not toolbar.widgetForAction(w.edit_action).isEnabled()
    w.accounts_view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    desk = build_desk(gui, sb, settings, shell, reader, CredentialStore(gui.tmp / "config", backend=None))
    gui.run(desk.start())
    early.finish(signed_in=desk.loaded.is_set())
    assert all(a.isEnabled() for a in row_actions)
    assert not any(d.isVisible() for d in desk.window.findChildren(IdentifierDialog))


@pytest.mark.parametrize("escape", [False, True], ids=["typed", "then-escape"])
def test_a_filter_typed_while_signing_in_applies_once_signed_in_and_escape_clears_it(gui, qtbot, pair_in_env, escape):
    """Typed before the filter is wired up, it applies once it is; Escape then clears it as it does later (QA9:
    it was ignored, and the filter applied once signed in, hiding rows)."""
    sb = pair_in_env
    settings, shell, reader = start_up(gui, sb)
    early = EarlyFilter(shell)
    qtbot.waitUntil(lambda: reader.done, timeout=10_000)
    shown = shell.accounts_proxy.rowCount()
    click(qtbot, shell.window.filter_edit)
    qtbot.keyClicks(QApplication.focusWidget(), "web")
    if escape:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        assert shell.window.filter_edit.text() == ""
    desk = build_desk(gui, sb, settings, shell, reader, CredentialStore(gui.tmp / "config", backend=None))
    gui.run(desk.start())
    early.finish(signed_in=True)
    names = [desk.accounts_proxy.index(r, 0).data(ROW_ROLE).identifier for r in range(desk.accounts_proxy.rowCount())]
    if escape:
        assert len(names) == shown
    else:
        assert names and all("web" in n for n in names) and len(names) < shown


@pytest.mark.parametrize(
    "bad",
    [
        b"not json",  # not JSON at all
        b'{"data": "x"}',  # the wrong shape
        b"[" * 100_000,  # nested past what the parser allows
        b'{"id": "<b>1</b>", "first_name": 5, "data": [{"id": null}]}',  # the wrong types
        b" " * (8 * 2**20 + 1),  # over the size bound
    ],
)
def test_an_answer_the_client_could_not_read_is_not_shown_but_asked_again(pair_in_env, bad):
    """Everything the server sends is untrusted: what the client's own parsers would refuse, read from the
    helper's answers, is not shown (the client asks again and reports it as it does any malformed answer)."""
    from tbdesk.core.first_screen import Answer, from_answers

    sb = pair_in_env
    raw, timed_out = ahead._ask(Credentials(sb.key, sb.secret), sb.url)
    assert raw is not None and not timed_out
    answers = [Answer(status, remaining, body.encode("latin-1")) for status, remaining, body in raw]
    assert from_answers(answers) is not None
    for i in range(len(answers)):
        broken = list(answers)
        broken[i] = Answer(200, None, bad)
        assert from_answers(broken) is None
        broken[i] = Answer(503, None, answers[i].body)  # not a 200: nothing is shown either
        assert from_answers(broken) is None


class CancelledUnlock(KeyringBackend):
    """Locked: every read is the system's unlock prompt, cancelled. Reads are counted in a file, as the
    helper's happen in another process."""

    priority = 1

    def __init__(self, reads: Path) -> None:
        super().__init__()
        self.reads = reads

    def get_password(self, service, username):
        with self.reads.open("a") as f:
            f.write(f"{os.getpid()}\n")
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_a_keyring_the_helper_found_locked_is_not_asked_again_by_the_sign_in_dialog(gui, qtbot, monkeypatch):
    """The helper read the pair (the unlock prompt, cancelled); the dialog that follows said the keyring was
    locked only after asking it again: the same prompt twice at every start."""
    for name in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(gui.tmp))
    reads = gui.tmp / "reads"
    locked = CancelledUnlock(reads)
    monkeypatch.setattr(credentials_module, "choose_backend", lambda: (locked, None))  # the helper's, as forked
    url = "http://127.0.0.1:9/v1"  # no pair: nothing is asked of it
    settings, shell, reader = start_up(gui, Sandbox(url, "", ""))
    qtbot.waitUntil(lambda: reader.done, timeout=10_000)
    assert reader.fetched is not None and reader.fetched.credentials is None
    assert reader.fetched.keyring_cancelled == LOCKED
    helper_reads = reads.read_text().split()
    assert len(helper_reads) == 1 and helper_reads[0] != str(os.getpid())  # by the helper, not by this process
    desk = TbDesk(
        Options(api_url=url), CredentialStore(gui.tmp / "config", backend=locked), settings, shell=shell, ahead=reader
    )
    gui.desks.append(desk)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(
        until(lambda: next((d for d in desk.window.findChildren(SignInDialog) if d.isVisible()), None), what="dialog")
    )
    note = dialog.content.findChild(QLabel, "keyringNote")
    assert note.isVisible() and note.text() == LOCKED and not dialog.remember.isEnabled()
    assert len(reads.read_text().split()) == 1  # one prompt in all
    dialog.reject()
    gui.run(task)
