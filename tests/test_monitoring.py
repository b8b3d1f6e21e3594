"""Monitoring with the real gateway on a real database: /metrics, /healthz, monitor.report.

Each test gets a fresh clone of the deployed template, so the statistics it reads are
its own: a table with dead tuples, a never-used index, a statement with a name of its
own, a transaction held open. Per-table counters reach the shared statistics when a
backend ends (or after up to 10 s idle), so the work is done on connections that close.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from core.errors import SettingsError
from core.settings import Settings
from gateway.monitor import Monitor
from gateway.pg_metrics import PostgresCollector
from ops import database, monitoring, sqitch, thresholds
from ops.cluster import PRELOAD, Cluster
from tests.fix_cluster import SECRETS, SERVER, SETTINGS, scratch_cluster
from tests.gateway_process import GatewayProcess, gateway
from tests.test_ops_tasks import inv

T = TypeVar("T")
Conn = psycopg.Connection[tuple[Any, ...]]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

#: Read the statistics on every request, and count small things as large.
ENV = {
    "PLATFORM_MONITOR_CACHE_SECONDS": "0",
    "PLATFORM_MONITOR_LARGE_TABLE_ROWS": "1000",
    "PLATFORM_MONITOR_UNUSED_INDEX_MIN_BYTES": "0",
    "PLATFORM_MONITOR_TOP_STATEMENTS": "200",
}

#: 20,000 rows, 8,000 of them deleted (autovacuum off: they stay dead), analyzed; an
#: index nobody uses; twelve whole-table scans; a statement with a distinctive alias.
CHURN = """
create table public.churn (id bigint primary key, n integer not null, note text)
  with (autovacuum_enabled = false);
insert into public.churn select g, g % 10, 'note ' || g from generate_series(1, 20000) g;
create index churn_note_idx on public.churn (note);
delete from public.churn where id % 5 < 2;
analyze public.churn;
"""
SEQ_SCAN = "select count(*) from public.churn where n = 3"
#: Its own statement: pg_stat_statements ignores column aliases but not a CTE's name.
PROBE = (
    "with monitoring_probe as (select count(*) from public.churn where n = 4)"
    " table monitoring_probe"
)


def churn(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(CHURN)
        for _ in range(12):
            conn.execute(SEQ_SCAN)
        for _ in range(3):
            conn.execute(PROBE)


def scrape(gw: GatewayProcess) -> Samples:
    response = httpx.get(gw.url + "/metrics", timeout=10)
    assert response.status_code == 200
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def health(gw: GatewayProcess) -> tuple[int, dict[str, Any]]:
    response = httpx.get(gw.url + "/healthz", timeout=10)
    return response.status_code, response.json()


def wait_for(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 20) -> T:
    deadline = time.monotonic() + timeout
    while True:
        got = read()
        if done(got) or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


@pytest.fixture
def db(platform_db: Conn) -> tuple[str, str]:
    """The clone's name and a superuser URL to it."""
    name = platform_db.info.dbname
    return name, SERVER.url(name)


def test_metrics_cover_connections_sizes_tables_indexes_and_statements(
    db: tuple[str, str],
) -> None:
    name, url = db
    churn(url)
    table = {"schemaname": "public", "relname": "churn"}
    with gateway(name, ENV) as gw, psycopg.connect(url) as idle:
        idle.execute("select 1")  # a transaction left open: idle in transaction
        samples = wait_for(
            lambda: scrape(gw),
            lambda s: value(s, "pg_stat_user_tables_n_dead_tup", **table) == 8000,
        )
        assert value(samples, "pg_up") == 1
        assert value(samples, "pg_stat_user_tables_n_dead_tup", **table) == 8000, (
            "the 8,000 deleted rows are dead tuples of public.churn"
        )
        assert value(samples, "pg_stat_user_tables_n_live_tup", **table) == 12000
        size = value(samples, "pg_table_size_bytes", **table)
        assert size is not None
        assert size > 20000 * 20, "the table's size includes its rows"
        bloat = value(samples, "pg_table_bloat_ratio", **table)
        assert bloat is not None
        assert 0.25 < bloat < 0.6, (
            f"40 % of the rows are dead and not vacuumed: bloat estimated at {bloat}"
        )
        assert value(samples, "pg_stat_activity_count", state="idle in transaction") == 1, (
            "the session left in a transaction shows as idle in transaction"
        )
        tx_age = value(samples, "pg_stat_activity_max_tx_duration_seconds")
        assert tx_age is not None
        assert tx_age > 0
        unused = value(samples, "pg_index_unused_bytes", **table, indexrelname="churn_note_idx")
        assert unused is not None
        assert unused > 8192, "the never-scanned index is listed with its size"
        assert not any(
            n == "pg_index_unused_bytes" and ("indexrelname", "churn_pkey") in labels
            for n, labels in samples
        ), "a primary key is never reported as unused"
        seq_scans = value(samples, "pg_stat_user_tables_seq_scan_total", **table)
        assert seq_scans is not None
        assert seq_scans >= 12 + 3
        assert value(samples, "pg_table_missing_index_hint", **table) == 1, (
            "twelve whole-table scans of a large table hint at a missing index"
        )
        probes = [
            (labels, v)
            for (n, labels), v in samples.items()
            if n == "pg_stat_statements_calls_total" and "monitoring_probe" in dict(labels)["query"]
        ]
        assert len(probes) == 1, "the distinctive statement is among the top statements, once"
        assert probes[0][1] == 3, "with its three calls"
        assert dict(probes[0][0])["queryid"].lstrip("-").isdigit()
        assert value(samples, "pg_stat_statements_available", status="available") == 1
        assert value(samples, "pg_stat_archiver_enabled", mode="off") == 0
        assert value(samples, "pg_replication_is_replica") == 0
        db_size = value(samples, "pg_database_size_bytes")
        assert db_size is not None
        assert db_size > 1 << 20

        commits = value(samples, "pg_stat_database_xact_commit_total") or 0
        with psycopg.connect(url, autocommit=True) as conn:
            for _ in range(5):
                conn.execute("select 1")
        after = wait_for(
            lambda: scrape(gw),
            lambda s: (value(s, "pg_stat_database_xact_commit_total") or 0) >= commits + 5,
        )
        assert (value(after, "pg_stat_database_xact_commit_total") or 0) >= commits + 5, (
            "commits are counted"
        )
        idle.rollback()
        released = wait_for(
            lambda: scrape(gw),
            lambda s: value(s, "pg_stat_activity_count", state="idle in transaction") == 0,
        )
        assert value(released, "pg_stat_activity_count", state="idle in transaction") == 0


def test_healthz_is_degraded_while_a_transaction_stays_open_too_long(
    db: tuple[str, str],
) -> None:
    name, url = db
    env = {**ENV, "PLATFORM_MONITOR_MAX_TRANSACTION_AGE": "1"}
    with gateway(name, env) as gw:
        code, body = health(gw)
        assert (code, body["status"], body["reasons"]) == (200, "ok", [])
        with psycopg.connect(url) as holder:
            holder.execute("select 1")
            pid = holder.info.backend_pid
            code, body = wait_for(lambda: health(gw), lambda h: h[1]["status"] == "degraded")
            assert code == 200, "degraded by a threshold is still 200: the gateway serves"
            assert body["postgres"] is True
            assert body["monitoring"]["ok"] is False
            [reason] = body["reasons"]
            assert reason["check"] == "transaction_age"
            assert f"pid {pid}" in reason["message"], "the reason names the session"
            assert "idle in transaction" in reason["message"]
            assert "PLATFORM_MONITOR_MAX_TRANSACTION_AGE=1" in reason["message"]
            assert reason["value"] > 1
            assert reason["limit"] == 1
            holder.rollback()
            code, body = wait_for(lambda: health(gw), lambda h: h[1]["status"] == "ok")
            assert (code, body["status"], body["reasons"]) == (200, "ok", []), (
                "healthy again once the transaction ends"
            )


def test_healthz_names_the_table_with_too_many_dead_tuples_until_it_is_vacuumed(
    db: tuple[str, str],
) -> None:
    name, url = db
    churn(url)
    env = {**ENV, "PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO": "0.3"}
    with gateway(name, env) as gw:
        code, body = wait_for(lambda: health(gw), lambda h: h[1]["status"] == "degraded")
        assert code == 200
        assert [r["check"] for r in body["reasons"]] == ["dead_tuples"]
        assert "public.churn has 8,000 dead tuples (40%" in body["reasons"][0]["message"]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("vacuum public.churn")
        code, body = wait_for(lambda: health(gw), lambda h: h[1]["status"] == "ok")
        assert body["reasons"] == [], "vacuumed, the table is no longer a reason"


def test_concurrent_scrapes_share_one_reading_of_the_database(db: tuple[str, str]) -> None:
    name, _ = db
    with gateway(name, {"PLATFORM_MONITOR_CACHE_SECONDS": "30"}) as gw:
        with ThreadPoolExecutor(8) as pool:
            batches = list(pool.map(lambda _: scrape(gw), range(16)))
        durations = {value(s, "pg_monitor_read_duration_seconds") for s in batches}
        assert len(durations) == 1, "one reading served every concurrent scrape within the TTL"
        assert all(value(s, "pg_up") == 1 for s in batches)
        started = time.perf_counter()
        scrape(gw)
        assert time.perf_counter() - started < 0.2, "a cached scrape never waits for the database"


def test_monitor_report_prints_every_section_and_writes_html(
    db: tuple[str, str], tmp_path: Path
) -> None:
    name, url = db
    churn(url)
    page = tmp_path / "report.html"
    done = inv("monitor.report", "--html", str(page), db_name=name, extra_env=ENV)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for title in (
        "== Health",
        "== Database",
        "== Connections",
        "== Slow statements",
        "== Largest tables",
        "== Unused indexes",
        "== Missing-index hints",
        "== Bloat",
        "== Vacuum",
        "== Replication and archiving",
        "== Backup status",
    ):
        assert title in out, f"the report has a section {title!r}"
    assert "monitoring_probe" in out, "the distinctive statement is listed with its times"
    assert "public.churn_note_idx" in out, "the unused index is listed"
    assert "no good backup found" in out, "no backup of this database was taken"
    assert "WAL archiving: off" in out
    hints = out.split("== Missing-index hints")[1].split("== ")[0]
    assert "public.churn" in hints, "the table read whole twelve times gets a hint"
    bloat = out.split("== Bloat")[1].split("== ")[0]
    assert "public.churn" in bloat
    text = page.read_text()
    assert text.startswith("<!doctype html>")
    assert text.count("<svg") >= 3, "bars for statements, table sizes and dead tuples"
    assert "monitoring_probe" in text
    for external in ("<script", "src=", "href=", "http://", "https://", "@import"):
        assert external not in text, f"the page is self-contained (found {external!r})"


def test_monitoring_thresholds_are_checked_and_named_when_wrong() -> None:
    assert Settings.from_env({}).monitor_max_transaction_age == 300
    assert Settings.from_env({}).monitor_top_statements == 20
    for variable, wrong in (
        ("PLATFORM_MONITOR_MAX_CONNECTIONS_USED", "1.5"),
        ("PLATFORM_MONITOR_MIN_CACHE_HIT", "-0.1"),
        ("PLATFORM_MONITOR_MAX_TRANSACTION_AGE", "0"),
        ("PLATFORM_MONITOR_TOP_STATEMENTS", "many"),
        ("PLATFORM_MONITOR_CACHE_SECONDS", "-1"),
    ):
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env({variable: wrong})


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[tuple[Cluster, str]]:
    """A second cluster with the plan deployed, started without preloading anything; tests
    restart it with other settings."""
    with scratch_cluster(
        "monitoring-cluster", {"fsync": False, "synchronous_commit": False}
    ) as cluster:
        cluster.create_database("plain")
        url = cluster.url("plain")
        sqitch.deploy(url, echo=False)
        database.configure(url, SECRETS)
        yield cluster, url


def read(url: str, settings: Settings = SETTINGS) -> monitoring.Snapshot:
    """One snapshot exactly as the gateway reads it (platform_jobs, set role)."""
    with monitoring.connect(database.jobs_url(url, SECRETS), 2.0) as conn:
        return monitoring.fetch(conn, monitoring.limits_from(settings))


def restart(cluster: Cluster, **changes: Any) -> Cluster:
    cluster.stop()
    changed = replace(cluster, **changes)
    changed.start()
    return changed


def test_without_pg_stat_statements_preloaded_the_metrics_say_so_until_a_restart(
    own_cluster: tuple[Cluster, str],
) -> None:
    """A server that does not preload the library (an external DATABASE_URL, a cluster not
    yet restarted): every other figure is read, the statements say why they are missing."""
    cluster, url = own_cluster
    cluster = restart(cluster, shared_preload_libraries=())
    snapshot = read(url)
    assert snapshot.statements_status == "not preloaded"
    assert snapshot.statements == []
    assert snapshot.database.database_name == "plain", "the rest is read as usual"
    monitor = Monitor(SETTINGS, lambda: None)
    monitor.snapshot = snapshot
    registry = CollectorRegistry()
    registry.register(PostgresCollector(monitor))
    text = generate_latest(registry).decode()
    assert 'pg_stat_statements_available{status="not preloaded"} 0.0' in text
    assert "pg_stat_statements_calls_total{" not in text
    assert "pg_up 1.0" in text

    preloading = replace(cluster, shared_preload_libraries=PRELOAD)
    assert preloading.pending_restart() == ["shared_preload_libraries"], (
        "a running cluster says the new preload list waits for a restart (inv up warns)"
    )
    preloading = restart(preloading)
    assert read(url).statements_status == "available", "restarted, the cluster preloads it"
    assert preloading.pending_restart() == []


def test_a_failing_wal_archive_degrades_health_and_shows_in_the_metrics(
    own_cluster: tuple[Cluster, str],
) -> None:
    cluster, url = own_cluster
    options = {**cluster.options, "archive_mode": True, "archive_command": "/bin/false"}
    restart(cluster, options=options)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.wal_filler (n int)")
        for _ in range(2):  # two WAL files to archive
            conn.execute("insert into public.wal_filler select generate_series(1, 1000)")
            conn.execute("select pg_switch_wal()")
    snapshot = wait_for(lambda: read(url), lambda s: s.archiver.failed_count > 0)
    arch = snapshot.archiver
    assert arch.enabled
    assert arch.failing, "the last archive attempt failed"
    assert arch.failed_count > 0
    assert arch.pending_wal_files >= 2, "the WAL files wait in archive_status as .ready"
    settings = replace(SETTINGS, monitor_max_archive_pending=1)
    checks = {b.check for b in thresholds.breaches(snapshot, settings)}
    assert {"archive_failing", "archive_pending"} <= checks
    monitor = Monitor(SETTINGS, lambda: None)
    monitor.snapshot = snapshot
    registry = CollectorRegistry()
    registry.register(PostgresCollector(monitor))
    text = generate_latest(registry).decode()
    assert 'pg_stat_archiver_enabled{mode="on"} 1.0' in text
    assert "pg_stat_archiver_failing 1.0" in text
    restart(cluster)  # archiving off again
