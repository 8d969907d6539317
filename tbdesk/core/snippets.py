"""A key and secret in the forms CI systems take: .env, POSIX export, PowerShell, hub URL, W3C capabilities,
GitHub Actions. Plain text in, plain text out, no Qt.

The values come from a server, so they are untrusted: a key with a quote or a newline pasted into a shell
would run commands. `check_pair` refuses anything but a plain token, and every form still quotes.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..api import schema as s

KEY_VAR, SECRET_VAR = "TESTINGBOT_KEY", "TESTINGBOT_SECRET"  # what TestingBot's own clients read
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~+/=-]{0,255}")


class UnsafeValue(ValueError):
    """A key or secret that cannot be put into a shell line or URL safely (never carries the value)."""


@dataclass(frozen=True)
class Form:
    id: str
    label: str  # the button's text
    hint: str  # where it goes


FORMS = (
    Form("env", ".env lines", "TESTINGBOT_KEY=… and TESTINGBOT_SECRET=… lines for a .env file or a CI variables page"),
    Form("export", "export (sh, bash, zsh)", "export lines for a POSIX shell"),
    Form("powershell", "PowerShell $env:", "$env: assignments for PowerShell"),
    Form("hub", "Hub URL", "The WebDriver hub URL with the key and secret in it"),
    Form("capabilities", "W3C capabilities", "Capabilities JSON with the pair in tb:options"),
    Form("github", "GitHub Actions", "A workflow env block that reads the pair from repository secrets"),
)
FORM_IDS = tuple(f.id for f in FORMS)


def check_pair(key: str, secret: str) -> None:
    for what, value in (("key", key), ("secret", secret)):
        if not _TOKEN.fullmatch(value):
            raise UnsafeValue(f"The {what} has characters that cannot be pasted safely into a shell or URL.")


def hub_base(api_url: str) -> str:
    """TestingBot's documented hub for its API; the same server's /wd/hub for any other (the sandbox)."""
    if api_url.rstrip("/") == s.DEFAULT_API_URL:
        return s.DEFAULT_HUB_URL
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/wd/hub"


def hub_url(api_url: str, key: str, secret: str) -> str:
    scheme, rest = hub_base(api_url).split("://", 1)
    return f"{scheme}://{quote(key, safe='')}:{quote(secret, safe='')}@{rest}"


def render(form: str, key: str, secret: str, api_url: str = s.DEFAULT_API_URL) -> str:
    """The text copied for `form`. Call check_pair first for real values (previews pass a mask)."""
    if form == "env":
        return f"{KEY_VAR}={key}\n{SECRET_VAR}={secret}\n"
    if form == "export":
        return f"export {KEY_VAR}={shlex.quote(key)}\nexport {SECRET_VAR}={shlex.quote(secret)}\n"
    if form == "powershell":
        return f"$env:{KEY_VAR} = {_ps_quote(key)}\n$env:{SECRET_VAR} = {_ps_quote(secret)}\n"
    if form == "hub":
        return hub_url(api_url, key, secret)
    if form == "capabilities":
        caps = {
            "browserName": "chrome",
            "browserVersion": "latest",
            "platformName": "WIN11",
            "tb:options": {"key": key, "secret": secret},
        }
        return json.dumps(caps, indent=2, ensure_ascii=False) + "\n"
    if form == "github":
        return (
            f"# Add two repository secrets, {KEY_VAR} and {SECRET_VAR}\n"
            "# (Settings → Secrets and variables → Actions, or: gh secret set NAME).\n"
            f"# Selenium connects to {hub_base(api_url)}\n"
            "env:\n"
            f"  {KEY_VAR}: ${{{{ secrets.{KEY_VAR} }}}}\n"
            f"  {SECRET_VAR}: ${{{{ secrets.{SECRET_VAR} }}}}\n"
        )
    raise ValueError(f"unknown form {form!r}")


def has_secret(form: str) -> bool:
    """Whether the form carries the secret itself (the GitHub one names repository secrets instead)."""
    return form != "github"


def _ps_quote(value: str) -> str:
    # PowerShell treats the typographic single quotes as quotes too; double every kind.
    return "'" + re.sub(r"(['\u2018\u2019\u201a\u201b])", r"\1\1", value) + "'"
