"""bench.peers' table: per read, every system's figures and our ratio to each peer, and
the verdict against issue 20's targets (req/s >= 1.2x the best peer, p99 no worse)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bench.peers.measure import Run

TARGET = 1.2


def _cell(run: Run) -> str:
    db = f"{run.db_cpu_ms:6.2f}" if run.db_cpu_ms is not None else "   n/a"
    return (
        f"{run.rps:8.0f} req/s  p50 {run.result.p50_ms:7.2f}  p99 {run.result.p99_ms:7.2f} ms"
        f"  cpu/req server {run.server_cpu_ms:5.2f} db {db} ms  rss {run.rss_mb:6.0f} MB"
        + (f"  non-2xx {run.result.non_2xx}" if run.result.non_2xx else "")
    )


def report(
    medians: Mapping[tuple[str, str], Run],
    systems: Sequence[str],
    reads: Sequence[str],
    extras: Mapping[str, str],
) -> None:
    verdicts: list[str] = []
    for read in reads:
        rows = [(s, medians[(read, s)]) for s in systems if (read, s) in medians]
        if not rows:
            continue
        label = f"{read} (beside {extras[read]})" if read in extras else read
        print(f"\n{label}")
        for system, run in rows:
            print(f"  {system:<9} {_cell(run)}")
        ours = medians.get((extras.get(read, read), "ours"))
        if ours is None:
            continue
        peers = [(s, r) for s, r in rows if s != "ours"]
        for system, run in peers:
            if run.rps == 0:  # every request outlived wrk's timeout
                print(f"  ours / {system:<9} no request of {system} completed")
                continue
            print(
                f"  ours / {system:<9} req/s {ours.rps / run.rps:5.2f}x"
                f"   p99 {ours.result.p99_ms:.1f} vs {run.result.p99_ms:.1f} ms"
            )
        if read in extras or not peers:
            continue
        best_system, best = max(peers, key=lambda p: p[1].rps)
        lowest_p99 = min(r.result.p99_ms for _, r in peers if r.rps > 0)
        ratio = ours.rps / best.rps if best.rps else float("inf")
        met = ratio >= TARGET and ours.result.p99_ms <= lowest_p99
        verdicts.append(
            f"  {read:<14} {ratio:5.2f}x the best peer ({best_system}),"
            f" p99 {ours.result.p99_ms:.1f} ms vs the peers' lowest {lowest_p99:.1f} ms:"
            f" {'met' if met else 'NOT met'}"
        )
    if verdicts:
        print(f"\ntargets: req/s >= {TARGET}x the best peer and p99 <= the peers' lowest")
        print("\n".join(verdicts))
