"""The storage service's routes (aiohttp), on ``PLATFORM_STORAGE_PORT``:

``POST /storage/object/<bucket>/<path>``  upload a new object (409 if the path is taken)
``PUT  /storage/object/<bucket>/<path>``  upload, replacing your own object there
``GET  /storage/object/<bucket>/<path>``  download, if SQL says the caller may read it
``DELETE /storage/object/<bucket>/<path>``  delete (its files follow)
``GET  /storage/public/<bucket>/<path>``  a public file, straight from the public tree

An upload: the caller (`caller.authenticate`), the body's first bytes (their type, by
`sniff`), then ``storage_private.begin_upload`` as the caller (every rule is SQL's:
bucket, path, rights, type, declared size), the body streamed to a temporary file
(hashed and counted, cut at the bucket's limit), an image decoded under the pixel
limit and re-encoded without metadata (`images`, in a thread), and
``storage_private.finish_upload`` as the caller, inside whose transaction the file is
renamed into place. Behind nginx (``X-Storage-Accel: 1``) a read answers
``X-Accel-Redirect`` and nginx sends the file; directly, the service streams it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from aiohttp import web

from core.settings import Settings
from gateway.metrics import Metrics
from gateway.request_auth import RequestAuth
from gateway.storage import images, sniff
from gateway.storage.caller import AsCaller, authenticate, one
from gateway.storage.errors import StorageError, field
from gateway.storage.jobs_db import JobsDb
from gateway.storage.keeper import Keeper
from gateway.storage.tree import Placed, Tree
from gateway.storage.variants import Variants

logger = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
#: Seconds a DELETE waits for its files to go before it answers (they go anyway).
DELETE_WAIT_SECONDS = 5.0
OBJECT_ROUTE = "/storage/object/{bucket}/{path:.+}"
PUBLIC_ROUTE = "/storage/public/{bucket}/{path:.+}"
#: Content types of public files by extension (the extension matches the content:
#: storage_private.extension_allowed).
PUBLIC_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}
#: User content never runs as a page of the origin.
CONTENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
PUBLIC_CACHE = "public, max-age=86400"
PRIVATE_CACHE = "private, no-cache"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class StorageService:
    """The storage routes, the variant workers and the file keeper of one gateway."""

    def __init__(
        self,
        settings: Settings,
        *,
        authenticator_url: Callable[[], str | None],
        jobs_url: Callable[[], str | None],
        auth: RequestAuth,
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self._auth = auth
        self.tree = Tree(settings.storage_dir)
        self.as_caller = AsCaller(authenticator_url, settings.storage_db_pool)
        self.jobs = JobsDb(jobs_url)
        self.keeper = Keeper(
            self.jobs,
            jobs_url,
            self.tree,
            metrics,
            sweep_seconds=settings.storage_sweep_seconds,
            grace_seconds=settings.storage_orphan_grace_seconds,
        )
        # Pillow's threads, for uploads and variants alike: their number bounds the
        # images decoded at once, so memory stays bounded whatever the traffic.
        self.pillow = ThreadPoolExecutor(
            max_workers=settings.storage_variant_workers, thread_name_prefix="pillow"
        )
        self.variants = Variants(
            self.jobs,
            self.tree,
            metrics,
            self.pillow,
            workers=settings.storage_variant_workers,
            queue_size=settings.storage_variant_queue,
            max_pixels=settings.storage_max_pixels,
        )
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # --- life cycle -------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._answers])
        app.router.add_route("POST", OBJECT_ROUTE, self.upload)
        app.router.add_route("PUT", OBJECT_ROUTE, self.upload)
        app.router.add_get(OBJECT_ROUTE, self.download)
        app.router.add_route("DELETE", OBJECT_ROUTE, self.delete)
        app.router.add_get(PUBLIC_ROUTE, self.public)
        return app

    async def start(self) -> None:
        """Listen on the storage port and start the workers (raises OSError if the port
        is taken)."""
        self.tree.prepare()
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.gateway_host, self.settings.storage_port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        loops: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = [
            ("storage-keeper-listen", self.keeper.listen),
            ("storage-keeper", self.keeper.run),
            ("storage-variants-feed", self.variants.feed),
        ]
        loops += [
            (f"storage-variants-{i}", self.variants.work) for i in range(self.variants.workers)
        ]
        if self.settings.storage_sweep_seconds > 0:
            loops.append(("storage-sweep", self.keeper.sweeping))
        self._tasks = [asyncio.create_task(loop(), name=name) for name, loop in loops]
        self.variants.nudge()
        logger.info(
            "storage listening on %s (files in %s)", self.settings.storage_url, self.tree.root
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.pillow.shutdown(wait=False, cancel_futures=True)
        await self.as_caller.close()
        await self.jobs.close()

    def health(self) -> dict[str, Any]:
        return {
            "url": self.settings.storage_url,
            "dir": str(self.tree.root),
            "deletion_listener": self.keeper.listening,
            "variant_queue": self.variants.queue.qsize(),
            "variants_made": self.variants.made,
            "last_sweep": self.keeper.last_sweep or None,
        }

    @web.middleware
    async def _answers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.resource
        name = "none" if route is None else route.canonical
        try:
            response = await handler(request)
        except StorageError as exc:
            response = exc.response()
        except web.HTTPException as exc:
            response = StorageError(
                exc.status,
                "storage.no_route",
                f"{request.method} {request.path}: {exc.reason}; see docs/storage.md",
            ).response()
        except OSError as exc:
            logger.error("storage: %s %s: %s", request.method, request.path, exc)
            response = StorageError(
                503, "storage.unavailable", "the storage folder cannot be written; retry later"
            ).response()
        self.metrics.storage_requests.labels(name, str(response.status)).inc()
        return response

    # --- routes -----------------------------------------------------------------------

    async def upload(self, request: web.Request) -> web.Response:
        bucket, path = request.match_info["bucket"], request.match_info["path"]
        token = await authenticate(request, self._auth)
        head = await _read_head(request)
        content_type = sniff.content_type(head)
        async with self.as_caller.transaction(token, commit=True) as conn:
            object_id, max_bytes, _public, replacing = await one(
                conn,
                "select object_id, max_bytes, public, replacing"
                " from storage_private.begin_upload(%s, %s, %s, %s, %s)",
                (bucket, path, content_type, request.content_length, request.method == "PUT"),
            )
        temps = []
        placed: Placed | None = None
        try:
            received = await self.tree.receive(
                head,
                request.content.iter_chunked(CHUNK_BYTES),
                int(max_bytes),
                self.metrics.storage_bytes_received.inc,
            )
            temps.append(received.path)
            stored, size, sha256 = received.path, received.bytes, received.sha256
            width = height = None
            if content_type in sniff.IMAGE_TYPES:
                clean = self.tree.temp()
                temps.append(clean)
                facts = await asyncio.get_running_loop().run_in_executor(
                    self.pillow,
                    images.sanitize,
                    received.path,
                    clean,
                    content_type,
                    self.settings.storage_max_pixels,
                )
                stored, size, sha256 = clean, facts.bytes, facts.sha256
                width, height = facts.width, facts.height
            async with self.as_caller.transaction(token, commit=True) as conn:
                (row,) = await one(
                    conn,
                    "select storage_private.finish_upload(%s, %s, %s, %s, %s, %s)",
                    (object_id, size, content_type, sha256, width, height),
                )
                placed = self.tree.place(stored, str(row["file"]))
        except BaseException:
            if placed is not None:
                placed.undo()
            await self._abort(token, object_id)
            raise
        finally:
            for temp in temps:
                temp.unlink(missing_ok=True)
        assert placed is not None
        placed.done()
        if row["variants_status"] == "pending":
            self.variants.nudge()
        body = {k: v for k, v in row.items() if k != "file"}
        return web.json_response(
            body, status=200 if replacing else 201, headers={"Location": str(row["url"])}
        )

    async def _abort(self, token: Any, object_id: Any) -> None:
        """Drop the pending row of a failed upload (a replaced object's row stays)."""
        try:
            async with self.as_caller.transaction(token, commit=True) as conn:
                await conn.execute("select storage_private.abort_upload(%s)", (object_id,))
        except StorageError as exc:
            logger.warning("storage: could not drop pending upload %s: %s", object_id, exc.message)

    async def download(self, request: web.Request) -> web.StreamResponse:
        bucket, path = request.match_info["bucket"], request.match_info["path"]
        token = await authenticate(request, self._auth)
        async with self.as_caller.transaction(token, commit=False) as conn:
            _id, public, file, content_type, _size, sha256, _updated = await one(
                conn,
                "select object_id, public, file, content_type, size, sha256, updated_at"
                " from storage_private.authorize_read(%s, %s)",
                (bucket, path),
            )
        etag = f'"{sha256}"'
        headers = {
            **CONTENT_HEADERS,
            "Content-Type": str(content_type),
            "ETag": etag,
            "Cache-Control": PUBLIC_CACHE if public else PRIVATE_CACHE,
            "Content-Disposition": "inline"
            if str(content_type).startswith("image/")
            else "attachment",
        }
        if request.headers.get("X-Storage-Accel") == "1":
            prefix = "/storage/public/" if public else "/_storage_private/"
            headers["X-Accel-Redirect"] = prefix + quote(f"{bucket}/{path}", safe="/~")
            return web.Response(status=200, headers=headers)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        target = self.tree.file(str(file))
        if not target.is_file():
            logger.error("storage: %s is ready in SQL but missing from %s", file, self.tree.root)
            raise StorageError(
                404,
                "storage.file_missing",
                f"object {path} of bucket {bucket} has no file on disk",
                field("path"),
            )
        return web.FileResponse(target, chunk_size=CHUNK_BYTES, headers=headers)

    async def delete(self, request: web.Request) -> web.Response:
        bucket, path = request.match_info["bucket"], request.match_info["path"]
        token = await authenticate(request, self._auth)
        async with self.as_caller.transaction(token, commit=True) as conn:
            await one(conn, "select storage_private.delete_object(%s, %s)", (bucket, path))
        try:
            async with asyncio.timeout(DELETE_WAIT_SECONDS):
                await self.keeper.drain()
        except Exception as exc:  # the queue keeps them: the keeper's loop removes them later
            logger.warning("storage: files of %s/%s left for the keeper: %s", bucket, path, exc)
            self.keeper.nudge()
        return web.Response(status=204)

    async def public(self, request: web.Request) -> web.StreamResponse:
        bucket, path = request.match_info["bucket"], request.match_info["path"]
        target = self.tree.public_file(bucket, path)
        if target is None:
            raise StorageError(
                404, "storage.not_found", f"no public file {bucket}/{path}", field("path")
            )
        headers = {
            **CONTENT_HEADERS,
            "Cache-Control": PUBLIC_CACHE,
            "Content-Type": PUBLIC_TYPES.get(target.suffix.lower(), "application/octet-stream"),
        }
        return web.FileResponse(target, chunk_size=CHUNK_BYTES, headers=headers)


async def _read_head(request: web.Request) -> bytes:
    """Up to `sniff.HEAD_BYTES` of the body: enough to tell its type."""
    head = b""
    while len(head) < sniff.HEAD_BYTES:
        chunk = await request.content.read(sniff.HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head
