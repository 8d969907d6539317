"""A 100-character identifier everywhere it is shown (QA report 1, items 36 and 37): shortened with "…" where
room is fixed, the whole name in a tooltip, and no window pushed wider than the screen it was made for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel

from tbdesk.gui.dialogs import RotateDialog, TestDetailsDialog
from tbdesk.gui.models import ROW_ROLE, AccountCol

from helpers.gui import click, row_of, until
from helpers.sandbox import asgi_sandbox

LONG = ("pipeline-very-long-name-" * 5)[:100]


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_a_100_character_identifier_is_shortened_where_room_is_fixed(gui, qtbot):
    sb = asgi_sandbox()
    ci = next(r for r in sb.store.service_accounts(0, 100)[0] if r["identifier"] == "ci-runner")
    sb.store.rename_service_account(ci["id"], LONG)
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    w = desk.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    account = row_of(desk, LONG)
    desk.select_account(account.id)
    w.accounts_view.setFocus()

    # The Activity tab: shortened, whole in its tooltip.
    tabs = w.lower_tabs
    index = tabs.indexOf(w.activity_tab)
    assert "…" in tabs.tabText(index) and len(tabs.tabText(index)) < 50
    assert LONG in tabs.tabToolTip(index)

    # Rotate: the heading ends in "…" and fits; the recent-use rows get their full height (no cut descenders).
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: isinstance(d := desk.dialog, RotateDialog) and d.isVisible() and d))
    heading = dialog.content.findChild(QLabel, "titleLabel")
    assert "…" in heading.text() and LONG in heading.toolTip()
    assert heading.minimumSizeHint().width() <= heading.width() <= dialog.width()
    for label in dialog.content.findChild(QGroupBox, "usageBox").findChildren(QLabel):
        assert label.height() >= label.sizeHint().height(), label.objectName()
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))

    # The hand-over panel: a copy's status line does not widen it past the main window.
    w.handover_action.trigger()
    panel = gui.run(until(lambda: (p := desk.lifecycle.panel) is not None and p.isVisible() and p, what="panel"))
    width = panel.width()
    click(qtbot, panel.copy_key_button)
    qtbot.waitUntil(lambda: panel.clipboard_label.text() != "")
    QApplication.processEvents()
    assert panel.width() == width and panel.minimumSizeHint().width() <= w.width()
    assert "…" in panel.title.text() and LONG in panel.title.toolTip()
    panel.close()

    # Test details: "Started by" shortened with "…" inside the dialog, whole in the tooltip.
    view = w.tests_view
    row = next(
        r
        for r in range(desk.tests_proxy.rowCount())
        if (t := desk.tests_proxy.index(r, 0).data(ROW_ROLE)).started_by and t.started_by.label == LONG
    )
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    view.setFocus()
    view.setCurrentIndex(desk.tests_proxy.index(row, 0))
    press(qtbot, Qt.Key.Key_Return)
    details = gui.run(until(lambda: w.findChild(TestDetailsDialog)))
    started_by = details.values["Started by"]
    assert "…" in started_by.text() and LONG not in started_by.text() and LONG in started_by.toolTip()
    assert started_by.mapTo(details, started_by.rect().topRight()).x() <= details.width()
    assert started_by.minimumSizeHint().width() <= started_by.width()
    details.close()
    QApplication.clipboard().clear()


@pytest.mark.parametrize("scale", ["1", "2"])
def test_rotate_and_delete_rows_get_their_full_height(tmp_path, scale):
    """At 2x a long heading wrapped onto a second line and the recent-use rows were squeezed (descenders cut)."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 2560, "height": 1440}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": scale}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "dialog_fit_probe.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert not seen["squeezed"], seen


def test_the_started_by_list_finds_any_part_of_a_long_name_and_shows_it_on_screen(gui, qtbot):
    """QA12: the lists were only as wide as their box (180 px), so every long name read "pipeline-v…name-".
    QA14: typing found only the first 48 characters of a name; the matches' popup went past the screen's right
    edge; a name picked showed its end in the box."""
    from tbdesk.gui import plain
    from tbdesk.gui.searchable import LIST_CHARS

    name = ("pipeline-very-long-name-" * 3)[:70] + "-on-all-mobiles-ZZ"
    sb = asgi_sandbox()
    ci = next(r for r in sb.store.service_accounts(0, 100)[0] if r["identifier"] == "ci-runner")
    sb.store.rename_service_account(ci["id"], name)
    desk = gui.start(gui.desk(sb))
    w = desk.window
    combo = w.started_by
    gui.run(until(lambda: combo.findText(name) > 0, what="the long name listed"))
    seen = plain.short(name, LIST_CHARS)  # what the lists have room for: the rest ends in "…", whole in the tooltip
    assert name in combo.itemData(combo.findText(name), Qt.ItemDataRole.ToolTipRole)
    # The box near the screen's right edge, where a list as wide as the name would not fit to its right.
    screen = w.screen().availableGeometry()
    w.move(screen.right() - combo.mapTo(w, combo.rect().bottomRight()).x() + 40, w.y())
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # "Started &by"
    qtbot.waitUntil(lambda: combo.isAncestorOf(QApplication.focusWidget()) or QApplication.focusWidget() is combo)

    def readable_on_screen(view) -> bool:
        on_screen = screen.left() <= view.window().frameGeometry().left()
        on_screen = on_screen and view.window().frameGeometry().right() <= screen.right()
        return on_screen and view.viewport().width() >= view.fontMetrics().horizontalAdvance(seen) + 8

    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the whole list
    qtbot.waitUntil(lambda: combo.view().isVisible())
    assert readable_on_screen(combo.view()) and combo.width() < combo.view().width()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not combo.view().isVisible())

    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # "Everyone" replaced by what is typed
    qtbot.keyClicks(QApplication.focusWidget(), "mobiles-zz")  # past the 48 characters the lists show
    matches = combo.completer().popup()
    qtbot.waitUntil(matches.isVisible)
    assert matches.model().rowCount() == 1 and readable_on_screen(matches)
    press(qtbot, Qt.Key.Key_Return)  # the first match picked
    qtbot.waitUntil(lambda: combo.currentText() == name)
    edit = combo.lineEdit()
    assert edit.cursorPosition() == 0 and name in combo.toolTip()  # the box shows its start, whole on hover


def test_two_long_names_alike_are_told_apart_where_the_admin_picks_or_confirms(gui, qtbot):
    """QA15: two pipelines whose names share their first 48 characters read the same in the matches and in the
    rotate question ("cart-pipeline-production-eu-west-nightly-regressio…"): only their ends differ."""
    from tbdesk.gui.dialogs import RotateDialog

    base = "cart-pipeline-production-eu-west-nightly-regression-runner"
    names = (f"{base}-MAIN-tail", f"{base}-OTHER-tail")
    sb = asgi_sandbox()
    ids = [sb.store.create_service_account(n)["id"] for n in names]
    desk = gui.start(gui.desk(sb))
    w = desk.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    headings = []
    for account_id in ids:
        desk.select_account(account_id)
        w.accounts_view.setFocus()
        press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        dialog = gui.run(until(lambda: isinstance(d := desk.dialog, RotateDialog) and d.isVisible() and d))
        headings.append(dialog.content.findChild(QLabel, "titleLabel").text())
        press(qtbot, Qt.Key.Key_Escape)
        gui.run(until(lambda d=dialog: not d.isVisible(), what="cancelled"))
    assert "MAIN-tail" in headings[0] and "OTHER-tail" in headings[1] and "…" in headings[0]
    # The table's cells, as it draws them in the name column's width.
    view = w.accounts_view
    room = view.columnWidth(AccountCol.IDENTIFIER) - 12
    cells = {view.fontMetrics().elidedText(n, view.textElideMode(), room) for n in names}
    assert len(cells) == 2 and all("…" in c for c in cells)

    combo = w.started_by
    gui.run(until(lambda: all(combo.findText(n) > 0 for n in names), what="both listed"))
    press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # "Started &by"
    qtbot.waitUntil(lambda: combo.isAncestorOf(QApplication.focusWidget()) or QApplication.focusWidget() is combo)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "production")
    matches = combo.completer().popup()
    qtbot.waitUntil(matches.isVisible)
    room = matches.viewport().width() - 8
    shown = {matches.fontMetrics().elidedText(n, matches.textElideMode(), room) for n in names}
    assert len(shown) == 2 and all("…" in s for s in shown)  # cut, and still two different texts
    press(qtbot, Qt.Key.Key_Escape)
