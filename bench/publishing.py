"""Benchmark: the publishing module at scale, row-level security on versus bypassed.

    .venv/bin/python -m bench.publishing --articles 100000
    .venv/bin/python -m bench.publishing --articles 1000000 --keep   # then --reuse

Needs the embedded cluster of `make up` (or DATABASE_URL). It creates the database
``bench_publishing``, deploys the plan, seeds it with `ops.seed` (same generator as
``inv db.seed``), runs VACUUM ANALYZE, starts a private PostgREST on free ports, then:

1. SQL latency, p50/p95 over ``--samples`` runs, of the statements behind each endpoint,
   run as ``anon``, as a signed-in reader (role and JWT claims set exactly as PostgREST
   sets them) and as the owner, who bypasses row-level security. The statements ask for
   visible articles explicitly, so the owner reads the same rows:
   the list (page 1, and page 5,000 by keyset on published_at, id), an article with its
   author, category, tags and approved comments, search for common and for rare words.
2. HTTP throughput with wrk (``--connections``, ``--duration``) through PostgREST, as
   anonymous and as a reader with a JWT, against the plain top-20 GET of the same
   table (no embeds) and a small table's top 20 (tags): ``--rounds`` rounds over every
   path in turn, the median round kept.
3. Search latency through PostgREST, one client, p50/p95.
4. Relevance: the bounded search ranking against ranking every match (`bench.relevance`).

Targets (issue #3): every endpoint with RLS >= 0.9x the bypassing owner; the article list
>= 0.7x the plain GET's requests/s; page 5,000 within 1.5x of page 1; search top-20 p95
<= 50 ms at 1,000,000 articles, for rare words and for words in 10-40 % of the articles.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
from psycopg import sql

from bench import private_postgrest, wrk
from bench.auth import with_database
from bench.relevance import Relevance, measure
from bench.timing import MODES, Latency, Mode, sample
from core.settings import Settings
from ops import database, sqitch
from ops.backups import tools
from ops.demo_text import DemoText
from ops.postgrest import Postgrest
from ops.seed import SeedOptions, seed, summary

BENCH_DB = "bench_publishing"
PARTS = ("sql", "search", "http", "relevance")
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
# README's keyset: published_at=lte.X&or=(published_at.lt.X,and(published_at.eq.X,id.lt.Y)).
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


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW TARGET"


# --- preparation -----------------------------------------------------------------------


def prepare(
    settings: Settings, url: str, articles: int, seed_value: int, reuse: bool, replace: bool = False
) -> None:
    """Deploy and seed the database of ``url``, or reuse it as it is. A database that
    holds seeded articles is only dropped with ``replace`` (seeding a million articles
    again takes 20 minutes)."""
    admin_url = settings.superuser_url
    dbname = tools.database_of(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,))
        held = seeded_articles(url) if exists.fetchone() else None
        if reuse and held == articles:
            print(f"reusing {dbname} ({articles:,} articles)", flush=True)
            sqitch.deploy(url, echo=False)
            database.configure(url, settings.secrets)
            return
        if held and not replace:
            raise SystemExit(
                f"error: {dbname} already holds {held:,} seeded articles (kept by --keep). "
                f"Pass --reuse --articles {held} to use them, or --replace to drop them and "
                f"seed {articles:,}."
            )
        drop = sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        conn.execute(drop)
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    print(f"deploying the plan into {dbname} ...", flush=True)
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    print(f"seeding {articles:,} articles ...", flush=True)
    report = seed(url, SeedOptions(articles=articles, seed=seed_value), lambda m: print(f"• {m}"))
    for line in summary(report):
        print("  " + line)
    print("vacuum analyze ...", flush=True)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum (analyze)")
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)


def seeded_articles(url: str) -> int | None:
    """How many articles the database at ``url`` holds once seeded (None: not seeded)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select case when to_regclass('publishing_private.search_words') is not null"
            " then (select count(*) from publishing.articles) end"
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def reader(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute(
        "select id::text from auth.users where email = %s", (READER_EMAIL,)
    ).fetchone()
    if row is None:
        row = conn.execute(
            "select auth.create_user(%s, %s, 'bench_reader')::text", (READER_EMAIL, READER_PASSWORD)
        ).fetchone()
    assert row is not None
    return str(row[0])


def pick_terms(
    conn: psycopg.Connection[Any], seed_value: int
) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    """Common words in 10-40 % of the articles (from the statistics), and rare words."""
    text = DemoText(random.Random(seed_value))  # noqa: S311 - the seed's own vocabulary
    rows = conn.execute(
        """with stats as (
             select unnest(most_common_elems::text::text[]) as lexeme,
                    unnest(most_common_elem_freqs) as freq
               from pg_stats
              where schemaname = 'publishing' and tablename = 'articles' and attname = 'search')
           select w, s.freq
             from unnest(%s::text[]) with ordinality u (w, n)
             join stats s on s.lexeme = (tsvector_to_array(to_tsvector('english', w)))[1]
            where s.freq between 0.10 and 0.40
            order by s.freq desc""",
        (list(text.content_words),),
    ).fetchall()
    spread = [rows[0], rows[len(rows) // 2], rows[-1]] if len(rows) >= 3 else rows
    common = tuple((str(w), float(f)) for w, f in spread)
    rare: list[str] = []
    for word in reversed(text.tail_words):
        row = conn.execute(
            """select count(*) from publishing.articles a
                where a.search @@ to_tsquery('english', %s) and publishing.is_visible(a)""",
            (word,),
        ).fetchone()
        if row is not None and 3 <= row[0] <= 300:
            rare.append(word)
        if len(rare) == 5:
            break
    return common, tuple(rare)


def fixtures(conn: psycopg.Connection[Any], seed_value: int) -> Fixtures:
    row = conn.execute("select count(*) from publishing.articles a where publishing.is_visible(a)")
    visible = int(row.fetchone()[0])  # type: ignore[index]
    deep = max(2, min(DEEP_PAGE, visible // 20))
    cursor = conn.execute(
        f"select a.published_at, a.id from publishing.articles a where {VISIBLE}"
        " order by a.published_at desc nulls last, a.id desc offset %s limit 1",
        ((deep - 1) * 20 - 1,),
    ).fetchone()
    assert cursor is not None
    slugs = tuple(
        str(r[0])
        for r in conn.execute(
            f"select a.slug from publishing.articles a where {VISIBLE}"
            " order by a.comment_count desc, a.id limit 50"
        ).fetchall()
    )
    common, rare = pick_terms(conn, seed_value)
    has_comments = conn.execute("select to_regclass('publishing.comments') is not null")
    return Fixtures(
        visible=visible,
        deep_page=deep,
        cursor=(cursor[0], int(cursor[1])),
        slugs=slugs,
        common=common,
        rare=rare,
        has_comments=bool(has_comments.fetchone()[0]),  # type: ignore[index]
        reader_id=reader(conn),
    )


# --- measurements ----------------------------------------------------------------------


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


def wait_idle(url: str, timeout_s: float = 120.0) -> None:
    """Let PostgREST's queries from the previous wrk run finish (slow ones outlive wrk)."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                """select count(*) from pg_stat_activity
                    where datname = current_database() and usename = 'authenticator'
                      and state = 'active'"""
            ).fetchone()
            if row is None or row[0] == 0:
                return
            time.sleep(0.5)


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


# --- report ----------------------------------------------------------------------------


def report_sql(results: dict[str, dict[Mode, Latency]]) -> bool:
    print()
    print(
        "SQL latency, ms p50 / p95 (one client); ratio = owner p50 / RLS p50, target >= 0.90;"
        " the owner (no RLS) runs the same SQL with anon's or the reader's rule written in"
    )
    print(
        f"{'statement':<34}{'anon':>18}{'reader (JWT)':>18}{'owner, anon rule':>18}"
        f"{'owner, reader rule':>20}{'anon':>8}{'reader':>8}"
    )
    all_ok = True
    for name, by_mode in results.items():
        ratios = [
            by_mode["owner"].p50 / by_mode["anon"].p50,
            by_mode["owner_reader"].p50 / by_mode["reader"].p50,
        ]
        ok = all(r >= 0.9 for r in ratios)
        all_ok &= ok
        print(
            f"{name:<34}{by_mode['anon'].cell():>18}{by_mode['reader'].cell():>18}"
            f"{by_mode['owner'].cell():>18}{by_mode['owner_reader'].cell():>20}"
            f"{ratios[0]:>8.2f}{ratios[1]:>8.2f}  {verdict(ok)}"
        )
    return all_ok


def report_targets(
    sqls: dict[str, dict[Mode, Latency]],
    http: dict[str, dict[str, wrk.WrkResult]],
    search_http: dict[str, Latency],
    f: Fixtures,
    articles: int,
) -> None:
    print()
    print(f"wrk through PostgREST ({len(http)} paths; req/s, p50, p99; median of the rounds)")
    for name, by_who in http.items():
        for who, result in by_who.items():
            print(result.line(f"{name} [{who}]")[:120])
    page1, deeps = (
        "list, page 1",
        [f"list, page {f.deep_page:,} (keyset)"],
    )
    print()
    print("targets")
    for who in ("anon", "reader"):
        ratio = http[page1][who].requests_per_second / http[PLAIN][who].requests_per_second
        print(
            f"  list page 1 [{who}] / plain top-20 GET of articles, req/s = {ratio:.2f}"
            f" (>= 0.70)  {verdict(ratio >= 0.7)}"
        )
        small = http[page1][who].requests_per_second / http[SMALL]["anon"].requests_per_second
        print(f"  list page 1 [{who}] / small-table top-20 GET (tags), req/s = {small:.2f}")
        embed = http[LIST_EMBED][who].requests_per_second / http[PLAIN][who].requests_per_second
        print(f"  the same list by embeds [{who}] / plain top-20 GET of articles = {embed:.2f}")
    for deep in deeps:
        for who in ("anon", "reader"):
            ratio = http[page1][who].requests_per_second / http[deep][who].requests_per_second
            print(
                f"  {deep} [{who}] vs page 1, req/s p1 / pN = {ratio:.2f} (<= 1.50)"
                f"  {verdict(ratio <= 1.5)}"
            )
            # Informational: the keyset statement has parameters, and the planner keeps
            # choosing a custom plan for it, so its SQL time includes planning it each
            # run (page 1 has none and runs a cached plan); the endpoint's ratio above
            # is the target, measured as clients see it.
            mode: Mode = "anon" if who == "anon" else "reader"
            ratio = sqls[deep][mode].p50 / sqls[page1][mode].p50
            print(
                f"  {deep} [{who}] vs page 1, SQL p50 pN / p1 = {ratio:.2f}"
                " (informational: the keyset statement is planned on every run)"
            )
    big = articles >= 1_000_000
    for label, latency in search_http.items():
        ok = latency.p95 <= 50 or not big
        print(
            f"  search, {label}, through PostgREST, one client: p50 {latency.p50:.1f} ms,"
            f" p95 {latency.p95:.1f} ms (<= 50 ms at 1,000,000)  {verdict(ok)}"
        )
    for name in ("search, common words", "search, rare words"):
        for mode in ("anon", "reader"):
            p95 = sqls[name][mode].p95
            ok = p95 <= 50 or not big
            print(f"  {name} [{mode}] SQL p95 {p95:.1f} ms (<= 50 at 1,000,000)  {verdict(ok)}")


def report_relevance(rows: Sequence[Relevance]) -> None:
    print()
    print("relevance of the top 20 against ranking every match (precision tie-aware; nDCG)")
    print(
        f"{'query':<32}{'matches':>10}{'share':>8}{'ts_rank top-20 ms':>19}"
        f"{'vs ts_rank P/nDCG':>20}{'vs RUM score P/nDCG':>22}"
    )
    for r in rows:
        print(
            f"{r.query:<32}{r.hits:>10,}{r.share:>8.1%}{r.plain_ms:>19.0f}"
            f"{r.ts_rank.precision:>13.2f} /{r.ts_rank.ndcg:>5.3f}"
            f"{r.rum.precision:>15.2f} /{r.rum.ndcg:>5.3f}"
        )
    print(
        f"  mean: vs ts_rank P {statistics.mean(r.ts_rank.precision for r in rows):.3f}"
        f" nDCG {statistics.mean(r.ts_rank.ndcg for r in rows):.3f};"
        f" vs RUM score P {statistics.mean(r.rum.precision for r in rows):.3f}"
        f" nDCG {statistics.mean(r.rum.ndcg for r in rows):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--samples", type=int, default=100, help="SQL runs per statement and role")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds (median kept)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep {BENCH_DB} afterwards (always with --reuse)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"reuse {BENCH_DB} if it holds --articles articles"
    )
    parser.add_argument(
        "--replace", action="store_true", help=f"drop a seeded {BENCH_DB} that is not reused"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="measure only this part (repeatable; default all); targets need sql, search and http",
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    url = with_database(settings.superuser_url, BENCH_DB)
    prepare(settings, url, args.articles, args.seed, args.reuse, args.replace)
    with psycopg.connect(url, autocommit=True) as conn:
        f = fixtures(conn, args.seed)
    print(
        f"visible articles {f.visible:,}; deep page {f.deep_page:,};"
        f" common words {f.common}; rare words {f.rare}",
        flush=True,
    )

    parts = set(args.only or PARTS)
    server = private_postgrest.start(settings, url, "bench-publishing", ("publishing",))
    sqls: dict[str, dict[Mode, Latency]] = {}
    search_http: dict[str, Latency] = {}
    http: dict[str, dict[str, wrk.WrkResult]] = {}
    relevance: list[Relevance] = []
    try:
        if "sql" in parts:
            print("measuring SQL latencies ...", flush=True)
            sqls = sql_latencies(url, f, args.samples)
        if "search" in parts:
            print("measuring search through PostgREST ...", flush=True)
            search_http = {
                "common words": http_search_latency(server, [w for w, _ in f.common], args.samples),
                "rare words": http_search_latency(server, f.rare, args.samples),
            }
        if "http" in parts:
            print("measuring throughput with wrk ...", flush=True)
            http = throughput(server, url, f, args.duration, args.connections, args.rounds)
        if "relevance" in parts:
            print("measuring relevance ...", flush=True)
            common = [w for w, _ in f.common]
            queries = [
                *common, *f.rare[:2], f"{common[0]} {common[-1]}", f"{common[1]} or {f.rare[0]}"
            ]  # fmt: skip
            with psycopg.connect(url, autocommit=True) as conn:
                relevance = [measure(conn, q, f.visible) for q in queries]
    finally:
        server.stop()
        if not (args.keep or args.reuse):  # a reused database took its seeding to make
            with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(BENCH_DB)
                    )
                )

    print()
    print(f"=== publishing benchmark: {args.articles:,} articles, {f.visible:,} visible ===")
    if sqls:
        report_sql(sqls)
    if sqls and http and search_http:
        report_targets(sqls, http, search_http, f, args.articles)
    if relevance:
        report_relevance(relevance)


if __name__ == "__main__":
    main()
