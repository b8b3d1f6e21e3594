"""Small network probes: is a port taken, what does a URL answer."""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from core.errors import OpsError


def port_in_use(host: str, port: int) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def ensure_port_free(host: str, port: int, what: str, env_var: str) -> None:
    """Raise `OpsError` saying how to move ``what`` when ``host:port`` is taken."""
    if port_in_use(host, port):
        raise OpsError(
            f"port {port} on {host} is in use, so {what} cannot start there",
            f"set {env_var} to a free port, or run `inv down` if an earlier stack holds it",
        )


def http_status(url: str, timeout: float = 2.0, cafile: Path | None = None) -> int | None:
    """The HTTP status ``url`` answers a GET with, or None when nothing answers.

    ``cafile``: the certificate authority an HTTPS URL's certificate must come from
    (default: the system's)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP URL: {url}")
    context = ssl.create_default_context(cafile=None if cafile is None else str(cafile))
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
