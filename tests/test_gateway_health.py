"""The gateway process as `inv up` runs it: health, metrics and the WebSocket route."""

from __future__ import annotations

import httpx

from tests.fix_postgrest import API_DB
from tests.gateway_process import Client, gateway


def test_healthz_reports_postgres_realtime_and_scheduler(api_db_url: str) -> None:
    # Thresholds that what other tests leave in the shared database cannot cross.
    loose = {"PLATFORM_MONITOR_MAX_DEAD_TUPLES_RATIO": "1", "PLATFORM_MONITOR_MIN_CACHE_HIT": "0"}
    with gateway(API_DB, {"PLATFORM_SCHEDULER_TICK": "5", **loose}) as gw:
        health = httpx.get(gw.url + "/healthz", timeout=5)
        assert health.status_code == 200
        body = health.json()
        assert {k: body[k] for k in ("status", "postgres")} == {"status": "ok", "postgres": True}
        assert set(body) == {
            "status", "reasons", "postgres", "realtime", "scheduler", "monitoring", "storage"
        }  # fmt: skip
        assert body["storage"]["url"] == gw.storage_url
        assert body["reasons"] == [], "a healthy gateway gives no reason"
        assert body["monitoring"]["ok"] is True, "the statistics were read and cross no threshold"
        assert body["monitoring"]["statements"] == "available", "the test cluster preloads it"
        assert body["realtime"]["listening"] is True, "the LISTEN connection is up"
        assert body["realtime"]["ok"] is True
        assert set(body["scheduler"]) == {"enabled", "last_tick_ok", "last_tick_at"}
        assert body["scheduler"]["enabled"] is True
        missing = httpx.get(gw.url + "/nowhere", timeout=5)
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"
        with Client.open(gw.realtime_url) as client:
            client.ws.send("hello")
            assert client.recv()["code"] == "invalid_message", "the WebSocket route answers"


def test_metrics_are_prometheus_text(api_db_url: str) -> None:
    with gateway(API_DB) as gw, Client.open(gw.realtime_url) as client:
        client.subscribe("publishing:articles")
        response = httpx.get(gw.url + "/metrics", timeout=5)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        for name in (
            "realtime_connections",
            "realtime_subscriptions",
            "realtime_events_read_total",
            "realtime_messages_sent_total",
            "realtime_commit_to_send_seconds_bucket",
            "realtime_resyncs_total",
            "realtime_overflow_disconnects_total",
            "realtime_listener_up",
        ):
            assert name in text, f"/metrics exposes {name}"
        assert 'realtime_connections{identity="anonymous"} 1.0' in text
        assert 'realtime_subscriptions{pattern="publishing:articles"} 1.0' in text


def test_healthz_is_degraded_when_the_database_is_unreachable(api_db_url: str) -> None:
    with gateway("no_such_database", {"PLATFORM_SCHEDULER_TICK": "5"}, wait_realtime=False) as gw:
        health = httpx.get(gw.url + "/healthz", timeout=10)
        assert health.status_code == 503
        body = health.json()
        assert {k: body[k] for k in ("status", "postgres")} == {
            "status": "degraded",
            "postgres": False,
        }
        assert body["realtime"]["listening"] is False
        assert {r["check"] for r in body["reasons"]} >= {"postgres"}, "the reason is named"
        assert body["scheduler"]["last_tick_ok"] is False, "no tick succeeds without a database"
