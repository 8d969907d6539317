"""The sandbox child (tbdesk --sandbox, the tests, the benchmark): what it inherits, that its output never
blocks it, and that it never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tbdesk.sandbox.child import SandboxProcess, parse_ready

from helpers.sandbox import process_sandbox

pytestmark = [pytest.mark.socket, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode("utf-8", "replace").split("\0") if "=" in item)


def cmdline_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def gone(pid: int) -> bool:
    """No such process, or a zombie nobody has reaped yet (it runs no more code either way)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_for(predicate, timeout: float, what: str) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
    return time.monotonic() - start


def test_the_child_gets_no_credentials_of_the_user(monkeypatch):
    secrets = {
        "TESTINGBOT_KEY": "user-key-0123",
        "TESTINGBOT_SECRET": "user-secret-4567",
        "TB_KEY": "tb-key-89",
        "TB_SECRET": "tb-secret-01",
        "AWS_SECRET_ACCESS_KEY": "aws-23",
        "GITHUB_TOKEN": "gh-45",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    with process_sandbox("--db", ":memory:") as sb:
        env = environ_of(sb.process.pid)
        leaked = {name for name in env if name in secrets} | {n for n, v in env.items() if v in secrets.values()}
        assert not leaked, f"the sandbox inherited {sorted(leaked)}"
        assert env["PATH"] == os.environ["PATH"] and env["HOME"] == os.environ["HOME"]  # what it does need
        assert httpx.get(f"{sb.url}/user", auth=(sb.key, sb.secret)).json()["role"] == "owner"


def test_owner_secret_from_the_environment_or_a_file_never_the_command_line(tmp_path):
    secret = "s3cret-" + "x" * 25
    with process_sandbox("--db", ":memory:", "--owner-key", "k" * 32, owner_secret=secret) as sb:
        assert (sb.key, sb.secret) == ("k" * 32, secret)
        assert secret not in cmdline_of(sb.process.pid)
        assert httpx.get(f"{sb.url}/user", auth=(sb.key, secret)).json()["role"] == "owner"
    path = tmp_path / "owner-secret"
    path.write_text(secret + "\n")
    path.chmod(0o600)
    with process_sandbox("--db", ":memory:", "--owner-key", "k" * 32, "--owner-secret-file", str(path)) as sb:
        assert sb.secret == secret and secret not in cmdline_of(sb.process.pid)
    with pytest.raises(RuntimeError, match="cannot read --owner-secret-file"):
        SandboxProcess(["--owner-key", "k" * 32, "--owner-secret-file", str(tmp_path / "missing")]).start_blocking()


def test_output_is_drained_so_many_errors_never_block_the_sandbox():
    """uvicorn logs a warning for each malformed request; 3,000 of them are far more than a pipe holds."""
    with process_sandbox("--db", ":memory:") as sb:
        parts = urlsplit(sb.url)
        for _ in range(3000):
            with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
                s.sendall(b"\x00 not http \x00\r\n\r\n")
                while s.recv(4096):
                    pass
        answer = httpx.get(f"{sb.url}/user", auth=(sb.key, sb.secret), timeout=5)
        assert answer.status_code == 200
        assert sum("Invalid HTTP request" in line for line in sb.child.output) > 100  # and kept a tail of them


def test_closing_the_lifeline_stops_the_child():
    """The portable way (macOS, Windows): the parent holds the child's stdin; when it is gone, so is the child."""
    with process_sandbox("--db", ":memory:") as sb:
        sb.process.stdin.close()
        assert wait_for(lambda: sb.process.poll() is not None, 10, "the child to exit") < 5


PARENT = textwrap.dedent(
    """
    import sys, time
    from tbdesk.sandbox.child import SandboxProcess
    child = SandboxProcess(["--db", ":memory:"])
    child.start_blocking()
    print(child.pid, flush=True)
    time.sleep(600)
    """
)


def test_the_child_exits_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        assert not gone(pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        took = wait_for(lambda: gone(pid), 10, "the orphaned sandbox to exit")
        assert took < 2, f"the sandbox outlived its parent by {took:.1f} s"
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_a_sandbox_started_by_a_person_ignores_its_stdin():
    """Without the parent marker, end of stdin (a terminal closed, `< /dev/null`) is not a reason to stop."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbdesk.sandbox", "--port", "0", "--db", ":memory:"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        info = parse_ready(proc.stdout.readline())
        assert info is not None
        assert httpx.get(f"{info.url}/user", auth=(info.key, info.secret)).status_code == 200
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
