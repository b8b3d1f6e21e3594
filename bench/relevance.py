"""How close the bounded search ranking is to ranking every match exactly.

For a query, the exact rankings score every visible match: ``ts_rank(search, q)`` (the
classic PostgreSQL rank) and the RUM cover-density score ``1 / (search <=> q)`` that the
indexes rank by. Against each, for the top 20 that ``publishing.search_articles`` returns:

* precision@20, tie-aware: the share of returned articles whose exact score reaches the
  exact 20th-best score (many articles tie; any of the tied ones is a correct answer);
* nDCG@20: the exact scores of the returned list, discounted by position, over those of
  the ideal list (1.0 = the same scores in the same order).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

TOP = 20

PLAIN = """
select a.id from publishing.articles a, websearch_to_tsquery('english', %(q)s) q
 where a.search @@ q and publishing.is_visible(a)
 order by ts_rank(a.search, q) desc limit %(top)s
"""

EXACT = """
with hits as (
  select a.id, ts_rank(a.search, q) as ts_rank, 1 / (a.search operator(extensions.<=>) q) as rum
    from publishing.articles a, websearch_to_tsquery('english', %(q)s) q
   where a.search @@ q and publishing.is_visible(a)
)
select (select count(*) from hits),
       (select array_agg(ts_rank order by ts_rank desc) from (
          select ts_rank from hits order by ts_rank desc limit %(top)s) t),
       (select array_agg(rum order by rum desc) from (
          select rum from hits order by rum desc limit %(top)s) r),
       (select array_agg(h.ts_rank order by u.n)
          from unnest(%(got)s::bigint[]) with ordinality u (id, n) join hits h on h.id = u.id),
       (select array_agg(h.rum order by u.n)
          from unnest(%(got)s::bigint[]) with ordinality u (id, n) join hits h on h.id = u.id)
"""


@dataclass(frozen=True)
class Agreement:
    precision: float
    ndcg: float


@dataclass(frozen=True)
class Relevance:
    query: str
    hits: int
    visible: int
    plain_ms: float  # the plain way: ts_rank over every match from the index, top 20
    ts_rank: Agreement
    rum: Agreement

    @property
    def share(self) -> float:
        return self.hits / self.visible if self.visible else 0.0


def _dcg(scores: Sequence[float]) -> float:
    return sum(s / math.log2(i + 2) for i, s in enumerate(scores))


def agreement(got: Sequence[float], ideal: Sequence[float]) -> Agreement:
    """``got``: exact scores of the returned list, in its order; ``ideal``: the best ones."""
    if not ideal:
        return Agreement(1.0, 1.0)
    threshold = ideal[min(len(ideal), TOP) - 1]
    # float4 ranks: allow the last bits of rounding between the two computations
    correct = sum(1 for s in got[:TOP] if s >= threshold * (1 - 1e-6))
    wanted = min(len(ideal), TOP)
    best = _dcg(ideal[:TOP])
    return Agreement(correct / wanted, _dcg(got[:TOP]) / best if best else 1.0)


def measure(conn: psycopg.Connection[Any], query: str, visible: int) -> Relevance:
    """Compare ``search_articles(query)`` (run as the owner) with the exact rankings."""
    got = [
        int(r[0])
        for r in conn.execute(
            "select id from publishing.search_articles(%s, lim => %s) where match = 'fulltext'",
            (query, TOP),
        ).fetchall()
    ]
    started = time.perf_counter()
    conn.execute(PLAIN, {"q": query, "top": TOP}).fetchall()
    plain_ms = (time.perf_counter() - started) * 1000
    row = conn.execute(EXACT, {"q": query, "top": TOP, "got": got}).fetchone()
    assert row is not None
    hits, ideal_ts, ideal_rum, got_ts, got_rum = row
    return Relevance(
        query=query,
        hits=int(hits),
        visible=visible,
        plain_ms=plain_ms,
        ts_rank=agreement([float(s) for s in got_ts or []], [float(s) for s in ideal_ts or []]),
        rum=agreement([float(s) for s in got_rum or []], [float(s) for s in ideal_rum or []]),
    )
