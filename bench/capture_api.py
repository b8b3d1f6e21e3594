"""The API write of `bench.capture`: one POST of one row through PostgREST.

For each deploy, a private PostgREST (`bench.private_postgrest`), the real gateway (it
builds and reads the events, as in production: its work shares the cores, and while it
holds a poll lease the writers skip NOTIFY) and a registered user; then wrk
(`bench/capture_post.lua`, a closed loop of ``connections`` connections, each POSTing one
new row per request) on ``/rows`` (audited and published on two topics, with a describe
function) and on ``/plain`` (the same table without either), in interleaved rounds of
``seconds`` each. Rows stay (nothing is rolled back), as an API's would.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack

import httpx

from bench import private_postgrest, processes, wrk
from bench.auth import median
from core.paths import PROJECT_ROOT
from core.settings import Settings
from ops.postgrest import Postgrest

logger = logging.getLogger(__name__)

SCRIPT = PROJECT_ROOT / "bench" / "capture_post.lua"
TABLES = ("plain", "rows")
TARGET = 0.8
#: The tables live in schema bench (registered as module bench), not PostgREST's first schema.
PROFILE = {"Content-Profile": "bench"}

#: deploy label -> table -> one result per round
Results = dict[str, dict[str, list[wrk.WrkResult]]]


def token(server: Postgrest, email: str) -> str:
    body = {"email": email, "password": "correct horse battery", "username": email.split("@")[0]}
    with httpx.Client(base_url=server.url, timeout=30) as api:
        response = api.post("/rpc/register", json=body)
        response.raise_for_status()
        access = str(response.json()["access_token"])
        # One request per table first: PostgREST's and the triggers' first-use costs.
        headers = {**PROFILE, "Authorization": f"Bearer {access}"}
        for table in TABLES:
            warm = api.post(f"/{table}", json={"shard": 0, "body": "warm-up"}, headers=headers)
            warm.raise_for_status()
    return access


def measure(
    settings: Settings, deploys: Sequence[tuple[str, str]], *, seconds: int, rounds: int,
    connections: int,
) -> Results:  # fmt: skip
    """wrk on POST /plain and POST /rows of every deploy, ``rounds`` times in turn."""
    servers: dict[str, Postgrest] = {}
    results: Results = {label: {table: [] for table in TABLES} for label, _ in deploys}
    with ExitStack() as gateways:
        for _, url in deploys:
            gateways.enter_context(processes.gateway(url.rsplit("/", 1)[1]))
        _measure(settings, deploys, servers, results, seconds=seconds, rounds=rounds,
                 connections=connections)  # fmt: skip
    return results


def _measure(
    settings: Settings, deploys: Sequence[tuple[str, str]], servers: dict[str, Postgrest],
    results: Results, *, seconds: int, rounds: int, connections: int,
) -> None:  # fmt: skip
    try:
        tokens = {}
        for number, (label, url) in enumerate(deploys):
            servers[label] = private_postgrest.start(settings, url, f"bench-capture-{number}")
            tokens[label] = token(servers[label], f"capture{number}@example.test")
        for round_no in range(1, rounds + 1):
            print(f"  API round {round_no}/{rounds} ...", flush=True)
            for label, _ in deploys:
                auth = {**PROFILE, "Authorization": f"Bearer {tokens[label]}"}
                for table in TABLES:
                    result = wrk.run(f"{servers[label].url}/{table}", headers=auth,
                                     connections=connections, duration_s=seconds,
                                     script=SCRIPT)  # fmt: skip
                    if result.non_2xx:
                        logger.warning("%s /%s: %d non-2xx answers", label, table, result.non_2xx)
                    results[label][table].append(result)
    finally:
        for server in servers.values():
            server.stop()


def report(results: Results, rounds: int) -> None:
    print(f"\n=== one POST of one row through PostgREST, median of {rounds} rounds ===")
    for label, tables in results.items():
        print(f"\n{label}")
        plain, captured = median(tables["plain"]), median(tables["rows"])
        print(plain.line("  POST /plain (no audit, no events)"))
        print(captured.line("  POST /rows (audit and events)"))
        ratio = captured.requests_per_second / plain.requests_per_second
        print(f"  ratio /rows : /plain = {ratio:.2f}  (target >= {TARGET})"
              f"  {'OK' if ratio >= TARGET else 'BELOW TARGET'}")  # fmt: skip
