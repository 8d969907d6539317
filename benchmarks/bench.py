"""./dev bench [--quick] [--runs N] [--json PATH]: how fast tbdesk is, against its own sandbox.

Run from the repository (./dev bench, or python benchmarks/bench.py); it is not part of the shipped package.

Every figure is the median of several runs (min and max shown). Cold start is a ratio against a floor
measured in the same run: a minimal PySide6 program that shows an empty QMainWindow and exits once painted.
--quick runs each scenario once on small data, to prove the benchmark works (CI); its timings mean little.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tbdesk.core.waiting import StallWatch
from tbdesk.core.waiting import until as wait_until

FLOOR = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
class Window(QMainWindow):
    def paintEvent(self, event):
        super().paintEvent(event)
        print("painted", flush=True)
        QTimer.singleShot(0, app.quit)
w = Window()
w.resize(1180, 760)
w.show()
app.exec()
"""


@dataclass
class Row:
    scenario: str
    metric: str
    unit: str
    median: float
    low: float
    high: float
    goal: str
    met: bool | None


def summary(values: Sequence[float], scale: float = 1.0) -> tuple[float, float, float]:
    """Median, min and max, times `scale` (1000 for seconds to ms)."""
    return statistics.median(values) * scale, min(values) * scale, max(values) * scale


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


# -- helpers ------------------------------------------------------------------------------------


class Sandbox:
    """The sandbox as its own process, as a user would run it (started the one way: sandbox.child)."""

    def __init__(self, *args: str) -> None:
        from tbdesk.sandbox.child import SandboxProcess

        self.child = SandboxProcess(["--db", ":memory:", *args])
        info = self.child.start_blocking()
        self.url, self.key, self.secret = info.url, info.key, info.secret

    def stop(self) -> None:
        self.child.stop_blocking(10)


def time_until_line(cmd: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from process start until it prints `marker` (measured from outside the process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if marker in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd[:3]} ended without printing {marker!r}")
    proc.wait(20)
    proc.stdout.close()
    return elapsed


async def until(predicate: Callable[[], Any], timeout: float = 120.0) -> Any:
    """Wait for a condition at a 2 ms tick (the figures are read at that resolution); big data is slow."""
    return await wait_until(predicate, timeout, tick=0.002)


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB, on every OS the benchmark runs on."""
    try:
        import resource  # Unix only
    except ImportError:  # Windows: psutil reports the peak working set there
        import psutil  # type: ignore[import-untyped]

        info = psutil.Process().memory_info()
        return float(getattr(info, "peak_wset", info.rss)) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


# -- scenarios ----------------------------------------------------------------------------------


def cold_start(runs: int) -> list[Row]:
    sb = Sandbox()
    try:
        home = tempfile.mkdtemp()
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/.config",
            "XDG_STATE_HOME": f"{home}/.state",
            "TESTINGBOT_KEY": sb.key,
            "TESTINGBOT_SECRET": sb.secret,
        }
        floor, app = [], []
        for _ in range(runs):
            floor.append(time_until_line([sys.executable, "-c", FLOOR], "painted", env))
            app.append(
                time_until_line(
                    [sys.executable, "-m", "tbdesk", "--api-url", sb.url, "--exit-when-loaded"], "tbdesk: loaded", env
                )
            )
    finally:
        sb.stop()
    ratios = [a / f for a, f in zip(app, floor, strict=True)]
    ratio = statistics.median(app) / statistics.median(floor)
    return [
        Row("cold start", "floor: empty QMainWindow painted", "ms", *summary(floor, 1000), "", None),
        Row("cold start", "tbdesk: first rows of accounts and tests", "ms", *summary(app, 1000), "", None),
        Row("cold start", "tbdesk / floor", "×", ratio, min(ratios), max(ratios), "<= 1.5", ratio <= 1.5),
    ]


def in_app(sb: Sandbox, body: Callable[[Any, Any], Any], **options: Any) -> Any:
    """Run `body(desk, app)` inside a fresh tbdesk window signed in to `sb`."""
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tbdesk.app import Options, TbDesk
    from tbdesk.credentials import CredentialStore

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setQuitOnLastWindowClosed(False)
    os.environ["TESTINGBOT_KEY"], os.environ["TESTINGBOT_SECRET"] = sb.key, sb.secret
    folder = Path(tempfile.mkdtemp())
    desk = TbDesk(
        Options(api_url=sb.url, **options),
        CredentialStore(folder, backend=None),
        QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
    )
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def run() -> Any:
        try:
            return await body(desk, app)
        finally:
            desk.window.close()
            await until(desk.closed.is_set, 30)

    try:
        return loop.run_until_complete(run())
    finally:
        desk.window.deleteLater()
        desk.deleteLater()
        app.processEvents()
        loop.close()  # stops its executor threads; Qt aborts on exit if a QThread is still running
        asyncio.set_event_loop(None)


def large_team(runs: int, accounts: int, tests: int) -> list[Row]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    sb = Sandbox("--seed-accounts", str(accounts), "--seed-tests", str(tests))
    first, full, keys, stalls, refresh_stalls, scroll_gaps, scrolled = [], [], [], [], [], [], []
    sparklines, pictures, read, panel, panel_stalls = [], [], [], [], []
    try:
        for _ in range(runs):

            async def body(desk: Any, app: Any) -> None:
                desk.window.show()  # the window's own first paint is start-up, not loading
                await asyncio.sleep(0.1)
                with StallWatch() as watch:
                    start = time.perf_counter()
                    starting = asyncio.ensure_future(desk.start())
                    await until(lambda: desk.accounts.rowCount() > 0)
                    first.append(time.perf_counter() - start)
                    await until(lambda: desk.accounts.rowCount() >= accounts)
                    full.append(time.perf_counter() - start)
                    await until(lambda: not desk.runner.running("refresh") and desk.accounts.usage_loaded)
                    await until(lambda: desk.accounts.sparks_loaded)
                    sparklines.append(time.perf_counter() - start)  # drawn from the first 14 days
                    await desk.runner.idle("usage", "activity")  # then on to 30 days for the Activity tab
                    pictures.append(time.perf_counter() - start)
                    read.append(len(desk.activity.log))
                    await starting
                stalls.extend(watch.gaps)
                # The Activity tab: select the busiest accounts one after another, as an admin comparing them.
                w = desk.window
                w.lower_tabs.setCurrentWidget(w.activity_tab)
                busiest = sorted(desk.accounts.accounts(), key=lambda a: -desk.activity.log.count(a.id))[:20]

                def titled(name: str) -> Callable[[], bool]:
                    return lambda: bool(w.activity_panel.title.text() == name)

                with StallWatch() as watch:
                    for account in busiest:
                        t = time.perf_counter()
                        desk.select_account(account.id)
                        await until(titled(account.identifier))
                        w.activity_panel.repaint()
                        panel.append(time.perf_counter() - t)
                        await asyncio.sleep(0.016)
                panel_stalls.extend(watch.gaps)
                w.lower_tabs.setCurrentWidget(w.tests_tab)
                edit = desk.window.filter_edit
                for text in ("pipeline-0", "\b" * 10, "checkout", "\b" * 8, "ci"):
                    for ch in text:
                        t = time.perf_counter()
                        if ch == "\b":
                            QTest.keyClick(edit, Qt.Key.Key_Backspace)
                        else:
                            QTest.keyClicks(edit, ch)
                        desk.window.accounts_view.viewport().repaint()
                        keys.append(time.perf_counter() - t)
                        await asyncio.sleep(0)
                edit.clear()
                with StallWatch() as watch:
                    desk.refresh()
                    await asyncio.sleep(0.01)
                    await desk.runner.idle()
                refresh_stalls.extend(watch.gaps)
                view = desk.window.tests_view
                bar = view.verticalScrollBar()
                with StallWatch() as watch:
                    target = min(2000, tests)
                    row_height = view.verticalHeader().defaultSectionSize()
                    while bar.value() < (target - 20) * row_height:  # until row `target` is on screen
                        bar.setValue(bar.value() + 3 * row_height)  # three rows a frame
                        view.viewport().repaint()
                        await asyncio.sleep(0.016)
                scroll_gaps.extend(watch.gaps)
                scrolled.append(desk.tests.rowCount())

            in_app(sb, body)
    finally:
        sb.stop()
    rss = peak_rss_mib()
    ms = 1000
    return [
        Row(
            "large team",
            f"first rows visible ({accounts:,} accounts)",
            "ms",
            *summary(first, ms),
            "",
            None,
        ),
        Row(
            "large team",
            f"all {accounts:,} accounts in the model",
            "ms",
            *summary(full, ms),
            "< 1500",
            statistics.median(full) < 1.5,
        ),
        Row(
            "large team",
            "filter keystroke p95",
            "ms",
            p(keys, 0.95) * ms,
            min(keys) * ms,
            max(keys) * ms,
            "< 16",
            p(keys, 0.95) < 0.016,
        ),
        Row(
            "large team",
            f"scrolling tests to {min(scrolled)} rows: worst frame gap",
            "ms",
            max(scroll_gaps) * ms,
            p(scroll_gaps, 0.5) * ms,
            max(scroll_gaps) * ms,
            "< 50",
            max(scroll_gaps) < 0.05,
        ),
        Row(
            "activity",
            "sparklines of all accounts drawn (14 days read)",
            "ms",
            *summary(sparklines, ms),
            "",
            None,
        ),
        Row(
            "activity",
            f"30 days of tests read for the Activity tab ({min(read):,})",
            "ms",
            *summary(pictures, ms),
            "",
            None,
        ),
        Row(
            "activity",
            "select an account: its Activity tab filled, p95",
            "ms",
            p(panel, 0.95) * ms,
            min(panel) * ms,
            max(panel) * ms,
            "< 100",
            p(panel, 0.95) < 0.1,
        ),
        Row(
            "activity",
            "longest stall: switching accounts in the tab",
            "ms",
            max(panel_stalls) * ms,
            p(panel_stalls, 0.5) * ms,
            max(panel_stalls) * ms,
            "< 50",
            max(panel_stalls) < 0.05,
        ),
        Row("large team", "peak memory (RSS)", "MB", rss, rss, rss, "< 250", rss < 250),
        Row(
            "responsiveness",
            "longest stall: sign-in and load",
            "ms",
            max(stalls) * ms,
            p(stalls, 0.99) * ms,
            max(stalls) * ms,
            "< 50",
            max(stalls) < 0.05,
        ),
        Row(
            "responsiveness",
            "p99 stall: sign-in and load",
            "ms",
            p(stalls, 0.99) * ms,
            p(stalls, 0.5) * ms,
            max(stalls) * ms,
            "",
            None,
        ),
        Row(
            "responsiveness",
            "longest stall: full refresh",
            "ms",
            max(refresh_stalls) * ms,
            p(refresh_stalls, 0.99) * ms,
            max(refresh_stalls) * ms,
            "< 50",
            max(refresh_stalls) < 0.05,
        ),
        Row(
            "responsiveness",
            "p99 stall: full refresh",
            "ms",
            p(refresh_stalls, 0.99) * ms,
            p(refresh_stalls, 0.5) * ms,
            max(refresh_stalls) * ms,
            "",
            None,
        ),
    ]


def network_economy(runs: int, idle_seconds: float) -> list[Row]:
    latency = 0.1
    sb = Sandbox("--latency", str(latency * 1000))
    first_screen, trips, poll_bytes, per_minute = [], [], [], []
    try:
        for _ in range(runs):

            async def body(desk: Any, app: Any) -> None:
                start = time.perf_counter()
                await desk.start()
                elapsed = time.perf_counter() - start
                first_screen.append(elapsed)
                trips.append(elapsed // latency)  # each round trip costs at least the added latency
                await desk.runner.idle()
                sizes: list[int] = []

                async def count(response: Any) -> None:
                    await response.aread()
                    head = sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 17
                    req = response.request
                    sent = (
                        len(req.method)
                        + len(str(req.url.raw_path))
                        + 12
                        + sum(len(k) + len(v) + 4 for k, v in req.headers.raw)
                        + len(req.content or b"")
                    )
                    sizes.append(head + len(response.content) + sent)

                desk.client.add_response_hook(count)
                await desk.sync.poll()
                poll_bytes.append(sum(sizes))
                before = desk.client.requests_sent
                await asyncio.sleep(idle_seconds)
                per_minute.append((desk.client.requests_sent - before) * 60 / idle_seconds)

            in_app(sb, body)
    finally:
        sb.stop()
    return [
        Row("network", "first screen at +100 ms per request", "ms", *summary(first_screen, 1000), "", None),
        Row(
            "network",
            "sequential round trips to the first screen",
            "",
            *summary(trips),
            "<= 2",
            statistics.median(trips) <= 2,
        ),
        Row(
            "network",
            "bytes moved by an idle poll",
            "B",
            *summary(poll_bytes),
            "< 2048",
            statistics.median(poll_bytes) < 2048,
        ),
        Row(
            "network",
            f"requests a minute when idle (over {idle_seconds:.0f} s)",
            "",
            *summary(per_minute),
            "<= 6",
            statistics.median(per_minute) <= 6,
        ),
    ]


# -- output -------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    head = f"{'scenario':<15} {'metric':<52} {'median':>9} {'min':>9} {'max':>9} {'unit':<4} {'goal':<8} met"
    lines = [head, "-" * len(head)]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        lines.append(
            f"{r.scenario:<15} {r.metric:<52} {r.median:>9.1f} {r.low:>9.1f} {r.high:>9.1f} "
            f"{r.unit:<4} {r.goal:<8} {met}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="benchmarks/bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="each scenario once, on small data (for CI)")
    parser.add_argument("--runs", type=int, help="runs per scenario (default 5 for cold start, 3 otherwise)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--only", choices=["cold", "large", "network"], help="run one scenario only")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else (args.runs or 3)
    started = time.perf_counter()
    rows: list[Row] = []
    if args.only in (None, "cold"):
        rows += cold_start(1 if args.quick else (args.runs or 5))
    if args.only in (None, "large"):
        rows += large_team(runs, *((500, 3000) if args.quick else (10_000, 100_000)))
    if args.only in (None, "network"):
        rows += network_economy(runs, 5 if args.quick else 60)
    print(table(rows))
    print(
        f"\n{'quick run: small data, one run each; timings are not meaningful' if args.quick else ''}"
        f" ({time.perf_counter() - started:.0f} s, Python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    )
    data = json.dumps([asdict(r) for r in rows], indent=2)
    print(data)
    if args.json:
        Path(args.json).write_text(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
