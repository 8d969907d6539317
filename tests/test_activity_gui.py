"""Activity pictures, test filters and CSV export in the real window, against the real sandbox."""

from __future__ import annotations

import asyncio
import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton

from tbdesk.api import Test
from tbdesk.controllers import activity as activity_controller
from tbdesk.core.activity import FAILED, PASSED, local_days
from tbdesk.core.export import HEADER
from tbdesk.gui import chart_colors
from tbdesk.gui.dialogs import SignInDialog
from tbdesk.gui.models import ROW_ROLE, SPARK_ROLE, AccountCol

from helpers.gui import click, row_of, until
from helpers.sandbox import Sandbox, asgi_sandbox

# Filter tests use a team whose tests fit the first page: a narrow filter would otherwise make the view
# page in more tests while keys are typed, outside the loop the test harness runs (see tests/helpers/gui.py).
FIRST_PAGE = 100


async def all_tests(desk: Any) -> list[Test]:
    page = await desk.client.tests(0, 500)
    return list(page.items)


def by_account(t: Test, account_id: int) -> bool:
    """Started by this service account (a person can have the same id: ids are per kind)."""
    return t.started_by is not None and t.started_by.is_service_account and t.started_by.id == account_id


def focus(gui: Any, widget: Any) -> Any:
    """Give `widget` the keyboard focus as Tab would, and return what has it."""
    desk_window = widget.window()
    desk_window.activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    gui.run(until(lambda: QApplication.focusWidget() is widget, what="focus"))
    return QApplication.focusWidget()


def poll_until(gui: Any, desk: Any, predicate: Any, what: str) -> None:
    """Poll as the timer does, until `predicate` holds (the server's `since` has one-second resolution,
    so a test made just now may take a second poll)."""

    async def go() -> None:
        deadline = asyncio.get_event_loop().time() + 10
        while not predicate():
            if asyncio.get_event_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await desk.sync.poll()
            await asyncio.sleep(0.05)

    gui.run(go())


def pick_first_match(gui: Any, qtbot: Any) -> None:
    """Enter after typing in a searchable list: to the open list of matches, as a key press goes, which picks
    the first match. Then wait for that list to close and its posted events (the window's focus) to pass."""
    combo = QApplication.focusWidget()
    qtbot.keyClick(QApplication.activePopupWidget() or combo, Qt.Key.Key_Return)
    gui.run(until(lambda: QApplication.activePopupWidget() is None, what="the matches closed"))
    QApplication.processEvents()


def start_test(sb: Sandbox, account_id: int, name: str, build: str, success: bool | None) -> int:
    """A pipeline runs a test with the account's key (what the hub does), finishing it unless success is None."""
    pair = sb.store.service_account(account_id)
    principal = sb.store.authenticate(pair["key"], pair["secret"])
    row = sb.store.start_test(principal, name, "firefox", "133", "LINUX", build)
    if success is not None:
        sb.store.finish_test(row["id"], success)
    return int(row["id"])


# -- filters ------------------------------------------------------------------------------------


def test_a_search_that_stops_matching_keeps_what_was_typed(gui, qtbot):
    """QA14: when the matches closed (nothing matched any more) the focus came back to the box, which selected
    its text: the next key replaced it ("jenkx", Backspace: an empty box instead of "jenk"). And Escape did not
    bring the current choice back."""
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    for combo, typed in ((w.started_by, "jenk"), (w.build_combo, "build-")):
        gui.run(until(lambda c=combo, t=typed: c.findText(t, Qt.MatchFlag.MatchContains) > 0, what="the list"))
        box = focus(gui, combo)
        qtbot.keyClicks(box, typed)
        matches = combo.completer().popup()
        gui.run(until(matches.isVisible, what="matches"))
        qtbot.keyClicks(QApplication.focusWidget(), "qx")  # a typo: nothing matches, the matches close
        gui.run(until(lambda m=matches: not m.isVisible(), what="no matches"))
        QApplication.processEvents()  # the focus back in the box, and whatever it posted
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
        assert combo.lineEdit().text() == typed + "q"
        # Escape drops what was typed: the current choice shows again, nothing else changed (QA14).
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        assert combo.lineEdit().text() == combo.itemText(combo.currentIndex()) == combo.itemText(0)
        assert QApplication.focusWidget() is box  # still in the box, to type again


def test_filters_combine_and_stay_while_polling(gui, qtbot):
    sb = asgi_sandbox(tests=FIRST_PAGE)
    desk = gui.start(gui.desk(sb))
    w = desk.window
    ci = row_of(desk, "ci-runner")
    gui.run(until(lambda: w.started_by.findText("ci-old (deleted)") > 0, what="starters from the tests"))
    proxy = desk.tests_proxy

    # Started by: type the start of a name in the list, as a person picks from a long list.
    qtbot.keyClicks(focus(gui, w.started_by), "ci-r")
    pick_first_match(gui, qtbot)
    assert w.started_by.currentText() == "ci-runner"
    # Result: the first letter picks it.
    qtbot.keyClicks(focus(gui, w.result_combo), "F")
    assert w.result_combo.currentText() == "Failed"
    builds = Counter(t.build for t in desk.tests.tests() if by_account(t, ci.id) and t.build)
    build = builds.most_common(1)[0][0]
    qtbot.keyClicks(focus(gui, w.build_combo), build)
    pick_first_match(gui, qtbot)
    assert w.build_combo.currentText() == build
    qtbot.keyClicks(focus(gui, w.test_name_edit), "  ")  # blank text filters nothing

    def expected() -> list[int]:
        return [t.id for t in desk.tests.tests() if by_account(t, ci.id) and t.status == "failed" and t.build == build]

    assert [t.id for t in proxy.shown_tests()] == expected()
    assert w.clear_filters.isVisibleTo(w)
    assert "shown" in w.tests_count.text()

    # Polling brings a failed test by ci-runner on that build, and a passed one: only the first shows,
    # and every filter keeps its value.
    shown_id = start_test(sb, ci.id, "polled checkout", build, success=False)
    hidden_id = start_test(sb, ci.id, "polled checkout ok", build, success=True)
    poll_until(gui, desk, lambda: any(t.id == hidden_id for t in desk.tests.tests()), "the polled tests")
    assert shown_id in [t.id for t in proxy.shown_tests()]
    assert hidden_id not in [t.id for t in proxy.shown_tests()]
    assert [t.id for t in proxy.shown_tests()] == expected()
    assert (w.started_by.currentText(), w.result_combo.currentText(), w.build_combo.currentText()) == (
        "ci-runner",
        "Failed",
        build,
    )

    # Text in the name narrows further, case-insensitively.
    qtbot.keyClicks(focus(gui, w.test_name_edit), "POLLED")
    assert [t.id for t in proxy.shown_tests()] == [shown_id]

    click(qtbot, w.clear_filters)
    assert proxy.rowCount() == desk.tests.rowCount() and not w.clear_filters.isVisibleTo(w)
    assert w.test_name_edit.text() == "" and w.started_by.currentText() == "Everyone"
    # The name field's own clear button goes with its text (QA3: it stayed on the empty field).
    (clear,) = [b for b in w.test_name_edit.findChildren(QToolButton) if b.isVisibleTo(w)]
    qtbot.waitUntil(lambda: clear.property("opacity") == 0.0)  # Qt fades it out


def test_started_by_offers_each_person(gui, qtbot):
    """People are picked one by one too (deleted accounts: in the export test)."""
    desk = gui.start(gui.desk(asgi_sandbox(tests=FIRST_PAGE)))
    w, proxy = desk.window, desk.tests_proxy
    person = next(t.started_by for t in desk.tests.tests() if t.started_by and not t.started_by.is_service_account)
    gui.run(until(lambda: w.started_by.findText(person.name) > 0, what="people from the tests"))
    qtbot.keyClicks(focus(gui, w.started_by), person.name)
    pick_first_match(gui, qtbot)
    assert w.started_by.currentText() == person.name
    shown = proxy.shown_tests()
    assert shown and {t.started_by.name for t in shown} == {person.name}


# -- CSV export ---------------------------------------------------------------------------------


def test_export_saves_the_filtered_tests_as_csv(gui, qtbot, tmp_path: Path):
    sb = asgi_sandbox(tests=FIRST_PAGE)
    desk = gui.start(gui.desk(sb))
    w = desk.window
    gui.run(until(lambda: w.started_by.findText("ci-old (deleted)") > 0, what="starters from the tests"))
    qtbot.keyClicks(focus(gui, w.started_by), "ci-o")
    pick_first_match(gui, qtbot)
    assert w.started_by.currentText() == "ci-old (deleted)"
    shown = desk.tests_proxy.shown_tests()
    assert 0 < len(shown) < desk.tests.rowCount()
    assert all(t.started_by and t.started_by.deleted and t.started_by.name == "ci-old" for t in shown)

    click(qtbot, w.export_button)
    dialog = gui.run(until(lambda: QApplication.activeModalWidget(), what="the save dialog"))
    assert isinstance(dialog, QFileDialog) and dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedFiles()[0].endswith(".csv")
    target = tmp_path / "out" / "tests of ci-old"
    target.parent.mkdir()
    name_box = gui.run(until(lambda: QApplication.focusWidget(), what="the file name box"))
    qtbot.keyClick(name_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace the suggested name
    qtbot.keyClicks(name_box, str(target))
    qtbot.keyClick(name_box, Qt.Key.Key_Return)
    saved = target.with_suffix(".csv")  # the default suffix is added
    gui.run(until(saved.exists, what="the CSV file"))
    gui.run(until(lambda: "Saved" in w.statusBar().currentMessage(), what="the saved message"))
    assert w.statusBar().currentMessage() == f"Saved {len(shown)} tests to {saved}."

    with saved.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == HEADER
    assert [int(r["id"]) for r in rows] == [t.id for t in shown]
    assert {(r["started_by"], r["started_by_type"], r["started_by_deleted"]) for r in rows} == {
        ("ci-old", "service account", "yes")
    }
    for r, t in zip(rows, shown, strict=True):
        assert r["name"] == t.name and r["build"] == t.build
        assert r["started_by"] == (t.started_by.name if t.started_by else "")
        created = datetime.fromisoformat(r["created_at"])
        assert created.tzinfo is not None and abs(created - t.created_at) < timedelta(seconds=1)
        assert r["created_at"].endswith("Z") and "T" in r["created_at"]
    text = saved.read_text(encoding="utf-8")
    pairs = [sb.store.service_account(a.id) for a in desk.accounts.accounts()]
    for secret in [sb.key, sb.secret, *(p["key"] for p in pairs), *(p["secret"] for p in pairs)]:
        assert secret not in text


def test_export_cancelled_writes_nothing(gui, qtbot, tmp_path: Path):
    desk = gui.start(gui.desk(asgi_sandbox(tests=FIRST_PAGE)))
    click(qtbot, desk.window.export_button)
    dialog = gui.run(until(lambda: QApplication.activeModalWidget(), what="the save dialog"))
    suggested = Path(dialog.selectedFiles()[0])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    gui.run(until(lambda: QApplication.activeModalWidget() is None, what="the dialog to close"))
    assert not suggested.exists() and not list(tmp_path.rglob("*.csv"))
    assert "Saved" not in desk.window.statusBar().currentMessage()


# -- sparkline column ---------------------------------------------------------------------------


def expected_days(tests: list[Test], account_id: int, days: int) -> list[tuple[int, int]]:
    """(total, failed) per local day, counted here independently of tbdesk.activity's bisecting."""
    dates, _ = local_days(days)
    out = {d: [0, 0] for d in dates}
    for t in tests:
        if by_account(t, account_id) and t.created_at:
            day = t.created_at.astimezone().date()
            if day in out:
                out[day][0] += 1
                out[day][1] += t.status == "failed"
    return [(a, b) for a, b in out.values()]


def test_sparkline_numbers_tooltip_and_failed_colour(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.accounts.sparks_loaded, what="sparklines"))
    tests = gui.run(all_tests(desk))
    assert len(tests) == 300  # the whole seeded month was read for the pictures
    view = desk.window.accounts_view
    for account in desk.accounts.accounts():
        index = desk.accounts.index(desk.accounts.row_of(account.id), AccountCol.ACTIVITY)
        spark = index.data(SPARK_ROLE)
        assert list(zip(spark.totals, spark.failed, strict=True)) == expected_days(tests, account.id, 14)
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(f"{sum(spark.totals)} tests in the last 14 days, {sum(spark.failed)} failed")
        assert index.data(Qt.ItemDataRole.AccessibleTextRole) == (
            f"{sum(spark.totals)} tests in 14 days, {sum(spark.failed)} failed"
        )

    # The delegate paints failures in the palette's warning colour, on a light and on a dark palette.
    failing = max(desk.accounts.accounts(), key=lambda a: sum(expected_days(tests, a.id, 14)[i][1] for i in range(14)))
    clean = [a for a in desk.accounts.accounts() if not any(f for _, f in expected_days(tests, a.id, 14))]
    desk.window.resize(1400, 760)
    for dark in (False, True):
        palette = QPalette(QColor("#202124") if dark else QColor("#f4f4f4"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#1b1b1d" if dark else "#ffffff"))
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#1b1b1d" if dark else "#ffffff"))
        view.setPalette(palette)
        warning = chart_colors.warning(palette)
        assert chart_colors.is_dark(palette) == dark

        def red_pixels(account_id: int, warning: QColor = warning) -> int:
            index = desk.accounts_proxy.mapFromSource(
                desk.accounts.index(desk.accounts.row_of(account_id), AccountCol.ACTIVITY)
            )
            view.clearSelection()
            view.scrollTo(index)
            image = view.viewport().grab(view.visualRect(index)).toImage()
            return sum(
                1
                for x in range(image.width())
                for y in range(image.height())
                if image.pixelColor(x, y).rgb() == warning.rgb()
            )

        assert red_pixels(failing.id) > 0
        for account in clean:
            assert red_pixels(account.id) == 0


# -- activity tab -------------------------------------------------------------------------------


def test_activity_tab_numbers_and_updates_from_polling(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    panel = w.activity_panel
    gui.run(until(lambda: desk.accounts.sparks_loaded, what="activity"))
    w.accounts_view.selectionModel().clear()  # the table starts on its first row (QA 9); none selected:
    assert panel.stack.currentWidget() is panel.hint
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    w.lower_tabs.setCurrentWidget(w.activity_tab)
    gui.run(until(lambda: "ci-runner" in w.lower_tabs.tabText(w.lower_tabs.currentIndex()), what="the tab title"))
    gui.run(until(lambda: panel.activity is not None and panel.title.text() == "ci-runner", what="the panel"))

    tests = gui.run(all_tests(desk))
    mine = [t for t in tests if by_account(t, ci.id)]
    now = datetime.now(UTC)
    days = panel.chart.days
    assert len(days) == 30
    expected = expected_days(tests, ci.id, 30)
    assert [(sum(d), d[FAILED]) for d in days] == expected
    this_week = [t for t in mine if t.created_at >= now - timedelta(days=7)]
    passed = sum(t.status == "passed" for t in this_week)
    failed = sum(t.status == "failed" for t in this_week)
    if passed + failed:
        assert panel.rate_this.text() == f"{passed / (passed + failed):.0%} ({passed} of {passed + failed})"
    month = [t for t in mine if t.created_at.astimezone().date() >= local_days(30)[0][0]]
    builds = Counter(t.build or "(no build)" for t in month)
    assert dict(panel.builds.rows[:5]) == {b: n for b, n in builds.items() if (b, n) in panel.builds.rows}
    assert panel.builds.rows[0][1] == max(builds.values())
    assert sum(n for _, n in panel.browsers.rows) == len(month)
    newest = sorted(mine, key=lambda t: (t.created_at, t.id), reverse=True)[:8]
    shown = [panel.last_tests.topLevelItem(i).text(0) for i in range(panel.last_tests.topLevelItemCount())]
    assert shown == [t.name for t in newest]

    # A pipeline's new failed test arrives by polling: today's bar, the last tests and the sparkline grow.
    before_today = days[-1]
    spark_before = desk.accounts.index(desk.accounts.row_of(ci.id), AccountCol.ACTIVITY).data(SPARK_ROLE)
    start_test(sb, ci.id, "polled failure", "build-new", success=False)
    poll_until(gui, desk, lambda: panel.chart.days[-1][FAILED] == before_today[FAILED] + 1, "the panel to update")
    assert panel.chart.days[-1][PASSED] == before_today[PASSED]
    assert panel.last_tests.topLevelItem(0).text(0) == "polled failure"
    assert panel.last_tests.topLevelItem(0).text(1) == "failed"
    spark = desk.accounts.index(desk.accounts.row_of(ci.id), AccountCol.ACTIVITY).data(SPARK_ROLE)
    assert spark.failed[-1] == spark_before.failed[-1] + 1

    # A refresh (F5) keeps the history read before: the same numbers afterwards.
    days_now = panel.chart.days
    desk.window.refresh_action.trigger()
    gui.run(desk.runner.idle())
    assert panel.chart.days == days_now and panel.title.text() == "ci-runner"


def test_activity_tab_after_moving_quickly_through_busy_accounts_shows_the_last_ones_numbers(gui, qtbot, monkeypatch):
    # Every account counts as busy and is counted a few tests per turn of the event loop, as the busiest
    # accounts of 100,000 tests are: a count still going for an account left behind must not win.
    monkeypatch.setattr(activity_controller, "BIG", 3)
    monkeypatch.setattr(activity_controller, "SLICE_FACTS", 4)
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    panel = w.activity_panel
    gui.run(desk.runner.idle("usage", "activity"))
    w.lower_tabs.setCurrentWidget(w.activity_tab)
    tests = gui.run(all_tests(desk))
    view = focus(gui, w.accounts_view)
    assert view is w.accounts_view
    first = w.accounts_view.model().index(0, 0).data(ROW_ROLE)
    desk.select_account(first.id)
    gui.run(until(lambda: panel.title.text() == first.identifier, what="the first account's panel"))
    # Down through four accounts, the loop running only a turn or two between key presses.
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        gui.run(asyncio.sleep(0))
    last = desk.presenter.selected()
    assert last is not None and last.id != first.id
    assert desk.activity.log.count(last.id) > 3  # it went the sliced way
    gui.run(until(lambda: panel.title.text() == last.identifier, what="the last account's panel"))
    gui.run(desk.runner.idle())
    assert panel.title.text() == last.identifier
    assert last.identifier in w.lower_tabs.tabText(w.lower_tabs.currentIndex())
    assert [(sum(d), d[FAILED]) for d in panel.chart.days] == expected_days(tests, last.id, 30)
    mine = [t for t in tests if by_account(t, last.id)]
    newest = sorted(mine, key=lambda t: (t.created_at, t.id), reverse=True)[:8]
    shown = [panel.last_tests.topLevelItem(i).text(0) for i in range(panel.last_tests.topLevelItemCount())]
    assert shown == [t.name for t in newest]
    # The count names the chart's first day: what "the last 30 days" means is not left to guess (QA3).
    first = panel.activity.first_day
    assert panel.subtitle.text().startswith(f"{sum(map(sum, panel.chart.days))} tests since {first.day} {first:%b}")


def test_the_activity_panel_is_made_when_its_tab_is_first_shown_and_shows_the_selected_account(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    gui.run(desk.runner.idle("usage", "activity"))
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    tab = w.lower_tabs.indexOf(w.activity_tab)
    assert "ci-runner" in w.lower_tabs.tabText(tab)  # the tab's title follows the selection meanwhile
    assert not w.activity_panel_made  # nothing built for a tab nobody opened (it cost the first screen 15-30 ms)
    w.lower_tabs.setCurrentWidget(w.activity_tab)
    assert w.activity_panel_made
    panel = w.activity_panel
    gui.run(until(lambda: panel.activity is not None and panel.title.text() == "ci-runner", what="the panel"))
    tests = gui.run(all_tests(desk))
    assert [(sum(d), d[FAILED]) for d in panel.chart.days] == expected_days(tests, ci.id, 30)

    # Back on the Tests tab, the admin finds another account with the filter; the Activity tab's title follows
    # at once, and its panel shows that account when the tab is shown again.
    bar = w.lower_tabs.tabBar()
    click(qtbot, bar, bar.tabRect(w.lower_tabs.indexOf(w.tests_tab)).center())
    assert w.lower_tabs.currentWidget() is w.tests_tab
    edit = focus(gui, w.filter_edit)
    qtbot.keyClicks(edit, "jenkins-mob")
    mobile = row_of(desk, "jenkins-mobile")
    gui.run(until(lambda: desk.presenter.selected() == mobile, what="the filter's first match"))
    assert "jenkins-mobile" in w.lower_tabs.tabText(tab)
    click(qtbot, bar, bar.tabRect(tab).center())
    gui.run(until(lambda: panel.title.text() == "jenkins-mobile", what="the panel of the account found"))
    assert [(sum(d), d[FAILED]) for d in panel.chart.days] == expected_days(tests, mobile.id, 30)


def test_activity_tab_shows_server_text_as_text(qtbot):
    from tbdesk.core.account_activity import account_activity
    from tbdesk.core.activity import ActivityLog
    from tbdesk.gui.activity_panel import ActivityPanel

    hostile = "<img src=x width=900 height=300>&amp; <b>bold</b>"
    t = Test.parse(
        {
            "id": 1,
            "name": hostile,
            "state": "COMPLETE",
            "status_id": 0,
            "browser": "<i>chrome</i>",
            "build": hostile,
            "created_at": datetime.now(UTC).isoformat(),
            "started_by": {"type": "service_account", "id": 5, "name": hostile},
        }
    )
    log = ActivityLog()
    log.add([t])
    panel = ActivityPanel()
    qtbot.addWidget(panel)
    panel.show_activity(hostile, account_activity(log.of(5)))
    assert panel.title.textFormat() == Qt.TextFormat.PlainText and panel.title.text() == hostile
    item = panel.last_tests.topLevelItem(0)
    assert item.text(0) == hostile and item.text(1) == "failed"
    assert "&lt;img" in item.toolTip(0) and "<img" not in item.toolTip(0)
    assert "<img" not in panel.builds.toolTip() and panel.builds.rows == ((hostile, 1),)


def test_started_by_list_follows_accounts_and_starters(qtbot):
    """Sections update in place: accounts, then people, then deleted accounts; the choice survives."""
    from PySide6.QtWidgets import QComboBox

    from tbdesk.api.models import ServiceAccount
    from tbdesk.gui.models import AccountsModel, TestsModel, TestsProxy
    from tbdesk.gui.started_by import StartedByFilter

    def test(test_id: int, kind: str, who_id: int, name: str, deleted: bool = False) -> Test:
        return Test.parse(
            {
                "id": test_id,
                "name": "t",
                "created_at": datetime.now(UTC).isoformat(),
                "started_by": {"type": kind, "id": who_id, "name": name, "deleted": deleted},
            }
        )

    accounts = AccountsModel()
    accounts.set_accounts([ServiceAccount(i, name, f"k{i}") for i, name in ((1, "beta"), (2, "Alpha"), (3, "gamma"))])
    proxy = TestsProxy()
    proxy.setSourceModel(TestsModel())
    combo = QComboBox()
    qtbot.addWidget(combo)
    sb = StartedByFilter(combo, proxy, accounts)

    def items() -> list[str]:
        return [combo.itemText(i) for i in range(combo.count())]

    sb.rebuild()
    assert items() == ["Everyone", "People (team members)", "", "Alpha", "beta", "gamma"]
    combo.setCurrentIndex(combo.findText("gamma"))
    assert proxy.who == 3
    sb.note_tests([test(10, "user", 1, "Zoe"), test(11, "service_account", 9, "old-ci", deleted=True)])
    sb.rebuild()
    assert items()[3:] == ["Alpha", "beta", "gamma", "", "Zoe", "", "old-ci (deleted)"]
    sb.note_tests([test(12, "user", 2, "Adam")])
    sb.rebuild()
    assert items()[3:] == ["Alpha", "beta", "gamma", "", "Adam", "Zoe", "", "old-ci (deleted)"]
    assert combo.currentText() == "gamma" and proxy.who == 3
    accounts.remove(2)  # deleted here: its tests (none loaded) do not keep it in the list
    sb.schedule()
    sb.rebuild()
    assert items()[3:] == ["beta", "gamma", "", "Adam", "Zoe", "", "old-ci (deleted)"]
    assert combo.currentText() == "gamma"
    accounts.remove(3)  # the chosen account is gone, but its test was seen: it stays, as deleted
    sb.note_tests([test(13, "service_account", 3, "gamma")])
    sb.schedule()
    sb.rebuild()
    assert items()[3:] == ["beta", "", "Adam", "Zoe", "", "gamma (deleted)", "old-ci (deleted)"]
    assert combo.currentText() == "gamma (deleted)" and proxy.who == 3


def test_export_starts_in_documents_or_home_never_the_working_folder_and_remembers_the_last(
    gui, qtbot, tmp_path: Path, monkeypatch
):
    desk = gui.start(gui.desk(asgi_sandbox(tests=FIRST_PAGE)))
    home, working = tmp_path / "home", tmp_path / "working"
    home.mkdir()
    working.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(working)  # where Qt's dialog falls back to for a folder that does not exist
    w = desk.window

    def suggested_folder() -> Path:
        click(qtbot, w.export_button)
        dialog = gui.run(until(lambda: QApplication.activeModalWidget(), what="the save dialog"))
        folder = Path(dialog.selectedFiles()[0]).parent
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        gui.run(until(lambda: QApplication.activeModalWidget() is None, what="the dialog to close"))
        return folder

    assert suggested_folder() == home  # no Documents folder yet: home, not the working folder
    (home / "Documents").mkdir()
    assert suggested_folder() == home / "Documents"
    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    click(qtbot, w.export_button)
    gui.run(until(lambda: QApplication.activeModalWidget(), what="the save dialog"))
    name_box = QApplication.focusWidget()
    qtbot.keyClick(name_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(name_box, str(elsewhere / "tests.csv"))
    qtbot.keyClick(name_box, Qt.Key.Key_Return)
    gui.run(until((elsewhere / "tests.csv").exists, what="saved"))
    gui.run(until(lambda: QApplication.activeModalWidget() is None, what="the dialog to close"))
    assert suggested_folder() == elsewhere


def test_export_is_off_while_signed_out(gui, qtbot):
    sb = asgi_sandbox(tests=FIRST_PAGE)
    desk = gui.desk(sb, key=False)
    task = gui.loop.create_task(desk.start())
    gui.run(until(lambda: isinstance(QApplication.activeModalWidget(), SignInDialog), what="sign-in dialog"))
    assert not desk.window.export_button.isEnabled()  # nothing of a team to export yet
    dialog = QApplication.activeModalWidget()
    qtbot.keyClicks(dialog.key, sb.key)
    qtbot.keyClicks(dialog.secret, sb.secret)
    click(qtbot, dialog.ok)
    gui.run(task)
    assert desk.window.export_button.isEnabled()
    desk.window.sign_out_action.trigger()
    again = gui.run(
        until(lambda: (d := QApplication.activeModalWidget()) is not dialog and isinstance(d, SignInDialog) and d)
    )
    assert not desk.window.export_button.isEnabled()
    again.reject()


def test_activity_axis_tops_are_round_and_close_to_the_busiest_day():
    from tbdesk.gui.activity_panel import nice_ceiling

    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 95, 101, 200, 230, 1335)] == [2, 2, 4, 8, 100, 120, 200, 250, 1500]


def test_activity_tab_polish_singular_point_whole_browser_names_and_roomy_rows(qtbot):
    from PySide6.QtGui import QFontMetrics

    from tbdesk.core.account_activity import PassRate, account_activity
    from tbdesk.core.activity import ActivityLog
    from tbdesk.gui.activity_panel import ActivityPanel, _trend

    assert _trend(PassRate(79, 21), PassRate(78, 22)) == "1 point better than the 7 days before."
    assert _trend(PassRate(70, 30), PassRate(78, 22)) == "8 points worse than the 7 days before."
    now = datetime.now(UTC)
    tests = [
        Test.parse(
            {
                "id": i,
                "name": f"checkout #{i}",
                "state": "COMPLETE",
                "status_id": 1,
                "browser": browser,
                "browser_version": "130",
                "build": f"build-{i % 7}",
                "created_at": (now - timedelta(hours=i)).isoformat(),
                "started_by": {"type": "service_account", "id": 5, "name": "ci"},
            }
        )
        for i, browser in enumerate(["microsoftedge", "chrome", "safari", "firefox"] * 30)
    ]
    log = ActivityLog()
    log.add(tests)
    panel = ActivityPanel()
    qtbot.addWidget(panel)
    panel.resize(1160, 330)  # the tab at the window's default size
    panel.show()
    panel.show_activity("ci", account_activity(log.of(5)))
    qtbot.waitUntil(lambda: panel.browsers.isVisible())
    fm = QFontMetrics(panel.browsers.font())
    names = [name for name, _ in panel.browsers.rows]
    assert "Microsoft Edge 130" in names
    name_w = panel.browsers.name_width(fm)
    assert panel.browsers.shown_name(fm, "Microsoft Edge 130", name_w) == "Microsoft Edge 130"  # not "Microso…dge 130"
    tree = panel.last_tests
    row = tree.visualItemRect(tree.topLevelItem(0)).height()
    assert row >= QFontMetrics(tree.font()).height() + 6  # not cramped


def test_filters_say_they_cover_the_loaded_tests_and_load_all_covers_every_test(gui, qtbot, tmp_path: Path):
    sb = asgi_sandbox()  # 300 tests: pages of 100
    desk = gui.start(gui.desk(sb))
    w = desk.window
    view = w.tests_view
    gui.run(until(lambda: w.started_by.findText("ci-old (deleted)") > 0, what="starters from the tests"))
    everyone = gui.run(all_tests(desk))
    ci_old = [t for t in everyone if t.started_by and t.started_by.name == "ci-old" and t.started_by.deleted]
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)  # scrolled down a bit
    assert view.verticalScrollBar().value() > 0
    qtbot.keyClicks(focus(gui, w.started_by), "ci-o")
    pick_first_match(gui, qtbot)
    assert w.started_by.currentText() == "ci-old (deleted)"
    assert view.verticalScrollBar().value() == 0  # the filtered list starts at its top
    loaded = desk.tests.rowCount()
    assert loaded < desk.tests.total == 300
    shown = desk.tests_proxy.rowCount()
    assert w.tests_count.text() == f"{shown} shown of the {loaded} loaded tests"
    assert w.load_all_button.isVisible() and w.load_all_button.text() == "Load all 300"
    assert "of the" in w.export_button.toolTip() and "Load all 300" in w.export_button.toolTip()

    click(qtbot, w.load_all_button)
    gui.run(until(lambda: desk.tests.rowCount() == 300 and not desk.runner.running("load-all"), what="all loaded"))
    assert desk.tests_proxy.rowCount() == len(ci_old)
    assert w.tests_count.text() == f"{len(ci_old)} shown of 300 tests" and not w.load_all_button.isVisible()
    # A current test stays in view when the filter changes (the last passed one, out of view after a scroll).
    proxy = desk.tests_proxy
    row = max(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(ROW_ROLE).status == "passed")
    view.setCurrentIndex(proxy.index(row, 0))
    view.scrollToTop()
    qtbot.keyClicks(focus(gui, w.result_combo), "P")
    assert w.result_combo.currentText() == "Passed"
    current = view.currentIndex()
    assert current.isValid() and view.viewport().rect().contains(view.visualRect(current))


def test_started_by_and_build_lists_are_searchable_short_popups_builds_newest_first(gui, qtbot):
    from tbdesk.gui.searchable import VISIBLE
    from tbdesk.gui.test_filters import BUILD_FIXED

    sb = asgi_sandbox(tests=FIRST_PAGE)
    for i in range(60):  # a big team
        sb.store.create_service_account(f"pipeline-{i:03d}")
    desk = gui.start(gui.desk(sb))
    w = desk.window
    combo = w.started_by
    gui.run(until(lambda: combo.findText("pipeline-042") > 0, what="the accounts in the list"))
    # Any part of a name finds it; Enter picks the first match.
    qtbot.keyClicks(focus(gui, combo), "e-042")
    pick_first_match(gui, qtbot)
    assert combo.currentText() == "pipeline-042" and combo.currentIndex() == combo.findText("pipeline-042")
    # The list opens as a short scrolling list, not one as tall as the screen.
    combo.showPopup()
    popup = combo.view()
    gui.run(until(lambda: popup.isVisible(), what="the list"))
    assert popup.height() <= (VISIBLE + 1) * popup.sizeHintForRow(0)
    assert popup.window().height() < w.screen().availableGeometry().height() // 2
    combo.hidePopup()
    gui.run(until(lambda: QApplication.activePopupWidget() is None, what="closed"))
    QApplication.processEvents()
    # Builds: the newest first (by their newest test), and searchable too.
    builds = w.build_combo
    newest: dict[str, datetime] = {}
    for t in desk.tests.tests():
        if t.build and t.created_at and (t.build not in newest or t.created_at > newest[t.build]):
            newest[t.build] = t.created_at
    order = sorted(newest, key=lambda b: newest[b], reverse=True)
    gui.run(until(lambda: builds.count() == BUILD_FIXED + len(order), what="the builds"))
    assert [builds.itemText(i) for i in range(BUILD_FIXED, builds.count())] == order
    oldest = order[-1]
    box = focus(gui, builds)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # whatever the box shows, replaced
    qtbot.keyClicks(box, oldest[-5:])
    pick_first_match(gui, qtbot)
    assert builds.currentText() in order and oldest[-5:] in builds.currentText()
