"""TestingBot's official Python client (PyPI `testingbotclient`), unmodified, against the sandbox process.

Every public method the client has is driven here and its answer checked, with the client's own default
base URL (`https://api.testingbot.com/v1/` with the host swapped, so paths go out as `/v1//tests`) and with
a base without the trailing slash. `test_every_method_is_driven` fails when a client release adds a method
this suite does not drive yet.

Features the sandbox does not serve (codeless lab, screenshots, jobs, uploads, IP ranges) must still give
the client a clear error: 501 with a message naming the feature, never a 404 that reads as a wrong path.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import testingbotclient as tbc  # its classes are named Test*: keep them out of pytest's collection

from helpers.sandbox import Sandbox, process_sandbox

pytestmark = pytest.mark.socket
DRIVEN: set[str] = set()  # "Resource.method", filled by @drives as this module is imported


def drives(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    DRIVEN.update(names)
    return lambda fn: fn


@pytest.fixture(scope="module")
def server() -> Iterator[Sandbox]:
    """Its own process: these tests delete builds and add people, which others must not see."""
    with process_sandbox("--db", ":memory:") as sb:
        yield sb


def official(
    sb: Sandbox, key: str | None = None, secret: str | None = None, form: str = "default"
) -> tbc.TestingBotClient:
    tb = tbc.TestingBotClient(key or sb.key, secret or sb.secret)
    host = sb.url.removesuffix("/v1")
    assert tb.api_url == "https://api.testingbot.com/v1/"  # the client's own default: trailing slash
    tb.api_url = tb.api_url.replace("https://api.testingbot.com", host)
    if form == "plain":
        tb.api_url = tb.api_url.rstrip("/")
    return tb


@pytest.fixture(params=["default", "plain"])
def tb(request, server) -> Iterator[tbc.TestingBotClient]:
    """`default`: the client's base ending in /v1/ plus paths starting with / (/v1//tests). `plain`: /v1/tests."""
    client = official(server, form=request.param)
    yield client
    client.close()


def refused(status: int, call: Callable[[], Any]) -> dict[str, Any]:
    """The client raises its own exception carrying the status and a JSON body that says why."""
    with pytest.raises(tbc.TestingBotException) as info:
        call()
    response = info.value.response
    assert response is not None and response.status_code == status, str(info.value)
    assert str(info.value).startswith(f"{status}: ")
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert "Authorization" not in response.request.headers  # the client strips the pair; keep it so
    return body


def unserved(call: Callable[[], Any], feature: str) -> None:
    assert refused(501, call)["error"] == f"{feature} is not served by the tbdesk sandbox."


def start_session(sb: Sandbox, **caps: Any) -> str:
    body = {"capabilities": {"alwaysMatch": {"browserName": "firefox", **caps}}}
    r = httpx.post(sb.url.removesuffix("/v1") + "/wd/hub/session", json=body, auth=(sb.key, sb.secret))
    assert r.status_code == 200, r.text
    return r.json()["value"]["sessionId"]


# -- the client object itself --------------------------------------------------------------------


@drives("TestingBotClient.get", "TestingBotClient.post", "TestingBotClient.put", "TestingBotClient.delete")
def test_raw_verbs_reach_the_same_resources(tb, server):
    assert tb.get("/user")["email"] == "alex.morgan@example.com"
    if tb.api_url.endswith("/"):  # the default base takes paths with or without their leading slash
        assert tb.get("user")["email"] == "alex.morgan@example.com"
    made = tb.post("/tests", json_body={"test": {"name": "raw post", "success": True}})
    assert made["name"] == "raw post" and made["status_id"] == 1
    assert tb.put(f"/tests/{made['session_id']}", {"test[name]": "raw put"}) == {"success": True}
    assert tb.get(f"/tests/{made['session_id']}/")["name"] == "raw put"  # trailing slash, same answer
    assert tb.delete(f"/tests/{made['session_id']}") == {"success": True}
    refused(404, lambda: tb.get(f"/tests/{made['session_id']}"))


@drives("TestingBotClient.get_share_link", "TestingBotClient.close")
def test_share_link_and_close(server):
    with official(server) as tb:
        expected = hashlib.md5(f"{server.key}:{server.secret}:abc".encode()).hexdigest()
        assert tb.get_share_link("abc") == expected
        assert tb.user.get_user_information()["id"] == 1
    tb.close()  # closing twice is harmless


def test_wrong_pair_is_401_for_every_resource(server):
    tb = official(server, "0" * 32, "1" * 32)
    for call in (tb.user.get_user_information, tb.tests.get_test_ids, tb.build.get_builds, tb.tunnel.get_tunnels):
        assert refused(401, call)["error"].startswith("Authentication failed")
    # The one documented unauthenticated endpoint still answers.
    assert tb.information.get_browsers()


# -- tests ---------------------------------------------------------------------------------------


@drives("Tests.get_test_ids", "Tests.get_tests", "Tests.get_test")
def test_listing_and_reading_tests(tb):
    ids = tb.tests.get_test_ids()
    assert len(ids) == 10 and all(len(i) == 32 for i in ids)  # session ids, the client's default page
    page = tb.tests.get_tests(offset=0, limit=25)
    assert [t["session_id"] for t in page[:10]] == ids and len(page) == 25
    one = tb.tests.get_test(ids[0])
    assert one["session_id"] == ids[0] and one["id"] == page[0]["id"]
    assert {"state", "success", "status_id", "browser", "os", "created_at", "groups", "build"} <= one.keys()
    assert tb.tests.get_test(one["id"])["session_id"] == ids[0]  # the numeric id keeps working
    assert tb.tests.get_test(ids[0], skip_fields=["logs", "thumbs"])["session_id"] == ids[0]
    build = next(t["build"] for t in page if t["build"])
    by_build = tb.tests.get_tests(limit=100, build=build, skip_fields="logs")
    assert by_build and all(t["build"] == build for t in by_build)
    group = page[0]["groups"][0]
    assert all(group in t["groups"] for t in tb.tests.get_tests(limit=50, group=group))
    assert tb.tests.get_tests(since=4_000_000_000) == []  # nothing updated in the future
    refused(404, lambda: tb.tests.get_test("f" * 32))


@drives("Tests.create_test", "Tests.update_test", "Tests.delete_test")
def test_record_update_and_delete_a_test(tb):
    made = tb.tests.create_test("checkout smoke", success=True, status_message="ok", extra="{}", build="conf-1")
    assert made["name"] == "checkout smoke" and made["success"] is True and made["build"] == "conf-1"
    sid = made["session_id"]
    # update_test returns the answer's `success`: True means "the update worked", even when marking failed.
    assert tb.tests.update_test(sid, name="checkout", passed=False, status_message="broke", build="conf-2") is True
    after = tb.tests.get_test(sid)
    assert (after["name"], after["success"], after["status_id"]) == ("checkout", False, 0)
    assert (after["status_message"], after["build"]) == ("broke", "conf-2")
    assert tb.tests.delete_test(sid) is True
    refused(404, lambda: tb.tests.get_test(sid))
    refused(404, lambda: tb.tests.delete_test(sid))


@drives("Tests.stop_test")
def test_stop_a_running_session(tb, server):
    sid = start_session(server, **{"tb:options": {"name": "to stop"}})
    assert tb.tests.get_test(sid)["state"] == "RUNNING"
    assert tb.tests.stop_test(sid) is True
    stopped = tb.tests.get_test(sid)
    assert stopped["state"] == "COMPLETE" and stopped["status_id"] == 2  # nobody reported a result: unknown


def test_viewer_cannot_change_tests(server):
    owner = official(server)
    viewer = next(u for u in owner.team.get_users()["data"] if u["role"] == "viewer")
    keys = owner.team.reset_keys(viewer["id"])
    tb = official(server, keys["client_key"], keys["client_secret"])
    sid = tb.tests.get_test_ids()[0]
    assert refused(403, lambda: tb.tests.update_test(sid, passed=True))["error"] == "Viewers have read-only access."


# -- builds --------------------------------------------------------------------------------------


@drives("Build.get_builds", "Build.get_tests_for_build", "Build.delete_build")
def test_builds_group_the_tests(tb, server):
    builds = tb.build.get_builds()
    assert len(builds["data"]) == 10 and builds["meta"]["offset"] == 0 and builds["meta"]["count"] == 10
    first = next(b for b in builds["data"] if b["build_identifier"].startswith("build-"))  # a seeded one
    assert set(first) == {"id", "build_identifier", "created_at", "updated_at"}
    tests = tb.build.get_tests_for_build(first["id"])
    assert tests["data"] and all(t["build"] == first["build_identifier"] for t in tests["data"])
    assert tests["meta"]["total"] == len(tb.tests.get_tests(limit=500, build=first["build_identifier"]))
    # Every build in all pages, through the client's own paginate helper.
    assert len(list(tbc.paginate(tb.build.get_builds, limit=25))) == builds["meta"]["total"]
    # A build of its own to delete (the other client form must still see the seeded ones).
    tb.tests.create_test("in a throwaway build", build=f"throwaway-{tb.api_url[-1]}")
    mine = next(b for b in tbc.paginate(tb.build.get_builds) if b["build_identifier"] == f"throwaway-{tb.api_url[-1]}")
    assert tb.build.delete_build(mine["id"]) == {"success": True}
    refused(404, lambda: tb.build.get_tests_for_build(mine["id"]))
    assert tb.tests.get_tests(build=mine["build_identifier"]) == []


def test_paginate_walks_all_tests(tb):
    total = tb.get("/tests?count=1")["meta"]["total"]
    assert len(list(tbc.paginate(lambda o, n: tb.tests.get_tests(o, n), limit=200))) == total


# -- user and team -------------------------------------------------------------------------------


@drives("User.get_user_information", "User.update_user_information")
def test_user_information(tb):
    me = tb.user.get_user_information()
    assert {"id", "first_name", "last_name", "seconds", "last_login", "plan", "max_concurrent"} <= me.keys()
    assert me["seconds"] == -1 and me["max_concurrent_mobile"] == 4 and me["read_only"] is False
    answer = tb.user.update_user_information({"user[first_name]": "Alexandra"})
    assert answer["success"] is True and answer["user"]["first_name"] == "Alexandra"
    assert tb.user.update_user_information({"first_name": "Alex"})["user"]["first_name"] == "Alex"


@drives(
    "TeamManagement.get_concurrency",
    "TeamManagement.get_users",
    "TeamManagement.get_user",
    "TeamManagement.create_user",
    "TeamManagement.update_user",
    "TeamManagement.get_client_key",
    "TeamManagement.reset_keys",
)
def test_team_management(tb, server):
    team = tb.team.get_concurrency()
    assert team["concurrency"]["allowed"] == {"vms": 10, "physical": 4}
    users = tb.team.get_users()
    assert users["meta"]["total"] >= 3 and {"admin", "member", "viewer"} <= {u["role"] for u in users["data"]}
    member = next(u for u in users["data"] if u["role"] == "member")
    assert {"roles", "read_only", "max_concurrent", "plan", "company"} <= member.keys()
    assert tb.team.get_user(member["id"])["email"] == member["email"]
    email = f"new.{tb.api_url[-1]}@example.com"
    made = tb.team.create_user(email, "pw-not-stored", first_name="Sam", last_name="Lee", concurrency=2)
    assert made["email"] == email and made["role"] == "member"
    assert tb.team.update_user(made["id"], first_name="Samira")["first_name"] == "Samira"
    key = tb.team.get_client_key(made["id"])
    assert set(key) == {"client_key"} and len(key["client_key"]) == 32
    reset = tb.team.reset_keys(made["id"])
    assert reset["success"] is True and reset["client_key"] != key["client_key"]
    # The new pair works at once; the old key is gone.
    assert official(server, reset["client_key"], reset["client_secret"]).user.get_user_information()["email"] == email
    assert tb.team.get_client_key(made["id"]) == {"client_key": reset["client_key"]}


def test_team_rules_per_role(server):
    owner = official(server)
    people = {u["role"]: u for u in owner.team.get_users()["data"]}
    pairs = {}
    for role in ("admin", "member"):
        keys = owner.team.reset_keys(people[role]["id"])
        pairs[role] = official(server, keys["client_key"], keys["client_secret"])
    owner_id = owner.user.get_user_information()["id"]
    # An admin manages people but never the owner's credentials.
    assert pairs["admin"].team.get_client_key(people["member"]["id"])["client_key"]
    refused(403, lambda: pairs["admin"].team.reset_keys(owner_id))
    refused(403, lambda: pairs["admin"].team.get_client_key(owner_id))
    assert owner.user.get_user_information()["id"] == owner_id  # the owner's pair still works
    # A member manages nobody.
    for call in (pairs["member"].team.get_users, lambda: pairs["member"].team.reset_keys(people["viewer"]["id"])):
        refused(403, call)


# -- grid catalogue, tunnels, storage ------------------------------------------------------------


@drives(
    "Information.get_browsers", "Information.get_devices", "Information.get_available_devices", "Information.get_device"
)
def test_browsers_and_devices(tb, server):
    browsers = tb.information.get_browsers()
    assert len(browsers) > 20
    assert {"selenium_name", "name", "version", "platform", "browser_id", "long_version"} <= browsers[0].keys()
    assert tb.information.get_browsers(type="webdriver") == browsers
    anonymous = httpx.get(server.url + "/browsers")  # the one endpoint that needs no key
    assert anonymous.status_code == 200 and anonymous.json() == browsers
    devices = tb.information.get_devices()
    assert {d["name"] for d in devices} == {"iPhone 16", "iPad Pro 13", "Pixel 9", "Galaxy S24"}
    assert {d["platform"] for d in tb.information.get_devices(platform="android")} == {"Android"}
    available = tb.information.get_available_devices()
    assert available and all(d["available"] for d in available)
    assert tb.information.get_device(devices[0]["id"]) == devices[0]
    refused(404, lambda: tb.information.get_device(999))


@drives("Tunnel.get_tunnels", "Tunnel.delete_tunnel")
def test_no_tunnels(tb):
    assert tb.tunnel.get_tunnels() == []
    refused(404, lambda: tb.tunnel.delete_tunnel(1))


@drives(
    "Storage.get_stored_files",
    "Storage.get_stored_file",
    "Storage.remove_file",
    "Storage.upload_local_file",
    "Storage.upload_remote_file",
    "Storage.replace_local_file",
    "Storage.replace_remote_file",
)
def test_storage_is_empty_and_uploads_unserved(tb, tmp_path):
    assert tb.storage.get_stored_files() == {"data": [], "meta": {"offset": 0, "count": 10, "total": 0}}
    refused(404, lambda: tb.storage.get_stored_file("tb://abc123"))
    refused(404, lambda: tb.storage.remove_file("tb://abc123"))
    app = tmp_path / "app.apk"
    app.write_bytes(b"PK\x03\x04 not really an app")
    unserved(lambda: tb.storage.upload_local_file(str(app)), "Uploading to storage")
    unserved(lambda: tb.storage.upload_remote_file("https://example.com/app.apk"), "Uploading to storage")
    unserved(lambda: tb.storage.replace_local_file("tb://abc123", str(app)), "Uploading to storage")
    unserved(lambda: tb.storage.replace_remote_file("tb://abc123", "https://example.com/a.apk"), "Uploading to storage")


# -- features the sandbox does not serve ---------------------------------------------------------

UNSERVED: dict[str, tuple[str, Callable[[tbc.TestingBotClient, Any], Any]]] = {
    "Jobs.get_job": ("Jobs", lambda tb, f: tb.jobs.get_job(7)),
    "Jobs.wait_for_job": ("Jobs", lambda tb, f: tb.jobs.wait_for_job(7, timeout=5, interval=1)),
    "Screenshots.get_screenshots": ("Screenshots", lambda tb, f: tb.screenshots.get_screenshots()),
    "Screenshots.get_screenshot": ("Screenshots", lambda tb, f: tb.screenshots.get_screenshot(3, exclude_ids=[1])),
    "Screenshots.take_screenshots": (
        "Screenshots",
        lambda tb, f: tb.screenshots.take_screenshots("https://example.com", "1280x1024", [1], full_page=True),
    ),
    "Configuration.get_ip_ranges": ("Configuration", lambda tb, f: tb.configuration.get_ip_ranges()),
    "LabSuites.get_suites": ("Codeless lab suites", lambda tb, f: tb.labsuites.get_suites()),
    "LabSuites.get_suite": ("Codeless lab suites", lambda tb, f: tb.labsuites.get_suite(1)),
    "LabSuites.create_suite": ("Codeless lab suites", lambda tb, f: tb.labsuites.create_suite("s", cron="* * * * *")),
    "LabSuites.delete_suite": ("Codeless lab suites", lambda tb, f: tb.labsuites.delete_suite(1)),
    "LabSuites.trigger": ("Codeless lab suites", lambda tb, f: tb.labsuites.trigger(1)),
    "LabSuites.get_tests": ("Codeless lab suites", lambda tb, f: tb.labsuites.get_tests(1)),
    "LabSuites.add_tests": ("Codeless lab suites", lambda tb, f: tb.labsuites.add_tests(1, [2, 3])),
    "LabSuites.remove_test": ("Codeless lab suites", lambda tb, f: tb.labsuites.remove_test(1, 2)),
    "LabSuites.get_browsers": ("Codeless lab suites", lambda tb, f: tb.labsuites.get_browsers(1)),
    "LabSuites.set_browsers": ("Codeless lab suites", lambda tb, f: tb.labsuites.set_browsers(1, [1, 2])),
    "Lab.get_tests": ("Codeless lab", lambda tb, f: tb.lab.get_tests()),
    "Lab.get_test": ("Codeless lab", lambda tb, f: tb.lab.get_test(1)),
    "Lab.create_test": ("Codeless lab", lambda tb, f: tb.lab.create_test(name="t", url="https://example.com")),
    "Lab.update_test": ("Codeless lab", lambda tb, f: tb.lab.update_test(1, enabled=False)),
    "Lab.delete_test": ("Codeless lab", lambda tb, f: tb.lab.delete_test(1)),
    "Lab.trigger": ("Codeless lab", lambda tb, f: tb.lab.trigger(1, url="https://example.com")),
    "Lab.trigger_all": ("Codeless lab", lambda tb, f: tb.lab.trigger_all()),
    "Lab.get_steps": ("Codeless lab", lambda tb, f: tb.lab.get_steps(1)),
    "Lab.set_steps": ("Codeless lab", lambda tb, f: tb.lab.set_steps(1, [{"order": 1, "cmd": "open"}])),
    "Lab.schedule": ("Codeless lab", lambda tb, f: tb.lab.schedule(1, "daily", hour="3")),
    "Lab.add_alert": ("Codeless lab", lambda tb, f: tb.lab.add_alert(1, "EMAIL", "IMMEDIATELY", "a@b.c")),
    "Lab.update_alert": ("Codeless lab", lambda tb, f: tb.lab.update_alert(1, level="DAILY")),
    "Lab.add_report": ("Codeless lab", lambda tb, f: tb.lab.add_report(1, "a@b.c")),
    "Lab.update_report": ("Codeless lab", lambda tb, f: tb.lab.update_report(1, cron="0 3 * * *")),
    "Lab.stop": ("Codeless lab", lambda tb, f: tb.lab.stop(1, browser_id=2)),
    "Lab.get_browsers": ("Codeless lab", lambda tb, f: tb.lab.get_browsers(1)),
    "Lab.set_browsers": ("Codeless lab", lambda tb, f: tb.lab.set_browsers(1, "1,2")),
}
DRIVEN.update(UNSERVED)


@pytest.mark.parametrize("method", sorted(UNSERVED))
def test_unserved_features_say_so(tb, method, tmp_path):
    feature, call = UNSERVED[method]
    unserved(lambda: call(tb, tmp_path), feature)


def test_unserved_features_still_check_the_pair(server):
    tb = official(server, "0" * 32, "1" * 32)
    refused(401, tb.lab.get_tests)
    side = official(server)
    unserved(lambda: side.lab.create_test(name="from .side", file=__file__), "Codeless lab")  # multipart form


# -- coverage of the client ----------------------------------------------------------------------


def public_methods() -> set[str]:
    names = set()
    for cls_name, cls in inspect.getmembers(tbc, inspect.isclass):
        if cls.__module__ != "testingbotclient" or issubclass(cls, Exception):
            continue
        names |= {f"{cls_name}.{m}" for m, _ in inspect.getmembers(cls, inspect.isfunction) if not m.startswith("_")}
    return names


def test_every_method_is_driven():
    methods = public_methods()
    assert len(methods) == 71  # testingbotclient 0.2.0: the client's 6 plus 65 across its 12 resources
    assert methods - DRIVEN == set(), "methods of the official client that no test drives"
    assert DRIVEN - methods == set(), "driven names that are not methods of the client"


# -- Selenium Remote WebDriver, unmodified ------------------------------------------------------


def remote(sb: Sandbox, caps: dict[str, Any]) -> Any:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for name, value in caps.items():
        options.set_capability(name, value)
    # No credentials in the URL: they travel in the capabilities, as TestingBot's Service Accounts page shows.
    return webdriver.Remote(sb.url.removesuffix("/v1") + "/wd/hub", options=options)


@pytest.fixture(scope="module")
def robot(server) -> dict[str, Any]:
    r = httpx.post(
        server.url + "/team-management/service-accounts",
        json={"identifier": "conformance-ci"},
        auth=(server.key, server.secret),
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(lambda a, meta: {"tb:options": {"key": a["key"], "secret": a["secret"], **meta}}, id="tb:options"),
        pytest.param(lambda a, meta: {"key": a["key"], "secret": a["secret"], **meta}, id="legacy-key-secret"),
        pytest.param(
            lambda a, meta: {"client_key": a["key"], "client_secret": a["secret"], "tb:options": meta},
            id="legacy-client-key",
        ),
    ],
)
def test_selenium_with_credentials_in_the_capabilities(server, robot, form, request):
    from selenium.common.exceptions import WebDriverException

    build = f"sel-{request.node.callspec.id}"
    driver = remote(server, form(robot, {"name": "caps login", "build": build}))
    session = driver.session_id
    try:
        # Anything beyond opening and quitting is a W3C error, so Selenium raises its own exception.
        with pytest.raises(WebDriverException) as info:
            driver.get("https://example.com")
        assert "does not implement POST /session/" in info.value.msg
        assert not isinstance(info.value, KeyError)
    finally:
        driver.quit()
    tb = official(server)
    test = tb.tests.get_test(session)
    assert (test["name"], test["build"], test["state"]) == ("caps login", build, "COMPLETE")
    # Quitting reports no result: the test stays unknown (TestingBot's status_id 2), not passed.
    assert test["status_id"] == 2 and test["success"] is False
    assert test["started_by"]["name"] == "conformance-ci"
    assert any(b["build_identifier"] == build for b in tb.build.get_builds(limit=100)["data"])
    # Reporting the result afterwards, as TestingBot's docs show, is what marks it passed.
    assert tb.tests.update_test(session, passed=True) is True
    assert tb.tests.get_test(session)["status_id"] == 1


def test_selenium_wrong_pair_in_capabilities_is_refused(server):
    from selenium.common.exceptions import WebDriverException

    # The hub answers 401 (with a W3C "session not created" body); Selenium reports any 401 this way.
    with pytest.raises(WebDriverException) as info:
        remote(server, {"tb:options": {"key": "0" * 32, "secret": "1" * 32}})
    assert info.value.msg == "Authorization Required"
    r = httpx.post(
        server.url.removesuffix("/v1") + "/wd/hub/session",
        json={"capabilities": {"alwaysMatch": {"tb:options": {"key": "0" * 32, "secret": "1" * 32}}}},
    )
    assert r.status_code == 401 and r.json()["value"]["error"] == "session not created"


def test_selenium_unknown_session_is_invalid_session_id(server):
    r = httpx.get(server.url.removesuffix("/v1") + "/wd/hub/session/" + "a" * 32 + "/url")
    assert r.status_code == 404 and r.json()["value"]["error"] == "invalid session id"
