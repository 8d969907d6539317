"""The grid's catalogue and the features the sandbox does not serve.

Browsers and devices are static, realistic lists (the same names the seeded tests use). Tunnels and
storage are documented endpoints with nothing in them: the sandbox runs no tunnels and stores no apps.
Codeless lab, screenshots, jobs, uploads and IP ranges are not served: those routes check the caller like
TestingBot does, then answer 501 with a message naming the feature, so an official client gets a clear
error rather than a 404 that reads like a wrong path.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .routing import Endpoint, int_param, page, page_size, path_ref, principal_of
from .seed import BROWSERS, DESKTOP_OS, DEVICES
from .store import StoreError


def _browsers() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for name, versions in BROWSERS:
        for version in versions:
            for platform in DESKTOP_OS:
                if name == "safari" and platform not in ("SEQUOIA", "SONOMA"):
                    continue
                out.append(
                    {
                        "selenium_name": f"{name}{version}",
                        "name": name,
                        "version": int(version),
                        "long_version": f"{version}.0",
                        "platform": platform,
                        "browser_id": len(out) + 1,
                    }
                )
    return out


def _devices() -> list[dict[str, object]]:
    versions = {"iPhone 16": "18.1", "iPad Pro 13": "18.1", "Pixel 9": "15", "Galaxy S24": "14"}
    return [
        {
            "id": i,
            "name": name,
            "platform": platform,
            "platform_name": platform,
            "version": versions[name],
            "available": i % 2 == 1,
            "real_device": True,
        }
        for i, (platform, name) in enumerate(DEVICES, start=1)
    ]


BROWSER_LIST = _browsers()
DEVICE_LIST = _devices()


async def browsers(request: Request) -> Response:
    kind = request.query_params.get("type")
    if kind not in (None, "", "webdriver", "rc"):
        raise StoreError(400, "type must be webdriver or rc.", {"type": ["must be webdriver or rc"]})
    return JSONResponse(BROWSER_LIST)


async def devices(request: Request) -> Response:
    principal_of(request, "any")
    if wanted := request.query_params.get("deviceId"):  # how the Node client (1.1) asks for one device
        return _one_device(wanted)
    platform = (request.query_params.get("platform") or "").lower().removeprefix("real_")
    rows = [d for d in DEVICE_LIST if not platform or str(d["platform"]).lower() == platform]
    return JSONResponse(rows)


async def available_devices(request: Request) -> Response:
    principal_of(request, "any")
    return JSONResponse([d for d in DEVICE_LIST if d["available"]])


async def device(request: Request) -> Response:
    principal_of(request, "any")
    return _one_device(path_ref(request))


def _one_device(ref: str) -> Response:
    for d in DEVICE_LIST:
        if str(d["id"]) == ref:
            return JSONResponse(d)
    raise StoreError(404, "Device not found.")


async def tunnels(request: Request) -> Response:
    principal_of(request, "any")
    return JSONResponse([])


async def tunnel(request: Request) -> Response:
    principal_of(request, "any")
    raise StoreError(404, "Tunnel not found. The sandbox runs no tunnels.")


async def stored_files(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 10)
    return page([], offset, count, 0)


async def stored_file(request: Request) -> Response:
    principal_of(request, "any")
    raise StoreError(404, "File not found. The sandbox stores no files.")


def _unserved(feature: str):
    async def handler(request: Request) -> Response:
        principal_of(request, "any")
        raise StoreError(501, f"{feature} is not served by the tbdesk sandbox.")

    handler.__name__ = "unserved_" + feature.lower().replace(" ", "_")
    return handler


UNSERVED = {
    "/v1/lab": "Codeless lab",
    "/v1/labsuites": "Codeless lab suites",
    "/v1/screenshots": "Screenshots",
    "/v1/jobs": "Jobs",
    "/v1/configuration": "Configuration",
}
ALL = ("GET", "POST", "PUT", "DELETE")

ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/v1/browsers", browsers, "Browsers on the grid (no authentication)", "public", (200, 400)),
    Endpoint("GET", "/v1/devices", devices, "Real devices", "any", (200, 401)),
    Endpoint("GET", "/v1/devices/available", available_devices, "Real devices free now", "any", (200, 401)),
    Endpoint("GET", "/v1/devices/{id}", device, "One real device", "any", (200, 401, 404)),
    Endpoint("GET", "/v1/tunnel/list", tunnels, "Running tunnels (none in the sandbox)", "any", (200, 401)),
    Endpoint("GET", "/v1/tunnel", tunnel, "The running tunnel (none in the sandbox)", "any", (401, 404)),
    Endpoint("GET", "/v1/tunnel/{id}", tunnel, "One tunnel", "any", (401, 404)),
    Endpoint("DELETE", "/v1/tunnel/{id}", tunnel, "Stop a tunnel", "any", (401, 404)),
    Endpoint("GET", "/v1/storage", stored_files, "Uploaded files (none in the sandbox)", "any", (200, 400, 401)),
    Endpoint("GET", "/v1/storage/{id}", stored_file, "One uploaded file", "any", (401, 404)),
    Endpoint("DELETE", "/v1/storage/{id}", stored_file, "Delete an uploaded file", "any", (401, 404)),
    Endpoint("POST", "/v1/storage", _unserved("Uploading to storage"), "Upload (not served)", "any", (401, 501)),
    Endpoint(
        "POST",
        "/v1/storage/{id}",
        _unserved("Uploading to storage"),
        "Replace an upload (not served)",
        "any",
        (401, 501),
    ),
    *[
        Endpoint(method, path + suffix, _unserved(feature), f"{feature} (not served)", "any", (401, 501))
        for path, feature in UNSERVED.items()
        for suffix in ("", "/{rest:path}")
        for method in ALL
    ],
]
