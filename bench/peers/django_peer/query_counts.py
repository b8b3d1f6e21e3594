"""Print the SQL queries each endpoint of the peer runs (a check, not a benchmark).

    cd bench/peers/django_peer && DJANGO_PEER_DATABASE_URL=... DJANGO_PEER_JWT_SECRET=... \
        ../../../.tools/peers/venv/bin/python query_counts.py SLUG AUTHOR_ID READER_ID WORD

Runs every read once in-process through Django's test client with a query log, and the
comment write inside a transaction that is rolled back. Tokens are minted with the secret.
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

import jwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def token(sub: str) -> str:
    claims = {"sub": sub, "role": "authenticated", "exp": int(time.time()) + 600}
    return jwt.encode(claims, settings.JWT_SECRET, algorithm="HS256")


def main() -> None:
    slug, author_id, reader_id, word = sys.argv[1:5]
    client = Client(headers={"host": "127.0.0.1"})
    author = {"authorization": f"Bearer {token(author_id)}"}
    reader = {"authorization": f"Bearer {token(reader_id)}"}
    article = client.get(f"/articles/{slug}").json()
    calls = [
        ("list", lambda: client.get("/articles")),
        ("article", lambda: client.get(f"/articles/{slug}")),
        ("search (ORM)", lambda: client.get("/search", {"q": word})),
        ("search (our function)", lambda: client.get("/search_articles", {"q": word})),
        ("drafts", lambda: client.get("/drafts", headers=author)),
        ("drafts, anonymous", lambda: client.get("/drafts")),
        (
            "comment",
            lambda: client.post(
                "/comments",
                {"article_id": article["id"], "body": "  a comment  "},
                content_type="application/json",
                headers=reader,
            ),
        ),
    ]
    for name, call in calls:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = call()
            transaction.set_rollback(True)
        print(f"{name}: HTTP {response.status_code}, {len(queries)} queries")
        for query in queries:
            print(f"    {query['sql'][:400]}")


if __name__ == "__main__":
    main()
