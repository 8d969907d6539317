"""The admin's own key and secret: in the OS keyring, never in a file of ours.

Profiles (a name and an API URL) are not secret and live in the app's config as JSON; each profile's pair
lives in the keyring under service "tbdesk". The conventions of TestingBot's own tools are read too, never
written: the environment wins over the keyring, which wins over ~/.testingbot.

Keyring calls can block (D-Bus, an unlock prompt): the window calls these methods in a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import platformdirs

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from .api import Credentials
from .api.schema import DEFAULT_API_URL
from .redact import SECRETS

T = TypeVar("T")

log = logging.getLogger("tbdesk.credentials")
SERVICE = "tbdesk"
DEFAULT_PROFILE = "default"
ENV_PAIRS = (("TESTINGBOT_KEY", "TESTINGBOT_SECRET"), ("TB_KEY", "TB_SECRET"))
NO_KEYRING = "No system keyring: your credentials will be kept for this session only."
LOCKED = "The system keyring is locked: your credentials will be kept for this session only."
DISMISSED = (
    "No system keyring was set up (its prompt was cancelled): your credentials will be kept for this session only."
)
CANCELLED = (LOCKED, DISMISSED)  # the system's prompt was shown and cancelled: not to be shown again at once


class KeyringUnavailable(Exception):
    """No usable keyring (`reason` "none"), a locked one ("locked"), none made as its prompt was cancelled
    ("dismissed"), or one that failed ("error")."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def cancelled(self) -> bool:
        """The system's prompt (unlock, or make a keyring) was shown and cancelled."""
        return self.reason in ("locked", "dismissed")


@dataclass(frozen=True)
class Profile:
    name: str
    api_url: str = DEFAULT_API_URL


@dataclass(frozen=True)
class Resolved:
    credentials: Credentials
    source: str  # "environment", "keyring" or "~/.testingbot"
    profile: Profile


# The OS stores, by exact class. Anything else -- keyrings.alt's plaintext or "encrypted" files, the null
# and fail backends, a third-party backend -- is refused, whatever PYTHON_KEYRING_BACKEND or a chainer says.
OS_STORES = frozenset(
    {
        "keyring.backends.SecretService.Keyring",  # GNOME Keyring, KeePassXC, any Secret Service
        "keyring.backends.libsecret.Keyring",  # the same service through libsecret
        "keyring.backends.kwallet.DBusKeyring",  # KWallet 5 and 6
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.macOS.Keyring",  # the macOS Keychain
        "keyring.backends.Windows.WinVaultKeyring",  # the Windows Credential Locker
    }
)


def _class_name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def os_store(backend: KeyringBackend | None) -> KeyringBackend | None:
    """The OS store that `backend` would really write to, or None.

    A chainer writes to the first of its members that takes the write, so it is resolved to its members and
    the first OS store among them is used directly: a failing Secret Service then never falls through to a
    plain file further down the chain."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        members = [b for b in ChainerBackend.backends if _class_name(b) in OS_STORES]
        return members[0] if members else None
    return backend if backend is not None and _class_name(backend) in OS_STORES else None


def default_backend() -> KeyringBackend | None:
    """The platform's real keyring, chosen explicitly; None rather than a plaintext or null fallback."""
    return choose_backend()[0]


def choose_backend() -> tuple[KeyringBackend | None, str | None]:
    """The platform's real keyring, chosen explicitly, and why there is none (for the sign-in dialog)."""
    import keyring  # imported on first use: 20 ms that start-up with an environment pair does not need

    named = os.environ.get("PYTHON_KEYRING_BACKEND")
    if named:
        try:
            chosen = keyring.core.load_env()
        except Exception as exc:  # a typo, a missing package, a backend whose service is absent
            log.warning("PYTHON_KEYRING_BACKEND=%s cannot be loaded: %s", named, type(exc).__name__)
            return None, (
                f"The keyring named in PYTHON_KEYRING_BACKEND ({named}) could not be loaded: "
                "your credentials will be kept for this session only."
            )
        used = os_store(chosen)
        if used is None:
            return None, (
                f"The keyring named in PYTHON_KEYRING_BACKEND ({named}) is not the system keyring, and tbdesk "
                "keeps credentials only there: they will be kept for this session only."
            )
        return used, None
    if sys.platform == "darwin":
        from keyring.backends import macOS as module_mac

        candidates: list[type[KeyringBackend]] = [module_mac.Keyring]
    elif sys.platform == "win32":
        from keyring.backends import Windows

        candidates = [Windows.WinVaultKeyring]
    else:
        from keyring.backends import SecretService, kwallet

        candidates = [SecretService.Keyring, kwallet.DBusKeyring]
    for cls in candidates:
        try:
            if cls.priority > 0:  # type: ignore[attr-defined]  # priority raises when the service is absent
                return cls(), None
        except Exception as exc:  # each backend signals "not here" its own way
            log.debug("keyring backend %s unavailable: %s", cls.__module__, type(exc).__name__)
    return None, None


def _is_unsafe(backend: KeyringBackend | None) -> bool:
    """For a backend handed in by code (the tests' in-memory ones): refuse the known file and null ones."""
    if backend is None:
        return True
    name = _class_name(backend).lower()
    return any(word in name for word in ("fail", "null", "plaintext", "keyrings.alt", "chainer"))


class CredentialStore:
    def __init__(self, config_dir: Path | None = None, backend: KeyringBackend | str | None = "auto") -> None:
        self.config_dir = Path(config_dir or platformdirs.user_config_dir("tbdesk", appauthor=False))
        self._choice: KeyringBackend | str | None = backend
        self._chosen = False
        self._problem: str | None = None  # why the keyring cannot be used, as last found out

    @property
    def _backend(self) -> KeyringBackend | None:
        """Chosen on first use: probing talks to D-Bus, which start-up need not wait for when the
        environment already holds the pair."""
        if not self._chosen:
            from keyring.backend import KeyringBackend

            if self._choice == "auto":
                self._choice, self._problem = choose_backend()
            elif not isinstance(self._choice, KeyringBackend) or _is_unsafe(self._choice):
                self._choice = None
            self._chosen = True
        return None if self._choice is None or isinstance(self._choice, str) else self._choice

    # -- the keyring -----------------------------------------------------------------------------

    @property
    def keyring_problem(self) -> str | None:
        """Why the keyring cannot be used, as last found out (check_keyring asks again); None when it can."""
        if self._backend is None:
            return self._problem or NO_KEYRING
        return self._problem

    @property
    def prompt_cancelled(self) -> str | None:
        """What to say when the last ask showed the system's prompt and it was cancelled (locked, or no keyring
        made), else None: the next ask would show the same prompt again at once."""
        return self._problem if self._problem in CANCELLED else None

    def check_keyring(self) -> str | None:
        """Ask the keyring now whether it can keep a pair: before the sign-in dialog offers to remember one.

        A read of our entry finds a locked keyring (it may show the system's unlock prompt, as any read
        does); blocking: call it in a worker thread."""
        if self._backend is None:
            return self.keyring_problem
        if self._problem == DISMISSED:  # declined to make one in this session: its prompt is not shown again
            return DISMISSED
        try:
            self._call("read", self._keyring().get_password, SERVICE, self.last_profile() or DEFAULT_PROFILE)
        except KeyringUnavailable as exc:
            return exc.message  # _call noted it
        self._problem = None
        return None

    def _keyring(self) -> KeyringBackend:
        backend = self._backend
        if backend is None:
            raise KeyringUnavailable("none", NO_KEYRING)
        return backend

    def _call(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        import keyring.errors

        try:
            return fn(*args)
        except keyring.errors.KeyringLocked:
            self._problem = LOCKED
            raise KeyringUnavailable("locked", LOCKED) from None
        except KeyringUnavailable:
            raise
        except Exception as exc:  # D-Bus and backend errors: report, without their text (it may echo input)
            if _prompt_dismissed(exc):
                self._problem = DISMISSED
                raise KeyringUnavailable("dismissed", DISMISSED) from None
            log.warning("keyring %s failed: %s", what, type(exc).__name__)
            self._problem = (
                f"The system keyring failed ({type(exc).__name__}): "
                "your credentials will be kept for this session only."
            )
            raise KeyringUnavailable("error", self._problem) from None

    def save(self, profile: Profile, credentials: Credentials) -> None:
        backend = self._keyring()
        payload = json.dumps({"key": credentials.key, "secret": credentials.secret})
        self._call("save", backend.set_password, SERVICE, profile.name, payload)
        self._write_profiles([p for p in self.profiles() if p.name != profile.name] + [profile], last=profile.name)

    def load(self, name: str) -> Credentials | None:
        raw = self._call("read", self._keyring().get_password, SERVICE, name)
        if not raw:
            return None
        try:
            data = json.loads(raw)
            creds = Credentials(str(data["key"]), str(data["secret"]))
        except (ValueError, KeyError, TypeError):
            log.warning("keyring entry for profile %r is not readable; ignoring it", name)
            return None
        SECRETS.register(creds.key, creds.secret)
        return creds

    def delete(self, name: str) -> None:
        """Forget a profile and remove its pair from the keyring."""
        if self._backend is not None:
            self._call("delete", self._delete_entry, name)
        self._write_profiles([p for p in self.profiles() if p.name != name], last=None)

    def _delete_entry(self, name: str) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing was stored: fine
            self._keyring().delete_password(SERVICE, name)

    # -- profiles (not secret) -------------------------------------------------------------------

    @property
    def _profiles_file(self) -> Path:
        return self.config_dir / "profiles.json"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self._profiles_file.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # Keep the unreadable file for the user to inspect rather than silently overwrite it.
            self._profiles_file.replace(self._profiles_file.with_suffix(".json.bad"))
            log.warning("profiles.json was unreadable; moved it to profiles.json.bad")
            return {}

    def profiles(self) -> list[Profile]:
        out = []
        for item in self._read().get("profiles", []):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(Profile(item["name"], str(item.get("api_url") or DEFAULT_API_URL)))
        return out

    def set_last_profile(self, name: str) -> None:
        """Record the profile switched to, so the next start opens it (File → Switch profile)."""
        profiles = self.profiles()
        if any(p.name == name for p in profiles) and self.last_profile() != name:
            self._write_profiles(profiles, last=name)

    def last_profile(self) -> str | None:
        last = self._read().get("last")
        return last if isinstance(last, str) else None

    def _write_profiles(self, profiles: list[Profile], last: str | None) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        data = {"profiles": [asdict(p) for p in profiles], "last": last}
        tmp = self._profiles_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), "utf-8")
        tmp.replace(self._profiles_file)

    # -- resolution ------------------------------------------------------------------------------

    def resolve(
        self,
        profile_name: str | None = None,
        environ: Mapping[str, str] | None = None,
        home: Path | None = None,
        api_url: str | None = None,
    ) -> Resolved | None:
        """The pair to sign in with: environment, else the keyring profile, else ~/.testingbot."""
        environ = os.environ if environ is None else environ
        name = profile_name or self.last_profile() or DEFAULT_PROFILE
        known = {p.name: p for p in self.profiles()}
        profile = known.get(name, Profile(name))
        if api_url:
            profile = Profile(profile.name, api_url)
        if names := environment_pair(environ):
            key, secret = (environ[name].strip() for name in names)
            SECRETS.register(key, secret)
            return Resolved(Credentials(key, secret), "environment", profile)
        if self._backend is not None:
            try:
                creds = self.load(name)
            except KeyringUnavailable as exc:
                log.warning("not using the keyring: %s", exc.message)
                creds = None
            if creds:
                return Resolved(creds, "keyring", profile)
        creds = read_dotfile((home or Path.home()) / ".testingbot")
        return Resolved(creds, "~/.testingbot", profile) if creds else None


def _prompt_dismissed(exc: Exception) -> bool:
    """The Secret Service's prompt to make a keyring (none exists yet), cancelled: keyring reports it as an
    InitError whose text carries secretstorage's "Prompt dismissed" (QA16: "failed (InitError)")."""
    import keyring.errors

    return isinstance(exc, keyring.errors.InitError) and "prompt dismissed" in str(exc).lower()


def environment_pair(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """The names of the environment variables a pair is read from (the first of ENV_PAIRS with both set)."""
    environ = os.environ if environ is None else environ
    for key_var, secret_var in ENV_PAIRS:
        if environ.get(key_var, "").strip() and environ.get(secret_var, "").strip():
            return key_var, secret_var
    return None


def read_dotfile(path: Path) -> Credentials | None:
    """TestingBot's CLI convention: one line `key:secret`."""
    try:
        text = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    key, sep, secret = text.partition(":")
    if not sep or not key.strip() or not secret.strip():
        return None
    creds = Credentials(key.strip(), secret.strip().splitlines()[0].strip())
    SECRETS.register(creds.key, creds.secret)
    return creds
