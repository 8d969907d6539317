"""API answer parsers against generated data: a model or a ProtocolError, never anything else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tbdesk.api import Page, ProtocolError, ServiceAccount, StartedBy, Team, Test, User

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)
FIELDS = [
    "id",
    "identifier",
    "key",
    "secret",
    "created_at",
    "updated_at",
    "name",
    "state",
    "success",
    "status_id",
    "browser",
    "browser_version",
    "os",
    "duration",
    "groups",
    "started_by",
    "first_name",
    "email",
    "role",
    "read_only",
    "seconds",
    "plan",
    "concurrency",
    "data",
    "meta",
    "platform_name",
    "device_name",
]
near_miss = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=12)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(json_values, near_miss))
def test_parsers_return_a_model_or_a_protocol_error(data):
    for parse in (
        User.parse,
        Team.parse,
        ServiceAccount.parse,
        Test.parse,
        StartedBy.parse,
        lambda d: Page.parse(d, Test.parse),
        lambda d: Page.parse(d, ServiceAccount.parse),
    ):
        try:
            parse(data)
        except ProtocolError as exc:
            assert exc.message.startswith("The server's ")


timestamps = st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
    lambda d: d.isoformat().replace("+00:00", "Z")
)
accounts = st.fixed_dictionaries(
    {"id": st.integers(1, 2**53), "identifier": st.text(min_size=3, max_size=100), "key": st.text(max_size=40)},
    optional={"secret": st.text(max_size=40), "created_at": timestamps, "extra_field": json_values},
)


@settings(max_examples=200, deadline=None)
@given(raw=accounts)
def test_valid_accounts_keep_their_values(raw):
    account = ServiceAccount.parse(raw)
    assert (account.id, account.identifier, account.key, account.secret) == (
        raw["id"],
        raw["identifier"],
        raw["key"],
        raw.get("secret"),
    )
    assert "key=" not in repr(account) and "secret=" not in repr(account)


started = st.fixed_dictionaries(
    {"type": st.sampled_from(["service_account", "user"]), "name": st.text(max_size=50)},
    optional={"id": st.integers(1, 99), "deleted": st.booleans()},
)
tests = st.fixed_dictionaries(
    {"id": st.integers(1, 2**53)},
    optional={
        "name": st.text(max_size=50),
        "state": st.sampled_from(["RUNNING", "COMPLETE", "TIMEOUT", "odd"]),
        "status_id": st.sampled_from([0, 1, 2]),
        "success": st.booleans(),
        "started_by": started,
        "groups": st.lists(st.text(max_size=8), max_size=3),
        "duration": st.integers(0, 10**6),
        "created_at": timestamps | st.integers(0, 2**31) | st.just("not a date"),
    },
)


@settings(max_examples=200, deadline=None)
@given(raw=tests)
def test_tests_parse_and_read_sensibly(raw):
    test = Test.parse(raw)
    assert test.status in {"passed", "failed", "running", "unknown"}
    assert dict(test.raw) == raw
    if "started_by" in raw:
        assert test.started_by.label.startswith(raw["started_by"]["name"])
        assert test.started_by.is_service_account is (raw["started_by"]["type"] == "service_account")
    else:
        assert test.started_by is None  # tolerated: older servers do not send it
