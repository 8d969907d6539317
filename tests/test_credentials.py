"""The credential store: the real Secret Service keyring, no keyring, a locked one, and precedence."""

from __future__ import annotations

import json
import os

import pytest
from keyring.backends import fail

from tbdesk.api import Credentials
from tbdesk.credentials import (
    LOCKED,
    NO_KEYRING,
    SERVICE,
    CredentialStore,
    KeyringUnavailable,
    Profile,
    default_backend,
    read_dotfile,
)

from helpers.keyring import LockedKeyring, MemoryKeyring

pytestmark = pytest.mark.usefixtures("leakcheck")
PAIR = Credentials("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")


def test_real_secret_service_keyring(tmp_path, leakcheck):
    leakcheck.watch(PAIR.key, PAIR.secret)
    backend = default_backend()
    if backend is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this under dbus-run-session with gnome-keyring (./dev test does)")
        pytest.skip("no Secret Service here: run through ./dev test")
    assert type(backend).__module__ == "keyring.backends.SecretService"
    store = CredentialStore(tmp_path, backend="auto")
    assert store.keyring_problem is None
    store.save(Profile("work", "http://127.0.0.1:8717/v1"), PAIR)
    # A new store (as after a restart) reads it back from the keyring, not from our files.
    again = CredentialStore(tmp_path)
    assert again.load("work") == PAIR
    assert again.profiles() == [Profile("work", "http://127.0.0.1:8717/v1")]
    assert backend.get_password(SERVICE, "work") is not None
    for path in tmp_path.rglob("*"):
        text = path.read_text("utf-8")
        assert PAIR.key not in text and PAIR.secret not in text
    again.delete("work")
    assert backend.get_password(SERVICE, "work") is None and again.load("work") is None
    assert again.profiles() == []


def test_no_keyring_backend_is_a_clear_error(tmp_path, leakcheck):
    for backend in (None, fail.Keyring()):
        store = CredentialStore(tmp_path, backend=backend)
        assert store.keyring_problem == NO_KEYRING
        with leakcheck.raises(KeyringUnavailable) as info:
            store.save(Profile("p"), PAIR)
        assert info.value.reason == "none" and "this session only" in info.value.message
        assert not (tmp_path / "profiles.json").exists()  # nothing written as a fallback


def test_locked_keyring_is_a_clear_error(tmp_path, leakcheck):
    store = CredentialStore(tmp_path, backend=LockedKeyring())
    with leakcheck.raises(KeyringUnavailable) as info:
        store.save(Profile("p"), PAIR)
    assert info.value.reason == "locked" and info.value.message == LOCKED
    with leakcheck.raises(KeyringUnavailable):
        store.load("p")
    # Resolution carries on without it, to the file convention.
    (tmp_path / ".testingbot").write_text(f"{PAIR.key}:{PAIR.secret}\n")
    assert store.resolve("p", environ={}, home=tmp_path).source == "~/.testingbot"


def test_plaintext_backends_are_refused(tmp_path):
    class PlaintextKeyring(MemoryKeyring):
        pass

    assert CredentialStore(tmp_path, backend=PlaintextKeyring()).keyring_problem == NO_KEYRING


def test_environment_wins_over_keyring_wins_over_file(tmp_path, leakcheck):
    other = Credentials("a" * 32, "b" * 32)
    third = Credentials("c" * 32, "d" * 32)
    leakcheck.watch(other.key, other.secret, third.key, third.secret, PAIR.key, PAIR.secret)
    store = CredentialStore(tmp_path / "cfg", backend=MemoryKeyring())
    (tmp_path / ".testingbot").write_text(f"{third.key}:{third.secret}")
    assert store.resolve(environ={}, home=tmp_path).credentials == third
    store.save(Profile("default", "https://api.testingbot.com/v1"), other)
    got = store.resolve(environ={}, home=tmp_path)
    assert (got.credentials, got.source) == (other, "keyring")
    env = {"TESTINGBOT_KEY": PAIR.key, "TESTINGBOT_SECRET": PAIR.secret}
    assert store.resolve(environ=env, home=tmp_path).source == "environment"
    assert store.resolve(environ=env, home=tmp_path).credentials == PAIR
    short = {"TB_KEY": PAIR.key, "TB_SECRET": PAIR.secret}
    assert store.resolve(environ=short, home=tmp_path).credentials == PAIR
    assert store.resolve(environ={"TESTINGBOT_KEY": "only-key"}, home=tmp_path).source == "keyring"
    assert store.resolve("nobody", environ={}, home=tmp_path / "nowhere") is None


def test_profiles_remember_the_last_and_delete_removes_the_secret(tmp_path, leakcheck):
    backend = MemoryKeyring()
    store = CredentialStore(tmp_path, backend=backend)
    store.save(Profile("a", "http://127.0.0.1:1/v1"), PAIR)
    store.save(Profile("b"), Credentials("1" * 32, "2" * 32))
    assert store.last_profile() == "b" and [p.name for p in store.profiles()] == ["a", "b"]
    assert store.resolve(environ={}, home=tmp_path).profile.name == "b"
    store.delete("a")
    assert (SERVICE, "a") not in backend.items and [p.name for p in store.profiles()] == ["b"]
    store.delete("never-saved")  # nothing stored: not an error
    saved = json.loads((tmp_path / "profiles.json").read_text())
    assert PAIR.secret not in json.dumps(saved) and "2" * 32 not in json.dumps(saved)


def test_unreadable_config_is_kept_aside(tmp_path, leakcheck):
    (tmp_path / "profiles.json").write_text("{broken")
    store = CredentialStore(tmp_path, backend=MemoryKeyring())
    assert store.profiles() == []
    assert (tmp_path / "profiles.json.bad").read_text() == "{broken"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("k1234567:s1234567", True),
        ("k1234567:s1234567\nextra", True),
        ("no-colon", False),
        (":s1234567", False),
        ("", False),
    ],
)
def test_dotfile_format(tmp_path, text, ok, leakcheck):
    leakcheck.watch("k1234567", "s1234567")
    (tmp_path / ".testingbot").write_text(text)
    got = read_dotfile(tmp_path / ".testingbot")
    assert (got == Credentials("k1234567", "s1234567")) is ok


# -- which keyring is really used (issue 11.3) ----------------------------------------------------

SAVE_SCRIPT = """
import sys
from pathlib import Path
from tbdesk.api import Credentials
from tbdesk.credentials import CredentialStore, KeyringUnavailable, Profile
store = CredentialStore(Path(sys.argv[1]))
try:
    store.save(Profile("p"), Credentials("k" * 32, "s" * 32))
    print("saved", type(store._backend).__module__)
except KeyringUnavailable as exc:
    print("refused", exc.reason)
print("problem:", store.keyring_problem)
"""


def save_in_child(tmp_path, **env: str) -> tuple[str, list[str]]:
    """Save a pair from a fresh interpreter (keyring caches its backends); return its report and the files
    under its data folder that hold the pair in any form keyrings.alt writes (plain or base64)."""
    import base64
    import subprocess
    import sys

    data = tmp_path / "data"
    full = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path), **env}
    out = subprocess.run(
        [sys.executable, "-c", SAVE_SCRIPT, str(tmp_path / "config")], env=full, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    forms = ["s" * 32, base64.b64encode(b"s" * 32).decode()[:20], "k" * 32]
    holding = [
        str(p) for p in tmp_path.rglob("*") if p.is_file() and any(f in p.read_text("utf-8", "replace") for f in forms)
    ]
    return out.stdout, holding


def test_a_chainer_with_only_plaintext_members_is_refused(tmp_path):
    pytest.importorskip("keyrings.alt")
    report, holding = save_in_child(
        tmp_path,
        PYTHON_KEYRING_BACKEND="keyring.backends.chainer.ChainerBackend",
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-bus",  # no Secret Service, no KWallet
    )
    assert report.startswith("refused none"), report
    assert "PYTHON_KEYRING_BACKEND" in report and "session only" in report
    assert holding == []  # nothing in keyrings.alt's file, nor anywhere else


def test_a_chainer_resolves_to_the_secret_service_it_contains(tmp_path):
    pytest.importorskip("keyrings.alt")
    if default_backend() is None:
        pytest.skip("no Secret Service here: run through ./dev test")
    report, holding = save_in_child(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.chainer.ChainerBackend")
    assert report.startswith("saved keyring.backends.SecretService"), report
    assert holding == []
    default_backend().delete_password(SERVICE, "p")


@pytest.mark.parametrize(
    "named",
    ["keyrings.alt.file.PlaintextKeyring", "keyrings.alt.file.EncryptedKeyring", "keyring.backends.null.Keyring"],
)
def test_backends_named_in_the_environment_that_are_not_os_stores_are_refused(tmp_path, monkeypatch, named):
    pytest.importorskip("keyrings.alt")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", named)
    store = CredentialStore(tmp_path, backend="auto")
    assert "PYTHON_KEYRING_BACKEND" in store.keyring_problem and named in store.keyring_problem
    with pytest.raises(KeyringUnavailable):
        store.save(Profile("p"), PAIR)


@pytest.mark.parametrize(
    "named", ["no.such.Keyring", "keyring.backends.nope", "json", "keyring.backends.kwallet.DBusKeyring"]
)
def test_an_unknown_or_broken_backend_in_the_environment_is_a_message_not_a_crash(tmp_path, monkeypatch, named):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", named)
    store = CredentialStore(tmp_path, backend="auto")
    problem = store.keyring_problem
    assert problem is not None and "this session only" in problem
    assert store.resolve("p", environ={}, home=tmp_path) is None  # carries on, to the next source
    assert store.check_keyring() == problem


def test_a_locked_keyring_is_known_before_signing_in(tmp_path):
    store = CredentialStore(tmp_path, backend=LockedKeyring())
    assert store.check_keyring() == LOCKED
    assert store.keyring_problem == LOCKED
    assert CredentialStore(tmp_path, backend=MemoryKeyring()).check_keyring() is None
