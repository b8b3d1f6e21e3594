"""Waiting, in a test, for what another process does (a gateway's job, a file, a lease)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(
    done: Callable[[], object], timeout: float = 20, what: str = "timed out", every: float = 0.1
) -> None:
    """Call ``done`` every ``every`` seconds until it is true; fail with ``what`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, what
        time.sleep(every)
