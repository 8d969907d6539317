"""The window against servers that differ from the sandbox's assumptions, and a service account's pair.

TestingBot may serve service accounts under other paths than tbdesk assumes (tbdesk/api/schema.py): signing
in and the tests must not depend on them, and the accounts panel must say which request was refused.
"""

from __future__ import annotations

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tbdesk.gui.dialogs import SignInDialog

from helpers.gui import click, until
from helpers.sandbox import SA, asgi_sandbox


def dialog_of(desk, kind):
    return next((d for d in desk.window.findChildren(kind) if d.isVisible()), None)


def error_text(dialog) -> str:
    label = dialog.content.findChild(QLabel, "errorLabel")
    return label.text() if label.isVisible() else ""


def type_pair(qtbot, dialog, key: str, secret: str) -> None:
    """As a person does: type the key, Tab to the secret, type it, press the sign-in button."""
    dialog.key.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), key)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.secret
    qtbot.keyClicks(QApplication.focusWidget(), secret)
    click(qtbot, dialog.ok)


def test_a_service_accounts_pair_is_refused_at_sign_in_and_nothing_is_stored(gui, qtbot):
    from tbdesk.credentials import CredentialStore

    from helpers.keyring import MemoryKeyring

    sb = asgi_sandbox()
    robot = next(a for a in sb.store.service_accounts(0, 10)[0] if a["identifier"] == "ci-runner")
    backend = MemoryKeyring()
    desk = gui.desk(sb, key=False, store=CredentialStore(gui.tmp / "cfg", backend=backend))
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog), what="sign-in dialog"))
    assert dialog.remember.isChecked()  # it would be remembered, were it accepted
    type_pair(qtbot, dialog, robot["key"], robot["secret"])
    gui.run(until(lambda: dialog.ok.isEnabled(), timeout=5)) if False else None
    text = gui.run(until(lambda: error_text(dialog), what="refusal"))
    assert "the key of the service account “ci-runner” of Alex Morgan's TestingBot account" in text
    assert "Service accounts cannot sign in: use your own key and secret" in text
    label = dialog.content.findChild(QLabel, "errorLabel")
    assert label.height() >= label.heightForWidth(label.width())  # the whole message fits, nothing clipped
    assert robot["secret"] not in text and robot["key"] not in text
    assert dialog.isVisible() and desk.client is None and backend.items == {}
    assert "Alex Morgan" not in desk.window.user_label.text()  # no session was opened
    # The owner's own pair signs in from the same dialog.
    dialog.key.clear()
    dialog.secret.clear()
    type_pair(qtbot, dialog, sb.key, sb.secret)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    assert desk.session.user is not None and desk.session.user.role == "owner" and desk.accounts.rowCount() == 6


class Without(httpx.AsyncBaseTransport):
    """The sandbox, except that requests under `prefix` get `answer` (a server lacking an assumed endpoint)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, prefix: str, answer: httpx.Response) -> None:
        self.inner, self.prefix, self.answer, self.on = inner, prefix, answer, True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.on and request.url.path.startswith(self.prefix):
            return httpx.Response(self.answer.status_code, headers=self.answer.headers, content=self.answer.content)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (httpx.Response(404, json={"error": "Not found."}), "with 404 Not Found."),
        (httpx.Response(405, text="Method Not Allowed"), "with 405 Method Not Allowed."),
        (httpx.Response(200, json=[{"id": 1}]), "was not what tbdesk expected"),  # another shape
    ],
    ids=["404", "405", "other-shape"],
)
def test_a_server_without_the_assumed_endpoint_still_signs_in_and_shows_tests(gui, answer, said):
    sb = asgi_sandbox()
    transport = Without(sb.transport, SA, answer)
    desk = gui.start(gui.desk(sb, transport=transport))
    w = desk.window
    assert desk.session.user is not None and desk.tests.rowCount() == 100 and w.tests_view.isVisible()
    assert desk.accounts.rowCount() == 0 and w.accounts_stack.currentWidget() is w.empty_label
    text = w.empty_label.text()
    assert f"GET {SA}" in text and said in text
    assert "tbdesk expected a page of service accounts: {data: [{id, identifier, key" in text
    assert "assumed path" in text and w.empty_label.textFormat() == Qt.TextFormat.PlainText
    assert w.empty_label.isVisible() and w.empty_label.accessibleName() == "Service accounts unavailable"
    # When the server serves the path again, a refresh brings the list back.
    transport.on = False
    desk.refresh()
    gui.run(until(lambda: desk.accounts.rowCount() == 6, what="accounts after refresh"))
    assert w.accounts_stack.currentWidget() is w.accounts_view


def test_an_outage_of_the_accounts_request_is_still_an_error_at_sign_in(gui, qtbot):
    """Only refusals are tolerated: a 502 is a fault, and signing in says so rather than hiding it."""
    sb = asgi_sandbox()
    transport = Without(sb.transport, SA, httpx.Response(502, text="bad gateway"))
    desk = gui.desk(sb, transport=transport, retry=None)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog), timeout=30, what="sign-in dialog"))
    assert "Loading service accounts failed: The server failed (502)" in error_text(dialog)
    dialog.reject()
    gui.run(task)


class Counting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.paths = inner, []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


def test_enter_in_the_secret_field_signs_in_once(gui, qtbot):
    sb = asgi_sandbox()
    counting = Counting(sb.transport)
    desk = gui.desk(sb, key=False, transport=counting)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog), what="sign-in dialog"))
    dialog.key.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), sb.key)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), sb.secret)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    assert counting.paths.count("/v1/user") == 1  # one sign-in, not one per Enter handler
