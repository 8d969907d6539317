"""Every API operation the window performs × every fault: a clear message, a responsive window, no
re-sent write, no crash, and tables that match the server after the next refresh. Printed as a matrix.

Faults are injected by an httpx.MockTransport in front of the real in-process sandbox, so everything
that is not the fault is real. A write that "times out" or whose 2xx answer is mangled has really been
applied by the sandbox: that is the outcome-unknown case, which the window must read back.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QLabel

from tbdesk.api import RetryPolicy
from tbdesk.gui.dialogs import ActionDialog, DeleteDialog, IdentifierDialog, RotateDialog, SignInDialog

from helpers import matrix
from helpers.gui import StallWatch, click, row_of, until
from helpers.sandbox import SA, asgi_sandbox

FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.05, max_retry_after=0.5, budget=1.0)
SLOW_SECONDS = 5.0


# -- the faults ---------------------------------------------------------------------------------


def _status(code: int, body: Any = None, headers: dict[str, str] | None = None):
    async def inject(_request: httpx.Request, _forward: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        return httpx.Response(code, json=body if body is not None else {"error": f"injected {code}"}, headers=headers)

    return inject


async def _refused(_request, _forward):
    raise httpx.ConnectError("[Errno 111] Connection refused")


async def _timeout(request, forward):
    if request.method != "GET":
        await forward()  # the write reached the server; only its answer is lost
    raise httpx.ReadTimeout("timed out")


async def _not_json(request, forward):
    response = await forward()
    return httpx.Response(
        200 if response.status_code < 400 else response.status_code,
        text="<html><body>Maintenance</body></html>",
        headers={"content-type": "text/html"},
    )


async def _wrong_shape(request, forward):
    await forward()
    return httpx.Response(200, json={"unexpected": [1, 2, 3]})


async def _slow(_request, forward):
    await asyncio.sleep(SLOW_SECONDS)
    return await forward()


FAULTS: dict[str, Callable[..., Awaitable[httpx.Response]]] = {
    "refused": _refused,
    "timeout": _timeout,
    "500": _status(500),
    "502": _status(502, headers={"content-type": "text/html"}),
    "503": _status(503),
    "429": _status(429, {"error": "Rate limit exceeded."}, {"Retry-After": "30"}),
    "401": _status(401, {"error": "Authentication failed"}),
    "403": _status(403, {"error": "Only team admins can manage service accounts."}),
    "404": _status(404, {"error": "Not found."}),
    "not JSON": _not_json,
    "wrong shape": _wrong_shape,
    "slow 5 s": _slow,
}


class FaultyTransport:
    """Forwards to the sandbox; requests that `match` get the armed fault instead."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.fault: Callable[..., Awaitable[httpx.Response]] | None = None
        self.match: Callable[[httpx.Request], bool] = lambda _r: False
        self.sent: Counter[str] = Counter()
        self.transport = httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        hit = self.fault is not None and self.match(request)
        if hit:
            self.sent[f"{request.method} {_shape(request.url.path)}"] += 1

        async def forward() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=response.content)

        if hit:
            assert self.fault is not None
            return await self.fault(request, forward)
        return await forward()


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/:id", path)


# -- the operations -----------------------------------------------------------------------------


@dataclass
class Op:
    name: str
    phrase: str  # what the user's message must name
    matches: Callable[[httpx.Request], bool]
    run: Callable[[Any, Any, Any], Awaitable[str | None]]
    write: bool = False
    account: bool = False  # acts on one existing account: a 404 means another admin deleted it


def is_(method: str, pattern: str, query: Callable[[httpx.QueryParams], bool] = lambda _q: True):
    rx = re.compile(pattern + "$")
    return lambda r: r.method == method and bool(rx.search(r.url.path)) and query(r.url.params)


async def settle(desk, names: tuple[str, ...]) -> None:
    await until(lambda: not any(desk.runner.running(n) for n in names), timeout=30, what=f"{names} to finish")


async def run_dialog(gui, qtbot, desk, action, kind, fill: Callable[[Any], None]) -> str:
    """Submit a dialog; return the error it showed, if it stayed open (then cancel it)."""
    action.trigger()
    dialog = await until(
        lambda: isinstance(desk.dialog, kind) and desk.dialog.isVisible() and desk.dialog,
        what=kind.__name__,
    )
    fill(dialog)
    click(qtbot, dialog.ok)
    await until(
        lambda: not dialog.isVisible() or (not dialog.busy and dialog_error(dialog)),
        timeout=30,
        what="the dialog's outcome",
    )
    error = dialog_error(dialog) if dialog.isVisible() else ""
    if dialog.isVisible():
        await until(lambda: not desk.runner.running("sign-in") or _sign_in_open(desk), what="sign-in dialog if any")
        if _sign_in_open(desk):
            desk.dialog.reject()  # the 401 case: sign-in opened over the action's dialog
            await settle(desk, ("sign-in",))
        dialog.reject()
    await settle(desk, ("action",))
    return error


def _sign_in_open(desk) -> bool:
    return isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible()


def dialog_error(dialog) -> str:
    texts = []
    for name in ("errorLabel", "hintLabel"):
        label = dialog.content.findChild(QLabel, name)
        if label is not None and label.isVisible() and label.text() and "color" in (label.styleSheet() or ""):
            texts.append(label.text())
    return " ".join(texts)


async def op_first_screen(gui, qtbot, desk):
    desk.start_task = asyncio.ensure_future(desk.start())  # returns only once signed in
    await until(lambda: desk.loaded.is_set() or _sign_in_open(desk), timeout=30, what="signed in or asked to")


async def op_refresh(gui, qtbot, desk):
    desk.window.refresh_action.trigger()
    await settle(desk, ("refresh",))


async def op_more(gui, qtbot, desk):
    wanted: list[int] = []
    desk.tests.more_wanted.connect(wanted.append)
    desk.window.tests_view.scrollToBottom()  # the view asks the model for the next page
    await until(lambda: wanted or not desk.tests.canFetchMore(), what="the next page asked for")
    await settle(desk, ("more",))


async def op_poll(gui, qtbot, desk):
    desk.runner.spawn("poll", desk.sync.poll())
    await settle(desk, ("poll",))


async def op_usage(gui, qtbot, desk):
    desk.runner.spawn("usage", desk.sync.load_usage())
    await settle(desk, ("usage",))


async def op_reveal(gui, qtbot, desk):
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.reveal_secret_action.trigger()
    await settle(desk, (f"secret:{ci.id}",))


async def op_create(gui, qtbot, desk):
    return await run_dialog(
        gui, qtbot, desk, desk.window.add_action, IdentifierDialog, lambda d: d.edit.setText("matrix-new")
    )


async def op_rename(gui, qtbot, desk):
    desk.select_account(row_of(desk, "ci-runner").id)
    return await run_dialog(
        gui, qtbot, desk, desk.window.edit_action, IdentifierDialog, lambda d: d.edit.setText("ci-runner-renamed")
    )


async def op_rotate(gui, qtbot, desk):
    desk.select_account(row_of(desk, "ci-runner").id)
    return await run_dialog(gui, qtbot, desk, desk.window.rotate_action, RotateDialog, lambda d: None)


async def op_delete(gui, qtbot, desk):
    desk.select_account(row_of(desk, "visual-diff").id)
    return await run_dialog(
        gui, qtbot, desk, desk.window.delete_action, DeleteDialog, lambda d: d.confirm.setText("visual-diff")
    )


OPS = [
    Op(
        "first screen",
        "Loading tests",
        is_("GET", r"/v1/tests", lambda q: q.get("offset") == "0" and q.get("count") == "100"),
        op_first_screen,
    ),
    Op("refresh", "Loading service accounts", is_("GET", SA), op_refresh),
    Op(
        "load more tests",
        "Loading tests",
        is_("GET", r"/v1/tests", lambda q: q.get("offset") not in (None, "0")),
        op_more,
    ),
    Op("poll", "Loading tests", is_("GET", r"/v1/tests", lambda q: "since" in q), op_poll),
    Op("usage", "Loading tests", is_("GET", r"/v1/tests", lambda q: q.get("count") == "500"), op_usage),
    Op("reveal secret", "Reading the service account", is_("GET", SA + r"/\d+"), op_reveal, account=True),
    Op("create", "Creating the service account", is_("POST", SA), op_create, write=True),
    Op("rename", "Renaming the service account", is_("PUT", SA + r"/\d+"), op_rename, write=True, account=True),
    Op("rotate", "Rotating the access key", is_("POST", SA + r"/\d+/reset-keys"), op_rotate, write=True, account=True),
    Op("delete", "Deleting the service account", is_("DELETE", SA + r"/\d+"), op_delete, write=True, account=True),
]


# -- one cell -----------------------------------------------------------------------------------


def what_the_user_saw(desk, since: int) -> str:
    seen = [text for _level, text in desk.messages.history[since:]]
    dialog = desk.dialog
    if isinstance(dialog, ActionDialog) and dialog.isVisible():
        seen.append(dialog_error(dialog))
    w = desk.window
    if w.accounts_stack.currentWidget() is w.empty_label:  # the accounts panel's notice, if any
        seen.append(w.empty_label.text())
    return " | ".join(t for t in seen if t)


def check_cell(gui, qtbot, op: Op, fault_name: str) -> float:
    sb = asgi_sandbox()
    faulty = FaultyTransport(sb.transport)
    desk = gui.desk(sb, transport=faulty.transport, retry=FAST_RETRY, poll_interval=3600)
    if op.name != "first screen":
        gui.start(desk)
        gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    faulty.fault, faulty.match = FAULTS[fault_name], op.matches
    mark = len(desk.messages.history)
    watch = StallWatch(tick=0.01)
    done = asyncio.Event()

    async def perform() -> None:
        try:
            shown_on_dialog = await op.run(gui, qtbot, desk)
            if shown_on_dialog:
                seen.append(shown_on_dialog)
            if fault_name == "401" and op.write:
                pass  # the action's dialog said so and sign-in opened over it (run_dialog handled both)
            elif fault_name == "401":  # the sign-in dialog opens; the user can cancel it
                dialog = await until(
                    lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog,
                    what="sign-in dialog",
                )
                seen.append(dialog_error(dialog))
                if op.name != "first screen":
                    dialog.reject()
                    await settle(desk, ("sign-in",))
            elif op.name == "first screen" and fault_name != "slow 5 s":
                dialog = await until(
                    lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog,
                    what="sign-in dialog",
                )
                seen.append(dialog_error(dialog))
            await settle(desk, ("action", "refresh", "more", "poll", "usage", "sign-in"))
        finally:
            done.set()

    seen: list[str] = []
    gui.run(asyncio.gather(perform(), watch.run(done)), timeout=60)
    shown = " | ".join([what_the_user_saw(desk, mark), *seen])
    faulty.fault = None

    # The user's view of it.
    if fault_name == "slow 5 s":
        assert "failed" not in shown, shown
    elif fault_name == "401":
        assert "not accepted" in shown, shown
    elif fault_name == "404" and op.account:
        assert "no longer exists" in shown or "Deleted" in shown, shown
    elif op.name == "refresh" and fault_name in ("403", "404", "not JSON", "wrong shape"):
        # A refused accounts request (the server may lack this assumed path): the panel says which and why.
        assert f"GET {SA}" in shown and "Tests are shown as usual" in shown, shown
    elif op.name == "delete" and fault_name == "wrong shape":
        assert "Deleted" in shown, shown  # the server did delete it; an odd body after a 200 changes nothing
    else:
        assert op.phrase in shown and "failed" in shown, shown
    if op.write:
        assert sum(faulty.sent.values()) <= 1, f"re-sent: {faulty.sent}"

    # A cancelled "not accepted" prompt signs the window out for real (QA 11): no stale rows; signing in
    # again carries on.
    if fault_name == "401" and op.name != "first screen":
        gui.run(until(lambda: desk.session.client is None, what="signed out after the cancelled prompt"))
        assert desk.accounts.rowCount() == 0 and desk.tests.rowCount() == 0
        desk.window.sign_in_action.trigger()
        dialog = gui.run(
            until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog)
        )
        dialog.key.setText(sb.key)
        dialog.secret.setText(sb.secret)
        click(qtbot, dialog.ok)
        gui.run(until(lambda: desk.session.client is not None, what="signed in again"))
        gui.run(settle(desk, ("sign-in",)))

    # After the next refresh the tables are the server's.
    if op.name == "first screen" and fault_name != "slow 5 s":
        dialog = desk.dialog
        dialog.key.setText(sb.key)
        dialog.secret.setText(sb.secret)
        click(qtbot, dialog.ok)
        gui.run(until(desk.loaded.is_set, what="signed in after the fault"))
    if op.name == "first screen":
        gui.run(desk.start_task)
    desk.refresh()
    gui.run(settle(desk, ("refresh",)))
    live = {
        (r["id"], r["identifier"], r["key"])
        for r in sb.store.query("SELECT id, identifier, key FROM service_accounts WHERE deleted_at IS NULL")
    }
    assert {(a.id, a.identifier, a.key) for a in desk.accounts.accounts()} == live
    first_ids = [r["id"] for r in sb.store.tests(0, 100)[0]]
    assert [t.id for t in desk.tests.tests()][:100] == first_ids  # a view at the bottom may load page 2
    desk.window.close()
    gui.run(until(desk.closed.is_set))
    return watch.longest


CELLS = [pytest.param(op, fault, id=f"{op.name}-{fault}".replace(" ", "_")) for op in OPS for fault in FAULTS]


@pytest.mark.parametrize(("op", "fault"), CELLS)
def test_fault_cell(gui, qtbot, op: Op, fault: str):
    """One operation under one fault; the whole matrix is printed at the end of the run (helpers/matrix.py)."""
    matrix.record(op.name, fault, "FAIL", 0.0, ops=[o.name for o in OPS], faults=list(FAULTS))
    matrix.record(op.name, fault, "pass", check_cell(gui, qtbot, op, fault))


def test_flaky_slow_sandbox_process(gui, qtbot):
    """The real sandbox as a process with --latency 150 --error-rate 0.25: the window copes and ends right."""
    import asyncio as aio

    from tbdesk.api import Credentials, TestingBotClient

    from helpers.sandbox import process_sandbox

    with process_sandbox("--db", ":memory:", "--latency", "150", "--error-rate", "0.25", "--seed", "3") as sb:
        desk = gui.desk(sb)
        watch = StallWatch(tick=0.01)
        stop = aio.Event()

        async def session() -> None:
            try:
                task = aio.ensure_future(desk.start())
                await until(lambda: desk.loaded.is_set() or _sign_in_open(desk), timeout=30)
                if not desk.loaded.is_set():  # unlucky: every retry of a first request failed
                    desk.dialog.key.setText(sb.key)
                    desk.dialog.secret.setText(sb.secret)
                    click(qtbot, desk.dialog.ok)
                    await until(desk.loaded.is_set, timeout=30)
                await task
                for _ in range(5):
                    desk.refresh()
                    await settle(desk, ("refresh", "usage"))
            finally:
                stop.set()

        gui.run(aio.gather(session(), watch.run(stop)), timeout=120)

        # Whatever failed on the way, a final refresh that gets through shows the server's state.
        async def truth() -> set[tuple[int, str]]:
            async with TestingBotClient(Credentials(sb.key, sb.secret), sb.url) as api:
                return {(a.id, a.identifier) for a in await api.service_accounts()}

        expected = gui.run(truth())
        for _ in range(10):
            desk.refresh()
            gui.run(settle(desk, ("refresh",)))
            if {(a.id, a.identifier) for a in desk.accounts.accounts()} == expected:
                break
        assert {(a.id, a.identifier) for a in desk.accounts.accounts()} == expected
        assert watch.longest < 0.1, f"event loop stalled {watch.longest * 1000:.0f} ms"
        desk.window.close()
        gui.run(until(desk.closed.is_set))
