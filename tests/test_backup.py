"""Logical backups as an operator runs them: create + verify, restore, corruption, refusal.

Every test works on a clone of the deployed template with demo data (`ops.seed`), runs
the real ``inv backup.*`` tasks against the test server, and reads the real manifests.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from ops.backups import checksums, logical, toc, tools
from ops.backups.logical import DUMP_FILE
from ops.backups.manifest import Manifest, Store
from ops.backups.throwaway import without_creating
from ops.backups.verify import verify_logical
from ops.seed import SeedOptions, seed
from tests.fix_cluster import SECRETS, SERVER, SETTINGS
from tests.test_ops_tasks import inv

Conn = psycopg.Connection[tuple[object, ...]]
STORE = Store(SETTINGS.backups_dir)


@pytest.fixture
def seeded_db(platform_db: Conn) -> Iterator[str]:
    """A deployed clone with 300 articles, 30 users and their comments; its name."""
    platform_db.autocommit = True
    dbname = platform_db.info.dbname
    seed(SERVER.url(dbname), SeedOptions(articles=300, users=30, seed=11), lambda _: None)
    yield dbname
    for manifest in STORE.all():
        if manifest.database == dbname:
            shutil.rmtree(STORE.folder(manifest), ignore_errors=True)


@pytest.fixture
def other_db() -> Iterator[str]:
    """A name for a database the test may create; dropped afterwards."""
    name = f"restored_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        for db in (name, f"{name}__restoring"):
            conn.execute(f'drop database if exists "{db}" with (force)')


def latest_backup(dbname: str) -> Manifest:
    mine = [m for m in STORE.all() if m.database == dbname]
    assert mine, f"no backup of {dbname} in {STORE.root}"
    return mine[-1]


def create_backup(dbname: str, *args: str) -> Manifest:
    done = inv("backup.create", *args, db_name=dbname)
    assert done.returncode == 0, done.stdout + done.stderr
    return latest_backup(dbname)


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def test_a_restore_gives_identical_data_in_every_table(seeded_db: str, other_db: str) -> None:
    manifest = create_backup(seeded_db)
    assert f"--compress={SETTINGS.backup_compress}" in manifest.method
    assert manifest.status == "good", manifest.verification
    assert manifest.verification is not None
    assert manifest.verification.problems == []
    assert set(manifest.verification.steps) == {"sha256", "restore", "checksums", "amcheck"}
    assert manifest.files[DUMP_FILE].bytes == (STORE.folder(manifest) / DUMP_FILE).stat().st_size
    assert len(manifest.files[DUMP_FILE].sha256) == 64
    source_url = SERVER.url(seeded_db)
    source = checksums.table_sums(source_url)
    assert manifest.tables == source, "the manifest describes the source as it is"
    assert source["publishing.articles"].rows == 300
    assert source["publishing.comments"].rows > 100

    done = inv("backup.restore", "--backup", manifest.id, "--database", other_db, db_name=seeded_db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restore" in done.stdout
    restored_url = SERVER.url(other_db)
    assert checksums.table_sums(restored_url) == source, "every table: same rows, same checksum"
    for query in (
        "select * from publishing.articles order by id",
        "select * from publishing.comments order by id",
        "select * from auth.users order by id",
    ):
        want = rows(source_url, query)
        assert want, query
        assert rows(restored_url, query) == want, f"row for row: {query}"


def test_a_change_after_the_backup_is_not_in_it(seeded_db: str, other_db: str) -> None:
    """And the restored database is configured as after a deploy (the data folder's JWT
    secret, not the one the backup holds)."""
    with psycopg.connect(SERVER.url(seeded_db), autocommit=True) as conn:
        conn.execute("update auth.config set jwt_secret = repeat('s', 40)")
    manifest = create_backup(seeded_db, "--no-verify")
    assert manifest.status == "unverified"
    with psycopg.connect(SERVER.url(seeded_db), autocommit=True) as conn:
        conn.execute("delete from publishing.comment_moderation")
    done = inv("backup.restore", "--backup", manifest.id, "--database", other_db, db_name=seeded_db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "never verified" in done.stdout
    count = rows(SERVER.url(other_db), "select count(*) from publishing.comment_moderation")
    assert count == [(manifest.tables["publishing.comment_moderation"].rows,)]
    assert manifest.tables["publishing.comment_moderation"].rows > 0
    secret = rows(SERVER.url(other_db), "select jwt_secret from auth.config")
    assert secret == [(SECRETS.jwt_secret,)]


def test_a_restore_loads_the_search_vectors_as_dumped(seeded_db: str, other_db: str) -> None:
    """The articles' search vectors and reading times are in the dump, so a restore copies
    them instead of stemming every article again; its long values are compressed with
    LZ4; the tables are analyzed; and the trigger that keeps them is back for the next edit."""
    source_url = SERVER.url(seeded_db)
    long_text = " ".join(f"paragraph{i} about otters" for i in range(4000))
    with psycopg.connect(source_url, autocommit=True) as conn:
        conn.execute(
            "update publishing.articles set content = %s where id = (select min(id) from"
            " publishing.articles)",
            (long_text,),
        )
    manifest = create_backup(seeded_db, "--no-verify")
    dump = STORE.folder(manifest) / DUMP_FILE
    data = subprocess.run(
        [str(tools.program("pg_restore")), "--data-only", "--table=articles", "--file=-",
         str(dump)], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    header = next(line for line in data.splitlines() if line.startswith("COPY publishing.articles"))
    assert "search" in header, header
    assert "reading_minutes" in header, header

    done = inv("backup.restore", "--backup", manifest.id, "--database", other_db, db_name=seeded_db)
    assert done.returncode == 0, done.stdout + done.stderr
    restored_url = SERVER.url(other_db)
    analyzed = (
        "select count(*) > 0 from pg_stats"
        " where schemaname = 'publishing' and tablename = 'articles'"
    )
    assert rows(restored_url, analyzed) == [(True,)], "the restore analyzed the tables"
    query = "select id, search, reading_minutes from publishing.articles order by id"
    assert rows(restored_url, query) == rows(source_url, query)
    compression = (
        "select pg_column_compression(content) from publishing.articles where content = %s"
    )
    with psycopg.connect(source_url) as conn:
        assert conn.execute(compression, (long_text,)).fetchone() == ("pglz",)
    with psycopg.connect(restored_url, autocommit=True) as conn:
        assert conn.execute(compression, (long_text,)).fetchone() == ("lz4",)
        conn.execute(
            "update publishing.articles set title = 'Otters restored' where content = %s",
            (long_text,),
        )
        found = conn.execute(
            "select search @@ 'restor'::tsquery from publishing.articles where content = %s",
            (long_text,),
        ).fetchone()
    assert found == (True,), "the restored trigger keeps the vector in step with the title"


def flip_bytes(path: Path, at: float = 0.6, count: int = 16) -> None:
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    for i in range(start, start + count):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_corrupted_backup_file_is_detected_and_marked_bad(seeded_db: str) -> None:
    manifest = create_backup(seeded_db)
    assert manifest.status == "good"
    flip_bytes(STORE.folder(manifest) / DUMP_FILE)

    done = inv("backup.verify", "--backup", manifest.id, db_name=seeded_db)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED VERIFICATION" in done.stderr
    assert "sha256" in done.stderr
    assert "corrupted" in done.stderr
    assert "next:" in done.stderr
    again = STORE.get(manifest.id)
    assert again.status == "bad"
    assert again.verification is not None
    assert again.verification.steps.keys() == {"sha256"}

    listing = inv("backup.list", db_name=seeded_db)
    assert f"{manifest.id} is BAD" in listing.stdout
    good_only = inv("backup.list", "--good", db_name=seeded_db)
    assert manifest.id not in good_only.stdout

    refused = inv("backup.restore", "--backup", manifest.id, "--database", "never_made")
    assert refused.returncode == 1
    assert "FAILED VERIFICATION" in refused.stderr


def test_corruption_the_manifest_agrees_with_is_caught_by_the_restore(seeded_db: str) -> None:
    """A file damaged before its checksum was taken: the restore or the comparison fails."""
    manifest = create_backup(seeded_db, "--no-verify")
    dump = STORE.folder(manifest) / DUMP_FILE
    flip_bytes(dump, at=0.5, count=64)
    path = STORE.folder(manifest) / "manifest.json"
    body = json.loads(path.read_text())
    body["files"][DUMP_FILE]["sha256"] = hashlib.sha256(dump.read_bytes()).hexdigest()
    path.write_text(json.dumps(body))

    done = inv("backup.verify", "--backup", manifest.id, db_name=seeded_db)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED VERIFICATION" in done.stderr
    assert STORE.get(manifest.id).status == "bad"


def test_a_difference_from_the_source_snapshot_fails_verification(seeded_db: str) -> None:
    manifest = create_backup(seeded_db, "--no-verify")
    path = STORE.folder(manifest) / "manifest.json"
    body = json.loads(path.read_text())
    body["tables"]["publishing.tags"]["checksum"] = "12345"
    body["tables"]["auth.users"]["rows"] += 1
    path.write_text(json.dumps(body))

    done = inv("backup.verify", "--backup", manifest.id, db_name=seeded_db)
    assert done.returncode == 1
    assert "publishing.tags: same" in done.stderr
    assert "different contents" in done.stderr
    assert "auth.users: 30 rows, the source had 31" in done.stderr
    assert STORE.get(manifest.id).status == "bad"


def test_a_backup_summed_the_older_way_still_verifies(seeded_db: str) -> None:
    """Manifests written before sums recorded their method hashed tsvectors by their text
    (method 1): their copy is summed that way, and the methods do differ on tsvectors."""
    url = SERVER.url(seeded_db)
    manifest = create_backup(seeded_db, "--no-verify")
    assert manifest.checksum_method == checksums.METHOD == 2
    older = checksums.table_sums(url, method=1)
    assert older["publishing.articles"] != manifest.tables["publishing.articles"]
    assert older["auth.users"] == manifest.tables["auth.users"], "no tsvector: same sum"
    path = STORE.folder(manifest) / "manifest.json"
    body = json.loads(path.read_text())
    del body["checksum_method"]
    body["tables"] = {name: {"rows": t.rows, "checksum": t.checksum} for name, t in older.items()}
    path.write_text(json.dumps(body))

    done = inv("backup.verify", "--backup", manifest.id, db_name=seeded_db)
    assert done.returncode == 0, done.stdout + done.stderr
    verified = STORE.get(manifest.id)
    assert (verified.checksum_method, verified.status) == (1, "good")


def test_restore_refuses_a_live_database_without_force(seeded_db: str, other_db: str) -> None:
    manifest = create_backup(seeded_db, "--no-verify")
    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{other_db}"')
    with psycopg.connect(SERVER.url(other_db), autocommit=True) as live:
        live.execute("create table precious (note text); insert into precious values ('keep')")
        refused = inv("backup.restore", "--backup", manifest.id, "--database", other_db)
        assert refused.returncode == 1
        assert "is live (1 sessions, 1 tables)" in refused.stderr
        assert "--force" in refused.stderr
        assert live.execute("select note from precious").fetchall() == [("keep",)]

    forced = inv("backup.restore", "--backup", manifest.id, "--database", other_db, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    restored = SERVER.url(other_db)
    assert rows(restored, "select to_regclass('public.precious')") == [(None,)]
    assert rows(restored, "select count(*) from publishing.articles") == [(300,)]


def test_the_backup_tasks_read_like_a_manual() -> None:
    listing = inv("--list").stdout
    for name in ("create", "list", "verify", "restore", "pitr", "prune"):
        line = next(ln for ln in listing.splitlines() if ln.split()[:1] == [f"backup.{name}"])
        assert len(line.split(maxsplit=1)) == 2, f"backup.{name} has no one-line help"
    restore_help = inv("--help", "backup.restore").stdout
    for option in ("--backup", "--database", "--force", "--jobs"):
        assert option in restore_help
    refused = inv("backup.pitr", "--target-time", "not a time")
    assert refused.returncode == 1
    assert "ISO 8601" in refused.stderr


def test_writes_during_the_dump_do_not_break_verification(seeded_db: str) -> None:
    """The sums are taken in the dump's own snapshot, so commits while it runs never
    make the restored copy differ from the manifest."""
    url = SERVER.url(seeded_db)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.busy (id bigserial primary key, at timestamptz)")
    stop = threading.Event()

    def write() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.is_set():
                conn.execute(
                    "insert into public.busy (at) select now() from generate_series(1, 50)"
                )

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        manifest = logical.create(url, STORE, compress=SETTINGS.backup_compress, say=lambda _: None)
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    final = rows(url, "select count(*) from public.busy")[0][0]
    assert 0 < manifest.tables["public.busy"].rows < int(final)  # type: ignore[call-overload]
    result = verify_logical(manifest, STORE, url, say=lambda _: None)
    assert result.ok, result.problems


def wal_written(url: str, action: Callable[[], object]) -> int:
    """Bytes of WAL the server at ``url`` wrote while ``action`` ran."""
    with psycopg.connect(url, autocommit=True) as conn:
        before = conn.execute("select pg_current_wal_insert_lsn()").fetchone()
        action()
        row = conn.execute(
            "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", before
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_verification_restores_into_a_throwaway_cluster(seeded_db: str, other_db: str) -> None:
    """The verification's restore writes nothing to the live cluster's WAL (a restore
    into it writes the whole copy there), and its cluster is deleted afterwards."""
    url = SERVER.url(seeded_db)
    manifest = create_backup(seeded_db, "--no-verify")
    stale = STORE.root / "scratch" / "verify-killed-half-way" / "pgdata"
    stale.mkdir(parents=True, exist_ok=True)
    (stale / "base").write_bytes(b"\0" * 1024)
    results = []
    verify_wal = wal_written(
        url, lambda: results.append(verify_logical(manifest, STORE, url, say=lambda _: None))
    )
    assert results[0].ok, results[0].problems
    assert any("throwaway cluster" in check for check in results[0].checks)
    assert not (STORE.root / "scratch" / f"verify-{manifest.id}").exists()
    assert not stale.parent.exists(), "what a killed verification left is swept away"

    restore_wal = wal_written(
        url,
        lambda: inv("backup.restore", "--backup", manifest.id, "--database", other_db),
    )
    assert restore_wal > 1_000_000, "a restore into the live cluster writes its WAL"
    assert verify_wal < restore_wal / 20, (verify_wal, restore_wal)


INDEXES_SQL = """
select c.relname, a.amname
  from pg_catalog.pg_index i
  join pg_catalog.pg_class c on c.oid = i.indexrelid
  join pg_catalog.pg_am a on a.oid = c.relam
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'"""


def test_the_restore_builds_the_indexes_that_are_not_btrees_last(
    seeded_db: str, other_db: str
) -> None:
    """What runs beside the last builds (verification: sums and pg_amcheck) finds every
    row loaded and every B-tree in place; the GIN, GiST and RUM indexes come after."""
    url = SERVER.url(seeded_db)
    manifest = logical.create(url, STORE, compress=SETTINGS.backup_compress, say=lambda _: None)
    dump = STORE.folder(manifest) / DUMP_FILE
    source_indexes = set(rows(url, INDEXES_SQL))
    methods = {method for _, method in source_indexes}
    assert {"btree", "rum", "gist"} <= methods, methods
    contents = toc.read(dump)
    last = toc.last_builds(contents, toc.index_methods(dump))
    assert {contents.indexes[i][1] for i in last if i in contents.indexes} == {
        name for name, method in source_indexes if method != "btree"
    }, "exactly the indexes that are not B-trees are built last"

    with psycopg.connect(SERVER.url("postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{other_db}" template template0')
    copy_url = SERVER.url(other_db)
    seen: dict[str, object] = {}

    def probe(connections: int) -> str:
        seen["connections"] = connections
        seen["indexes"] = set(rows(copy_url, INDEXES_SQL))
        seen["sums"] = checksums.table_sums(copy_url, jobs=connections)
        return "probed"

    assert logical.restore_into(dump, copy_url, show=False, beside_last_builds=probe) == "probed"
    assert seen["connections"] == 1, "one connection beside the builds"
    assert seen["sums"] == manifest.tables, "every row is loaded before the last builds"
    present = seen["indexes"]
    assert isinstance(present, set)
    assert {i for i in source_indexes if i[1] == "btree"} <= present, "every B-tree is built"
    assert set(rows(copy_url, INDEXES_SQL)) == source_indexes, "then every other index too"


def test_the_source_roles_are_created_in_the_throwaway_cluster_once() -> None:
    """pg_dumpall writes CREATE ROLE for the bootstrap superuser too: it is left out."""
    script = (
        'CREATE ROLE anon;\nCREATE ROLE postgres;\nCREATE ROLE "we""ird";\nALTER ROLE postgres;\n'
    )
    assert without_creating(script, {"postgres"}).splitlines() == [
        "CREATE ROLE anon;",
        'CREATE ROLE "we""ird";',
        "ALTER ROLE postgres;",
    ]
    assert without_creating(script, {'we"ird'}).splitlines() == [
        "CREATE ROLE anon;",
        "CREATE ROLE postgres;",
        "ALTER ROLE postgres;",
    ]


def test_a_table_checksum_sees_one_changed_or_moved_value(platform_db: Conn) -> None:
    platform_db.autocommit = True
    url = SERVER.url(platform_db.info.dbname)
    platform_db.execute(
        """create table public.probe (id int, note text, tags text[], doc tsvector, at interval);
           insert into public.probe values
             (1, 'one', '{a}', 'alpha', '1 day'), (2, 'two', '{b}', 'beta', '2 days'),
             (3, 'three', null, 'gamma', null)"""
    )
    before = checksums.table_sums(url)
    platform_db.execute("update public.probe set doc = 'delta' where id = 3")  # a text-hashed type
    changed = checksums.table_sums(url)
    assert changed["public.probe"].rows == 3
    assert changed["public.probe"].checksum != before["public.probe"].checksum
    assert {k: v for k, v in changed.items() if k != "public.probe"} == {
        k: v for k, v in before.items() if k != "public.probe"
    }
    platform_db.execute("update public.probe set doc = 'gamma' where id = 3")
    assert checksums.table_sums(url) == before, "the same rows give the same checksum"
    platform_db.execute(
        "update public.probe set note = case id when 1 then 'two' when 2 then 'one' end"
        " where id in (1, 2)"
    )
    swapped = checksums.table_sums(url)["public.probe"]
    assert swapped.checksum != before["public.probe"].checksum, "values moved between rows"


def test_the_health_report_shows_the_last_good_backup_and_failures_since(seeded_db: str) -> None:
    good = create_backup(seeded_db)
    damaged = create_backup(seeded_db, "--no-verify")
    flip_bytes(STORE.folder(damaged) / DUMP_FILE)
    assert inv("backup.verify", "--backup", damaged.id, db_name=seeded_db).returncode == 1
    report = inv("monitor.report", db_name=seeded_db)
    assert report.returncode == 0, report.stdout + report.stderr
    section = report.stdout.split("== Backup status")[1]
    assert f"last good backup: logical {good.id}" in section
    assert f"logical: {good.id} of {seeded_db}" in section
    assert f"1 FAILED verification since (latest {damaged.id}" in section
