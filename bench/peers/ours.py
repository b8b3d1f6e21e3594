"""Ours: the real PostgREST over the bench database, requests as docs/publishing.md
tells a frontend to make them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from bench import private_postgrest
from bench.peers import Context, Fixtures, Request
from core.settings import Settings
from ops.postgrest import Postgrest

NAME = "ours"
READ = {"Accept-Profile": "publishing"}
WRITE = {"Content-Profile": "publishing", "Content-Type": "application/json"}

#: The article list: the article_cards view (author and category attached in SQL) with
#: its tags embedded through the article's foreign key.
LIST = (
    "/article_cards?select=id,slug,title,excerpt,published_at,reading_minutes,author,category,"
    "tags(name,slug)&order=published_at.desc.nullslast,id.desc&limit=20"
)
#: The article page: one row of publishing.article_pages, its JSON built in SQL.
ARTICLE = "/article_pages?slug=eq.{slug}"
DRAFTS = (
    "/articles?select=id,slug,title,excerpt,status,created_at,updated_at"
    "&author_id=eq.{author}&status=eq.draft&deleted_at=is.null"
    "&order=updated_at.desc,id.desc&limit=20"
)


def start(ctx: Context, settings: Settings) -> Postgrest:
    return private_postgrest.start(settings, ctx.database_url, "bench-peers")


def request(read: str, fx: Fixtures) -> Request:
    reader = {"Authorization": f"Bearer {fx.reader_token}"}
    author = {"Authorization": f"Bearer {fx.author_token}"}
    if read == "list":
        return Request("GET", LIST, READ)
    if read == "article":
        return Request("GET", ARTICLE.format(slug=quote(fx.slug)), READ)
    if read == "search_common":
        return Request("GET", f"/rpc/search_articles?q={quote(fx.common)}", READ)
    if read == "search_rare":
        return Request("GET", f"/rpc/search_articles?q={quote(fx.rare)}", READ)
    if read == "drafts":
        return Request("GET", DRAFTS.format(author=fx.author_id), {**READ, **author})
    if read == "comment":
        body = json.dumps({"article_id": fx.article_id, "body": "A benchmark comment."})
        headers = {**WRITE, **reader, "Prefer": "return=representation"}
        return Request("POST", "/comments", headers, body)
    raise ValueError(f"ours: no read {read!r}")


def ids(read: str, body: bytes) -> list[object]:
    rows: Any = json.loads(body)
    if read == "article":
        page = rows[0]
        return [page["id"], *(c["id"] for c in page["comments"])]
    if read == "comment":
        return []
    return [row["id"] for row in rows]
