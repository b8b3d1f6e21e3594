"""The peers bench.peers measures the platform against, side by side on the same rows.

Each system (ours: PostgREST; Django + DRF; PostGraphile 5) is a module of this package
with the same three things:

* ``start(ctx: Context) -> Server``: start it on ``ctx.port`` (loopback) over the bench
  database, wait until it answers, return its processes;
* ``request(read: str, fx: Fixtures) -> Request``: the HTTP request that performs one of
  the reads of :data:`READS` (or the write :data:`WRITE`) the way that system's client would;
* ``ids(read: str, body: bytes) -> list[object]``: the ids its answer holds, in order, so
  that the runner can check before timing that every system returns the same rows.

The peers are installed by ``bench/peers/install.sh`` (``make bench-peers``) into
``.tools/peers``; never by ``make up`` or ``make test``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.cpu import descendants

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools" / "peers"
PEER_PYTHON = TOOLS / "venv" / "bin" / "python"

#: The reads every system serves, by name:
#: list     -- the 20 newest visible articles, each with author {username, display_name},
#:             category {name, slug} and tags [{name, slug}]; ids: the 20 article ids.
#: article  -- one article by slug (fx.slug) with its columns (never the search vector),
#:             author, category, tags and its approved comments oldest first
#:             (id, parent_id, depth, body, created_at); ids: article id, then comment ids.
#: search_common, search_rare -- publishing.search_articles(q) for fx.common / fx.rare;
#:             ids: the result's article ids in rank order.
#: drafts   -- a signed-in author's own drafts (fx.author_token), newest updated first,
#:             20; ids: the article ids.
READS = ("list", "article", "search_common", "search_rare", "drafts")
#: comment  -- a signed-in reader (fx.reader_token) posts a comment on fx.article_id;
#:             ids: [] (the runner checks the comment landed instead).
WRITE = "comment"


@dataclass(frozen=True)
class Fixtures:
    slug: str  # the visible article with the most comments
    article_id: int  # its id (the write comments on it)
    common: str  # a word in 10-40 % of the articles
    rare: str  # a word in a handful
    author_id: str  # an author with drafts
    author_token: str  # their access token (our JWT, same secret for every peer)
    reader_id: str
    reader_token: str
    author_email: str = ""  # to sign the author in again (tokens expire)


@dataclass(frozen=True)
class Context:
    database_url: str  # superuser URL of the bench database (owner of every object)
    authenticator_url: str  # PostgREST's login role: NOINHERIT, switches to anon/authenticated
    jwt_secret: str
    port: int
    log_dir: Path


@dataclass(frozen=True)
class Request:
    method: str  # GET or POST
    path: str  # path and query string on the server's base URL
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None  # JSON text


@dataclass
class Server:
    name: str
    url: str  # http://127.0.0.1:<port>
    process: subprocess.Popen[bytes]
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def pids(self) -> list[int]:
        """The server's processes now: the main one, its children (workers), extras."""
        roots = [self.process.pid, *(p.pid for p in self.extra)]
        found: list[int] = []
        for root in roots:
            found += [root, *descendants(root)]
        return found

    def stop(self, timeout: float = 10.0) -> None:
        for proc in [self.process, *self.extra]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM) if _leads_group(proc) else proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in [self.process, *self.extra]:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _leads_group(proc: subprocess.Popen[bytes]) -> bool:
    try:
        return os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return False


def wait_http(
    url: str, timeout_s: float = 60.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait until ``url`` answers any HTTP status (or fail, naming the log to read)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {proc.returncode}; see its log")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout_s:.0f} s; see its log")
