"""The gateway's Prometheus metrics, on one registry served at ``GET /metrics``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: Seconds from the event's transaction to the write to the socket.
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """Every metric of one gateway process; tests build their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.connections = Gauge(
            "realtime_connections", "Open WebSocket connections.", ["identity"], registry=r
        )
        self.open_connections = Gauge(
            "realtime_open_connections",
            "Connections counted against the caps (open, or in their handshake).", registry=r,
        )  # fmt: skip
        self.refusals = Counter(
            "realtime_connection_refusals",
            "Upgrades refused by a connection cap, by cap (total, per_address).", ["reason"],
            registry=r,
        )  # fmt: skip
        self.subscriptions = Gauge(
            "realtime_subscriptions", "Live subscriptions per topic pattern.", ["pattern"],
            registry=r,
        )  # fmt: skip
        self.events_read = Counter(
            "realtime_events_read", "Events read from the outbox.", registry=r
        )
        self.messages_sent = Counter(
            "realtime_messages_sent", "Event messages written to clients (live and replayed).",
            ["kind"], registry=r,
        )  # fmt: skip
        self.commit_to_send = Histogram(
            "realtime_commit_to_send_seconds",
            "From the event's transaction (outbox created_at) to its first write to a client.",
            buckets=LAG_BUCKETS, registry=r,
        )  # fmt: skip
        self.resyncs = Counter(
            "realtime_resyncs", "Resync messages sent, by reason.", ["reason"], registry=r
        )
        self.drops = Counter(
            "realtime_overflow_disconnects",
            "Clients disconnected because their send buffer overflowed.", registry=r,
        )  # fmt: skip
        self.closes = Counter(
            "realtime_server_closes", "Connections the server closed, by reason.", ["reason"],
            registry=r,
        )  # fmt: skip
        self.errors = Counter(
            "realtime_client_errors", "Error messages sent to clients, by code.", ["code"],
            registry=r,
        )  # fmt: skip
        self.position = Gauge("realtime_position", "Seq of the last event dispatched.", registry=r)
        self.listener_up = Gauge(
            "realtime_listener_up", "1 while the LISTEN connection is open.", registry=r
        )
        self.pending_events = Gauge(
            "realtime_pending_events", "Sequenced events not yet dispatched (last read).",
            registry=r,
        )  # fmt: skip

        self.backup_age = Gauge(
            "backup_last_good_age_seconds",
            "Seconds since the newest good (verified) backup of each kind finished.",
            ["kind"], registry=r,
        )  # fmt: skip
        self.backup_timestamp = Gauge(
            "backup_last_good_timestamp_seconds",
            "When the newest good backup of each kind finished (Unix time).",
            ["kind"], registry=r,
        )  # fmt: skip
        self.backup_runs = Counter(
            "backup_scheduled_runs", "Backups the gateway's schedule took, by outcome.",
            ["kind", "outcome"], registry=r,
        )  # fmt: skip

        self.storage_requests = Counter(
            "storage_requests", "Storage requests answered, by route and status.",
            ["route", "status"], registry=r,
        )  # fmt: skip
        self.storage_bytes_received = Counter(
            "storage_bytes_received", "Bytes of upload bodies streamed to disk.", registry=r
        )
        self.storage_variant_seconds = Histogram(
            "storage_variant_seconds", "Seconds to make one image's variants (in a worker thread).",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), registry=r,
        )  # fmt: skip
        self.storage_variant_queue = Gauge(
            "storage_variant_queue", "Images waiting in the gateway for their variants.", registry=r
        )
        self.storage_files_removed = Counter(
            "storage_files_removed", "Files removed from the storage folder, by reason.",
            ["reason"], registry=r,
        )  # fmt: skip

    def render(self) -> bytes:
        return generate_latest(self.registry)
