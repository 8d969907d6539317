"""Proxies and CA settings: the loopback sandbox is never reached through a proxy (it would see the
Authorization header in clear); TestingBot itself keeps the user's proxy and CA settings."""

from __future__ import annotations

import http.server
import socketserver
import ssl
import threading
from collections.abc import Iterator

import pytest

from tbdesk.api import ApiError, AuthenticationError, Credentials, NetworkError, RetryPolicy, TestingBotClient

PAIR = Credentials("a" * 32, "b" * 32)
ONCE = RetryPolicy(attempts=1)
PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


class FakeProxy(socketserver.ThreadingTCPServer):
    """Records the head of every request it gets (a proxy's view), then answers 502."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.heads: list[str] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                break
            head += chunk
        self.server.heads.append(head.decode("latin-1"))  # type: ignore[attr-defined]
        self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture
def proxy(monkeypatch) -> Iterator[FakeProxy]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    server = FakeProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.socket
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_the_loopback_sandbox_is_never_reached_through_a_proxy(
    socket_sandbox, proxy, monkeypatch, variable, host
):
    monkeypatch.setenv(variable, proxy.url)
    url = socket_sandbox.url.replace("127.0.0.1", host)
    async with TestingBotClient(Credentials(socket_sandbox.key, socket_sandbox.secret), url, retry=ONCE) as client:
        user = await client.user()
    assert user.role == "owner"
    assert proxy.heads == [], "the proxy saw a request meant for the sandbox"


async def test_testingbot_itself_keeps_the_users_proxy(proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    async with TestingBotClient(PAIR, retry=ONCE) as client:
        with pytest.raises(ApiError):  # the fake proxy refuses to tunnel
            await client.user()
    assert len(proxy.heads) == 1 and proxy.heads[0].startswith("CONNECT api.testingbot.com:443 ")
    assert "authorization" not in proxy.heads[0].lower()  # credentials travel inside the tunnel only


class _Answer401(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path) -> Iterator[tuple[str, str]]:
    """An https server on loopback whose certificate only a CA of our own vouches for: (url, CA file)."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer401)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://localhost:{server.server_address[1]}/v1", str(ca_file)
    finally:
        server.shutdown()
        server.server_close()


async def test_the_users_ca_settings_are_honoured(tls_server, proxy, monkeypatch):
    url, ca_file = tls_server
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)  # loopback: not used, even for https
    async with TestingBotClient(PAIR, url, retry=ONCE) as client:
        with pytest.raises(NetworkError):  # an unknown CA: the connection is refused, nothing is sent
            await client.user()
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    async with TestingBotClient(PAIR, url, retry=ONCE) as client:
        with pytest.raises(AuthenticationError):  # TLS verified against the user's CA; the server answered
            await client.user()
    assert proxy.heads == []


def test_warming_up_loads_the_users_trust_store_and_a_broken_one_fails_where_the_client_is_made(
    tls_server, monkeypatch, capsys
):
    from tbdesk.api.client import tls_ready, warm_up

    url, ca_file = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    warm_up()  # the trust store loads on a thread of its own: ready when warm_up returns
    assert tls_ready()
    monkeypatch.setenv("SSL_CERT_FILE", ca_file + ".missing")
    warm_up()  # no traceback from the loading thread: the failure belongs where the client is made
    assert not tls_ready() and capsys.readouterr().err == ""
    with pytest.raises(Exception) as failed:
        TestingBotClient(PAIR, url, retry=ONCE)
    print("EXC", type(failed.value), failed.value)
