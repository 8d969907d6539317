"""A local server that speaks TestingBot's REST API and enforces its service-account rules.

Imports are lazy: the desktop app imports tbdesk.sandbox.child without loading the server.
"""

from typing import Any

__all__ = ["Store", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from .store import Store

        return Store
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
