"""Is a socket address on this machine? Used by the tests' and the load benchmark's network
guards, which make "nothing leaves the machine" a checked property rather than a promise."""

from __future__ import annotations

import ipaddress


def is_loopback(address: object) -> bool:
    """True for a Unix socket path or a loopback host (``127.0.0.1``, ``::1``, ``localhost``)."""
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
