"""Credential lifecycle in the real window against the sandbox, driven with the keyboard: key age, unused
accounts, the hand-over panel, leaked-key triage, bulk rotation and preferences (issue #13)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tbdesk.controllers import sync as sync_module
from tbdesk.core import snippets
from tbdesk.core.lifecycle import Use
from tbdesk.core.preferences import CLIPBOARD, POLL, REVEAL, ROTATION
from tbdesk.gui.bulk_rotate import BulkRotateDialog
from tbdesk.gui.clipboard import SENSITIVE_FORMATS
from tbdesk.gui.dialogs import IdentifierDialog, RotateDialog
from tbdesk.gui.handover import HandoverPanel
from tbdesk.gui.models import ROW_ROLE, AccountCol
from tbdesk.gui.preferences_dialog import PreferencesDialog
from tbdesk.sandbox.faults import Faults

from helpers.gui import click, row_of, until
from helpers.sandbox import SA, asgi_sandbox

CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press to whatever has the focus, as a person's keyboard would send it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def tab_to(qtbot, target, limit: int = 20) -> None:
    """Tab forward until `target` has the focus, as a keyboard user reaches a button."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target, f"Tab never reached {target.text() or target}"


def shown_dialog(desk, kind):
    d = desk.dialog
    return d if isinstance(d, kind) and d.isVisible() else None


def cell(desk, account_id, col, role=Qt.ItemDataRole.DisplayRole):
    return desk.accounts.index(desk.accounts.row_of(account_id), col).data(role)


def panel_of(desk) -> HandoverPanel | None:
    panel = desk.lifecycle.panel
    return panel if panel is not None and panel.isVisible() else None


def started(gui, qtbot, sb, **options):
    desk = gui.start(gui.desk(sb, **options))
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    activate(qtbot, desk.window)
    return desk


# -- 1. key age ----------------------------------------------------------------------------------


def test_key_age_column_marks_keys_past_the_policy_and_sorts(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    ages = {a.identifier: cell(desk, a.id, AccountCol.KEY_AGE) for a in desk.accounts.accounts()}
    assert ages["ci-runner"] == "212 days" and ages["github-actions-web"] == "12 days"
    warned = {a.identifier for a in desk.accounts.accounts() if cell(desk, a.id, AccountCol.KEY_AGE, 1)}
    assert warned == {"ci-runner", "jenkins-mobile", "nightly-regression"}  # 212, 133, 96 days: past 90
    ci = row_of(desk, "ci-runner")
    tip = cell(desk, ci.id, AccountCol.KEY_AGE, Qt.ItemDataRole.ToolTipRole)
    assert "Past the 90-day rotation policy since" in tip and "212 days ago" in tip
    assert "past the rotation policy" in cell(desk, ci.id, AccountCol.KEY_AGE, Qt.ItemDataRole.AccessibleTextRole)
    # Click the header: youngest first; again: oldest first.
    header = desk.window.accounts_view.horizontalHeader()
    x = header.sectionViewportPosition(AccountCol.KEY_AGE) + 10
    from PySide6.QtCore import QPoint

    click(qtbot, header.viewport(), QPoint(x, header.height() // 2))
    order = [desk.accounts_proxy.index(r, 0).data() for r in range(desk.accounts_proxy.rowCount())]
    if order[0] != "github-actions-web":
        click(qtbot, header.viewport(), QPoint(x, header.height() // 2))
        order = [desk.accounts_proxy.index(r, 0).data() for r in range(desk.accounts_proxy.rowCount())]
    assert order[0] == "github-actions-web" and order[-1] == "ci-runner"


# -- 2. unused accounts --------------------------------------------------------------------------


def shown_whole(desk, col: int) -> bool:
    """The column is as wide as its widest cell needs (the delegate's size hint: text, mark and margins), so
    no cell is cut to "…" at the default size."""
    view = desk.window.accounts_view
    return view.horizontalHeader().sectionSize(col) >= view.sizeHintForColumn(col)


def test_unused_accounts_are_marked_and_the_show_filter_lists_only_them(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    nightly = row_of(desk, "nightly-regression")
    assert cell(desk, nightly.id, AccountCol.LAST_TEST).startswith("unused")
    assert "no test in the last 30 days" in cell(desk, nightly.id, AccountCol.LAST_TEST, Qt.ItemDataRole.ToolTipRole)
    assert cell(desk, row_of(desk, "ci-runner").id, AccountCol.LAST_TEST).endswith("ago")
    assert shown_whole(desk, AccountCol.LAST_TEST)
    desk.window.show_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # "Unused (no test in 30 days)"
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 1, what="only the unused"))
    assert desk.accounts_proxy.index(0, 0).data() == "nightly-regression"
    assert desk.window.accounts_count.text() == "1 of 6"
    press(qtbot, Qt.Key.Key_Down)  # "Keys past the rotation policy"
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 3, what="the three past 90 days"))
    press(qtbot, Qt.Key.Key_Home)
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 6, what="all again"))


def test_an_account_that_never_ran_a_test_reads_unused_in_full(gui, qtbot):
    sb = asgi_sandbox()
    made = sb.store.create_service_account("never-ran")
    long_ago = time.time() - 90 * 86400
    with sb.store.transaction() as db:
        db.execute(
            "UPDATE service_accounts SET created_at = ?, keys_issued_at = ? WHERE id = ?",
            (long_ago, long_ago, made["id"]),
        )
    desk = started(gui, qtbot, sb)
    assert cell(desk, made["id"], AccountCol.LAST_TEST) == "unused · none in 30 d"
    spoken = cell(desk, made["id"], AccountCol.LAST_TEST, Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "unused, no test in 30 days"  # a screen reader gets the words
    assert shown_whole(desk, AccountCol.LAST_TEST)  # not "unused · none in 3…" (QA3)


def test_a_history_too_short_to_tell_says_so_instead_of_unused(gui, qtbot, monkeypatch):
    sb = asgi_sandbox(tests=1500)  # 500 tests reach back only about ten days
    monkeypatch.setattr(sync_module, "USAGE_MAX_PAGES", 1)  # the usage history stops after one page
    monkeypatch.setattr(sync_module, "HISTORY_MAX_PAGES", 1)
    desk = started(gui, qtbot, sb)
    nightly = row_of(desk, "nightly-regression")
    assert desk.accounts.use(nightly) is Use.UNKNOWN
    text = cell(desk, nightly.id, AccountCol.LAST_TEST)
    assert text.startswith("none since") and "unused" not in text
    assert shown_whole(desk, AccountCol.LAST_TEST)
    assert "not known" in cell(desk, nightly.id, AccountCol.LAST_TEST, Qt.ItemDataRole.ToolTipRole)
    desk.window.show_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    gui.run(until(lambda: desk.window.accounts_count.text() == "0 of 6", what="no account claimed unused"))
    assert "reach back only" in desk.window.statusBar().currentMessage()


# -- 3. hand-over panel --------------------------------------------------------------------------


def test_add_opens_the_hand_over_panel_and_every_copy_is_guarded(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb, clipboard_timeout=30)
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = gui.run(until(lambda: shown_dialog(desk, IdentifierDialog), what="add dialog"))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.edit)
    qtbot.keyClicks(QApplication.focusWidget(), "handover-ci")
    press(qtbot, Qt.Key.Key_Return)
    panel = gui.run(until(lambda: panel_of(desk), what="hand-over panel"))
    made = row_of(desk, "handover-ci")
    pair = sb.store.service_account(made.id)
    assert cell(desk, made.id, AccountCol.LAST_TEST) == "no tests yet"  # new, not "unused"
    key, secret = pair["key"], pair["secret"]
    leakcheck.watch(key, secret)  # no log record may hold them (checked at teardown)
    activate(qtbot, panel)
    assert panel.key_edit.text() == key
    assert secret not in panel.secret_edit.text() and secret not in panel.preview.toPlainText()  # hidden
    assert QApplication.focusWidget() is panel.form_buttons["env"]
    clip = QGuiApplication.clipboard()
    expected = {f: snippets.render(f, key, secret, sb.url) for f in snippets.FORM_IDS}
    for form in snippets.FORM_IDS:
        tab_to(qtbot, panel.form_buttons[form])
        assert panel.preview_label.text().startswith("Preview: ")  # tabbing onto it previews it
        press(qtbot, Qt.Key.Key_Space)
        assert clip.text() == expected[form], form
        for fmt, value in SENSITIVE_FORMATS.items():
            assert bytes(clip.mimeData().data(fmt)) == value  # marked for clipboard managers
        assert "clears in 30 s" in panel.clipboard_label.text()
    # The forms really work: the .env pair signs in as the service account, the hub URL opens a session.
    env = dict(line.split("=", 1) for line in expected["env"].splitlines())
    assert env == {"TESTINGBOT_KEY": key, "TESTINGBOT_SECRET": secret}
    assert json.loads(expected["capabilities"])["tb:options"] == {"key": key, "secret": secret}
    hub = httpx.URL(expected["hub"])
    gui.run(_open_session(sb, hub))
    assert sb.store.tests(0, 1)[0][0]["sa_identifier"] == "handover-ci"
    # Reveal, then Escape: the panel closes, the pair stays revealable from the table with no request.
    tab_to(qtbot, panel.reveal_button)
    press(qtbot, Qt.Key.Key_Space)
    assert panel.secret_edit.text() == secret
    tab_to(qtbot, panel.form_buttons["export"])
    assert secret in panel.preview.toPlainText() and "hidden" not in panel.preview_label.text()
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: panel_of(desk) is None, what="panel closed"))
    sent = desk.client.requests_sent
    desk.window.reveal_secret_action.trigger()
    assert cell(desk, made.id, AccountCol.SECRET) == secret and desk.client.requests_sent == sent


async def _open_session(sb, hub: httpx.URL) -> None:
    """What a Selenium client does with the hub URL: credentials from the URL, a new session."""
    async with httpx.AsyncClient(transport=sb.transport, auth=(hub.username, hub.password)) as c:
        r = await c.post(str(hub.copy_with(username=None, password=None)) + "/session", json={"capabilities": {}})
        assert r.status_code == 200, r.text


def test_rotate_opens_the_panel_and_its_secret_hides_after_the_reveal_timeout(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb, reveal_timeout=1)
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown_dialog(desk, RotateDialog), what="rotate dialog"))
    tab_to(qtbot, dialog.ok)
    press(qtbot, Qt.Key.Key_Space)  # Enter would press the default, Cancel
    panel = gui.run(until(lambda: panel_of(desk), what="hand-over after rotate"))
    new = sb.store.service_account(ci.id)
    assert (
        panel.key_edit.text() == new["key"]
        and "stopped working" in panel.content.findChild(type(panel.title), "introLabel").text()
    )
    activate(qtbot, panel)
    tab_to(qtbot, panel.reveal_button)
    press(qtbot, Qt.Key.Key_Space)
    assert panel.secret_edit.text() == new["secret"]
    gui.run(until(lambda: panel.secret_edit.text() != new["secret"], what="hidden again after 1 s"))
    panel.reveal_button.click()
    desk.window.minimized.emit()  # minimising hides it at once, as in the table
    assert panel.secret_edit.text() != new["secret"]


def test_handing_over_a_pair_as_it_is_does_not_call_it_new(gui, qtbot):
    """QA15: Account → Hand over on an account that was never rotated said "Hand over the new key and secret",
    "New key and secret for …", "Put the new pair…": the admin wondered whether they had just rotated it."""
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    ci = row_of(desk, "ci-runner")
    before = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    menu = gui.run(until(QApplication.activePopupWidget, what="Account menu"))
    qtbot.keyClick(menu, Qt.Key.Key_H)  # &Hand over key and secret…
    panel = gui.run(until(lambda: panel_of(desk), what="hand-over"))
    intro = panel.content.findChild(type(panel.title), "introLabel").text()
    assert panel.key_edit.text() == before["key"]
    assert panel.title.text() == "Key and secret for “ci-runner”"
    assert "new" not in f"{panel.windowTitle()} {intro}".lower() and "stopped working" not in intro
    assert sb.store.service_account(ci.id)["key"] == before["key"]  # nothing was rotated
    press(qtbot, Qt.Key.Key_Escape)


# -- 4. leaked-key triage ------------------------------------------------------------------------


def test_a_pasted_hub_url_finds_the_owner_offers_rotate_now_and_sends_nothing(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    w = desk.window
    jm = row_of(desk, "jenkins-mobile")
    leaked = sb.store.service_account(jm.id)
    leakcheck.watch(leaked["key"], leaked["secret"])
    sent = desk.client.requests_sent
    QGuiApplication.clipboard().setText(
        f"driver = Remote('https://{leaked['key']}:{leaked['secret']}@hub.testingbot.com/wd/hub')"
    )
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is w.filter_edit
    press(qtbot, Qt.Key.Key_V, CTRL)
    gui.run(until(lambda: w.triage_bar.isVisible(), what="triage bar"))
    assert "jenkins-mobile" in w.triage_label.text() and w.triage_rotate.isVisible()
    assert desk.accounts_proxy.rowCount() == 1 and desk.selected().id == jm.id
    gui.run(until(lambda: w.filter_edit.text() == leaked["key"], what="the secret removed from the box"))
    assert leaked["secret"] not in w.filter_edit.text()
    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo must not bring the pasted secret back on screen
    assert leaked["secret"] not in w.filter_edit.text()
    w.filter_edit.setText(leaked["key"])  # as it was (undo may have emptied the box)
    assert desk.client.requests_sent == sent  # matched locally: nothing was sent
    press(qtbot, Qt.Key.Key_Return)  # Enter in the filter box: Rotate now
    dialog = gui.run(until(lambda: shown_dialog(desk, RotateDialog), what="rotate confirmation"))
    assert dialog.cancel.isDefault()
    tab_to(qtbot, dialog.ok)
    press(qtbot, Qt.Key.Key_Space)
    gui.run(until(lambda: panel_of(desk), what="hand-over"))
    assert sb.store.authenticate(leaked["key"], leaked["secret"]) is None  # the leaked pair is dead
    panel_of(desk).close()
    # The same leaked key again: it no longer works, and nothing offers to rotate it again (QA4).
    activate(qtbot, w)
    w.filter_edit.setFocus()
    w.filter_edit.selectAll()
    QGuiApplication.clipboard().setText(leaked["key"])
    press(qtbot, Qt.Key.Key_V, CTRL)
    gui.run(until(lambda: "no longer works" in w.triage_label.text(), what="a dead key"))
    assert not w.triage_rotate.isVisible()
    assert (
        desk.accounts_proxy.rowCount() == 1
        and desk.accounts_proxy.index(0, AccountCol.KEY).data(ROW_ROLE).key != leaked["key"]
    )
    # An identifier is an ordinary filter again.
    w.filter_edit.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "canary")
    gui.run(until(lambda: not w.triage_bar.isVisible(), what="bar gone"))


def test_the_admins_own_key_is_recognised(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    desk.window.filter_edit.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), sb.key)
    gui.run(until(lambda: desk.window.triage_bar.isVisible()))
    assert "you are signed in with" in desk.window.triage_label.text()


# -- 5. bulk rotation ----------------------------------------------------------------------------


class Flaky(httpx.AsyncBaseTransport):
    """The sandbox, with one rotation refused, one applied whose answer is lost; counts every write."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.refuse, self.lose, self.writes = inner, -1, -1, Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            self.writes[(request.method, request.url.path)] += 1
        if request.method == "POST" and request.url.path.endswith(f"/{self.refuse}/reset-keys"):
            return httpx.Response(500, json={"message": "Key vault unavailable."})
        if request.method == "POST" and request.url.path.endswith(f"/{self.lose}/reset-keys"):
            await self.inner.handle_async_request(request)
            raise httpx.ReadTimeout("answer lost", request=request)
        return await self.inner.handle_async_request(request)


def test_bulk_rotation_one_confirmation_progress_results_and_a_true_table(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    flaky = Flaky(sb.transport)
    desk = started(gui, qtbot, sb, transport=flaky)
    by_name = {a.identifier: a for a in desk.accounts.accounts()}
    flaky.refuse, flaky.lose = by_name["release-smoke"].id, by_name["visual-diff"].id
    before = {a.id: a.key for a in desk.accounts.accounts()}
    view = desk.window.accounts_view
    view.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)  # select every account
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="one confirmation"))
    listed = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert sorted(listed) == sorted(by_name) and "6 service accounts" in dialog.title.text()
    week = {dialog.table.item(r, 0).text(): dialog.table.item(r, 4).text() for r in range(len(listed))}
    assert week["ci-runner"].isdigit() and int(week["ci-runner"]) > 0  # recent use, per account
    assert "Used in the last 24 hours" in dialog.summary.text() and "ci-runner" in dialog.summary.text()
    assert dialog.cancel.isDefault() and QApplication.focusWidget() is dialog.count_edit
    press(qtbot, Qt.Key.Key_Escape)  # Escape: nothing sent
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))
    assert not flaky.writes and all(sb.store.service_account(i)["key"] == k for i, k in before.items())

    activate(qtbot, desk.window)
    view.setFocus()
    press(qtbot, Qt.Key.Key_R, CTRL)
    old = dialog
    dialog = gui.run(until(lambda: (d := shown_dialog(desk, BulkRotateDialog)) is not old and d, what="again"))
    qtbot.keyClicks(QApplication.focusWidget(), "6")  # six accounts: the count is typed, as for a delete
    tab_to(qtbot, dialog.ok)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done", what="all six done"))
    results = {dialog.table.item(r, 0).text(): dialog.table.item(r, 5).text() for r in range(6)}
    assert results["release-smoke"].startswith("Failed") and "Reading back: the old key" in results["release-smoke"]
    assert results["visual-diff"].startswith("Rotated") and "new key is in place" in results["visual-diff"]
    assert sum(v.startswith("Rotated") for v in results.values()) == 5
    assert dialog.progress.value() == 6 and "5 rotated, 1 failed" in dialog.summary.text()
    for account_id in before:  # each rotation sent exactly once
        assert flaky.writes[("POST", f"{SA}/{account_id}/reset-keys")] == 1
    for account in desk.accounts.accounts():  # the table tells the truth, row by row
        assert account.key == sb.store.service_account(account.id)["key"]
    assert row_of(desk, "release-smoke").key == before[by_name["release-smoke"].id]
    assert QApplication.focusWidget() is dialog.handover and dialog.handover.text() == "&Hand over 5 new pairs…"
    # Retry the one that failed: a new confirmation for it alone, then it is sent once more.
    flaky.refuse = -1
    assert dialog.retry.text() == "&Retry 1 not rotated…"
    tab_to(qtbot, dialog.retry)
    press(qtbot, Qt.Key.Key_Space)
    again = gui.run(until(lambda: (d := shown_dialog(desk, BulkRotateDialog)) is not dialog and d, what="retry"))
    assert [again.table.item(r, 0).text() for r in range(again.table.rowCount())] == ["release-smoke"]
    tab_to(qtbot, again.ok)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: again.state.value == "done", what="retried"))
    smoke = by_name["release-smoke"].id
    assert flaky.writes[("POST", f"{SA}/{smoke}/reset-keys")] == 2
    assert row_of(desk, "release-smoke").key == sb.store.service_account(smoke)["key"] != before[smoke]
    # The hand-over offers every pair rotated since Ctrl+R: the first round's five and this one.
    assert again.isVisible() and QApplication.focusWidget() is again.handover
    assert again.handover.text() == "&Hand over 6 new pairs…"
    press(qtbot, Qt.Key.Key_Return)
    panel = gui.run(until(lambda: panel_of(desk), what="hand-over for six"))
    assert not again.isVisible() and QApplication.activeModalWidget() is None  # nothing modal over the panel
    assert panel.account_combo.count() == 6 and {p.identifier for p in panel.pairs} == set(by_name)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    tab_to(qtbot, panel.form_buttons["env"])
    press(qtbot, Qt.Key.Key_Space)
    first = panel.pair
    assert QGuiApplication.clipboard().text() == snippets.render("env", first.key, first.secret)
    assert sb.store.authenticate(first.key, first.secret) is not None  # the pair handed over works


def test_escape_during_a_bulk_rotation_stops_after_the_one_in_flight(gui, qtbot):
    sb = asgi_sandbox(faults=Faults(latency_ms=120))
    desk = started(gui, qtbot, sb)
    before = {a.id: a.key for a in desk.accounts.accounts()}
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk dialog"))
    qtbot.keyClicks(QApplication.focusWidget(), "6")
    tab_to(qtbot, dialog.ok)
    press(qtbot, Qt.Key.Key_Return)  # Enter on the focused OK button rotates
    gui.run(until(lambda: len(dialog.results) >= 1, what="first result"))
    press(qtbot, Qt.Key.Key_Escape)  # stop: the dialog stays to show what happened
    assert dialog.isVisible() and dialog.cancel.text() == "Stopping…"
    gui.run(until(lambda: dialog.state.value == "done", what="stopped"))
    outcomes = [dialog.results[i].outcome.value for i in range(6)]
    rotated = outcomes.count("rotated")
    assert 1 <= rotated < 6 and outcomes[rotated:] == ["not sent"] * (6 - rotated)
    changed = sum(sb.store.service_account(i)["key"] != k for i, k in before.items())
    assert changed == rotated  # what the dialog says is what happened
    assert dialog.cancel.text() == "&Close" and dialog.handover.isVisible()


def test_rotate_everything_past_the_policy(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    desk.window.rotate_due_action.trigger()
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk dialog"))
    listed = sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount()))
    assert listed == ["ci-runner", "jenkins-mobile", "nightly-regression"]
    tab_to(qtbot, dialog.ok)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done"))
    assert not [a for a in desk.accounts.accounts() if desk.accounts.past_policy(a)]
    assert cell(desk, row_of(desk, "ci-runner").id, AccountCol.KEY_AGE) == "today"


# -- 6. preferences ------------------------------------------------------------------------------


def prefs_dialog(desk) -> PreferencesDialog | None:
    d = desk.preferences.dialog
    return d if d is not None and d.isVisible() else None


def test_preferences_apply_at_once_within_bounds_and_are_saved(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb)
    press(qtbot, Qt.Key.Key_Comma, CTRL)
    dialog = gui.run(until(lambda: prefs_dialog(desk), what="preferences"))
    assert isinstance(dialog, PreferencesDialog)
    assert (dialog.reveal.minimum(), dialog.reveal.maximum()) == (REVEAL.low, REVEAL.high)
    assert (dialog.poll.minimum(), dialog.poll.maximum()) == (POLL.low, POLL.high)
    activate(qtbot, dialog)
    dialog.reveal.setFocus()
    for spin, typed in ((dialog.reveal, "45"), (dialog.clipboard, "99999")):
        tab_to(qtbot, spin)
        press(qtbot, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(QApplication.focusWidget(), typed)
    assert dialog.clipboard.value() <= CLIPBOARD.high  # cannot be typed past its bound
    tab_to(qtbot, dialog.policy_box)
    press(qtbot, Qt.Key.Key_Space)  # the rotation policy off
    tab_to(qtbot, dialog.poll)
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), "60")
    clipboard_s = dialog.clipboard.value()
    press(qtbot, Qt.Key.Key_Return)  # OK is the default
    gui.run(until(lambda: prefs_dialog(desk) is None, what="saved"))
    assert desk.credentials.reveal_timer.interval() == 45_000
    assert desk.clipboard.timeout_s == clipboard_s
    assert desk.sync.poll_timer.interval() == 60_000
    ci = row_of(desk, "ci-runner")
    assert cell(desk, ci.id, AccountCol.KEY_AGE, Qt.ItemDataRole.DecorationRole) is None  # no policy, no mark
    settings = QSettings(str(gui.tmp / "settings.ini"), QSettings.Format.IniFormat)
    assert int(settings.value(REVEAL.key)) == 45 and int(settings.value(ROTATION.key)) == 0
    assert int(settings.value(POLL.key)) == 60
    saved = (gui.tmp / "settings.ini").read_text()
    assert sb.key not in saved and sb.secret not in saved


def test_saved_junk_is_clamped_when_the_window_starts(gui, qtbot):
    from tbdesk.options import Options

    settings = QSettings(str(gui.tmp / "junk.ini"), QSettings.Format.IniFormat)
    for key, value in ((REVEAL.key, "1"), (CLIPBOARD.key, "x"), (POLL.key, "100000"), (ROTATION.key, "0")):
        settings.setValue(key, value)
    assert Options.from_settings(settings) == {
        "reveal_timeout": REVEAL.low,
        "clipboard_timeout": CLIPBOARD.default,
        "poll_interval": POLL.high,
        "rotation_days": None,
    }


def test_a_member_pasting_a_key_is_told_to_ask_an_admin(gui, qtbot):
    sb = asgi_sandbox()
    member = sb.store.reset_user_keys(next(r["id"] for r in sb.store.sub_accounts(0, 10)[0] if r["role"] == "member"))
    desk = gui.start(gui.desk(sb, key=member["key"], secret=member["secret"]))
    activate(qtbot, desk.window)
    leaked = sb.store.service_account(1)["key"]
    desk.window.filter_edit.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), leaked)
    gui.run(until(lambda: desk.window.triage_bar.isVisible()))
    assert "Only team admins" in desk.window.triage_label.text()
    assert not desk.window.triage_rotate.isVisible() and not desk.window.rotate_due_action.isEnabled()


class WithoutIssueTime(httpx.AsyncBaseTransport):
    """The sandbox as a server that does not send the ASSUMED keys_issued_at field."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "service-accounts" not in request.url.path or response.status_code != 200:
            return response
        body = json.loads(await response.aread())
        for row in body.get("data", [body]):
            row.pop("keys_issued_at", None)
        return httpx.Response(200, json=body, headers={"X-RateLimit-Remaining": "1000"})


def test_without_the_issue_time_the_age_is_a_lower_bound(gui, qtbot):
    sb = asgi_sandbox()
    desk = started(gui, qtbot, sb, transport=WithoutIssueTime(sb.transport))
    ci = row_of(desk, "ci-runner")
    assert ci.keys_issued_at is None
    assert cell(desk, ci.id, AccountCol.KEY_AGE) == "≥ 212 days"  # its last change: the seeded rotation
    tip = cell(desk, ci.id, AccountCol.KEY_AGE, Qt.ItemDataRole.ToolTipRole)
    assert "on or before" in tip and "does not say" in tip


def test_show_unused_while_the_usage_is_still_being_read_says_so(gui, qtbot, monkeypatch):
    """QA6: on a slow server "No service account is in the view Unused" for 40 s, then 2,481 appeared."""
    read = asyncio.Event()
    load_usage = sync_module.Sync.load_usage

    async def slow_usage(self):
        await read.wait()  # the 30 days of tests still on their way
        await load_usage(self)

    monkeypatch.setattr(sync_module.Sync, "load_usage", slow_usage)
    desk = gui.start(gui.desk(asgi_sandbox()))
    activate(qtbot, desk.window)
    w = desk.window
    w.show_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # "Unused (no test in 30 days)"
    gui.run(until(lambda: w.accounts_stack.currentWidget() is w.empty_label, what="the notice"))
    assert "Reading the tests of the last 30 days" in w.empty_label.text()
    read.set()
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 1, what="the unused account"))
    assert desk.accounts_proxy.index(0, 0).data() == "nightly-regression"
