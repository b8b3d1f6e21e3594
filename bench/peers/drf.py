"""The Django + DRF peer: bench/peers/django_peer served by gunicorn from the peers' venv.

Django 5.2 and DRF over the same tables as unmanaged models, as its engineers would write
it for speed (see docs/benchmarks.md, "The Django + DRF peer"): nested serializers,
``select_related`` / ``prefetch_related`` (a list is 2 queries, an article page 3), the
visibility rule in the ORM, persistent connections with prepared statements, JSON only.
It connects as the database's owner (it sees every row; the ORM applies the rule) and
verifies our JWTs itself (PyJWT, HS256, the platform's secret).
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any
from urllib.parse import quote

from bench.peers import PEER_PYTHON, ROOT, Context, Fixtures, Request, Server, wait_http

NAME = "drf"
APP = ROOT / "bench" / "peers" / "django_peer"
#: Reads measured only here, each beside the read of READS it stands for: the search by
#: the ORM's own ranking (ts_rank; its ids may differ from ours, so it is its own row).
EXTRA_READS = {"search_common_orm": "search_common", "search_rare_orm": "search_rare"}

# The worker setup, chosen by a quick check on these 2 cores (docs/benchmarks.md, "The
# Django + DRF peer"): 3 sync workers. Serving the list or a page is ~4 ms of Python and
# under 1 ms in PostgreSQL, so three single-threaded processes already keep both cores
# busy; each takes the next connection only when it is free, so no request waits behind
# a busy process while another one idles. gthread 3 x 4 (2 x 8, 4 x 4 alike) pins every
# keep-alive connection to the process that accepted it and interleaves 4 requests on
# one GIL: at 50 connections its throughput was no better and its p99 3-6x worse
# (1.1-2.6 s against 0.30-0.51 s). 4, 5 (gunicorn's 2 x cores + 1) and 7 sync workers
# only added context switches and CPU per request.
WORKER_CLASS = "sync"
WORKERS = 3
THREADS = 1


def command(ctx: Context, worker_class: str, workers: int, threads: int) -> list[str]:
    return [
        str(PEER_PYTHON),
        "-m",
        "gunicorn",
        "peer_site.wsgi:application",
        "--bind",
        f"127.0.0.1:{ctx.port}",
        "--chdir",
        str(APP),
        "--worker-class",
        worker_class,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # Django and the app load once in the master and fork into the workers (shared
        # pages; no database connection exists before the fork).
        "--preload",
        # The workers' heartbeat files on tmpfs, never a disk write per request.
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - gunicorn's documented choice: heartbeats, no data
        # Only gthread keeps connections alive (sync closes each after its response).
        "--keep-alive",
        "30",
        "--error-logfile",
        str(ctx.log_dir / "bench-peers-drf.log"),
        "--log-level",
        "warning",
    ]


def environment(ctx: Context) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peer_site.settings",
        "DJANGO_PEER_DATABASE_URL": ctx.database_url,
        "DJANGO_PEER_JWT_SECRET": ctx.jwt_secret,
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def start(
    ctx: Context,
    worker_class: str = WORKER_CLASS,
    workers: int = WORKERS,
    threads: int = THREADS,
) -> Server:
    """gunicorn on ``ctx.port``, answering; its own process group (stopped as one)."""
    if not PEER_PYTHON.exists():
        raise SystemExit(f"{PEER_PYTHON} is missing: run `make bench-peers`")
    ctx.log_dir.mkdir(parents=True, exist_ok=True)
    log = (ctx.log_dir / "bench-peers-drf.out").open("ab")
    process = subprocess.Popen(
        command(ctx, worker_class, workers, threads),
        cwd=APP,
        env=environment(ctx),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    server = Server(NAME, f"http://127.0.0.1:{ctx.port}", process)
    try:
        wait_http(f"{server.url}/articles", proc=process)
    except BaseException:
        server.stop()
        raise
    return server


def request(read: str, fx: Fixtures) -> Request:
    reader = {"Authorization": f"Bearer {fx.reader_token}"}
    author = {"Authorization": f"Bearer {fx.author_token}"}
    searches = {
        "search_common": f"/search_articles?q={quote(fx.common)}",
        "search_rare": f"/search_articles?q={quote(fx.rare)}",
        "search_common_orm": f"/search?q={quote(fx.common)}",
        "search_rare_orm": f"/search?q={quote(fx.rare)}",
    }
    if read == "list":
        return Request("GET", "/articles")
    if read == "article":
        return Request("GET", f"/articles/{quote(fx.slug)}")
    if read in searches:
        return Request("GET", searches[read])
    if read == "drafts":
        return Request("GET", "/drafts", author)
    if read == "comment":
        body = json.dumps({"article_id": fx.article_id, "body": "A benchmark comment."})
        return Request("POST", "/comments", {**reader, "Content-Type": "application/json"}, body)
    raise ValueError(f"drf: no read {read!r}")


def ids(read: str, body: bytes) -> list[object]:
    answer: Any = json.loads(body)
    if read == "article":
        return [answer["id"], *(c["id"] for c in answer["comments"])]
    if read == "comment":
        return []
    return [row["id"] for row in answer]
