"""QA5's leaked-key triage findings, driven as a person would: keys to the focused widget, dialogs answered
with Enter, Escape and Tab, against the real sandbox."""

from __future__ import annotations

import asyncio
import re

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from test_qa4_fixes import CTRL, focused, paste, press, shown_texts, signed_in  # the same keys and checks as QA4's

from tbdesk.gui.bulk_rotate import BulkRotateDialog
from tbdesk.gui.dialogs import RotateDialog

from helpers.gui import row_of, until
from helpers.sandbox import asgi_sandbox

SA_ONE = re.compile(r"/service-accounts/\d+$")


def shown_dialog(desk, kind):
    d = desk.dialog
    return d if isinstance(d, kind) and d.isVisible() else None


# -- 1. a live secret that is not loaded is never said to be rotated or deleted ------------------------


def test_a_live_secret_never_revealed_is_not_said_to_be_rotated_or_deleted(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    jm = sb.store.service_account(row_of(desk, "jenkins-mobile").id)
    leakcheck.watch(jm["secret"])
    paste(gui, qtbot, jm["secret"])  # never revealed nor copied in this session
    gui.run(until(lambda: w.triage_bar.isVisible(), what="the triage bar"))
    said = w.triage_label.text()
    assert "rotated" not in said.replace("Rotate the account", "") and "deleted" not in said and "already" not in said
    assert "cannot tell whose" in said and "revealed or copied" in said and "Rotate the account it came from" in said
    assert not w.triage_rotate.isVisible()
    assert sb.store.authenticate(jm["key"], jm["secret"]) is not None  # it does still work
    assert all(jm["secret"] not in text for text in shown_texts(desk))
    QGuiApplication.clipboard().clear()


def test_a_key_pasted_in_upper_case_is_still_its_accounts_key(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    ci = row_of(desk, "ci-runner")
    paste(gui, qtbot, f"TESTINGBOT_KEY={ci.key.upper()}")
    gui.run(until(lambda: "“ci-runner”" in w.triage_label.text(), what="the owner"))
    assert "other letter case" in w.triage_label.text() and w.triage_rotate.isVisible()
    assert desk.accounts_proxy.rowCount() == 1 and desk.selected().id == ci.id
    press(gui, qtbot, Qt.Key.Key_Return)  # Enter in the filter box: the usual rotation of its owner
    dialog = gui.run(until(lambda: shown_dialog(desk, RotateDialog), what="rotate dialog"))
    assert dialog.account.id == ci.id
    press(gui, qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))


# -- 2. a paste holding two credentials names both, and Rotate covers both -----------------------------


def test_a_paste_with_the_keys_of_two_accounts_names_both_and_rotates_both(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    a, b = row_of(desk, "ci-runner"), row_of(desk, "jenkins-mobile")
    paste(gui, qtbot, f"PROD_TESTINGBOT_KEY={a.key}\nSTAGING_TESTINGBOT_KEY={b.key}\n")
    gui.run(until(lambda: "“jenkins-mobile”" in w.triage_label.text(), what="both owners"))
    said = w.triage_label.text()
    assert "2 service accounts" in said and "“ci-runner” (key)" in said and "“jenkins-mobile” (key)" in said
    assert w.triage_rotate.isVisible() and "all 2" in w.triage_rotate.text()
    # The box keeps both keys (nothing found is dropped), and the list shows both owners.
    gui.run(until(lambda: w.filter_edit.text() == f"{a.key} {b.key}", what="both keys kept"))
    gui.run(until(lambda: "keys found were kept" in w.statusBar().currentMessage(), what="the note"))
    assert desk.accounts_proxy.rowCount() == 2
    assert "“jenkins-mobile”" in w.triage_label.text()  # still both, once the box was cut down
    press(gui, qtbot, Qt.Key.Key_Return)  # Enter in the filter box: one confirmation for both
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk confirmation"))
    listed = sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount()))
    assert listed == ["ci-runner", "jenkins-mobile"]
    while focused() is not dialog.ok:
        press(gui, qtbot, Qt.Key.Key_Tab)
    press(gui, qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done", what="both rotated"))
    assert sb.store.service_account(a.id)["key"] != a.key and sb.store.service_account(b.id)["key"] != b.key
    press(gui, qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="results closed"))
    gui.run(until(lambda: "no longer work" in w.triage_label.text(), what="both said dead"))
    said = w.triage_label.text()
    assert "“ci-runner” was rotated" in said and "“jenkins-mobile” was rotated" in said
    assert not w.triage_rotate.isVisible()


def test_a_key_and_another_accounts_secret_name_both(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    a, b = row_of(desk, "ci-runner"), row_of(desk, "jenkins-mobile")
    secret = sb.store.service_account(b.id)["secret"]
    leakcheck.watch(secret)
    # The admin copied jenkins-mobile's secret earlier (Ctrl+C on its row): tbdesk holds it in memory.
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(focused(), "jenkins")
    press(gui, qtbot, Qt.Key.Key_C, CTRL)
    gui.run(until(lambda: QGuiApplication.clipboard().text() == secret, what="the secret copied"))
    paste(gui, qtbot, f"{a.key}:{secret}")
    gui.run(until(lambda: "“jenkins-mobile” (secret)" in w.triage_label.text(), what="both owners"))
    assert "“ci-runner” (key)" in w.triage_label.text() and "all 2" in w.triage_rotate.text()
    # The box keeps the key and the secret: the note says so, not "only the keys" (QA6).
    gui.run(until(lambda: "keys and secrets" in w.statusBar().currentMessage(), what="the note"))
    assert all(secret not in text for text in shown_texts(desk))
    press(gui, qtbot, Qt.Key.Key_Return)
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk confirmation"))
    assert dialog.table.rowCount() == 2
    press(gui, qtbot, Qt.Key.Key_Escape)  # nothing sent
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))
    assert sb.store.service_account(a.id)["key"] == a.key
    QGuiApplication.clipboard().clear()


# -- 3. a pasted key of a deleted account names the account: tests/test_qa4_fixes.py, the deleted-account test


# -- 1b. "Find its owner": the secrets read one by one, none shown or kept but the match --------------


class Held(httpx.AsyncBaseTransport):
    """The sandbox, with each read of one service account counted and, while `hold` is clear, held."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.reads, self.hold = inner, 0, asyncio.Event()
        self.hold.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and SA_ONE.search(request.url.path):
            self.reads += 1
            await self.hold.wait()
        return await self.inner.handle_async_request(request)


def test_find_its_owner_names_the_owner_of_an_unloaded_secret(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    held = Held(sb.transport)
    desk = gui.start(gui.desk(sb, transport=held))
    desk.window.activateWindow()
    w = desk.window
    jm = row_of(desk, "jenkins-mobile")
    secrets = {r["id"]: sb.store.service_account(r["id"])["secret"] for r in sb.store.service_accounts(0, 100)[0]}
    leakcheck.watch(*secrets.values())
    paste(gui, qtbot, secrets[jm.id])  # never revealed nor copied in this session
    gui.run(until(lambda: w.triage_find.isVisible(), what="Find its owner offered"))
    assert "cannot tell whose" in w.triage_label.text() and "use Find its owner" in w.triage_label.text()
    assert "one request each" in w.triage_label.text()  # what looking costs, said before it is pressed (QA6)
    press(gui, qtbot, Qt.Key.Key_Tab)  # from the filter box to the banner's button
    assert focused() is w.triage_find
    press(gui, qtbot, Qt.Key.Key_Space)
    gui.run(until(lambda: "secret of the service account “jenkins-mobile”" in w.triage_label.text(), what="owner"))
    assert 1 <= held.reads <= len(secrets)
    assert not w.triage_find.isVisible() and w.triage_rotate.isVisible() and focused() is w.triage_rotate
    assert desk.accounts_proxy.rowCount() == 1 and desk.selected().id == jm.id
    # Only the owner's secret is kept in memory; the others were compared and dropped.
    assert [i for i in secrets if desk.accounts.secret(i) is not None] == [jm.id]
    assert all(s not in text for s in secrets.values() for text in shown_texts(desk))
    press(gui, qtbot, Qt.Key.Key_Space)  # on to rotate it: the usual confirmation
    dialog = gui.run(until(lambda: shown_dialog(desk, RotateDialog), what="rotate dialog"))
    assert dialog.account.id == jm.id
    press(gui, qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))
    QGuiApplication.clipboard().clear()


def test_find_its_owner_can_be_stopped_and_says_when_no_account_has_it(gui, qtbot):
    sb = asgi_sandbox()
    held = Held(sb.transport)
    desk = gui.start(gui.desk(sb, transport=held))
    desk.window.activateWindow()
    w = desk.window
    stranger = "0123456789abcdef" * 2  # no account's key or secret
    paste(gui, qtbot, stranger)
    gui.run(until(lambda: w.triage_find.isVisible(), what="Find its owner offered"))
    held.hold.clear()
    press(gui, qtbot, Qt.Key.Key_Tab)
    press(gui, qtbot, Qt.Key.Key_Space)
    gui.run(until(lambda: held.reads == 1, what="the first read"))
    assert "0 of 6 service accounts checked" in w.triage_label.text()
    assert focused() is w.triage_find and "Stop" in w.triage_find.text()
    press(gui, qtbot, Qt.Key.Key_Space)  # Stop looking
    gui.run(until(lambda: not desk.runner.running("find-owner"), what="stopped"))
    held.hold.set()
    assert held.reads == 1 and "cannot tell whose" in w.triage_label.text() and "Find" in w.triage_find.text()
    press(gui, qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Alt+O: again, to the end this time
    gui.run(until(lambda: "each account's current pair was read" in w.triage_label.text(), what="nowhere"))
    assert held.reads == 1 + 6 and not w.triage_find.isVisible()
    assert "rotated or deleted already, or it is not this team's" in w.triage_label.text()


def test_find_its_owner_is_not_offered_beyond_200_accounts(gui, qtbot):
    sb = asgi_sandbox(accounts=201)
    desk = signed_in(gui, sb)
    w = desk.window
    paste(gui, qtbot, "0123456789abcdef" * 2)
    gui.run(until(lambda: w.triage_bar.isVisible(), what="the triage bar"))
    assert not w.triage_find.isVisible() and "over 200 accounts" in w.triage_label.text()


def test_a_key_this_session_rotated_is_said_to_no_longer_work_not_offered_a_second_rotation(gui, qtbot):
    """QA6: pasting the old key of an account just rotated here got "Rotate the account it came from, or use
    Find its owner": a second rotation would break the pair just handed over."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    press(gui, qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown_dialog(desk, RotateDialog), what="rotate confirmation"))
    press(gui, qtbot, Qt.Key.Key_Tab)  # Cancel is the default: to Rotate
    press(gui, qtbot, Qt.Key.Key_Space)
    gui.run(until(lambda: not dialog.isVisible() and row_of(desk, "ci-runner").key != ci.key, what="rotated"))
    panel = gui.run(until(lambda: desk.lifecycle.panel, what="hand-over panel"))
    gui.run(until(lambda: focused() is not None and focused().window() is panel, what="panel focused"))
    press(gui, qtbot, Qt.Key.Key_Escape)  # the new pair handed over
    gui.run(until(lambda: focused() is w.accounts_view, what="back in the table"))
    paste(gui, qtbot, ci.key)  # the old key
    gui.run(until(lambda: "no longer works" in w.triage_label.text(), what="the old key said dead"))
    assert "“ci-runner”" in w.triage_label.text() and not w.triage_rotate.isVisible()
    assert "Find its owner" not in w.triage_label.text()
