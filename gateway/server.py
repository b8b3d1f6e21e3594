"""The gateway's asyncio server: ``/realtime``, ``/healthz``, ``/metrics``, the scheduler,
and the storage service (`gateway.storage`, an aiohttp server on its own port).

One port for all (websockets' ``process_request`` answers plain HTTP before the
handshake). The realtime service (`gateway.realtime`) and the job scheduler
(`gateway.scheduler`) run beside the server as tasks and stop with it; on SIGTERM the
realtime service drains (last events read and sent) before sockets close with 1001.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import signal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from core.errors import OpsError
from core.secrets import Secrets
from core.settings import Settings
from gateway.backups import BackupSchedule
from gateway.health import postgres_ok
from gateway.metrics import CONTENT_TYPE, Metrics
from gateway.monitor import Monitor
from gateway.pg_metrics import PostgresCollector
from gateway.realtime import Realtime
from gateway.scheduler import Scheduler
from gateway.storage.service import StorageService
from ops.thresholds import backup_breaches

logger = logging.getLogger(__name__)

JOBS_ROLE = "platform_jobs"
AUTHENTICATOR = "authenticator"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
REALTIME_PATH = "/realtime"


class Gateway:
    """Routes requests. Role URLs and the JWT secret come from the data folder's secrets."""

    def __init__(self, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self._secrets: Secrets | None = None
        self.metrics = metrics if metrics is not None else Metrics()
        self.scheduler = Scheduler(self.db_url, settings.scheduler_tick_seconds)
        self.monitor = Monitor(settings, self.db_url)
        self.metrics.registry.register(PostgresCollector(self.monitor))
        self.backups = BackupSchedule(settings, self.metrics)
        self.realtime = Realtime(
            settings,
            jobs_url=self.db_url,
            authenticator_url=self.authenticator_url,
            jwt_secret=self.jwt_secret,
            metrics=self.metrics,
        )
        self.storage = StorageService(
            settings,
            authenticator_url=self.authenticator_url,
            jobs_url=self.db_url,
            auth=self.realtime.auth,
            metrics=self.metrics,
        )

    def secrets(self) -> Secrets | None:
        if self._secrets is None:
            try:
                self._secrets = Secrets.load(self.settings.secrets_dir)
            except OpsError as exc:
                logger.error("%s", exc)
                return None
        return self._secrets

    def db_url(self) -> str | None:
        """The ``platform_jobs`` URL: the outbox, the scheduler, health checks."""
        secrets = self.secrets()
        return (
            None
            if secrets is None
            else self.settings.role_url(JOBS_ROLE, secrets.platform_jobs_password)
        )

    def authenticator_url(self) -> str | None:
        """PostgREST's login role: the gateway asks SQL as the caller through it."""
        secrets = self.secrets()
        return (
            None
            if secrets is None
            else self.settings.role_url(AUTHENTICATOR, secrets.authenticator_password)
        )

    def jwt_secret(self) -> str | None:
        if self.settings.jwt_secret is not None:
            return self.settings.jwt_secret
        secrets = self.secrets()
        return None if secrets is None else secrets.jwt_secret

    async def health(self) -> tuple[int, dict[str, Any]]:
        """503 when the gateway cannot serve (database unreachable, realtime down); 200
        otherwise, "degraded" with the reasons when a monitoring threshold is crossed."""
        ok = await postgres_ok(self.db_url())
        realtime = self.realtime.health()
        reasons: list[dict[str, Any]] = []
        if not ok:
            reasons.append({"check": "postgres", "message": "the database is unreachable"})
        if not realtime["ok"]:
            reasons.append({"check": "realtime", "message": "the outbox listener is down or stale"})
        monitor: dict[str, Any] = {"ok": False, "error": "not read: the database is unreachable"}
        if ok:
            snapshot = await self.monitor.refresh()
            breaches = self.monitor.breaches()
            reasons.extend(breach.as_json() for breach in breaches)
            if snapshot is None:
                reasons.append(
                    {
                        "check": "monitoring",
                        "message": f"cannot read the statistics: {self.monitor.error}",
                    }
                )
            monitor = {
                "ok": snapshot is not None and not breaches,
                "error": self.monitor.error,
                "age_seconds": None if snapshot is None else round(snapshot.age_seconds, 3),
                "statements": None if snapshot is None else snapshot.statements_status,
            }
        stale = await asyncio.to_thread(backup_breaches, self.backups.store, self.settings)
        reasons.extend(breach.as_json() for breach in stale)
        serving = ok and realtime["ok"]
        status = http.HTTPStatus.OK if serving else http.HTTPStatus.SERVICE_UNAVAILABLE
        return status, {
            "status": "ok" if not reasons else "degraded",
            "reasons": reasons,
            "postgres": ok,
            "realtime": realtime,
            "scheduler": self.scheduler.health(),
            "monitoring": monitor,
            "storage": self.storage.health(),
        }

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        target = urlsplit(request.path)
        path = target.path
        if path == HEALTH_PATH:
            status, body = await self.health()
            if "brief" in parse_qs(target.query, keep_blank_values=True):
                # What the front door shows the public: the verdict, not the reasons
                # (backup ages, breaches and statistics stay on the loopback port).
                body = {"status": body["status"] if status == http.HTTPStatus.OK else "down"}
            return json_response(connection, status, body)
        if path == METRICS_PATH:
            await self.monitor.refresh()  # the SQL runs at scrape time (at most once per TTL)
            await asyncio.to_thread(self.backups.refresh_metrics)
            response = connection.respond(http.HTTPStatus.OK, "")
            response.body = self.metrics.render()
            del response.headers["Content-Type"]
            del response.headers["Content-Length"]
            response.headers["Content-Type"] = CONTENT_TYPE
            response.headers["Content-Length"] = str(len(response.body))
            return response
        if path != REALTIME_PATH:
            return json_response(
                connection,
                http.HTTPStatus.NOT_FOUND,
                {
                    "code": "not_found",
                    "message": f"no route {path}; try {REALTIME_PATH}, {HEALTH_PATH} or "
                    f"{METRICS_PATH}",
                },
            )
        refused = await self.realtime.handshake(connection, request)
        if refused is not None:
            code, text = refused
            response = connection.respond(code, text + "\n")
            del response.headers["Content-Type"]
            response.headers["Content-Type"] = "application/json"
            return response
        return None  # carry on with the WebSocket handshake


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
        gateway.realtime.serve,
        settings.gateway_host,
        settings.gateway_port,
        process_request=gateway.process_request,
        compression=None,  # per-message deflate halves fan-out throughput
        ping_interval=settings.realtime_ping_seconds,
        ping_timeout=settings.realtime_ping_seconds,
        close_timeout=settings.realtime_close_seconds,
        max_size=64 * 1024,  # client messages are small
    ):
        logger.info("gateway listening on %s (realtime, healthz, metrics)", settings.gateway_url)
        await gateway.storage.start()
        gateway.realtime.start()
        scheduler = None
        if gateway.scheduler.enabled:
            scheduler = asyncio.create_task(gateway.scheduler.run(), name="scheduler")
        else:
            logger.info("scheduler: off (PLATFORM_SCHEDULER_TICK=0)")
        backups = None
        if gateway.backups.enabled:
            backups = asyncio.create_task(gateway.backups.run(), name="backups")
        try:
            await stop
        finally:
            logger.info("gateway shutting down: draining realtime")
            await gateway.storage.stop()
            await gateway.realtime.stop()
            await gateway.monitor.close()
            for task in (scheduler, backups):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
