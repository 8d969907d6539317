"""Run the sandbox as a child process of the app (`tbdesk --sandbox`), and stop it on quit."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from dataclasses import dataclass

READY = "tbdesk sandbox ready:"  # the line the sandbox prints when it listens (cli.py prints it)
_LINE = re.compile(re.escape(READY) + r" (?P<url>\S+) key=(?P<key>\S+) secret=(?P<secret>\S+)")


@dataclass(frozen=True)
class SandboxInfo:
    url: str
    key: str
    secret: str


def command(args: list[str]) -> list[str]:
    if getattr(sys, "frozen", False):  # a frozen build runs the sandbox through its own executable
        return [sys.executable, "--sandbox-server", *args]
    return [sys.executable, "-m", "tbdesk.sandbox", *args]


class SandboxProcess:
    def __init__(self, args: list[str] | None = None) -> None:
        self.args = ["--port", "0", *(args or [])]
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60.0) -> SandboxInfo:
        self.process = await asyncio.create_subprocess_exec(
            *command(self.args), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        assert self.process.stdout is not None
        try:
            line = (await asyncio.wait_for(self.process.stdout.readline(), timeout)).decode("utf-8", "replace")
        except TimeoutError:
            await self.stop()
            raise RuntimeError("The sandbox did not start within a minute.") from None
        match = _LINE.search(line)
        if not match:
            err = b""
            if self.process.stderr is not None:
                with contextlib.suppress(TimeoutError):
                    err = await asyncio.wait_for(self.process.stderr.read(2000), 2)
            await self.stop()
            raise RuntimeError(f"The sandbox did not start: {err.decode('utf-8', 'replace').strip()[-300:]}")
        return SandboxInfo(match["url"], match["key"], match["secret"])

    async def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    def kill_now(self) -> None:
        """Last resort on interpreter exit, when there is no loop left to wait on."""
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
