"""bench.publishing's database: deployed and seeded once (or reused), and the fixtures
read from it (the deep page's cursor, slugs, common and rare search words, a reader)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import psycopg

from bench import seeded_database
from bench.publishing_queries import DEEP_PAGE, READER_EMAIL, READER_PASSWORD, VISIBLE, Fixtures
from bench.seeded_database import Seeding
from core.settings import Settings
from ops.demo_text import DemoText
from ops.seed import SeedOptions, seed, summary

BENCH_DB = "bench_publishing"


def prepare(
    settings: Settings, url: str, articles: int, seed_value: int, reuse: bool, replace: bool = False
) -> None:
    """Deploy and seed the database of ``url`` with ``articles`` articles, or reuse it
    (`bench.seeded_database`)."""

    def seed_articles(into: str) -> Iterable[str]:
        print(f"seeding {articles:,} articles ...", flush=True)
        options = SeedOptions(articles=articles, seed=seed_value)
        return summary(seed(into, options, lambda m: print(f"• {m}")))

    seeding = Seeding("seeded articles", "--articles", articles, seeded_articles, seed_articles)
    seeded_database.prepare(settings, url, seeding, reuse, replace)


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
