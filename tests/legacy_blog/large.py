"""Make a large legacy blog database: ``fill_large`` from the command line, with progress.

    python -m tests.legacy_blog.large --out F [--users 10000] [--articles 100000]
        [--comments 400000] [--seed 7]

Replaces F; writes F.json (counts, clear-text passwords) beside it. See ``bulk.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ops.progress import Progress
from tests.legacy_blog.bulk import fill_large
from tests.legacy_blog.made import json_path


class _Bars:
    """One progress bar per table, each closed when the next table starts."""

    def __init__(self) -> None:
        self.bar: Progress | None = None

    def __call__(self, table: str, done: int, total: int) -> None:
        if self.bar is None or self.bar.label != table:
            self.close()
            self.bar = Progress(table, total, sys.stderr).__enter__()
        self.bar.advance(done - self.bar.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--comments", type=int, default=400_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    args.out.unlink(missing_ok=True)
    bars = _Bars()
    started = time.monotonic()
    blog = fill_large(
        args.out,
        users=args.users,
        articles=args.articles,
        comments=args.comments,
        seed=args.seed,
        progress=bars,
    )
    bars.close()
    size = args.out.stat().st_size / 2**20
    print(
        f"{args.out}: {sum(blog.counts.values()):,} rows, {size:,.0f} MiB "
        f"in {time.monotonic() - started:.1f} s (counts and passwords in {json_path(args.out)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
