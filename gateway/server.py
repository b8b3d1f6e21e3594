"""The gateway's asyncio server: ``GET /healthz``, the ``/realtime`` WebSocket, the scheduler.

One port for both (websockets' ``process_request`` answers plain HTTP before the
handshake). Realtime fan-out arrives with its own issue; for now the WebSocket answers
``not_implemented`` and closes. The job scheduler (`gateway.scheduler`) runs beside the
server as a task and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import signal
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from gateway.health import postgres_ok
from gateway.scheduler import Scheduler
from gateway.settings import Settings
from ops.errors import OpsError
from ops.secrets import Secrets

logger = logging.getLogger(__name__)

JOBS_ROLE = "platform_jobs"
HEALTH_PATH = "/healthz"
REALTIME_PATH = "/realtime"
NOT_IMPLEMENTED = {
    "op": "error",
    "code": "not_implemented",
    "message": "realtime arrives with the gateway issue",
}


class Gateway:
    """Routes requests; ``db_url`` is the ``platform_jobs`` URL used by health checks."""

    def __init__(self, settings: Settings, db_url: str | None = None) -> None:
        self.settings = settings
        self._db_url = db_url
        self.scheduler = Scheduler(self.db_url, settings.scheduler_tick_seconds)

    def db_url(self) -> str | None:
        """The ``platform_jobs`` URL, read from the data folder's secrets when not given."""
        if self._db_url is None:
            try:
                secrets = Secrets.load(self.settings.secrets_dir)
            except OpsError as exc:
                logger.error("%s", exc)
                return None
            self._db_url = self.settings.role_url(JOBS_ROLE, secrets.platform_jobs_password)
        return self._db_url

    async def health(self) -> tuple[int, dict[str, Any]]:
        ok = await postgres_ok(self.db_url())
        status = http.HTTPStatus.OK if ok else http.HTTPStatus.SERVICE_UNAVAILABLE
        return status, {
            "status": "ok" if ok else "degraded",
            "postgres": ok,
            "scheduler": self.scheduler.health(),
        }

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        path = urlsplit(request.path).path
        if path == HEALTH_PATH:
            status, body = await self.health()
            return json_response(connection, status, body)
        if path != REALTIME_PATH:
            return json_response(
                connection,
                http.HTTPStatus.NOT_FOUND,
                {"code": "not_found", "message": f"no route {path}; try {HEALTH_PATH}"},
            )
        return None  # carry on with the WebSocket handshake

    async def realtime(self, connection: ServerConnection) -> None:
        await connection.send(json.dumps(NOT_IMPLEMENTED))
        await connection.close(1000, "not implemented")


def json_response(connection: ServerConnection, status: int, body: dict[str, Any]) -> Response:
    response = connection.respond(status, json.dumps(body) + "\n")
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


async def run(settings: Settings, stop: asyncio.Future[None] | None = None) -> None:
    """Serve until ``stop`` resolves (default: until SIGTERM or SIGINT)."""
    loop = asyncio.get_running_loop()
    if stop is None:
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, _resolve, stop)
    gateway = Gateway(settings)
    async with serve(
        gateway.realtime,
        settings.gateway_host,
        settings.gateway_port,
        process_request=gateway.process_request,
        compression=None,
    ):
        logger.info("gateway listening on %s (healthz, realtime)", settings.gateway_url)
        scheduler = None
        if gateway.scheduler.enabled:
            scheduler = asyncio.create_task(gateway.scheduler.run(), name="scheduler")
        else:
            logger.info("scheduler: off (PLATFORM_SCHEDULER_TICK=0)")
        try:
            await stop
        finally:
            logger.info("gateway shutting down")
            if scheduler is not None:
                scheduler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await scheduler


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
