"""Running tbdesk's start-up in a process of its own, and a server that never answers."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import threading


def run_probe(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a fresh offscreen Python; its `TAG value` lines (upper-case tag, a literal) by tag, and
    what it wrote to stderr under "stderr"."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = {}
    for line in result.stdout.splitlines():
        tag, _, value = line.partition(" ")
        if tag.isupper():
            found[tag] = ast.literal_eval(value)
    assert found, result.stdout[-2000:] + result.stderr[-3000:]
    found["stderr"] = result.stderr
    return found


class Silent:
    """A server that accepts connections and never answers: every request hangs."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()
