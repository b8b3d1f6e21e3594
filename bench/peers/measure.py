"""One timed run of one read against one system: wrk for the figures, /proc for the CPU
the server and the database spent on it and for the server's memory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench import wrk
from bench.cpu import descendants, process_seconds, rss_kib
from bench.peers import Request


@dataclass(frozen=True)
class Run:
    result: wrk.WrkResult
    server_cpu_ms: float  # per request
    db_cpu_ms: float | None  # per request (None: the cluster is not ours to read)
    rss_mb: float  # the server's processes, summed, at the end of the run

    @property
    def rps(self) -> float:
        return self.result.requests_per_second


def cluster_pids(pgdata: Path | None) -> list[int]:
    """The embedded cluster's processes (postmaster and backends), if it is ours."""
    if pgdata is None:
        return []
    try:
        postmaster = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return []
    return [postmaster, *descendants(postmaster)]


def _cpu(pids: list[int]) -> dict[int, float]:
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            seconds[pid] = process_seconds(pid)
        except (OSError, IndexError):
            continue
    return seconds


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings; a process born in between counts from zero."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def rss_mb(pids: list[int]) -> float:
    return sum(rss_kib(pid) for pid in pids) / 1024


def timed(
    base_url: str,
    request: Request,
    server_pids: list[int],
    pgdata: Path | None,
    *,
    duration_s: int,
    connections: int,
) -> Run:
    db_before = _cpu(cluster_pids(pgdata))
    server_before = _cpu(server_pids)
    result = wrk.run(
        base_url + request.path,
        headers=request.headers,
        method=request.method,
        body=request.body,
        duration_s=duration_s,
        connections=connections,
    )
    server_after = _cpu(server_pids)
    db_after = _cpu(cluster_pids(pgdata))
    done = max(result.requests, 1)
    return Run(
        result=result,
        server_cpu_ms=_spent(server_before, server_after) * 1000 / done,
        db_cpu_ms=_spent(db_before, db_after) * 1000 / done if pgdata else None,
        rss_mb=rss_mb(server_pids),
    )
