"""Generated bad requests against the sandbox: it answers every one with JSON and never a 500."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.app import ROUTES
from tbdesk.sandbox.seed import seed

from sandbox_helpers import SEED_NOW

STORE = Store(":memory:")
seed(STORE, 1, 6, 50, now=SEED_NOW)
OWNER = STORE.owner()
GOOD_AUTH = "Basic " + base64.b64encode(f"{OWNER['key']}:{OWNER['secret']}".encode()).decode()

ids = st.one_of(
    st.integers(-5, 20).map(str), st.just("9" * 30), st.just(""), st.text(max_size=12).map(lambda s: quote(s, safe=""))
)
paths = st.builds(
    lambda template, value: re.sub(r"{\w+}", value, template), st.sampled_from([r.path for r in ROUTES]), ids
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"identifier": json_values}).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.text(max_size=15), st.text(max_size=30), max_size=4).map(
        lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode("utf-8", "surrogatepass")
    ),
)
headers = st.fixed_dictionaries(
    {
        "content-type": st.sampled_from(
            [
                "application/json",
                "application/x-www-form-urlencoded",
                "text/plain",
                "multipart/form-data",
                "",
                "application/json; charset=latin-1",
            ]
        ),
        "authorization": st.sampled_from(
            [GOOD_AUTH, "Basic !!!", "Basic " + base64.b64encode(b"\xff:\xfe").decode(), "Bearer x", ""]
        ),
    }
)
queries = st.dictionaries(
    st.sampled_from(["offset", "count", "since", "build", "group", "x"]), st.text(max_size=12), max_size=3
)


@pytest.fixture(scope="module")
def send():
    """One loop and one client for all examples; the app's exception handler turns bugs into 500s."""
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(STORE)), base_url="http://sb")
        yield lambda *a, **kw: runner.run(client.request(*a, **kw))
        runner.run(client.aclose())


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    path=paths,
    body=bodies,
    hdrs=headers,
    query=queries,
)
def test_no_request_makes_a_500(send, method, path, body, hdrs, query):
    response = send(method, path, content=body, headers={k: v for k, v in hdrs.items() if v}, params=query)
    assert response.status_code < 500, (method, path, response.text)
    data = response.json()
    assert isinstance(data, dict)
    if response.status_code >= 400:
        assert data.get("error") or data.get("value", {}).get("message")
    assert "Traceback" not in response.text
