"""bench.publishing's measurements: SQL latency per role, wrk throughput through
PostgREST, search latency through PostgREST."""

from __future__ import annotations

import time
from collections.abc import Sequence

import httpx
import psycopg

from bench import wrk
from bench.publishing_queries import (
    PROFILE,
    READER_EMAIL,
    READER_PASSWORD,
    SMALL,
    Fixtures,
    endpoints,
    http_paths,
)
from bench.timing import MODES, Latency, Mode, sample
from ops.postgrest import Postgrest


def sql_latencies(url: str, f: Fixtures, samples: int) -> dict[str, dict[Mode, Latency]]:
    results: dict[str, dict[Mode, Latency]] = {}
    for endpoint in endpoints(f):
        print(f"  SQL {endpoint.name} ...", flush=True)
        results[endpoint.name] = sample(
            url,
            {mode: endpoint.for_mode(mode) for mode in MODES},
            endpoint.params,
            count=samples,
            reader_id=f.reader_id,
        )
    return results


def token(api: httpx.Client) -> str:
    body = {"email": READER_EMAIL, "password": READER_PASSWORD}
    response = api.post("/rpc/login", json=body)
    response.raise_for_status()
    return str(response.json()["access_token"])


def wait_idle(url: str, timeout_s: float = 120.0, user: str | None = "authenticator") -> None:
    """Let the previous run's queries finish (slow ones outlive wrk): those of ``user``
    (PostgREST's role), or of every client when None (the peers log in as others)."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                """select count(*) from pg_stat_activity
                    where datname = current_database() and state = 'active'
                      and backend_type = 'client backend' and pid <> pg_backend_pid()
                      and (%(user)s::name is null or usename = %(user)s::name)""",
                {"user": user},
            ).fetchone()
            if row is None or row[0] == 0:
                return
            time.sleep(0.25)


def throughput(
    server: Postgrest, url: str, f: Fixtures, duration: int, connections: int, rounds: int
) -> dict[str, dict[str, wrk.WrkResult]]:
    """wrk on every path, ``rounds`` times in turn; per path, the round of median req/s.

    Interleaving the paths and keeping the median keeps a few seconds of noise on a
    shared machine out of the ratios: one pass had the same list at 0.67x and 0.84x.
    """
    runs: dict[str, dict[str, list[wrk.WrkResult]]] = {}
    with httpx.Client(base_url=server.url, timeout=30, headers=PROFILE) as api:
        paths = http_paths(f)
        for name, path in paths.items():
            check = api.get(path)
            if check.status_code != 200 or check.json() == []:
                raise SystemExit(
                    f"{name}: GET {path} answered {check.status_code} {check.text[:200]}"
                )
        for round_no in range(1, rounds + 1):
            for name, path in paths.items():
                for who in ("anon", "reader"):
                    if name == SMALL and who == "reader":
                        continue
                    print(f"  wrk round {round_no}/{rounds}: {name} as {who} ...", flush=True)
                    wait_idle(url)
                    headers = dict(PROFILE)
                    if who == "reader":
                        headers["Authorization"] = f"Bearer {token(api)}"
                    result = wrk.run(
                        server.url + path, headers=headers, duration_s=duration,
                        connections=connections,
                    )  # fmt: skip
                    runs.setdefault(name, {}).setdefault(who, []).append(result)
    return {
        name: {
            who: sorted(results, key=lambda r: r.requests_per_second)[len(results) // 2]
            for who, results in by_who.items()
        }
        for name, by_who in runs.items()
    }


def http_search_latency(server: Postgrest, words: Sequence[str], count: int) -> Latency:
    timings: list[float] = []
    with httpx.Client(base_url=server.url, timeout=30, headers=PROFILE) as api:
        for i in range(-5, count):
            started = time.perf_counter()
            response = api.get("/rpc/search_articles", params={"q": words[i % len(words)]})
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if i >= 0:
                timings.append(elapsed)
    return Latency(tuple(timings))
