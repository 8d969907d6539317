"""Who is signed in: from the sandbox, the environment or keyring, or the sign-in dialog; and signing out.

Signing in loads the first screen in the same round trip; `first_screen` hands it to Sync.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpcore  # noqa: F401 -- httpx loads it with the first client; here it loads behind the window
import httpx
from PySide6.QtCore import QObject, Signal

from ..api import schema as s
from ..api.client import TestingBotClient, check_base_url, tls_ready, warm_up
from ..api.errors import ApiError, AuthenticationError, NetworkError, NotFound, PermissionDenied
from ..api.models import Credentials, User
from ..core import collector
from ..core.first_screen import FirstScreen, fetch
from ..core.wording import describe, service_account_refusal
from ..credentials import (
    DEFAULT_PROFILE,
    CredentialStore,
    KeyringUnavailable,
    Profile,
    Resolved,
    environment_pair,
)
from ..gui import plain
from ..gui.dialogs import SignInDialog, submissions
from ..options import Options
from .shared import Shared

if TYPE_CHECKING:
    from ..ahead import Fetched
    from ..startup import AheadReader

log = logging.getLogger("tbdesk.session")
SIGN_IN_HINT = "Use File → Sign in… to sign in."
NOT_SIGNED_IN = f"Not signed in. {SIGN_IN_HINT}"
REFUSED = "The key and secret were not accepted."


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:  # building the client meets the same fault and reports it
        log.debug("warming up the HTTP client failed", exc_info=True)


class Session(QObject):
    first_screen = Signal(object)  # a FirstScreen: the user, the first page of accounts and of tests
    user_changed = Signal()  # signed in, or the user's role changed
    stopped = Signal()  # signed out or asked to sign in again: stop polling
    signed_out = Signal()  # clear what the last user saw

    def __init__(
        self,
        options: Options,
        store: CredentialStore,
        transport: httpx.AsyncBaseTransport | None,
        shared: Shared,
        parent: QObject | None = None,
        ahead: AheadReader | None = None,
    ) -> None:
        super().__init__(parent)
        self.options = options
        self.ahead = ahead  # the start-up helper's first screen (tbdesk/ahead.py), if one was asked for
        self.store = store
        self.transport = transport
        self.window, self.messages, self.dialogs = shared.window, shared.messages, shared.dialogs
        self.client: TestingBotClient | None = None
        self.user: User | None = None
        self.profile: Profile | None = None
        self.own_key: str | None = None  # the signed-in admin's key (not the secret), for leaked-key triage
        self.sandbox: Any = None  # a SandboxProcess with --sandbox
        # Why the stored pair was refused at start-up: File → Sign in says it again until someone signs in
        # (the start-up dialog, cancelled, was the only place it was said; QA14).
        self.refusal: str | None = None
        self.user_wait: Callable[[bool], None] = lambda _waiting: None  # set by the composition root

    @property
    def can_manage(self) -> bool:
        return self.user is not None and self.user.can_manage

    @property
    def api_url(self) -> str:
        """Where a new sign-in goes: the current profile's server, else the one given with --api-url; never
        silently TestingBot's own when the user chose another (the pair would go to a server they did not pick)."""
        if self.profile is not None:
            return self.profile.api_url
        return self.options.api_url or s.DEFAULT_API_URL

    @property
    def profile_name(self) -> str:
        """The name a sign-in is kept under unless the user types another: the current, --profile's, or "default"."""
        if self.profile is not None and self.profile.name != "sandbox":
            return self.profile.name
        return self.options.profile or self.store.last_profile() or DEFAULT_PROFILE

    def require_client(self) -> TestingBotClient:
        if self.client is None:
            raise AuthenticationError("Not signed in.")
        return self.client

    async def start(self) -> None:
        """Show the window at once (unless start-up already painted it); sign in and load behind it."""
        if not self.window.isVisible():
            self.window.show()  # its layout was restored as it was made (gui/first_frame.py)
        url = self.options.api_url
        if self.options.sandbox:
            self.messages.info("Starting the sandbox…")
            from ..sandbox.child import SandboxProcess  # only when asked for: keeps start-up lean

            self.sandbox = SandboxProcess(self.options.sandbox_args)
            info = await self.sandbox.start()
            # Sandbox-only credentials, printed on purpose: they are how a user points Selenium at it.
            print(f"tbdesk sandbox: {info.url} key={info.key} secret={info.secret}", flush=True)
            self.window.setWindowTitle("tbdesk — sandbox")
            self.profile = Profile("sandbox", info.url)
            problem = await self.try_sign_in(Credentials(info.key, info.secret), self.profile, remember=False)
            if problem is None:
                return
            await self.sign_in_dialog(info.url, problem)
            return
        fetched = await self._fetched_ahead()
        if fetched is not None:  # the helper found the pair (or that none is stored) and asked already
            resolved, screen = _resolved(fetched), fetched.screen
            cancelled = fetched.keyring_cancelled
        else:
            resolved, screen = await asyncio.to_thread(self._resolve_and_warm_up, url), None
            cancelled = self.store.prompt_cancelled
        problem = None
        if fetched is not None and fetched.timed_out:  # asking again would wait as long, for nothing
            problem = describe(NetworkError.timed_out("Checking your key and secret"))
        elif resolved is not None:
            problem = await self.try_sign_in(resolved.credentials, resolved.profile, remember=False, screen=screen)
            if problem is None:
                self.messages.info(f"Signed in with the key from the {resolved.source}.")
                return
            if problem == REFUSED:
                problem = self.refusal = refused_stored(resolved)
        # The keyring's prompt was just shown (and cancelled) to read the pair: the dialog does not ask again.
        await self.sign_in_dialog(url or s.DEFAULT_API_URL, problem, keyring_problem=cancelled)

    async def _fetched_ahead(self) -> Fetched | None:
        """The helper's pair and first screen, once it is done (and the client warmed up); None when there was
        no helper or it failed: then signing in finds the pair and asks for the screen itself."""
        reader = self.ahead
        if reader is None:
            return None
        waiting = not reader.done
        if waiting:  # a slow server: say so where the rows will be, as signing in does
            self.window.set_loading(True)
        try:
            if not reader.done:
                arrived: asyncio.Future[None] = asyncio.get_running_loop().create_future()

                def done() -> None:
                    if not arrived.done():
                        arrived.set_result(None)

                reader.arrived.connect(done)
                await arrived
        except asyncio.CancelledError:
            reader.cancel()
            raise
        finally:
            if waiting:
                self.window.set_loading(False)
        # Once the helper's rows are shown, not while they arrive: the imports on the other thread made every
        # Python step of reading and showing them wait for Python's lock (a 40-50 ms stall on a slow server).
        # A future, not a task: quitting meanwhile leaves it to finish on its thread, nothing pending to destroy.
        await asyncio.get_running_loop().run_in_executor(None, _warm_up_quietly)
        return reader.fetched

    def _resolve_and_warm_up(self, url: str | None) -> Any:
        """On a worker thread: the stored pair (the keyring may block), and what building the client needs,
        so the first requests go out without another trip to a thread (one round trip to the first screen)."""
        resolved = self.store.resolve(self.options.profile, None, None, url)  # may wait on a keyring prompt
        with collector.paused():  # bounded, and what it makes lives as long as the app
            _warm_up_quietly()
        return resolved

    async def try_sign_in(
        self, creds: Credentials, profile: Profile, remember: bool, screen: FirstScreen | None = None
    ) -> str | None:
        """As _try_sign_in, with "Loading…" where the rows will be and the busy mark meanwhile. While someone
        is signed in their view stays as it is until the new pair is accepted: a refused pair changes nothing.
        Nor is anything covered when the rows are on screen already (start-up showed the helper's)."""
        if self.client is not None or (screen is not None and screen.shown):
            return await self._try_sign_in(creds, profile, remember, screen)
        self.window.set_loading(True)
        try:
            return await self._try_sign_in(creds, profile, remember, screen)
        finally:
            self.window.set_loading(False)

    async def _try_sign_in(
        self, creds: Credentials, profile: Profile, remember: bool, screen: FirstScreen | None = None
    ) -> str | None:
        """Sign in and load the first screen in one round trip (user, accounts and tests in parallel), unless
        `screen` is that first screen, asked for with this pair already (by the start-up helper).

        Returns None when signed in, else what went wrong, for the sign-in dialog to show.
        """
        try:
            # Building the client imports httpcore and loads the TLS trust store (~100 ms): off the event loop,
            # unless that was done already (start() warms up beside reading the keyring): then it is cheap.
            if tls_ready():
                client = self._client_for(creds, profile.api_url)
            else:
                client = await asyncio.to_thread(self._client_for, creds, profile.api_url)
        except ValueError as exc:  # --api-url or a profile's URL that cannot be used: say why, no crash
            return f"The API URL “{profile.api_url}” cannot be used. {exc}"
        except OSError as exc:  # the certificates to trust, named by SSL_CERT_FILE or SSL_CERT_DIR, unreadable
            return trust_store_problem(exc)
        try:
            if screen is None:
                screen = await fetch(client)
            elif client.rate_limit_remaining is None:
                client.rate_limit_remaining = screen.rate_limit_remaining
        except ApiError as exc:
            await client.aclose()
            if isinstance(exc, AuthenticationError):
                return REFUSED
            if isinstance(exc, NotFound):
                return await self._not_found(exc, creds, profile.api_url)
            return describe(exc)
        except asyncio.CancelledError:
            await asyncio.shield(client.aclose())
            raise
        user = screen.user
        if user.is_service_account:  # "a service account cannot sign in": refuse it, store nothing
            await client.aclose()
            return service_account_refusal(user)
        if remember:
            try:
                await asyncio.to_thread(self.store.save, profile, creds)
            except KeyringUnavailable as exc:
                self.messages.warning(exc.message)
        someone_else = self.user is not None and (self.user.id, self.api_url) != (user.id, profile.api_url)
        old, self.client, self.profile = self.client, client, profile
        self.own_key = creds.key
        if old is not None:
            await old.aclose()
        if someone_else:  # another identity or server: the last one's rows, filters and selection go
            self.signed_out.emit()
        self.window.statusBar().clearMessage()  # no stale "Signed out…" or "Not signed in" after this
        self.refusal = None
        self.apply_user(user)
        self.first_screen.emit(screen)
        return None

    def _client_for(self, creds: Credentials, api_url: str) -> TestingBotClient:
        return TestingBotClient(creds, api_url, transport=self.transport, retry=self.options.retry)

    async def _not_found(self, exc: NotFound, creds: Credentials, api_url: str) -> str:
        """A 404 on the first request: when the same server answers under /v1, say so."""
        problem = describe(exc)
        if urlsplit(api_url).path.rstrip("/").endswith("/v1"):
            return problem
        suggested = api_url.rstrip("/") + "/v1"
        try:
            probe = await asyncio.to_thread(self._client_for, creds, suggested)
        except ValueError:
            return problem
        try:
            await probe.user()
        except (AuthenticationError, PermissionDenied):
            pass  # it answered as the API does: the path is right, whatever the pair
        except ApiError:
            return problem
        finally:
            await probe.aclose()
        return f"{problem} The API answers at {suggested}: add /v1 to the URL."

    async def sign_in_dialog(
        self,
        api_url: str,
        message: str | None = None,
        profile: str | None = None,
        keyring_problem: str | None = None,
    ) -> None:
        """`keyring_problem`: found a moment ago, its prompt cancelled (locked, or none made): said, not asked
        again (each ask shows the system's prompt anew)."""
        # Ask the keyring before offering to remember the pair: locked, refused or broken is said up front.
        if keyring_problem is None:
            keyring_problem = await asyncio.to_thread(self.store.check_keyring)
        log.info("asking to sign in (%s)", message or "no usable stored pair")
        try:
            names = [p.name for p in self.store.profiles()]
        except OSError:
            names = []
        dialog = SignInDialog(
            self.window,
            api_url,
            keyring_problem,
            message,
            check_url=check_base_url,
            profile=profile or self.profile_name,
            profiles=names,
        )
        self.dialogs.track(dialog)
        self.window.statusBar().clearMessage()  # an old "loading failed" is not what the dialog is about
        async for key, secret, url, remember, name in submissions(dialog, self.user_wait):
            dialog.set_busy(True)
            attempt = asyncio.ensure_future(self.try_sign_in(Credentials(key, secret), Profile(name, url), remember))
            dialog.cancelled.connect(attempt.cancel)
            try:
                problem = await attempt
            except asyncio.CancelledError:
                if not attempt.cancelled():
                    raise  # we were cancelled ourselves (quitting): pass it on
                break  # Cancel while signing in: the dialog is closed, the attempt dropped
            finally:
                dialog.cancelled.disconnect(attempt.cancel)
                dialog.set_busy(False)
            if problem is None:
                dialog.accept()
                # As a sign-in from the keyring or the environment says so (QA6: the dialog's said nothing).
                self.messages.info(f"Signed in with the profile {plain.quoted(name, 32)}." if name else "Signed in.")
            else:
                dialog.show_error(problem)
        if self.client is None and self.window.isVisible():  # else quitting closed the dialog: nothing to say
            self.signed_out.emit()  # the empty panel says how to sign in
            self.messages.warning(NOT_SIGNED_IN)

    async def reauthenticate(self, reason: str) -> None:
        """A 401 mid-session: sign in again, then carry on where the user was. Cancelled, the window is
        signed out for real (no stale rows, no admin actions that would only ask again)."""
        if self.client is None:
            return  # signed out already (a request that was under way when the pair was refused)
        self.stopped.emit()
        refused = self.client
        await self.sign_in_dialog(self.api_url, f"{reason} Sign in again to carry on.")
        if self.client is refused:
            await self.end_session()
            self.messages.warning(f"Not signed in: the key and secret were not accepted. {SIGN_IN_HINT}")

    async def end_session(self) -> None:
        """Nobody is signed in any more: the client closed, what the last user saw cleared, the window says so."""
        self.stopped.emit()
        client, self.client, self.user, self.own_key = self.client, None, None, None
        if client is not None:
            await client.aclose()
        self.window.user_label.setText("Not signed in")
        self.window.set_read_only(True)
        self.signed_out.emit()
        self.user_changed.emit()

    async def sign_out(self) -> None:
        self.stopped.emit()
        kept: KeyringUnavailable | None = None
        # Only a pair this profile stored (saving it lists the profile): with none, asking the keyring to
        # remove it showed its prompt for nothing, and "could not be removed" alarmed for nothing (QA17).
        if self.profile is not None and self.profile.name in self._stored_profiles():
            try:
                await asyncio.to_thread(self.store.delete, self.profile.name)
            except KeyringUnavailable as exc:
                kept = exc
        await self.end_session()
        if kept is None:
            self.messages.info("Signed out; the stored key and secret were removed from the keyring.")
            await self.sign_in_dialog(self.api_url)
            return
        # Not "removed" when they were not (QA16); said in the dialog, which clears the status bar. Its keyring
        # note says why, without showing a cancelled prompt again.
        await self.sign_in_dialog(
            self.api_url,
            "Signed out, but the key and secret stored in the keyring could not be removed from it.",
            keyring_problem=kept.message if kept.cancelled else None,
        )

    def _stored_profiles(self) -> set[str]:
        try:
            return {p.name for p in self.store.profiles()}
        except OSError:  # the profiles file cannot be read: try the keyring, as before
            return {self.profile.name} if self.profile is not None else set()

    def apply_user(self, user: User) -> None:
        self.user = user
        role = f", {plain.short(user.role)}" if user.role else ""  # the server's word: any length
        read_only = "" if user.can_manage else " · read-only"
        self.window.user_label.setText(
            f"{plain.short(user.name)}{role}{read_only} · {plain.short(user.plan or 'plan unknown')}"
        )
        self.window.set_read_only(not user.can_manage)
        self.user_changed.emit()


def refused_stored(resolved: Resolved) -> str:
    """A stored pair refused at start-up, named by where it is kept: the dialog asks for another one, but only
    the admin can correct the place it came from (an environment pair is used again at the next start)."""
    if resolved.source == "environment":
        key_var, secret_var = environment_pair() or ("TESTINGBOT_KEY", "TESTINGBOT_SECRET")
        return (
            f"The key and secret in the environment variables {key_var} and {secret_var} were not accepted. "
            "They are used before any stored pair, at every start: correct or unset them."
        )
    if resolved.source == "keyring":
        name = plain.quoted(resolved.profile.name, 32)
        return f"The key and secret stored in the keyring for the profile {name} were not accepted."
    return (
        f"The key and secret in {resolved.source} were not accepted. It is read at every start when no other "
        "pair is stored: correct or remove it."
    )


def trust_store_problem(exc: OSError) -> str:
    """What the sign-in dialog says when the user's own trust settings cannot be read (a local mistake)."""
    settings = ("SSL_CERT_FILE", "SSL_CERT_DIR")
    named = ", ".join(f"{name}={value}" for name in settings if (value := os.environ.get(name)))
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = f" ({named})" if named else ""
    return f"The certificates to trust could not be loaded{where}: {reason}. Check SSL_CERT_FILE and SSL_CERT_DIR."


def _resolved(fetched: Fetched) -> Resolved | None:
    if fetched.credentials is None:
        return None
    return Resolved(fetched.credentials, fetched.source, Profile(fetched.profile, fetched.api_url))
