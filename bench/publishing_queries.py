"""What bench.publishing measures: the statements and HTTP paths behind each endpoint.

Each statement comes three ways: as PostgREST runs it for anon and readers (row-level
security applies), and as the owner runs it with anon's or the reader's rule spelled out
(the owner bypasses row-level security and reads the same rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from bench.timing import Mode

DEEP_PAGE = 5_000
READER_EMAIL = "bench-reader@example.com"
READER_PASSWORD = "bench reader password"  # noqa: S105 - a scratch database
PROFILE = {"Accept-Profile": "publishing"}

# The statements behind each endpoint, shaped like PostgREST's: as anon or a reader they
# filter nothing more than the client asked (row-level security adds the rest); the owner
# bypasses row-level security, so its copies spell out what the policies add: for anon,
# and (owner_reader) for the reader. Spelled out once per statement, as a hand-written
# backend would: comments and tags of an article already found readable need no check of
# their article, which row-level security repeats per row.
VISIBLE = "a.status = 'published' and a.deleted_at is null and a.published_at <= now()"
READABLE = f"""(({VISIBLE}) or a.author_id = (select auth.uid())
   or (select auth.has_privilege('editor'))
   or a.id in (select publishing_private.coauthored_article_ids()))"""
APPROVED = "and c.status = 'approved' and c.deleted_at is null"
APPROVED_OR_OWN = """and ((c.status = 'approved' and c.deleted_at is null)
   or c.author_id = (select auth.uid()) or (select auth.has_privilege('moderator')))"""
AUTHOR = """(select json_build_object('username', p.username, 'display_name', p.display_name)
               from publishing.profiles p where p.user_id = a.author_id)"""
CATEGORY = """(select json_build_object('name', c.name, 'slug', c.slug)
                 from publishing.categories c where c.id = a.category_id)"""
# The list is publishing.article_cards (a security_invoker view: author and category
# attached in SQL); LIST_EMBED_PATH below is the same list by PostgREST embeds.
LIST_SQL = """
select a.id, a.slug, a.title, a.excerpt, a.published_at, a.reading_minutes,
       a.author, a.category
  from publishing.article_cards a
 where {visible} {keyset}
 order by a.published_at desc nulls last, a.id desc
 limit 20"""
# The keyset of docs/publishing.md:
# published_at=lte.X&or=(published_at.lt.X,and(published_at.eq.X,id.lt.Y)).
# Without the lte bound (the `or` alone) no index condition bounds the scan: page 5,000
# took 300 ms at 1,000,000 articles against 0.6 ms with it.
KEYSET_SQL = "and (a.published_at < %(at)s or (a.published_at = %(at)s and a.id < %(id)s))"
KEYSET_BOUNDED_SQL = f"and a.published_at <= %(at)s {KEYSET_SQL}"
DETAIL_SQL = f"""
select a.*, {AUTHOR} as author, {CATEGORY} as category,
       (select coalesce(json_agg(json_build_object('name', t.name, 'slug', t.slug)), '[]')
          from publishing.article_tags at join publishing.tags t on t.id = at.tag_id
         where at.article_id = a.id) as tags
       {{comments}}
  from publishing.articles a
 where a.slug = %(slug)s and {{visible}}"""
COMMENTS_SQL = """,
       (select coalesce(json_agg(json_build_object('id', c.id, 'parent_id', c.parent_id,
                 'depth', c.depth, 'body', c.body, 'created_at', c.created_at)
                 order by c.created_at), '[]')
          from publishing.comments c
         where c.article_id = a.id {approved})
       as comments"""
SEARCH_SQL = "select * from publishing.search_articles(%(q)s)"

LIST_PATH = (
    "/article_cards?select=id,slug,title,excerpt,published_at,reading_minutes,author,category"
    "&order=published_at.desc.nullslast,id.desc&limit=20"
)
LIST_EMBED_PATH = (
    "/articles?select=id,slug,title,excerpt,published_at,reading_minutes,"
    "author:profiles!author_id(username,display_name),category:categories(name,slug)"
    "&order=published_at.desc.nullslast,id.desc&limit=20"
)
LIST_EMBED = "list, page 1, by embeds (/articles)"
DETAIL_PATH = (
    "/articles?slug=eq.{slug}&select=*,author:profiles!author_id(username,display_name),"
    "category:categories(name,slug),tags(name,slug){comments}"
)
# The list target compares the list with its embeds against the same top 20 of the
# same table without them (what embedding the author and category costs), and reports a
# small table's top 20 (tags: three short columns, 240 rows) as a floor for PostgREST's
# per-request cost: the article rows are ten times its bytes, which no design changes.
PLAIN_PATH = (
    "/articles?select=id,slug,title,excerpt,published_at,reading_minutes"
    "&order=published_at.desc.nullslast,id.desc&limit=20"
)
PLAIN = "plain one-table top-20 GET (articles, no embeds)"
SMALL_PATH = "/tags?select=id,name,slug&order=id&limit=20"
SMALL = "small-table top-20 GET (tags)"


@dataclass(frozen=True)
class Fixtures:
    visible: int
    deep_page: int
    cursor: tuple[datetime, int]  # last row of the page before the deep page
    slugs: tuple[str, ...]
    common: tuple[tuple[str, float], ...]  # (word, share of articles from the statistics)
    rare: tuple[str, ...]
    has_comments: bool
    reader_id: str


@dataclass(frozen=True)
class Endpoint:
    name: str
    statement: str  # as PostgREST runs it for anon and readers
    owner_statement: str  # the same, with what the anon policy adds spelled out
    reader_owner_statement: str  # the same, with what the reader's policies add
    params: Callable[[int], dict[str, Any]]

    def for_mode(self, mode: Mode) -> str:
        if mode == "owner":
            return self.owner_statement
        if mode == "owner_reader":
            return self.reader_owner_statement
        return self.statement


def endpoints(f: Fixtures) -> list[Endpoint]:
    at, last_id = f.cursor
    common = [w for w, _ in f.common]

    def detail(approved: str) -> str:
        return COMMENTS_SQL.format(approved=approved) if f.has_comments else ""

    def three(template: str, **parts: str) -> tuple[str, str, str]:
        """As PostgREST runs it; spelling out anon's rule; spelling out the reader's."""
        return (
            template.format(visible="true", comments=detail(""), **parts),
            template.format(visible=VISIBLE, comments=detail(APPROVED), **parts),
            template.format(visible=READABLE, comments=detail(APPROVED_OR_OWN), **parts),
        )

    cursor = {"at": at, "id": last_id}
    return [
        Endpoint("list, page 1", *three(LIST_SQL, keyset=""), lambda i: {}),
        Endpoint(
            f"list, page {f.deep_page:,} (keyset)",
            *three(LIST_SQL, keyset=KEYSET_BOUNDED_SQL),
            lambda i: cursor,
        ),
        Endpoint(
            "article with embeds",
            *three(DETAIL_SQL),
            lambda i: {"slug": f.slugs[i % len(f.slugs)]},
        ),
        Endpoint(
            "search, common words",
            SEARCH_SQL,
            SEARCH_SQL,
            SEARCH_SQL,
            lambda i: {"q": common[i % len(common)]},
        ),
        Endpoint(
            "search, rare words",
            SEARCH_SQL,
            SEARCH_SQL,
            SEARCH_SQL,
            lambda i: {"q": f.rare[i % len(f.rare)]},
        ),
    ]


def http_paths(f: Fixtures) -> dict[str, str]:
    at, last_id = f.cursor
    keyset = quote(
        f"(published_at.lt.{at.isoformat()},and(published_at.eq.{at.isoformat()},id.lt.{last_id}))"
    )
    comments = ",comments(id,parent_id,depth,body,created_at)" if f.has_comments else ""
    return {
        SMALL: SMALL_PATH,
        PLAIN: PLAIN_PATH,
        "list, page 1": LIST_PATH,
        LIST_EMBED: LIST_EMBED_PATH,
        f"list, page {f.deep_page:,} (keyset)": (
            f"{LIST_PATH}&published_at=lte.{quote(at.isoformat())}&or={keyset}"
        ),
        "article with embeds": DETAIL_PATH.format(slug=quote(f.slugs[0]), comments=comments),
        f"search {f.common[0][0]!r} (common)": f"/rpc/search_articles?q={quote(f.common[0][0])}",
        f"search {f.rare[0]!r} (rare)": f"/rpc/search_articles?q={quote(f.rare[0])}",
    }
