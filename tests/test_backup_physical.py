"""Physical backups with pgBackRest and point-in-time recovery, on a private cluster.

The cluster archives its WAL into its own repository (the shared test cluster does not
archive); a full backup is taken and verified by a scratch restore, then the cluster is
recovered to a moment between two committed transactions.
"""

from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from core.errors import OpsError
from ops.backups import files as backup_files
from ops.backups import physical, retention
from ops.backups.manifest import Manifest, Store, Verification
from ops.cluster import Cluster
from ops.net import free_port
from tests.fix_cluster import SECRETS, TEST_DATA_DIR, test_cluster


@pytest.fixture
def archiving() -> Iterator[tuple[physical.Repo, Store]]:
    """A running cluster that archives into its pgBackRest repository, and a store."""
    root = TEST_DATA_DIR / f"pitr-{uuid.uuid4().hex[:8]}"
    repo_root = root / "backups" / "pgbackrest"
    cluster = Cluster(
        pgdata=root / "pgdata",
        run_dir=root / "run",
        log_file=root / "log" / "postgresql.log",
        superuser_password=SECRETS.postgres_password,
        port=free_port(),
        options={
            "fsync": False,
            "full_page_writes": True,
            "max_connections": 20,
            **physical.archive_options(repo_root, wal_seconds=60),
        },
    )
    repo = physical.Repo(root=repo_root, cluster=cluster, keep_days=1)
    try:
        cluster.init()
        repo.write_config()
        cluster.start()
        cluster.create_database("pitr")
        yield repo, Store(root / "backups")
    finally:
        cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


def run_sql(cluster: Cluster, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(cluster.url("pitr"), autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else []


def test_pitr_to_a_moment_between_two_commits(archiving: tuple[physical.Repo, Store]) -> None:
    repo, store = archiving
    cluster = repo.cluster
    run_sql(cluster, "create table notes (id int primary key, note text)")
    run_sql(cluster, "insert into notes select g, 'before ' || g from generate_series(1, 500) g")

    manifest = physical.create(repo, store, "pitr", say=lambda _: None)
    assert manifest.details["label"]
    assert manifest.tables["public.notes"].rows == 500
    result = physical.verify(repo, manifest, store, say=lambda _: None)
    assert result.ok, result.problems
    assert set(result.steps) == {"repository", "restore", "checksums", "amcheck"}
    assert store.get(manifest.id).status == "good"

    run_sql(cluster, "insert into notes values (1001, 'first')")
    (moment,) = run_sql(cluster, "select clock_timestamp()")[0]
    assert isinstance(moment, datetime)
    time.sleep(0.3)
    run_sql(cluster, "insert into notes values (1002, 'second')")
    repo.run("check")  # the WAL holding the second commit is archived

    seconds = physical.pitr(repo, moment.isoformat(sep=" "), say=lambda _: None)
    assert seconds > 0
    notes = {row[0] for row in run_sql(cluster, "select id from notes where id > 1000")}
    assert notes == {1001}, "the first commit is there, the second is not"
    assert run_sql(cluster, "select count(*) from notes") == [(501,)]
    # After the recovery the cluster is writable and still archives.
    run_sql(cluster, "insert into notes values (1003, 'after')")
    repo.run("check")


def test_a_corrupted_physical_backup_fails_verification(
    archiving: tuple[physical.Repo, Store],
) -> None:
    repo, store = archiving
    run_sql(repo.cluster, "create table notes as select g as id from generate_series(1, 1000) g")
    manifest = physical.create(repo, store, "pitr", say=lambda _: None)
    files = sorted(
        (p for p in (repo.repo_path / "backup").rglob("*") if p.is_file() and "pg_data" in p.parts),
        key=lambda p: p.stat().st_size,
    )
    victim = files[-1]
    data = bytearray(victim.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    victim.write_bytes(bytes(data))

    result = physical.verify(repo, manifest, store, say=lambda _: None)
    assert not result.ok
    assert any("pgbackrest verify found damage" in p for p in result.problems), result.problems
    assert store.get(manifest.id).status == "bad"


def fake(store: Store, backup_id: str, finished: datetime, status: str) -> Manifest:
    manifest = Manifest(
        id=backup_id,
        kind="logical",
        database="x",
        started_at=finished.isoformat(),
        finished_at=finished.isoformat(),
        status=status,  # type: ignore[arg-type]
        verification=Verification(ok=status == "good", started_at="", duration_seconds=0),
    )
    store.save(manifest)
    return manifest


def test_retention_removes_old_backups_but_never_the_newest_good(tmp_path: Path) -> None:
    store = Store(tmp_path)
    at = datetime(2026, 12, 3, 12, tzinfo=UTC)
    fake(store, "logical-a", at - timedelta(days=10), "good")
    fake(store, "logical-b", at - timedelta(days=9), "good")
    fake(store, "logical-c", at - timedelta(days=8), "bad")
    fake(store, "logical-d", at - timedelta(days=1), "bad")
    removed = retention.prune(store, keep_days=7, at=at)
    assert {m.id for m in removed} == {"logical-a", "logical-c"}
    assert [m.id for m in store.all()] == ["logical-b", "logical-d"], (
        "logical-b is old but the newest good backup; logical-d is recent"
    )
    fake(store, "logical-e", at - timedelta(hours=1), "good")
    assert {m.id for m in retention.prune(store, keep_days=7, at=at)} == {"logical-b"}


def test_a_physical_backup_of_a_cluster_that_does_not_archive_is_refused(
    pg_server: object, tmp_path: Path
) -> None:
    repo = physical.Repo(root=tmp_path / "pgbackrest", cluster=test_cluster())
    with pytest.raises(OpsError, match="does not archive its WAL") as refused:
        physical.create(repo, Store(tmp_path), "postgres", say=lambda _: None)
    assert "inv down && inv up" in refused.value.hint
    assert not (tmp_path / "physical").exists(), "no manifest for a backup never taken"


# What a physical backup needs of storage (functions/core/storage_files): the files the
# ready objects hold, by storage_private.files(). The private cluster has no platform
# plan, so a table stands in for storage.objects; the backup code is the real one.
STORED = """
create schema storage_private;
create table storage_private.stored (file text primary key, bytes bigint, sha256 text);
create function storage_private.files()
returns table (file text, bytes bigint, sha256 text, object_id uuid)
language sql stable as $$ select file, bytes, sha256, null::uuid from storage_private.stored $$;
"""


def store_file(cluster: Cluster, root: Path, name: str, body: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    digest = hashlib.sha256(body).hexdigest()
    with psycopg.connect(cluster.url("pitr"), autocommit=True) as conn:
        conn.execute(
            "insert into storage_private.stored values (%s, %s, %s)", (name, len(body), digest)
        )


def test_a_physical_backup_carries_stored_files_and_pitr_brings_them_back(
    archiving: tuple[physical.Repo, Store], tmp_path: Path
) -> None:
    repo, store = archiving
    cluster = repo.cluster
    storage = tmp_path / "storage"
    run_sql(cluster, STORED)
    store_file(cluster, storage, "public/pics/u/a.png", b"first file")

    manifest = physical.create(repo, store, "pitr", say=lambda _: None, storage_dir=storage)
    assert "files/public/pics/u/a.png" in manifest.files
    result = physical.verify(repo, manifest, store, say=lambda _: None)
    assert result.ok, result.problems
    assert "every stored file of the restored objects" in result.checks

    store_file(cluster, storage, "private/docs/u/b.pdf", b"second file")
    (moment,) = run_sql(cluster, "select clock_timestamp()")[0]
    assert isinstance(moment, datetime)
    time.sleep(0.3)
    run_sql(cluster, "delete from storage_private.stored where file = 'public/pics/u/a.png'")
    (storage / "public/pics/u/a.png").unlink()  # the keeper removed it after the moment
    repo.run("check")

    physical.pitr(repo, moment.isoformat(sep=" "), say=lambda _: None)
    said: list[str] = []
    missing = backup_files.bring_back(
        cluster.url("pitr"), storage, [(manifest, store.folder(manifest))], said.append
    )
    assert missing == []
    assert (storage / "public/pics/u/a.png").read_bytes() == b"first file", "put back from the copy"
    assert (storage / "private/docs/u/b.pdf").read_bytes() == b"second file", "left as it was"
    assert "1 put back" in said[-1]

    copy = store.folder(manifest) / "files/public/pics/u/a.png"
    copy.unlink()  # a hard link: never write through it
    copy.write_bytes(b"first filf")
    damaged = physical.verify(repo, manifest, store, say=lambda _: None)
    assert not damaged.ok
    assert any("files/public/pics/u/a.png: sha256" in p for p in damaged.problems), damaged.problems
