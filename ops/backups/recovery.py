"""Recovery from pgBackRest backups: a scratch cluster restored to a target, and PITR in place.

A restore rewrites a stopped cluster's files from a backup set (``--delta``: only what
differs), then WAL is replayed up to the target, where the cluster is promoted.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import OpsError
from ops.backups.pgbackrest import Repo, give_to_owner
from ops.cluster import Cluster
from ops.database import connect, translate_errors
from ops.net import free_port

Say = Callable[[str], None]


@contextmanager
def scratch_cluster(
    repo: Repo, folder: Path, label: str, target: tuple[str, ...]
) -> Iterator[Cluster]:
    """Set ``label`` restored into ``folder``, recovered to ``target``, running on a free
    port with archiving off; stopped and removed on exit."""
    shutil.rmtree(folder, ignore_errors=True)
    source = repo.cluster
    cluster = Cluster(
        pgdata=folder / "pgdata",
        run_dir=folder / "run",
        log_file=folder / "postgresql.log",
        superuser_password=source.superuser_password,
        host=source.host,
        port=free_port(source.host),
        bin_dir=source.bin_dir,
        # The source's settings (recovery refuses a max_connections below the
        # primary's), with archiving off: a scratch cluster never pushes WAL.
        options={
            **{k: v for k, v in source.options.items() if not k.startswith("archive_")},
            "archive_mode": False,
            "fsync": False,
        },
    )
    for sub in (folder, cluster.pgdata, cluster.run_dir):
        sub.mkdir(parents=True, exist_ok=True)
        give_to_owner(sub)
    cluster.pgdata.chmod(0o700)
    try:
        restore_cluster(repo, cluster, label, target, archive=False)
        start_recovered(cluster)
        yield cluster
    finally:
        cluster.stop(mode="immediate")
        shutil.rmtree(folder, ignore_errors=True)


def restore_cluster(
    repo: Repo, cluster: Cluster, label: str | None, target: tuple[str, ...], *, archive: bool
) -> None:
    """``pgbackrest restore`` into ``cluster.pgdata`` (stopped), promoting at ``target``."""
    args = ["restore", "--delta", f"--pg1-path={cluster.pgdata}", "--target-action=promote",
            *target]  # fmt: skip
    if label is not None:
        args.append(f"--set={label}")
    if not archive:
        args.append("--archive-mode=off")
    repo.run(*args, what="restore")


def start_recovered(cluster: Cluster, timeout: float = 600.0) -> float:
    """Start a restored cluster and wait until recovery ended; the seconds it took."""
    clock = time.monotonic()
    cluster.start(timeout=timeout)
    deadline = clock + timeout
    while time.monotonic() < deadline:
        doing = "wait for the end of recovery"
        with translate_errors(doing), connect(cluster.url("postgres"), doing) as conn:
            row = conn.execute("select pg_is_in_recovery()").fetchone()
            if row is not None and row[0] is False:
                return time.monotonic() - clock
        time.sleep(0.2)
    raise OpsError(
        f"the cluster in {cluster.pgdata} is still recovering after {timeout:.0f} s",
        f"read {cluster.log_file}",
    )


def pitr(repo: Repo, target_time: str, *, say: Say = print) -> float:
    """Recover the cluster in place to ``target_time``; the recovery's seconds.

    The cluster is stopped, its files are rewritten from the newest backup before the
    target (``--delta``: only what differs), and WAL is replayed up to the target, where
    the cluster is promoted on a new timeline (it keeps archiving).
    """
    cluster = repo.cluster
    clock = time.monotonic()
    if cluster.is_running():
        # The segment being written may hold the target: switch and archive it first.
        say("pitr: archiving the current WAL segment (pgbackrest check)")
        try:
            repo.run("check", what="check")
        except OpsError as exc:
            say(f"pitr: warning: {exc.message} (recovering with the WAL already archived)")
    say(f"pitr: stopping the cluster in {cluster.pgdata}")
    cluster.stop()
    say(f"pitr: pgbackrest restore --type=time --target={target_time!r}")
    restore_cluster(repo, cluster, None, ("--type=time", f"--target={target_time}"), archive=True)
    say("pitr: starting the cluster and replaying WAL to the target")
    start_recovered(cluster)
    seconds = time.monotonic() - clock
    say(f"pitr: recovered to {target_time} and promoted in {seconds:.1f} s")
    return seconds
