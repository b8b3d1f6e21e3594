"""bench.publishing's report: the tables of figures and each target's verdict."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench import wrk
from bench.publishing_queries import LIST_EMBED, PLAIN, SMALL, Fixtures
from bench.relevance import Relevance
from bench.timing import Latency, Mode


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW TARGET"


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
