"""``python -m gateway``: run the gateway with settings from the environment."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

import uvloop

from core.errors import OpsError
from core.settings import Settings
from gateway.server import run

logger = logging.getLogger(__name__)


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("websockets").setLevel(logging.WARNING)  # one line per request is noise
    try:
        settings = Settings.from_env()
    except OpsError as exc:
        logger.error("%s", exc)
        return 2
    logger.info("gateway: %s event loop", settings.gateway_event_loop)
    try:
        with asyncio.Runner(loop_factory=loop_factory(settings.gateway_event_loop)) as runner:
            runner.run(run(settings))
    except OSError as exc:
        logger.error(
            "cannot listen on %s (port %d or the storage port %d): %s (set "
            "PLATFORM_GATEWAY_PORT / PLATFORM_STORAGE_PORT or run `inv down`)",
            settings.gateway_host,
            settings.gateway_port,
            settings.storage_port,
            exc.strerror or exc,
        )
        return 1
    return 0


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop: libuv's loop, written in C (fan-out is mostly socket writes); or asyncio's."""
    return uvloop.new_event_loop if name == "uvloop" else None


if __name__ == "__main__":
    sys.exit(main())
