"""The "Activity" tab: one service account's tests per day over 30 days, its pass rate this week against
last week, its builds and browsers by count, and its last tests.

It only shows an AccountActivity; the numbers are computed (and unit-tested) in tbdesk.core.account_activity.
Charts are painted with QPainter in palette colours; every text comes from the server, so it is set as
plain text and elided, never interpreted.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.account_activity import AccountActivity, PassRate
from ..core.activity import RESULTS, TOP
from . import chart_colors, plain
from . import format as fmt

HINT = "Select a service account above to see what its pipeline has been doing."
LEGEND_H = 18
AXIS_W = 34
TITLE_PX = 440  # the widest the account's name may be: the panel fits the window's default width beside it


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class StackedBars(QWidget):
    """Tests per day, each day's bar stacked by result (passed at the bottom, then failed, unknown, running)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_day: date | None = None
        self.days: tuple[tuple[int, int, int, int], ...] = ()
        self.setMinimumSize(260, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Tests per day over 30 days")

    def sizeHint(self) -> QSize:
        return QSize(460, 170)

    def set_days(self, first_day: date, days: tuple[tuple[int, int, int, int], ...]) -> None:
        self.first_day, self.days = first_day, days
        total = [sum(d) for d in days]
        self.setAccessibleDescription(
            f"{sum(total)} tests from {first_day:%d %b} to {first_day + timedelta(days=len(days) - 1):%d %b}; "
            f"busiest day {max(total, default=0)}"
        )
        self.update()

    def _plot(self) -> QRectF:
        fm = QFontMetrics(self.font())
        return QRectF(self.rect()).adjusted(AXIS_W, fm.height() // 2, -4, -(fm.height() + 4 + LEGEND_H))

    def _bar_at(self, x: float) -> int | None:
        plot = self._plot()
        if not self.days or not plot.left() <= x < plot.right():
            return None
        return min(len(self.days) - 1, int((x - plot.left()) / (plot.width() / len(self.days))))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        colors = chart_colors.result_colors(pal)
        fm = QFontMetrics(self.font())
        plot = self._plot()
        text_pen = pal.color(QPalette.ColorRole.PlaceholderText)
        top = max((sum(d) for d in self.days), default=0)
        scale = nice_ceiling(top)
        # Grid: zero, half and the top value, labelled on the left.
        for frac in (0.0, 0.5, 1.0):
            y = plot.bottom() - frac * plot.height()
            p.fillRect(QRectF(plot.left(), y, plot.width(), 1), chart_colors.muted(pal, alpha=0.15 if frac else 0.4))
            p.setPen(text_pen)
            label = f"{scale * frac:g}"
            p.drawText(QRectF(0, y - fm.height() / 2, AXIS_W - 6, fm.height()), Qt.AlignmentFlag.AlignRight, label)
        if self.days and self.first_day is not None:
            n = len(self.days)
            step = plot.width() / n
            width = max(1.0, step - max(1.0, step * 0.2))
            for i, counts in enumerate(self.days):
                y = plot.bottom()
                for result, count in enumerate(counts):
                    if not count:
                        continue
                    h = plot.height() * count / scale
                    p.fillRect(QRectF(plot.left() + i * step, y - h, width, h), colors[result])
                    y -= h
            p.setPen(text_pen)
            baseline = plot.bottom() + 2
            p.drawText(
                QRectF(plot.left(), baseline, 120, fm.height()), Qt.AlignmentFlag.AlignLeft, f"{self.first_day:%d %b}"
            )
            p.drawText(QRectF(plot.right() - 120, baseline, 120, fm.height()), Qt.AlignmentFlag.AlignRight, "today")
            if n > 14:
                mid = self.first_day + timedelta(days=n // 2)
                p.drawText(
                    QRectF(plot.left() + (n // 2) * step - 60, baseline, 120, fm.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"{mid:%d %b}",
                )
        # Legend under the axis.
        x = plot.left()
        y = self.height() - LEGEND_H + (LEGEND_H - fm.height()) / 2
        for result, name in enumerate(RESULTS):
            sw = QRectF(x, y + fm.height() / 2 - 5, 10, 10)
            p.fillRect(sw, colors[result])
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            p.drawText(QPointF(x + 14, y + fm.ascent()), name)
            x += 14 + fm.horizontalAdvance(name) + 14
        p.end()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            i = self._bar_at(e.pos().x())
            if i is None or self.first_day is None:
                QToolTip.hideText()
                e.ignore()
                return True
            QToolTip.showText(e.globalPos(), day_text(self.first_day + timedelta(days=i), self.days[i]), self)
            return True
        return super().event(e)


def day_text(day: date, counts: tuple[int, int, int, int]) -> str:
    total = sum(counts)
    parts = [f"{n} {name}" for name, n in zip(RESULTS, counts, strict=True) if n]
    return f"{day:%a %d %b}: {total} tests" + (f" ({', '.join(parts)})" if parts else "")


NICE = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)  # round steps within a power of ten


def nice_ceiling(value: int) -> int:
    """The axis top: the first round number (… 150, 200, 250, 300, 400 …) at or above the busiest day, and
    even, so the middle line is a whole number too. Close to the peak: 230 tests go up to 250, not 400."""
    magnitude = 1
    while True:
        for factor in NICE:
            top = round(factor * magnitude)
            if top >= max(value, 2) and top % 2 == 0:
                return top
        magnitude *= 10


MIN_BAR = 40  # pixels: the longest bar of a ranked list, at least


class RankedBars(QWidget):
    """Names with a count and a bar proportional to it, most used first."""

    ROW = 20

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.rows: tuple[tuple[str, int], ...] = ()
        self.setAccessibleName(what)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_rows(self, rows: tuple[tuple[str, int], ...]) -> None:
        self.rows = rows
        self.setAccessibleDescription("; ".join(f"{name}: {n}" for name, n in rows) or "none")
        self.setToolTip(plain.tooltip("\n".join(f"{name}: {n}" for name, n in rows)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        # Room for the widest name, a bar and its count: the layout gives that much when it can.
        fm = QFontMetrics(self.font())
        names = max((fm.horizontalAdvance(name) for name, _ in self.rows), default=0)
        counts = max((fm.horizontalAdvance(str(n)) for _, n in self.rows), default=0)
        return QSize(max(220, names + counts + 16 + 2 * MIN_BAR), max(1, len(self.rows)) * self.ROW)

    def minimumSizeHint(self) -> QSize:
        return QSize(140, max(1, len(self.rows)) * self.ROW)

    def _count_width(self, fm: QFontMetrics) -> int:
        return max((fm.horizontalAdvance(str(n)) for _, n in self.rows), default=0) + 8

    def name_width(self, fm: QFontMetrics) -> int:
        """A name takes what it needs while a short bar and the count still fit: "Microsoft Edge 130" whole
        wherever there is room, cut in the middle only in a narrow panel."""
        widest = max((fm.horizontalAdvance(name) for name, _ in self.rows), default=0) + 8
        return max(min(widest, int(self.width() * 0.4)), min(widest, self.width() - self._count_width(fm) - MIN_BAR))

    @staticmethod
    def shown_name(fm: QFontMetrics, name: str, name_w: int) -> str:
        return fm.elidedText(name, Qt.TextElideMode.ElideMiddle, name_w - 6)  # 8 apart, 2 for rounding

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        fm = QFontMetrics(self.font())
        if not self.rows:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "none in 30 days")
            p.end()
            return
        top = max(n for _, n in self.rows[:TOP]) or 1
        count_w = self._count_width(fm)
        name_w = self.name_width(fm)
        bar_area = max(10, self.width() - name_w - count_w)
        bar_color = chart_colors.muted(pal, QPalette.ColorRole.Highlight, 0.7)
        for i, (name, n) in enumerate(self.rows):
            y = i * self.ROW
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            elided = self.shown_name(fm, name, name_w)
            p.drawText(
                QRectF(0, y, name_w, self.ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided
            )
            others = i == TOP  # the folded rest ("3 others"): a count, not a bar
            w = 0.0 if others else max(2.0, (bar_area - 4) * n / top)
            if w:
                p.fillRect(QRectF(name_w, y + 5, w, self.ROW - 10), bar_color)
            p.drawText(
                QRectF(name_w + w + 4, y, max(count_w, self.width() - name_w - w - 4), self.ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                (f"{n} test" if n == 1 else f"{n} tests") if others else str(n),
            )
        p.end()


class ActivityPanel(QWidget):
    """Shows one account's AccountActivity, or a hint when no account is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityPanel")
        self.activity: AccountActivity | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.hint = _plain(QLabel(HINT))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.stack.addWidget(self.hint)

        body = QWidget(self)
        self.stack.addWidget(body)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        self.title = _plain(QLabel())
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = _plain(QLabel())
        self.subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(self.title)
        head.addWidget(self.subtitle, 1)
        grid.addLayout(head, 0, 0, 1, 3)
        self.chart = StackedBars(body)
        grid.addWidget(self.chart, 1, 0, 2, 1)

        side = QVBoxLayout()
        side.setSpacing(4)
        self.rate_this = _plain(QLabel())
        self.rate_last = _plain(QLabel())
        self.rate_this.setObjectName("passRateThisWeek")
        self.rate_last.setObjectName("passRateLastWeek")
        for text, widget in (("Pass rate, last 7 days", self.rate_this), ("the 7 days before", self.rate_last)):
            caption = _plain(QLabel(text))
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            side.addWidget(caption)
            side.addWidget(widget)
        big = self.rate_this.font()
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.rate_this.setFont(big)
        self.trend = _plain(QLabel())
        self.trend.setObjectName("passRateTrend")
        self.trend.setWordWrap(True)
        side.addWidget(self.trend)
        side.addStretch(1)
        grid.addLayout(side, 1, 1)

        self.builds = RankedBars("Builds by tests", body)
        self.browsers = RankedBars("Browsers by tests", body)
        lists = QGridLayout()
        lists.setVerticalSpacing(2)
        for column, (heading, bars) in enumerate((("Builds", self.builds), ("Browsers", self.browsers))):
            label = _plain(QLabel(heading))
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            lists.addWidget(label, 0, column)
            lists.addWidget(bars, 1, column, Qt.AlignmentFlag.AlignTop)
        lists.setRowStretch(2, 1)
        grid.addLayout(lists, 1, 2)

        self.last_tests = QTreeWidget(body)
        self.last_tests.setObjectName("lastTests")
        self.last_tests.setAccessibleName("Last tests of this account")
        self.last_tests.setRootIsDecorated(False)
        self.last_tests.setUniformRowHeights(True)
        self.last_tests.setStyleSheet("QTreeWidget#lastTests::item { padding: 3px 2px; }")  # not cramped
        self.last_tests.setHeaderLabels(["Last tests", "Result", "Build", "Browser", "Started"])
        self.last_tests.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.last_tests.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.last_tests.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # as the tests table (QA17)
        header = self.last_tests.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        grid.addWidget(self.last_tests, 2, 1, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 3)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)
        self.show_activity(None)

    def show_activity(
        self, name: str | None, activity: AccountActivity | None = None, note: str = "", waiting: str = ""
    ) -> None:
        """`name`'s activity, or the hint when None (`waiting`: the account whose tests are still loading).
        `note` says how far back the loaded tests reach when that is less than the 30 days."""
        self.activity = activity
        if name is None or activity is None:
            self.hint.setText(f"Counting the tests of {plain.quoted(waiting, 40)}…" if waiting else HINT)
            self.stack.setCurrentWidget(self.hint)
            return
        self.stack.setCurrentIndex(1)
        # Elided, the whole name in the tooltip: a long name with no space to wrap at widened the window (QA4).
        metrics = self.title.fontMetrics()
        shown = metrics.elidedText(plain.text(name), Qt.TextElideMode.ElideMiddle, TITLE_PX)  # names alike: QA17
        self.title.setText(shown)
        self.title.setToolTip(plain.tooltip(name) if shown != plain.text(name) else "")
        # The chart's window in dates: "the last 30 days" read as 30 × 24 hours, and a test from the 31st day
        # back then seemed missing from the count while "Last tests" listed it (QA3).
        total = f"{activity.total} test" if activity.total == 1 else f"{activity.total} tests"
        since = f"{activity.first_day:%d %b}".lstrip("0")
        self.subtitle.setText(f"{total} since {since}" + (f" · {note}" if note else ""))
        self.chart.set_days(activity.first_day, activity.days)
        self.rate_this.setText(activity.this_week.text())
        self.rate_last.setText(activity.last_week.text())
        self.trend.setText(_trend(activity.this_week, activity.last_week))
        self.builds.set_rows(activity.builds)
        self.browsers.set_rows(activity.browsers)
        self.last_tests.clear()
        items = []
        for t in activity.last_tests:
            cells = [t.name or "(unnamed)", t.result, t.build, t.browser, fmt.local(t.created)]
            item = QTreeWidgetItem([plain.text(c) for c in cells])
            item.setToolTip(0, plain.tooltip(t.name) or "")
            if t.result == "failed":
                item.setForeground(1, chart_colors.warning(self.palette()))
            items.append(item)
        self.last_tests.addTopLevelItems(items)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.activity is not None:
            self.update()  # colours come from the palette at paint time
        super().changeEvent(event)


def _trend(this: PassRate, last: PassRate) -> str:
    if this.rate is None or last.rate is None:
        return ""
    change = round((this.rate - last.rate) * 100)
    if change == 0:
        return "No change."
    points = "point" if abs(change) == 1 else "points"
    return f"{abs(change)} {points} {'better' if change > 0 else 'worse'} than the 7 days before."
