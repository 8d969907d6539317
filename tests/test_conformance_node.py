"""TestingBot's official Node client (npm `testingbot-api` 1.1.0), unmodified, against the sandbox process.

Needs node and npm (skipped without them); the package is installed into a temporary folder, hence `slow`.
tests/node/conformance.js drives 36 of the client's 37 methods; createSession talks to another host
(cloud.testingbot.com, TestingBot's session API), which the sandbox does not serve.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers.sandbox import process_sandbox

pytestmark = [pytest.mark.socket, pytest.mark.slow]
VERSION = "1.1.0"
SCRIPT = Path(__file__).parent / "node" / "conformance.js"


@pytest.fixture(scope="module")
def node_modules(tmp_path_factory) -> Path:
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed for the Node client's conformance run")
    where = tmp_path_factory.mktemp("npm")
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(where), f"testingbot-api@{VERSION}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install testingbot-api: {done.stderr[-300:]}")
    return where / "node_modules"


@pytest.fixture(scope="module")
def results(node_modules) -> dict[str, Any]:
    with process_sandbox("--db", ":memory:") as sb:
        origin, auth = sb.url.removesuffix("/v1"), (sb.key, sb.secret)

        def session(build: str) -> str:
            caps = {"capabilities": {"alwaysMatch": {"tb:options": {"name": "from node", "build": build}}}}
            return httpx.post(origin + "/wd/hub/session", json=caps, auth=auth).json()["value"]["sessionId"]

        builds = httpx.get(sb.url + "/builds", params={"count": 100}, auth=auth).json()["data"]
        users = httpx.get(sb.url + "/team-management/users", auth=auth).json()["data"]
        first, second = session("node-a"), session("node-a")
        session("node-b")  # the build deleteBuild removes, with its test
        inputs = {
            "sessionId": first,
            "deleteSessionId": second,
            "buildId": next(b["id"] for b in builds if b["build_identifier"].startswith("build-")),
            "deleteBuildId": next(
                b["id"]
                for b in httpx.get(sb.url + "/builds", auth=auth).json()["data"]
                if b["build_identifier"] == "node-b"
            ),
            "deviceId": 1,
            "memberId": next(u["id"] for u in users if u["role"] == "member"),
        }
        run = subprocess.run(
            ["node", str(SCRIPT), str(node_modules), origin, sb.key, sb.secret, json.dumps(inputs)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        out = json.loads(run.stdout)
        # Read back what the writes did, with the same sandbox still running.
        out["_after"] = {
            "first": httpx.get(f"{sb.url}/tests/{first}", auth=auth).json(),
            "second": httpx.get(f"{sb.url}/tests/{second}", auth=auth).status_code,
            "member": httpx.get(f"{sb.url}/team-management/users/{inputs['memberId']}", auth=auth).json(),
        }
        out["_inputs"] = inputs
        return out


def ok(results: dict[str, Any], name: str) -> Any:
    assert results[name]["ok"], (name, results[name])
    return results[name]["value"]


def error(results: dict[str, Any], name: str) -> str:
    assert not results[name]["ok"], (name, results[name])
    return results[name]["error"]["error"]


def test_catalogue(results):
    assert len(ok(results, "getBrowsers")) > 20
    assert {d["name"] for d in ok(results, "getDevices")} >= {"iPhone 16", "Pixel 9"}
    assert all(d["available"] for d in ok(results, "getAvailableDevices"))
    assert ok(results, "getDevice")["id"] == 1  # one device, though the client asks /devices/?deviceId=1


def test_user_and_team(results):
    assert ok(results, "getUserInfo")["email"] == "alex.morgan@example.com"
    assert ok(results, "updateUserInfo")["user"]["first_name"] == "Alexa"
    assert ok(results, "getTeam")["concurrency"]["allowed"]["vms"] == 10
    assert ok(results, "getUsersInTeam")["meta"]["total"] == 3
    assert ok(results, "getUserFromTeam")["role"] == "member"
    assert ok(results, "createUserInTeam")["email"] == "node.user@example.com"
    assert ok(results, "updateUserInTeam")["first_name"] == "Jonas B."
    reset = ok(results, "resetCredentials")
    assert reset["success"] is True and len(reset["client_key"]) == 32
    assert results["_after"]["member"]["first_name"] == "Jonas B."


def test_tests_by_session_id(results):
    page = ok(results, "getTests")
    assert len(page["data"]) == 5 and page["meta"]["count"] == 5  # the client's `limit` is honoured
    assert ok(results, "getTestDetails")["session_id"] == results["_inputs"]["sessionId"]
    assert ok(results, "updateTest") == {"success": True}
    assert ok(results, "stopTest") == {"success": True} and ok(results, "deleteTest") == {"success": True}
    after = results["_after"]["first"]
    assert (after["status_message"], after["success"], after["state"]) == ("from node", False, "COMPLETE")
    assert "node" in after["groups"]  # groups[] is stored
    assert results["_after"]["second"] == 404


def test_builds_tunnels_storage(results):
    assert len(ok(results, "getBuilds")["data"]) == 3
    assert ok(results, "getTestsForBuild")["data"]
    assert ok(results, "deleteBuild") == {"success": True}
    assert ok(results, "getTunnelList") == []
    assert "no tunnels" in error(results, "getTunnel") and "no tunnels" in error(results, "deleteTunnel")
    assert ok(results, "getStorageFiles")["meta"]["total"] == 0
    assert "stores no files" in error(results, "getStorageFile")
    assert "stores no files" in error(results, "deleteStorageFile")


@pytest.mark.parametrize(
    ("name", "feature"),
    [
        ("uploadFile", "Uploading to storage"),
        ("uploadRemoteFile", "Uploading to storage"),
        ("takeScreenshot", "Screenshots"),
        ("retrieveScreenshots", "Screenshots"),
        ("getScreenshotList", "Screenshots"),
        ("getCodelessTests", "Codeless lab"),
        ("createCodelessTest", "Codeless lab"),
        ("updateCodelessTest", "Codeless lab"),
        ("deleteCodelessTest", "Codeless lab"),
    ],
)
def test_unserved_features_say_so(results, name, feature):
    assert error(results, name) == f"{feature} is not served by the tbdesk sandbox."


def test_share_hash_and_coverage(results):
    assert len(ok(results, "getAuthenticationHashForSharing")) == 32
    assert len([k for k in results if not k.startswith("_")]) == 36
