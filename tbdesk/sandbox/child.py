"""THE one place that starts a sandbox process and reads its ready line: `tbdesk --sandbox`, the tests and
the benchmark all start theirs here.

What the child gets, and why:
- a scrubbed environment (an allow-list): it never sees TESTINGBOT_KEY/SECRET or any other credential of
  the user's, since it needs none;
- its owner secret, when one is given, through the environment, not argv (every local user can read a
  process's command line in /proc);
- a reader thread on its output (stderr merged into stdout), for as long as it runs: a pipe nobody reads
  fills after a few dozen tracebacks and then every request of the sandbox hangs on its next log line;
- a lifeline: its stdin is a pipe we never write to, and PARENT_ENV names us. When we die, even by
  SIGKILL, the pipe closes and the child exits (cli.watch_parent; on Linux also PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

log = logging.getLogger("tbdesk.sandbox")
READY = "tbdesk sandbox ready:"  # the line the sandbox prints when it listens (cli.py prints it)
_LINE = re.compile(re.escape(READY) + r" (?P<url>\S+) key=(?P<key>\S+) secret=(?P<secret>\S+)")
PARENT_ENV = "TBDESK_SANDBOX_PARENT"  # the starting process's pid: the child exits when that process dies
OWNER_SECRET_ENV = "TBDESK_SANDBOX_OWNER_SECRET"  # the owner's secret, kept off the command line

# What a Python child needs to run and find its data and temp folders on Linux, macOS and Windows.
_KEEP = frozenset(
    {
        *("PATH", "HOME", "USER", "USERNAME", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP"),
        *("PYTHONPATH", "PYTHONHOME", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"),
        *("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"),
        *("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "APPDATA", "LOCALAPPDATA", "PROGRAMDATA"),
        *("USERPROFILE", "HOMEDRIVE", "HOMEPATH"),
    }
)
TAIL_LINES = 200  # output lines kept for error messages and tests
_MAX_LINE = 4000  # a longer line is cut: the tail stays bounded whatever the child prints


@dataclass(frozen=True)
class SandboxInfo:
    url: str
    key: str
    secret: str


def parse_ready(line: str) -> SandboxInfo | None:
    match = _LINE.search(line)
    return SandboxInfo(match["url"], match["key"], match["secret"]) if match else None


def command(args: list[str]) -> list[str]:
    if getattr(sys, "frozen", False):  # a frozen build runs the sandbox through its own executable
        return [sys.executable, "--sandbox-server", *args]
    return [sys.executable, "-m", "tbdesk.sandbox", *args]


def child_env(
    owner_secret: str | None = None, extra: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The child's whole environment: the allow-listed variables of ours, plus what it is told."""
    environ = os.environ if environ is None else environ
    env = {k: v for k, v in environ.items() if k.upper() in _KEEP or k.upper().startswith("LC_")}
    env["PYTHONUNBUFFERED"] = "1"  # its lines reach us as it writes them
    env[PARENT_ENV] = str(os.getpid())
    if owner_secret is not None:
        env[OWNER_SECRET_ENV] = owner_secret
    env.update(extra or {})
    return env


class SandboxProcess:
    """One sandbox child. The app awaits start() and stop(); tests and the benchmark use `running()`.

    Every output line after the ready line goes to the log ("tbdesk.sandbox": the sandbox prints only
    warnings and tracebacks), and the last TAIL_LINES lines are kept in `output`.
    """

    def __init__(
        self,
        args: list[str] | None = None,
        *,
        owner_secret: str | None = None,
        env: Mapping[str, str] | None = None,
        on_line: Callable[[str], None] | None = lambda line: log.warning("sandbox: %s", line),
        prefix: list[str] | None = None,
    ) -> None:
        self.args = ["--port", "0", *(args or [])]
        self.prefix = list(prefix or [])  # a wrapper that execs the sandbox (tests: setpriv)
        self.owner_secret = owner_secret
        self.extra_env = dict(env or {})
        self.on_line = on_line
        self.process: subprocess.Popen[bytes] | None = None
        self.info: SandboxInfo | None = None
        self.output: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._ready = threading.Event()  # set on the ready line, or when the output ends
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def _spawn(self) -> None:
        # Popen on the calling thread, never a worker: Linux's parent-death signal fires when the *thread*
        # that started the child ends, and an executor's threads come and go.
        self.process = subprocess.Popen(
            [*self.prefix, *command(self.args)],
            stdin=subprocess.PIPE,  # the lifeline; never written to
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=child_env(self.owner_secret, self.extra_env),
        )
        self._reader = threading.Thread(target=self._read, name="sandbox-output", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        proc = self.process
        assert proc is not None and proc.stdout is not None
        for raw in iter(lambda: proc.stdout.readline(_MAX_LINE), b""):  # type: ignore[union-attr]
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.output.append(line)
            if self.info is None:
                self.info = parse_ready(line)
                if self.info is not None:
                    self._ready.set()
            elif self.on_line is not None:
                with contextlib.suppress(Exception):  # a logging problem must not stop the draining
                    self.on_line(line)
        self._ready.set()  # the output ended: no ready line will come

    def _result(self) -> SandboxInfo:
        if self.info is not None:
            return self.info
        tail = " ".join(line.strip() for line in list(self.output)[-5:] if line.strip())[-300:]
        self.kill_now()
        raise RuntimeError(f"The sandbox did not start: {tail or 'it printed nothing'}")

    def start_blocking(self, timeout: float = 60.0) -> SandboxInfo:
        self._spawn()
        if not self._ready.wait(timeout):
            self.stop_blocking()
            raise RuntimeError("The sandbox did not start within a minute.")
        return self._result()

    async def start(self, timeout: float = 60.0) -> SandboxInfo:
        import asyncio

        self._spawn()
        deadline = time.monotonic() + timeout
        while not self._ready.is_set():  # a short poll: waiting in a worker thread could outlive a quit
            if time.monotonic() > deadline:
                await self.stop()
                raise RuntimeError("The sandbox did not start within a minute.")
            await asyncio.sleep(0.02)
        return self._result()

    def stop_blocking(self, timeout: float = 5.0) -> int | None:
        """SIGTERM (a graceful stop), then SIGKILL after `timeout` seconds. Returns the exit status."""
        proc = self.process
        if proc is None:
            return None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close()
        return proc.returncode

    async def stop(self, timeout: float = 5.0) -> None:
        import asyncio

        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self._close()

    def kill_now(self) -> None:
        """Last resort on interpreter exit, when there is no loop left to wait on."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
        self._close()

    def _close(self) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(2)  # the child is gone, so its output ends at once
        if proc.stdout is not None and (self._reader is None or not self._reader.is_alive()):
            proc.stdout.close()


@contextlib.contextmanager
def running(
    args: list[str] | None = None, *, owner_secret: str | None = None, env: Mapping[str, str] | None = None
) -> Iterator[SandboxProcess]:
    """A sandbox for the length of a `with` block (tests, benchmark): started, and stopped whatever happens."""
    sandbox = SandboxProcess(args, owner_secret=owner_secret, env=env)
    try:
        sandbox.start_blocking()
        yield sandbox
    finally:
        sandbox.stop_blocking()
