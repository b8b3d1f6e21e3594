"""Settings of the Django + DRF peer (bench.peers.drf): tuned for serving JSON, nothing else.

No sessions, no auth app, no admin, no templates, no middleware: every request is a DRF view
that reads the database and renders JSON. The database URL and our JWT secret come from
the environment (bench/peers/drf.py sets them):

* ``DJANGO_PEER_DATABASE_URL``: the bench database as its owner (a Django backend sees
  every row and enforces the visibility rule in the ORM);
* ``DJANGO_PEER_JWT_SECRET``: the platform's HS256 secret (the peer verifies our tokens);
* ``DJANGO_PEER_DB_POOL``: ``1`` to use psycopg's pool instead of persistent connections
  (kept for the quick check that chose persistent connections, see docs/benchmarks.md);
* ``DJANGO_PEER_PREPARE``: ``0`` to turn server-side prepared statements off.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

_url = urlsplit(os.environ["DJANGO_PEER_DATABASE_URL"])

# Never used to sign anything (no sessions, no messages, no CSRF): Django only wants one.
SECRET_KEY = os.environ.get("DJANGO_PEER_SECRET_KEY", "bench-peer-not-a-secret")
JWT_SECRET = os.environ["DJANGO_PEER_JWT_SECRET"]

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "peer_site.urls"
WSGI_APPLICATION = "peer_site.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.postgres",  # SearchQuery, SearchRank, SearchHeadline, SearchVectorField
    "rest_framework",
    "blog",
]
MIDDLEWARE: list[str] = []
TEMPLATES: list[dict[str, object]] = []

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_POOL = os.environ.get("DJANGO_PEER_DB_POOL") == "1"
_options: dict[str, object] = {
    # Server-side binding lets psycopg prepare a statement the second time a connection
    # runs it (prepare_threshold), as PostgREST does: parse and plan once per connection.
    "server_side_binding": os.environ.get("DJANGO_PEER_PREPARE", "1") == "1",
    "prepare_threshold": 1 if os.environ.get("DJANGO_PEER_PREPARE", "1") == "1" else None,
}
if _POOL:
    _options["pool"] = {"min_size": 4, "max_size": 4, "timeout": 10}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(_url.path.lstrip("/")),
        "USER": unquote(_url.username or ""),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
        # Persistent connections: one per worker thread, opened once, kept for good (the
        # pool option requires CONN_MAX_AGE = 0).
        "CONN_MAX_AGE": 0 if _POOL else None,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": _options,
    }
}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Anonymous reads run no authentication at all; the views that need a user name ours.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": None,
    "UNAUTHENTICATED_USER": None,  # no django.contrib.auth: no AnonymousUser either
    "EXCEPTION_HANDLER": "blog.errors.exception_handler",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
