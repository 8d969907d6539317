"""The first screen, asked for by a helper process while this one paints the window (issue #16).

Python runs one thread at a time, so importing httpx, the controllers and asking for the first screen
(~170 ms) either waits for the window's first frame or holds it up. A second process runs beside it on
another core: on Linux the process forks before Qt is loaded; the child finds the key and secret as signing
in would (environment, keyring, ~/.testingbot), sends the three first-screen requests (~40 ms of CPU),
writes the pair and the answers to a pipe as one JSON document and exits. The window's process reads them
when the pipe is ready, shows the rows (core.first_screen reads the answers with the client's own parsers)
and signs in with that pair without asking the keyring again (no second unlock prompt).
Forked, not spawned: a fresh interpreter costs the paint more, beside it, than the pages a fork shares
(measured: +14 against +7 ms).

The pair goes through that pipe only: no command line (fork, no exec), no file, no environment. The child's
stdin, stdout and stderr are /dev/null, so nothing of it reaches a terminal or a log.
Elsewhere than Linux, or when the helper fails in any way, signing in does all of it itself, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .api.models import Credentials

if TYPE_CHECKING:  # imported when the answers are read, not before the fork: the window is waiting
    from .core.first_screen import FirstScreen

CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 15.0  # as the client's
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
PIPE_SIZE = 2**20  # Linux's default limit for an unprivileged process (/proc/sys/fs/pipe-max-size)
MAX_MESSAGE = 64 * 2**20  # the pair and three answers of at most 8 MiB (latin-1 in JSON: ≤ 6× as long)


@dataclass(repr=False)  # repr: never the pair
class Fetched:
    """What the helper found: the pair (None: none stored; signing in asks) and the first screen (None: the
    client asks again, and reports what went wrong)."""

    credentials: Credentials | None
    source: str = ""  # "environment", "keyring" or "~/.testingbot"
    profile: str = ""
    api_url: str = ""
    screen: FirstScreen | None = field(default=None)
    timed_out: bool = False  # the server took a request and said nothing for the client's whole read timeout
    keyring_cancelled: str | None = None  # reading the pair showed the keyring's prompt, cancelled: what it says


class Ahead:
    """The window's side: the helper's pipe, read as it becomes readable."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.done = False
        self.fetched: Fetched | None = None  # once done: None when the helper failed
        self._chunks: list[bytes] = []
        self._size = 0

    def fileno(self) -> int:
        return self.fd

    def read(self) -> bool:
        """Read what the pipe holds now (it never blocks); True once the helper is done."""
        while not self.done:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return False
            except OSError:
                chunk = b""
            if not chunk:  # the helper is done
                self._finish(read_message(b"".join(self._chunks)))
            elif (size := self._size + len(chunk)) > MAX_MESSAGE:
                self.cancel()
            else:
                self._chunks.append(chunk)
                self._size = size
        return True

    def wait(self) -> Fetched | None:
        """Block until the helper is done (tests, and a start-up with no event loop yet)."""
        os.set_blocking(self.fd, True)
        while not self.read():
            pass
        return self.fetched

    def cancel(self) -> None:
        """Quitting before the helper is done, or it said too much: it is stopped, and nothing is used."""
        if not self.done:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._finish(None)

    def _finish(self, fetched: Fetched | None) -> None:
        self.done, self.fetched, self._chunks = True, fetched, []
        with contextlib.suppress(OSError):
            os.close(self.fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)  # the pipe is closed only as it exits (or it was killed): no wait


def start(api_url: str | None, profile: str | None) -> Ahead | None:
    """Fork the helper (Linux only; call before Qt or any thread starts). None where it is not used."""
    if not sys.platform.startswith("linux"):
        return None
    read_end, write_end = os.pipe()
    # Room for the whole answer (~80 KB for 100 tests, more than the 64 KB a pipe holds by default): the helper
    # writes it and exits without waiting for this side, so the window finds all of it at its first read.
    with contextlib.suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the helper: never returns into the caller's code
        try:
            _end_with(parent)
            os.close(read_end)
            _helper(write_end, api_url, profile)
        finally:
            os._exit(0)
    os.close(write_end)
    os.set_blocking(read_end, False)
    return Ahead(pid, read_end)


def _end_with(parent: int) -> None:
    """The helper ends when the window's process does, however that ends (even killed): Linux's
    PR_SET_PDEATHSIG. Else it could wait on a silent server for its whole read timeout, holding the pair."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before that was set
        os._exit(0)


def _helper(fd: int, api_url: str | None, profile: str | None) -> None:
    quiet = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(quiet, std)
    from .credentials import CredentialStore

    store = CredentialStore()
    try:
        resolved = store.resolve(profile, None, None, api_url)  # may show the keyring's prompt
    except Exception:  # nothing written: the window's process resolves the pair itself
        return
    message: dict[str, Any] = {"pair": None, "keyring_cancelled": store.prompt_cancelled}
    if resolved is not None:
        message |= {
            "pair": [resolved.credentials.key, resolved.credentials.secret],
            "source": resolved.source,
            "profile": resolved.profile.name,
            "api_url": resolved.profile.api_url,
            "answers": None,
            "timed_out": False,
        }
        with contextlib.suppress(Exception):  # the client asks again, and says what went wrong
            message["answers"], message["timed_out"] = _ask(resolved.credentials, resolved.profile.api_url)
    data = json.dumps(message).encode()
    while data:
        data = data[os.write(fd, data) :]


def _ask(credentials: Credentials, api_url: str) -> tuple[list[list[Any]] | None, bool]:
    """The first screen's three GETs, in parallel, as TestingBotClient sends them (None: left to it), and
    whether the server took a request and then said nothing for the whole read timeout.

    Python's own http.client, not httpx: importing httpx (~40 ms of CPU) would compete with the window's
    first paint, and on a two-core machine a busy second process slows the first by a third (measured).
    Only the plain case is taken on: a direct connection to an https URL (or http to this machine, as the
    client allows), verified against the trust store httpx would use. A proxy in the environment, or any
    answer but 200 with an unencoded body, is left to the client, which reports what went wrong.
    """
    import threading
    from urllib.parse import urlencode, urlsplit

    from .api.loopback import is_loopback
    from .api.schema import H_RATE_REMAINING
    from .core.first_screen import MAX_ANSWER, REQUESTS

    url = urlsplit(api_url)
    host = url.hostname or ""
    loopback = is_loopback(host)
    if url.scheme not in ("http", "https") or (url.scheme == "http" and not loopback) or url.username:
        return None, False
    if not loopback and any(os.environ.get(v) for v in PROXY_VARIABLES):
        return None, False
    token = f"{credentials.key}:{credentials.secret}".encode()
    headers = {"Accept": "application/json", "User-Agent": "tbdesk", "Authorization": f"Basic {_base64(token)}"}
    context = _tls_context() if url.scheme == "https" else None
    answers: list[list[Any] | None] = [None] * len(REQUESTS)
    timed_out: list[str] = []

    def get(i: int, path: str, query: dict[str, Any]) -> None:
        import http.client

        target = url.path.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")
        if context is not None:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, url.port, timeout=CONNECT_TIMEOUT, context=context
            )
        else:
            connection = http.client.HTTPConnection(host, url.port, timeout=CONNECT_TIMEOUT)
        try:
            connection.connect()
            connection.sock.settimeout(READ_TIMEOUT)
            connection.request("GET", target, headers=headers)
            try:
                response = connection.getresponse()
                body = response.read(MAX_ANSWER + 1)
            except TimeoutError:  # it took the request and said nothing: asking again would wait as long
                timed_out.append(path)
                return
            if response.getheader("Content-Encoding", "identity") != "identity" or len(body) > MAX_ANSWER:
                return
            # latin-1 carries any bytes through JSON unchanged
            answers[i] = [response.status, response.getheader(H_RATE_REMAINING), body.decode("latin-1")]
        finally:
            connection.close()

    threads = [threading.Thread(target=get, args=(i, *r), daemon=True) for i, r in enumerate(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(a is None for a in answers):
        return None, bool(timed_out)
    return [a for a in answers if a is not None], False


def _tls_context() -> Any:
    """The trust httpx uses (trust_env): SSL_CERT_FILE or SSL_CERT_DIR when set, else certifi's bundle."""
    import ssl

    cert_file, cert_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cert_file and os.path.isfile(cert_file):
        return ssl.create_default_context(cafile=cert_file)
    if cert_dir and os.path.isdir(cert_dir):
        return ssl.create_default_context(capath=cert_dir)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _base64(data: bytes) -> str:
    import binascii

    return binascii.b2a_base64(data, newline=False).decode()


def read_message(data: bytes) -> Fetched | None:
    """The helper's document, checked field by field; None for anything unexpected (the helper crashed)."""
    try:
        message = json.loads(data)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    pair = message.get("pair")
    from .credentials import CANCELLED

    cancelled = message.get("keyring_cancelled")
    cancelled = cancelled if cancelled in CANCELLED else None
    if pair is None:
        return Fetched(None, keyring_cancelled=cancelled)
    texts = [pair, message.get("source"), message.get("profile"), message.get("api_url")]
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in [*pair, *texts[1:]])):
        return None
    from .redact import SECRETS

    credentials = Credentials(*pair)
    SECRETS.register(credentials.key, credentials.secret)
    fetched = Fetched(credentials, message["source"], message["profile"], message["api_url"])
    fetched.screen = _screen(message.get("answers"))
    fetched.timed_out = message.get("timed_out") is True
    fetched.keyring_cancelled = cancelled
    return fetched


def _screen(answers: Any) -> FirstScreen | None:
    from .core.first_screen import REQUESTS, Answer, from_answers

    if not isinstance(answers, list) or len(answers) != len(REQUESTS):
        return None
    read: list[Answer] = []
    for answer in answers:
        if not (isinstance(answer, list) and len(answer) == 3):
            return None
        status, remaining, body = answer
        if not (isinstance(status, int) and isinstance(remaining, str | None) and isinstance(body, str)):
            return None
        read.append(Answer(status, remaining, body.encode("latin-1", "replace")))
    return from_answers(read)
