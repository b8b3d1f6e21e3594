"""Benchmark: backups and recovery against bare pg_dump / pg_restore, and PITR's time.

    .venv/bin/python -m bench.backup --articles 100000
    .venv/bin/python -m bench.backup --articles 1000000 --reuse   # bench.publishing's data

Needs the embedded cluster of `make up`. The source is ``bench_publishing`` (deployed and
seeded exactly as `bench.publishing` does; ``--reuse`` keeps one that already holds
``--articles`` articles, e.g. left by ``bench.publishing --keep``, and never drops it).
In one run:

1. baseline: bare ``pg_dump -Fc`` of the source (at the gzip level of the backups,
   ``PLATFORM_BACKUP_COMPRESS``), bare ``pg_restore -j N`` of it into a new database of
   the live cluster and into a throwaway cluster (what verification restores into);
2. ``backup.create`` (pg_dump in an exported snapshot while every table is summed) and
   its verification (sha256, ``pg_restore -j N`` into a throwaway cluster, every
   table's rows and checksum and ``pg_amcheck --heapallindexed``, these two beside the
   restore's last index builds);
3. ``backup.restore`` into a new database (sha256 check, ``pg_restore -j N``, rename,
   configure);
4. when the cluster archives WAL (``inv up`` sets it): a physical pgBackRest backup and
   its verification, then point-in-time recovery of the backup into a scratch cluster to
   a moment between two commits written after it, with rows written before and after.

Each step's wall time and the CPU time the whole machine spent meanwhile (all cores; run
it on a quiet machine): what a step costs, and how many cores it kept busy.

Targets (issue #5): backup + verification <= 5 minutes and restore <= 5 minutes at
1,000,000 articles; PITR recovery time reported.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg import sql

from bench.auth import with_database
from bench.cpu import machine_busy_seconds
from bench.publishing_data import BENCH_DB, prepare
from core.settings import Settings
from ops.backups import logical, physical, recovery, scratch, throwaway, tools
from ops.backups.manifest import Store
from ops.backups.restore import restore
from ops.backups.verify import verify_logical
from ops.embedded import backup_repo

TARGET_SECONDS = 300.0
RESTORED_DB = "bench_backup_restored"
BARE_DB = "bench_backup_bare"
T = TypeVar("T")


@dataclass(frozen=True)
class Took:
    """A step's wall time, and the CPU time the whole machine spent meanwhile (all cores)."""

    seconds: float
    cpu: float

    def __add__(self, other: Took) -> Took:
        return Took(self.seconds + other.seconds, self.cpu + other.cpu)


def timed(label: str, action: Callable[[], T]) -> tuple[T, Took]:
    print(f"{label} ...", flush=True)
    started, busy = time.perf_counter(), machine_busy_seconds()
    result = action()
    took = Took(time.perf_counter() - started, machine_busy_seconds() - busy)
    print(f"  {took.seconds:.1f} s, {took.cpu:.1f} s of CPU", flush=True)
    return result, took


def bare(url: str, jobs: int, folder: Path, compress: int) -> tuple[Took, Took, Took, int]:
    """A bare pg_dump -Fc (at the backups' gzip level), a bare pg_restore -j into the live
    cluster and one into a throwaway cluster, timed; and the dump's bytes."""
    dump = folder / "bare.pgdump"
    _, dump_took = timed(
        f"bare pg_dump -Fc -Z {compress}",
        lambda: tools.run("pg_dump", ["--format=custom", f"--compress={compress}",
                                      f"--file={dump}"], url, what="pg_dump", hint=""),
    )  # fmt: skip
    scratch.drop(url, BARE_DB)
    scratch.create(url, BARE_DB)
    try:
        _, restore_took = timed(
            f"bare pg_restore -j {jobs}",
            lambda: tools.run("pg_restore", [f"--jobs={jobs}", "--exit-on-error", str(dump)],
                              scratch.database_url(url, BARE_DB), what="pg_restore", hint=""),
        )  # fmt: skip
    finally:
        scratch.drop(url, BARE_DB)
    with throwaway.throwaway_cluster(url, folder / "throwaway") as target:
        _, throwaway_took = timed(
            f"bare pg_restore -j {jobs} into a throwaway cluster",
            lambda: tools.run("pg_restore", [f"--jobs={jobs}", "--exit-on-error", str(dump)],
                              target, what="pg_restore", hint=""),
        )  # fmt: skip
    return dump_took, restore_took, throwaway_took, dump.stat().st_size


def pitr_in_scratch(settings: Settings, store: Store, dbname: str) -> list[tuple[str, float]]:
    """Physical backup + verify, then PITR of it into a scratch cluster; the timings."""
    repo = backup_repo(settings)
    if repo.cluster.setting("archive_mode") != "on":
        print("PITR: skipped, the cluster does not archive WAL (`inv down && inv up`)")
        return []
    url = repo.cluster.url(dbname)
    manifest, backup = timed(
        "physical backup (pgbackrest, full)", lambda: physical.create(repo, store, dbname)
    )
    result, verify = timed("physical verification", lambda: physical.verify(repo, manifest, store))
    if not result.ok:
        print(f"  physical verification FAILED: {result.problems}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table if exists bench_pitr")
        conn.execute("create table bench_pitr (id int, note text)")
        # WAL for the recovery to replay: a copy of the articles' text, then the commits.
        conn.execute(
            "insert into bench_pitr select id, content from publishing.articles limit 100000"
        )
        conn.execute("insert into bench_pitr values (-1, 'first')")
        row = conn.execute("select clock_timestamp()").fetchone()
        assert row is not None
        moment = row[0]
        time.sleep(0.5)
        conn.execute("insert into bench_pitr values (-2, 'second')")
    repo.run("check")
    label = str(manifest.details["label"])
    folder = store.root / "scratch" / "pitr"
    started = time.perf_counter()
    print(f"PITR of set {label} into a scratch cluster, to {moment} ...", flush=True)
    with recovery.scratch_cluster(
        repo, folder, label, ("--type=time", f"--target={moment.isoformat(sep=' ')}")
    ) as recovered:
        pitr_s = time.perf_counter() - started
        with psycopg.connect(recovered.url(dbname)) as conn:
            ids = {r[0] for r in conn.execute("select id from bench_pitr where id < 0")}
    print(f"  {pitr_s:.1f} s; markers present: {sorted(ids)} (want [-1])", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table bench_pitr")
    shutil.rmtree(store.folder(manifest), ignore_errors=True)
    return [
        (f"physical backup ({manifest.size_bytes / 1e6:,.0f} MB stored)", backup.seconds),
        ("physical verification (verify, scratch restore, sums, amcheck)", verify.seconds),
        (
            "PITR recovery into a scratch cluster (restore + replay + promote); first "
            f"commit in, second out: {'yes' if ids == {-1} else 'NO: ' + str(sorted(ids))}",
            pitr_s,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to seed")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data")
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore / checksum jobs")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse --database if it holds --articles articles"
    )
    parser.add_argument(
        "--replace", action="store_true", help="drop a seeded --database that is not reused"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep --database afterwards (always with --reuse)"
    )
    parser.add_argument(
        "--database", default=BENCH_DB, help=f"the source database (default {BENCH_DB})"
    )
    parser.add_argument("--no-pitr", action="store_true", help="skip the physical part")
    parser.add_argument(
        "--physical-only",
        action="store_true",
        help="only the physical backup, its verification and PITR (a logical restore of a "
        "large database takes long)",
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    url = with_database(settings.superuser_url, args.database)
    prepare(settings, url, args.articles, args.seed, args.reuse, args.replace)
    folder = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=settings.data_dir))
    folder.chmod(0o755)  # the postgres OS user restores the scratch cluster in it
    store = Store(folder / "store")
    if args.physical_only:
        try:
            physical_rows = pitr_in_scratch(settings, store, args.database)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"\n=== physical backup benchmark: {args.articles:,} articles ===")
        for label, seconds in physical_rows:
            print(f"  {label:<70}  {seconds:8.1f} s")
        return
    try:
        dump, bare_restore, bare_throwaway, dump_bytes = bare(
            url, args.jobs, folder, settings.backup_compress
        )
        manifest, create = timed(
            "backup.create (pg_dump in the snapshot + table sums)",
            lambda: logical.create(url, store, compress=settings.backup_compress, jobs=args.jobs),
        )
        result, verify = timed(
            "backup verification", lambda: verify_logical(manifest, store, url, jobs=args.jobs)
        )
        if not result.ok:
            print(f"  verification FAILED: {result.problems}")
        _, ours_restore = timed(
            "backup.restore",
            lambda: restore(manifest, store, url, RESTORED_DB, settings.secrets, force=True,
                            jobs=args.jobs),
        )  # fmt: skip
        scratch.drop(url, RESTORED_DB)
        physical_rows = [] if args.no_pitr else pitr_in_scratch(settings, store, args.database)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not (args.keep or args.reuse):  # a reused database is someone's seeded data
            with psycopg.connect(settings.superuser_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(args.database)
                    )
                )

    total = create + verify

    def verdict(seconds: float) -> str:
        return f"{seconds / TARGET_SECONDS:.2f}x of 5 min, " + (
            "OK" if seconds <= TARGET_SECONDS else "ABOVE TARGET"
        )

    print()
    print(
        f"=== backup benchmark: {args.articles:,} articles, {manifest.rows:,} rows in "
        f"{len(manifest.tables)} tables, dump {manifest.size_bytes / 1e6:,.0f} MB "
        f"(bare {dump_bytes / 1e6:,.0f} MB), jobs {args.jobs} ==="
    )
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.steps.items())
    jobs = args.jobs
    rows: list[tuple[str, Took | float, str]] = [
        ("bare pg_dump -Fc", dump, ""),
        (f"bare pg_restore -j {jobs}", bare_restore, ""),
        (f"bare pg_restore -j {jobs} into a throwaway cluster", bare_throwaway, ""),
        (
            "backup.create (dump + sums)",
            create,
            f"{create.seconds / dump.seconds:.2f}x bare pg_dump",
        ),
        (
            f"verification ({steps})",
            verify,
            f"{verify.seconds / bare_throwaway.seconds:.2f}x bare pg_restore into a throwaway "
            "cluster",
        ),
        (
            "backup + verification",
            total,
            f"{verdict(total.seconds)}; {total.seconds / (dump + bare_throwaway).seconds:.2f}x "
            "bare dump + restore into a throwaway cluster",
        ),
        (
            "backup.restore",
            ours_restore,
            f"{verdict(ours_restore.seconds)}; "
            f"{ours_restore.seconds / bare_restore.seconds:.2f}x bare pg_restore",
        ),
        *((label, seconds, "") for label, seconds in physical_rows),
    ]
    width = max(len(row[0]) for row in rows)
    for label, step, note in rows:
        if isinstance(step, Took):
            cpu = f"  {step.cpu:7.1f} s CPU ({step.cpu / step.seconds:.2f} cores)"
            seconds = step.seconds
        else:
            cpu, seconds = " " * 26, step
        print(f"  {label:<{width}}  {seconds:8.1f} s{cpu}  {note}")
    print(f"  verification: {'GOOD' if result.ok else 'FAILED ' + str(result.problems)}")


if __name__ == "__main__":
    main()
