"""SQLite storage for the sandbox: people, service accounts and tests.

Every write is one transaction behind one lock, so parallel requests can never leave a half-done row,
and the partial unique indexes on the identifier's look-alike keys (tbdesk.identifiers.keys) make
"exactly one account" hold even if two creates race past the application-level check.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .. import identifiers
from ..api.schema import ADMIN_ROLES

log = logging.getLogger("tbdesk.sandbox")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    key TEXT NOT NULL UNIQUE, secret TEXT NOT NULL,
    created_at REAL NOT NULL, last_login REAL
);
CREATE TABLE IF NOT EXISTS service_accounts (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL, identifier_norm TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE, secret TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, deleted_at REAL,
    keys_issued_at REAL, identifier_skel TEXT
);
CREATE TABLE IF NOT EXISTS tests (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, state TEXT NOT NULL, success INTEGER NOT NULL, status_id INTEGER NOT NULL,
    status_message TEXT NOT NULL DEFAULT '',
    browser TEXT NOT NULL, browser_version TEXT NOT NULL, os TEXT NOT NULL,
    platform_name TEXT, device_name TEXT,
    duration INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, completed_at REAL,
    build TEXT, groups TEXT NOT NULL DEFAULT '[]', extra TEXT,
    sb_type TEXT NOT NULL CHECK (sb_type IN ('service_account', 'user')), sb_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tests_created ON tests(created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS tests_updated ON tests(updated_at);
CREATE INDEX IF NOT EXISTS tests_started_by ON tests(sb_type, sb_id);
CREATE INDEX IF NOT EXISTS tests_build ON tests(build);
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY,
    build_identifier TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
"""
# Made after _migrate, which fills identifier_skel in files from older versions. The two columns are
# identifiers.keys(): two live accounts may share neither.
IDENTIFIER_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS sa_live_identifier
    ON service_accounts(identifier_norm) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS sa_live_skeleton
    ON service_accounts(identifier_skel) WHERE deleted_at IS NULL;
"""
IDENTIFIER_RULES_VERSION = 1  # PRAGMA user_version: bump when identifiers.keys() changes

MAX_SQL_INT = 2**63 - 1


class StoreError(Exception):
    """A rule was broken; `status` is the HTTP status the API answers with."""

    def __init__(
        self, status: int, message: str, fields: dict[str, list[str]] | None = None, w3c: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields
        self.w3c = w3c  # the W3C WebDriver error code when the hub answers


def new_key() -> str:
    return secrets.token_hex(16)


def normalise_identifier(value: object) -> str:
    """The identifier as stored (tbdesk.identifiers); a 400 naming the field when it breaks a rule."""
    try:
        return identifiers.normalise(value)
    except identifiers.InvalidIdentifier as exc:
        raise _invalid(exc.message) from None


def _invalid(message: str) -> StoreError:
    return StoreError(400, message, {"identifier": [message]})


@dataclass(frozen=True)
class Principal:
    """Whoever a key belongs to."""

    kind: str  # "user" or "service_account"
    id: int
    role: str  # owner/admin/member/viewer, or "service_account"
    key: str
    secret: str

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES  # tbdesk/api/schema.py


class DatabaseUnusable(Exception):
    """The database file cannot be opened or written: the sandbox must not start on it."""


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._file: tuple[int, int] | None = None  # (device, inode) of the file we opened
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._migrate()
            self._db.executescript(IDENTIFIER_INDEXES)
            if path != ":memory:":
                self._check_writable()
                self._file = _identity(path)
            self.sync_builds()
        except (sqlite3.Error, StoreError) as exc:
            if hasattr(self, "_db"):
                self._db.close()
            raise DatabaseUnusable(_unusable_message(path, exc)) from None

    def _check_writable(self) -> None:
        """SQLite opens a file it may not write read-only without a word; a write that is rolled back
        finds out now, rather than on the first request (which would then fail)."""
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(f"PRAGMA user_version = {int(version)}")
            finally:
                self._db.execute("ROLLBACK")

    def _check_file(self) -> None:
        """Refuse to write once our file is gone or replaced: SQLite would write on into the deleted
        inode, answer 200, and lose it all at the next start."""
        if self._file is None or _identity(self.path) == self._file:
            return
        log.error("the sandbox database file %s was deleted or replaced while running; refusing writes", self.path)
        raise StoreError(
            503,
            f"The sandbox database file {self.path} was deleted or replaced while the sandbox was running, "
            "so nothing can be saved; restart the sandbox to start a new database.",
        )

    def _migrate(self) -> None:
        """Files made by older versions lack later columns; add them (NULL reads as "since created")."""
        with self._lock:
            have = {r["name"] for r in self._db.execute("PRAGMA table_info(service_accounts)")}
            if "keys_issued_at" not in have:
                self._db.execute("ALTER TABLE service_accounts ADD COLUMN keys_issued_at REAL")
            if "identifier_skel" not in have:
                self._db.execute("ALTER TABLE service_accounts ADD COLUMN identifier_skel TEXT")
            if self._db.execute("PRAGMA user_version").fetchone()[0] < IDENTIFIER_RULES_VERSION:
                self._rekey_identifiers()

    def _rekey_identifiers(self) -> None:
        """Recompute the look-alike keys of a file made under older rules (only case was folded then).

        Two live accounts that the new rules find alike both stay; the later one's keys get its id
        appended so that the unique indexes can be built, and a log line names them."""
        with self.transaction() as db:
            db.execute("DROP INDEX IF EXISTS sa_live_identifier")
            db.execute("DROP INDEX IF EXISTS sa_live_skeleton")
            seen: dict[str, str] = {}
            rows = db.execute("SELECT id, identifier, deleted_at FROM service_accounts ORDER BY id").fetchall()
            for row in rows:
                norm, skel = identifiers.keys(row["identifier"])
                if row["deleted_at"] is None:
                    earlier = seen.get(norm) or seen.get(skel)
                    if earlier is not None:
                        log.warning("service accounts %r and %r look alike; rename one", earlier, row["identifier"])
                        norm, skel = f"{norm}\x00{row['id']}", f"{skel}\x00{row['id']}"
                    seen.setdefault(norm, row["identifier"])
                    seen.setdefault(skel, row["identifier"])
                db.execute(
                    "UPDATE service_accounts SET identifier_norm = ?, identifier_skel = ? WHERE id = ?",
                    (norm, skel, row["id"]),
                )
            db.execute(f"PRAGMA user_version = {IDENTIFIER_RULES_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_file()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                # Made read-only, disk full, I/O error: a clear 503 and a log line, not an opaque 500.
                if not (getattr(exc, "sqlite_errorname", "") or "").startswith(_STORAGE_ERRORS):
                    raise
                log.error("the sandbox database %s cannot be written: %s", self.path, exc)
                raise StoreError(503, f"The sandbox database cannot be written ({exc}); nothing was saved.") from None

    def _one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, tuple(args)).fetchone()
            return row

    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only SQL query: for tests and diagnostics that check what the database holds."""
        return self._all(sql, args)

    def query_one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        return self._one(sql, args)

    # -- state -----------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return self._one("SELECT 1 FROM users LIMIT 1") is None

    # -- authentication --------------------------------------------------------------------------

    def authenticate(self, key: str, secret: str) -> Principal | None:
        if not key.isprintable() or not encodable(key):  # SQLite cannot bind a lone surrogate
            return None
        row = self._one("SELECT id, role, key, secret FROM users WHERE key = ?", (key,))
        if row is not None:
            if _same_secret(row["secret"], secret):
                return Principal("user", row["id"], row["role"], row["key"], row["secret"])
            return None
        row = self._one("SELECT id, key, secret FROM service_accounts WHERE key = ? AND deleted_at IS NULL", (key,))
        if row is not None and _same_secret(row["secret"], secret):
            return Principal("service_account", row["id"], "service_account", row["key"], row["secret"])
        return None

    # -- people ----------------------------------------------------------------------------------

    def owner(self) -> sqlite3.Row:
        row = self._one("SELECT * FROM users WHERE role = 'owner' ORDER BY id LIMIT 1")
        assert row is not None, "the sandbox is always seeded with an owner"
        return row

    def user(self, user_id: int) -> sqlite3.Row:
        row = self._one("SELECT * FROM users WHERE id = ?", (_check_id(user_id),))
        if row is None:
            raise StoreError(404, f"User {user_id} not found.")
        return row

    def sub_accounts(self, offset: int, count: int) -> tuple[list[sqlite3.Row], int]:
        rows = self._all("SELECT * FROM users WHERE role != 'owner' ORDER BY id LIMIT ? OFFSET ?", (count, offset))
        total = self._one("SELECT COUNT(*) AS n FROM users WHERE role != 'owner'")
        return rows, total["n"] if total else 0

    def add_user(self, first: str, last: str, email: str, role: str, key: str, secret: str) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO users (first_name, last_name, email, role, key, secret, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (first, last, email, role, key, secret, time.time()),
            )
            return int(cur.lastrowid or 0)

    def update_user(self, user_id: int, changes: dict[str, str]) -> sqlite3.Row:
        cols = {k: v for k, v in changes.items() if k in ("first_name", "last_name", "email")}
        self.user(user_id)
        if cols:
            with self.transaction() as db:
                sets = ", ".join(f"{k} = ?" for k in cols)
                db.execute(f"UPDATE users SET {sets} WHERE id = ?", (*cols.values(), user_id))
        return self.user(user_id)

    def reset_user_keys(self, user_id: int) -> sqlite3.Row:
        self.user(user_id)
        with self.transaction() as db:
            db.execute("UPDATE users SET key = ?, secret = ? WHERE id = ?", (new_key(), new_key(), user_id))
        return self.user(user_id)

    # -- service accounts ------------------------------------------------------------------------

    def service_accounts(self, offset: int, count: int) -> tuple[list[sqlite3.Row], int]:
        rows = self._all(
            "SELECT * FROM service_accounts WHERE deleted_at IS NULL ORDER BY id LIMIT ? OFFSET ?",
            (count, offset),
        )
        total = self._one("SELECT COUNT(*) AS n FROM service_accounts WHERE deleted_at IS NULL")
        return rows, total["n"] if total else 0

    def service_account(self, account_id: int) -> sqlite3.Row:
        row = self._one("SELECT * FROM service_accounts WHERE id = ? AND deleted_at IS NULL", (_check_id(account_id),))
        if row is None:
            raise StoreError(404, f"Service account {account_id} not found.")
        return row

    def create_service_account(self, identifier: object) -> sqlite3.Row:
        text = normalise_identifier(identifier)
        now = time.time()
        try:
            with self.transaction() as db:
                self._check_unique(db, text, None)
                cur = db.execute(
                    "INSERT INTO service_accounts (identifier, identifier_norm, identifier_skel, key, secret,"
                    " created_at, updated_at, keys_issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (text, *identifiers.keys(text), new_key(), new_key(), now, now, now),
                )
                new_id = int(cur.lastrowid or 0)
        except sqlite3.IntegrityError:
            raise _invalid(identifiers.clash_message(text, text)) from None
        return self.service_account(new_id)

    def rename_service_account(self, account_id: int, identifier: object) -> sqlite3.Row:
        text = normalise_identifier(identifier)
        _check_id(account_id)
        try:
            with self.transaction() as db:
                self._check_unique(db, text, account_id)
                cur = db.execute(
                    "UPDATE service_accounts SET identifier = ?, identifier_norm = ?, identifier_skel = ?,"
                    " updated_at = ? WHERE id = ? AND deleted_at IS NULL",
                    (text, *identifiers.keys(text), time.time(), account_id),
                )
                if cur.rowcount == 0:
                    raise StoreError(404, f"Service account {account_id} not found.")
        except sqlite3.IntegrityError:
            raise _invalid(identifiers.clash_message(text, text)) from None
        return self.service_account(account_id)

    def rotate_service_account(self, account_id: int) -> sqlite3.Row:
        now = time.time()
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE service_accounts SET key = ?, secret = ?, updated_at = ?, keys_issued_at = ?"
                " WHERE id = ? AND deleted_at IS NULL",
                (new_key(), new_key(), now, now, _check_id(account_id)),
            )
            if cur.rowcount == 0:
                raise StoreError(404, f"Service account {account_id} not found.")
        return self.service_account(account_id)

    def delete_service_account(self, account_id: int) -> None:
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE service_accounts SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), time.time(), _check_id(account_id)),
            )
            if cur.rowcount == 0:
                raise StoreError(404, f"Service account {account_id} not found.")

    @staticmethod
    def _check_unique(db: sqlite3.Connection, text: str, own_id: int | None) -> None:
        """No other live account may share a look-alike key (same name ignoring case, or a look-alike)."""
        norm, skel = identifiers.keys(text)
        row = db.execute(
            "SELECT id, identifier FROM service_accounts"
            " WHERE (identifier_norm = ? OR identifier_skel = ?) AND deleted_at IS NULL AND id IS NOT ?",
            (norm, skel, own_id),
        ).fetchone()
        if row is not None:
            raise _invalid(identifiers.clash_message(text, row["identifier"]))

    # -- tests -----------------------------------------------------------------------------------

    _TEST_SELECT = """
        SELECT t.*, sa.identifier AS sa_identifier, sa.deleted_at AS sa_deleted_at,
               u.first_name AS u_first, u.last_name AS u_last
        FROM tests t
        LEFT JOIN service_accounts sa ON t.sb_type = 'service_account' AND sa.id = t.sb_id
        LEFT JOIN users u ON t.sb_type = 'user' AND u.id = t.sb_id
    """

    def tests(
        self,
        offset: int,
        count: int,
        since: float | None = None,
        build: str | None = None,
        group: str | None = None,
    ) -> tuple[list[sqlite3.Row], int]:
        where: list[str] = []
        args: list[float | str] = []
        if since is not None:
            where.append("t.updated_at >= ?")
            args.append(since)
        if build is not None:
            where.append("t.build = ?")
            args.append(build)
        if group is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(t.groups) WHERE json_each.value = ?)")
            args.append(group)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self._all(
            self._TEST_SELECT + clause + " ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?",
            [*args, count, offset],
        )
        total = self._one("SELECT COUNT(*) AS n FROM tests t" + clause, args)
        return rows, total["n"] if total else 0

    def test(self, test_id: int) -> sqlite3.Row:
        row = self._one(self._TEST_SELECT + " WHERE t.id = ?", (_check_id(test_id),))
        if row is None:
            raise StoreError(404, f"Test {test_id} not found.")
        return row

    def test_by_session(self, session_id: str) -> sqlite3.Row:
        row = self._one(self._TEST_SELECT + " WHERE t.session_id = ?", (session_id,))
        if row is None:
            raise StoreError(404, "No such session.")
        return row

    def start_test(
        self,
        principal: Principal,
        name: str,
        browser: str,
        version: str,
        os_name: str,
        build: str | None = None,
    ) -> sqlite3.Row:
        now = time.time()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO tests (session_id, name, state, success, status_id, browser, browser_version,"
                " os, created_at, updated_at, build, sb_type, sb_id)"
                " VALUES (?, ?, 'RUNNING', 0, 2, ?, ?, ?, ?, ?, ?, ?, ?)",
                (secrets.token_hex(16), name, browser, version, os_name, now, now, build, principal.kind, principal.id),
            )
            new_id = int(cur.lastrowid or 0)
            self._touch_build(db, build, now)
        return self.test(new_id)

    def update_test(self, test_id: int, changes: dict[str, Any]) -> sqlite3.Row:
        allowed = {"name", "success", "status_message", "build", "extra", "groups"}
        cols = {k: v for k, v in changes.items() if k in allowed}
        if "success" in cols:
            cols["status_id"] = 1 if cols["success"] else 0
        if "groups" in cols:
            cols["groups"] = json.dumps(cols["groups"])
        with self.transaction() as db:
            self._touch_build(db, cols.get("build"), time.time())
            sets = ", ".join(f"{k} = ?" for k in cols)
            sql = f"UPDATE tests SET {sets + ', ' if sets else ''}updated_at = ? WHERE id = ?"
            cur = db.execute(sql, (*cols.values(), time.time(), _check_id(test_id)))
            if cur.rowcount == 0:
                raise StoreError(404, f"Test {test_id} not found.")
        return self.test(test_id)

    def finish_test(self, test_id: int, success: bool | None = None) -> sqlite3.Row:
        row = self.test(test_id)
        if row["state"] != "RUNNING":
            return row
        now = time.time()
        with self.transaction() as db:
            if success is None:
                db.execute(
                    "UPDATE tests SET state = 'COMPLETE', completed_at = ?, updated_at = ?, duration = ? WHERE id = ?",
                    (now, now, int(now - row["created_at"]), test_id),
                )
            else:
                db.execute(
                    "UPDATE tests SET state = 'COMPLETE', success = ?, status_id = ?, completed_at = ?,"
                    " updated_at = ?, duration = ? WHERE id = ?",
                    (int(success), int(success), now, now, int(now - row["created_at"]), test_id),
                )
        return self.test(test_id)

    def delete_test(self, test_id: int) -> None:
        with self.transaction() as db:
            if db.execute("DELETE FROM tests WHERE id = ?", (_check_id(test_id),)).rowcount == 0:
                raise StoreError(404, f"Test {test_id} not found.")

    def resolve_test(self, ref: str) -> int:
        """A test's numeric id from its WebDriver session id (TestingBot's documented form) or its id."""
        row = self._one("SELECT id FROM tests WHERE session_id = ?", (ref,))
        if row is not None:
            return int(row["id"])
        if ref.isascii() and ref.isdigit() and len(ref) <= 19:
            return int(self.test(int(ref))["id"])
        raise StoreError(404, "Test not found.")

    def record_test(self, principal: Principal, changes: dict[str, Any]) -> sqlite3.Row:
        """POST /v1/tests: a finished test reported from outside a session (the Python client's create_test)."""
        now = time.time()
        success = changes.get("success")
        status_id = 2 if success is None else int(bool(success))
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO tests (session_id, name, state, success, status_id, status_message, browser,"
                " browser_version, os, created_at, updated_at, completed_at, build, extra, sb_type, sb_id)"
                " VALUES (?, ?, 'COMPLETE', ?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?, ?)",
                (
                    secrets.token_hex(16),
                    changes.get("name", ""),
                    int(bool(success)),
                    status_id,
                    changes.get("status_message", ""),
                    now,
                    now,
                    now,
                    changes.get("build"),
                    changes.get("extra"),
                    principal.kind,
                    principal.id,
                ),
            )
            new_id = int(cur.lastrowid or 0)
            self._touch_build(db, changes.get("build"), now)
        return self.test(new_id)

    # -- builds ----------------------------------------------------------------------------------

    def sync_builds(self) -> None:
        """One build row per distinct `tests.build` (seeding and older databases fill tests only)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO builds (build_identifier, created_at, updated_at)"
                " SELECT build, MIN(created_at), MAX(updated_at) FROM tests WHERE build IS NOT NULL AND build != ''"
                " GROUP BY build ORDER BY MIN(created_at), build"
            )

    @staticmethod
    def _touch_build(db: sqlite3.Connection, build: str | None, now: float) -> None:
        if build:
            db.execute(
                "INSERT INTO builds (build_identifier, created_at, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(build_identifier) DO UPDATE SET updated_at = excluded.updated_at",
                (build, now, now),
            )

    def builds(self, offset: int, count: int) -> tuple[list[sqlite3.Row], int]:
        rows = self._all("SELECT * FROM builds ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", (count, offset))
        total = self._one("SELECT COUNT(*) AS n FROM builds")
        return rows, total["n"] if total else 0

    def build(self, build_id: int) -> sqlite3.Row:
        row = self._one("SELECT * FROM builds WHERE id = ?", (_check_id(build_id),))
        if row is None:
            raise StoreError(404, f"Build {build_id} not found.")
        return row

    def delete_build(self, build_id: int) -> None:
        """Deletes the build and the tests in it, as TestingBot's dashboard does."""
        row = self.build(build_id)
        with self.transaction() as db:
            db.execute("DELETE FROM tests WHERE build = ?", (row["build_identifier"],))
            db.execute("DELETE FROM builds WHERE id = ?", (build_id,))

    def running_tests(self) -> list[sqlite3.Row]:
        return self._all("SELECT id FROM tests WHERE state = 'RUNNING'")

    def live_principals(self) -> list[Principal]:
        people = self._all("SELECT id, role, key, secret FROM users")
        robots = self._all("SELECT id, key, secret FROM service_accounts WHERE deleted_at IS NULL")
        return [Principal("user", r["id"], r["role"], r["key"], r["secret"]) for r in people] + [
            Principal("service_account", r["id"], "service_account", r["key"], r["secret"]) for r in robots
        ]

    def bulk_insert(self, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Seeding path: one transaction, executemany (100,000 tests in about a second)."""
        assert table in {"users", "service_accounts", "tests"}
        marks = ", ".join("?" for _ in columns)
        with self.transaction() as db:
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


_STORAGE_ERRORS = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _unusable_message(path: str, exc: Exception) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM")) or getattr(exc, "status", None) == 503:
        return f"cannot write the database {path}: it is read-only for this user ({exc})"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot open the database {path}: check that its folder exists and may be written ({exc})"
    return f"cannot use the database {path}: {exc}"


def encodable(text: str) -> bool:
    """False for a str holding a lone surrogate, which no UTF-8 consumer (SQLite, JSON out) accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _same_secret(stored: str, given: str) -> bool:
    # compare_digest refuses non-ASCII str (TypeError); bytes compare in constant time whatever they hold.
    return secrets.compare_digest(stored.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass"))


def _check_id(value: int) -> int:
    # SQLite integers are 64-bit; a larger id from a URL must be "not found", never an OverflowError.
    if not 0 < value <= MAX_SQL_INT:
        raise StoreError(404, "Not found.")
    return value
