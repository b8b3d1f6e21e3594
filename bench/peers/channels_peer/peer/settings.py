"""Settings of the Channels peer, all from the environment `bench.peers.channels` sets.

PEER_DATABASE_URL  the bench database (postgresql://user:password@host:port/name)
PEER_JWT_SECRET    the platform's JWT secret (HS256 tokens signed by api.login)
PEER_REDIS_URL     the private redis-server the bench started (redis://127.0.0.1:port)
PEER_CHANNEL_LAYER pubsub (RedisPubSubChannelLayer, default) or core (RedisChannelLayer)
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

SECRET_KEY = os.environ.get("PEER_DJANGO_SECRET_KEY", "bench-only, no sessions or forms")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
INSTALLED_APPS = ["ticks.apps.TicksConfig"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "peer.urls"
ASGI_APPLICATION = "peer.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

JWT_SECRET = os.environ.get("PEER_JWT_SECRET", "")


def _database(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        # Persistent connection; the tick table lives in the bench schema.
        "CONN_MAX_AGE": None,
        "OPTIONS": {"options": "-c search_path=bench,public"},
    }


DATABASES = {"default": _database(os.environ.get("PEER_DATABASE_URL", "postgresql:///bench"))}

_LAYERS = {
    # One PUBLISH per group_send; each server process subscribes once per group and
    # hands the message to its local consumers.
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    # The classic layer: group_send writes one message per member channel into redis.
    "core": "channels_redis.core.RedisChannelLayer",
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _LAYERS[os.environ.get("PEER_CHANNEL_LAYER", "pubsub")],
        "CONFIG": {"hosts": [os.environ.get("PEER_REDIS_URL", "redis://127.0.0.1:6379")]},
    }
}
if os.environ.get("PEER_CHANNEL_LAYER", "pubsub") == "core":
    CHANNEL_LAYERS["default"]["CONFIG"] = {
        # redis-py's pools stop at 100 connections and then raise: 1,000 consumers
        # joining and leaving their groups at once need more.
        "hosts": [{"address": os.environ.get("PEER_REDIS_URL", "redis://127.0.0.1:6379"),
                   "max_connections": 2_000}],
        # Room for bursts to 1,000 members without dropping (default capacity 100).
        "capacity": 10_000,
    }  # fmt: skip
