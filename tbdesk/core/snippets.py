"""Text a pipeline pastes: the hub URL and environment variables carrying a key and secret."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..api import schema as s


def hub_url(api_url: str, key: str, secret: str) -> str:
    """TestingBot's documented hub URL for its API; the same server's /wd/hub for any other (the sandbox)."""
    if api_url.rstrip("/") == s.DEFAULT_API_URL:
        base = s.DEFAULT_HUB_URL
    else:
        parts = urlsplit(api_url)
        base = f"{parts.scheme}://{parts.netloc}/wd/hub"
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{key}:{secret}@{rest}"


def env_line(key: str, secret: str) -> str:
    """The environment variables TestingBot's clients read."""
    return f"TESTINGBOT_KEY={key} TESTINGBOT_SECRET={secret}"
