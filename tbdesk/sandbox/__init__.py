"""A local server that speaks TestingBot's REST API and enforces its service-account rules."""

from .app import create_app
from .store import Store

__all__ = ["Store", "create_app"]
