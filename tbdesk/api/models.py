"""Frozen dataclasses for API answers, and strict parsers for them.

Unknown fields are ignored, missing optional ones default, and a missing required field or a wrong type
raises ProtocolError naming the field, never a KeyError or TypeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from . import schema as s
from .errors import ProtocolError

T = TypeVar("T")


def _get(d: Mapping[str, Any], name: str, kind: type | tuple[type, ...], required: bool, default: Any = None) -> Any:
    value = d.get(name)
    if value is None:
        if required:
            raise ProtocolError(f"The server's answer has no “{name}”.")
        return default
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise ProtocolError(f"The server's answer has a “{name}” of the wrong type.")
    return value


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError(f"The server's answer for {what} is not an object.")
    return value


def _time(value: Any) -> datetime | None:
    """ISO 8601 (with Z) or UNIX seconds; anything else is treated as unknown, not fatal."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" UTC", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _str(d: Mapping[str, Any], name: str, default: str = "") -> str:
    value = d.get(name)
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # e.g. browser_version 131
    raise ProtocolError(f"The server's answer has a “{name}” of the wrong type.")


@dataclass(frozen=True)
class Credentials:
    """A key and secret (here, not in the client, so the window can hold one before httpx is imported)."""

    key: str
    secret: str

    def __repr__(self) -> str:  # never show the pair, even in a debugger or a traceback
        return "Credentials(key=‹redacted›, secret=‹redacted›)"


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    last_name: str
    email: str
    plan: str = ""
    seconds: int = 0
    max_concurrent: int = 0
    max_concurrent_mobile: int = 0
    last_login: datetime | None = None
    read_only: bool = False
    role: str | None = None  # ASSUMED field; None when the server does not say
    service_account: str | None = None  # ASSUMED: the identifier, when a service account's pair signed in

    @property
    def is_service_account(self) -> bool:
        return self.role == s.ROLE_SERVICE_ACCOUNT

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def can_manage(self) -> bool:
        """Whether this caller may manage service accounts (unknown role: let the server decide)."""
        return not self.read_only and (self.role is None or self.role in s.ADMIN_ROLES)

    @classmethod
    def parse(cls, data: Any) -> User:
        d = _obj(data, "the user")
        return cls(
            id=_get(d, "id", int, True),
            first_name=_str(d, "first_name"),
            last_name=_str(d, "last_name"),
            email=_str(d, "email"),
            plan=_str(d, "plan"),
            seconds=_get(d, "seconds", int, False, 0),
            max_concurrent=_get(d, "max_concurrent", int, False, 0),
            max_concurrent_mobile=_get(d, "max_concurrent_mobile", int, False, 0),
            last_login=_time(d.get("last_login")),
            read_only=bool(_get(d, "read_only", bool, False, False)),
            role=_get(d, s.F_ROLE, str, False),
            service_account=_identifier(d.get(s.F_SERVICE_ACCOUNT)),
        )


def _identifier(value: Any) -> str | None:
    """The identifier inside an optional {"id", "identifier"} object; anything malformed reads as unknown."""
    if isinstance(value, Mapping) and isinstance(value.get(s.F_IDENTIFIER), str):
        return value[s.F_IDENTIFIER][:200] or None
    return None


@dataclass(frozen=True)
class Team:
    plan: str
    allowed_vms: int
    allowed_physical: int
    current_vms: int
    current_physical: int

    @classmethod
    def parse(cls, data: Any) -> Team:
        d = _obj(data, "the team")
        conc = _obj(d.get("concurrency") or {}, "concurrency")
        allowed, current = _obj(conc.get("allowed") or {}, "allowed"), _obj(conc.get("current") or {}, "current")
        return cls(
            _str(d, "plan"),
            _get(allowed, "vms", int, False, 0),
            _get(allowed, "physical", int, False, 0),
            _get(current, "vms", int, False, 0),
            _get(current, "physical", int, False, 0),
        )


@dataclass(frozen=True)
class ServiceAccount:
    id: int
    identifier: str
    key: str = field(repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    secret: str | None = field(default=None, repr=False)  # only from get/create/rotate, never in lists
    keys_issued_at: datetime | None = None  # ASSUMED field: None when the server does not say

    @classmethod
    def parse(cls, data: Any) -> ServiceAccount:
        d = _obj(data, "a service account")
        return cls(
            id=_get(d, "id", int, True),
            identifier=_get(d, s.F_IDENTIFIER, str, True),
            key=_get(d, s.F_KEY, str, True),
            created_at=_time(d.get("created_at")),
            updated_at=_time(d.get("updated_at")),
            secret=_get(d, s.F_SECRET, str, False),
            keys_issued_at=_time(d.get(s.F_KEYS_ISSUED_AT)),
        )


@dataclass(frozen=True)
class StartedBy:
    type: str  # "service_account" or "user"
    id: int | None
    name: str
    deleted: bool = False

    @property
    def is_service_account(self) -> bool:
        return self.type == s.STARTED_BY_SERVICE_ACCOUNT

    @property
    def label(self) -> str:
        return f"{self.name} (deleted)" if self.deleted else self.name

    @classmethod
    def parse(cls, data: Any) -> StartedBy | None:
        if data is None:
            return None
        d = _obj(data, s.F_STARTED_BY)
        return cls(
            type=_str(d, s.F_SB_TYPE, "user"),
            id=_get(d, s.F_SB_ID, int, False),
            name=_str(d, s.F_SB_NAME),
            deleted=bool(_get(d, s.F_SB_DELETED, bool, False, False)),
        )


@dataclass(frozen=True)
class Test:
    __test__ = False  # not a pytest class
    id: int
    name: str
    state: str
    success: bool
    status_id: int | None
    status_message: str
    browser: str
    browser_version: str
    os: str
    duration: int | None
    created_at: datetime | None
    updated_at: datetime | None
    completed_at: datetime | None
    build: str
    groups: tuple[str, ...]
    session_id: str
    started_by: StartedBy | None
    platform_name: str = ""
    device_name: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # every field given

    @property
    def status(self) -> str:
        """passed / failed / running / unknown, as a person reads it."""
        if self.state == "RUNNING":
            return "running"
        if self.status_id == 1 or (self.status_id is None and self.success):
            return "passed"
        if self.status_id == 0 or self.state == "TIMEOUT":
            return "failed"
        return "unknown"

    @property
    def platform(self) -> str:
        return f"{self.platform_name} · {self.device_name}" if self.device_name else self.os

    @classmethod
    def parse(cls, data: Any) -> Test:
        d = _obj(data, "a test")
        groups = d.get("groups") or []
        if not isinstance(groups, list):
            raise ProtocolError("The server's answer has “groups” of the wrong type.")
        duration = d.get("duration")
        return cls(
            id=_get(d, "id", int, True),
            name=_str(d, "name"),
            state=_str(d, "state", "COMPLETE").upper(),
            success=bool(d.get("success")),
            status_id=_get(d, "status_id", int, False),
            status_message=_str(d, "status_message"),
            browser=_str(d, "browser"),
            browser_version=_str(d, "browser_version") or _str(d, "version"),
            os=_str(d, "os"),
            duration=duration if isinstance(duration, int) and not isinstance(duration, bool) else None,
            created_at=_time(d.get("created_at")),
            updated_at=_time(d.get("updated_at")),
            completed_at=_time(d.get("completed_at")),
            build=_str(d, "build"),
            groups=tuple(str(g) for g in groups),
            session_id=_str(d, "session_id"),
            started_by=StartedBy.parse(d.get(s.F_STARTED_BY)),
            platform_name=_str(d, "platform_name"),
            device_name=_str(d, "device_name"),
            raw=MappingProxyType(dict(d)),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    offset: int
    total: int

    @classmethod
    def parse(cls, data: Any, item: Any) -> Page[Any]:
        d = _obj(data, "a list")
        rows = d.get(s.F_DATA)
        if not isinstance(rows, list):
            raise ProtocolError("The server's list answer has no “data” array.")
        meta = _obj(d.get(s.F_META) or {}, "meta")
        items = tuple(item(r) for r in rows)
        return cls(items, _get(meta, "offset", int, False, 0), _get(meta, s.F_TOTAL, int, False, len(items)))
