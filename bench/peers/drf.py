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

# The worker setup, chosen by a quick check on these 2 cores (docs/benchmarks.md): gthread,
# 3 processes of 4 threads. Django releases the GIL while it waits for PostgreSQL, so
# threads overlap a request's database time with another's Python; three processes keep
# both cores busy in Python (one GIL each) and one more covers the time a process spends
# in its GIL-bound serializers. 5 sync workers (gunicorn's 2 x cores + 1) wait idle during
# every query and close the connection after each response (no keep-alive). 2 x 8 threads
# queues on two GILs, more processes than 3 x 4 only add context switches and memory.
WORKER_CLASS = "gthread"
WORKERS = 3
THREADS = 4


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
