"""Whether a host is this machine: the one place plain http (the sandbox) is allowed, and no proxy is used."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
