"""Backups carry the stored files with the rows: taken together, verified against each
other, restored together (the real ``inv backup.*`` tasks, the real gateway)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from ops.backups.files import FILES
from ops.backups.manifest import Manifest, Store
from tests.fix_cluster import SERVER, SETTINGS, TEST_DATA_DIR
from tests.gateway_process import gateway
from tests.storage_client import BUCKETS, Db, bearer, clone, drop, photo
from tests.test_ops_tasks import inv
from tests.waiting import wait_for

STORE = Store(SETTINGS.backups_dir)


@pytest.fixture
def db(platform_template: NoopExecutor) -> Iterator[Db]:
    made = clone(platform_template, "storebak")
    made.run(BUCKETS)
    yield made
    drop(made)
    for manifest in STORE.all():
        if manifest.database == made.name:
            shutil.rmtree(STORE.folder(manifest), ignore_errors=True)


@pytest.fixture
def restored(db: Db) -> Iterator[Db]:
    name = f"{db.name}_copy"
    yield Db(name, SERVER.url(name))
    drop(Db(name, ""))
    drop(Db(f"{name}__restoring", ""))


def tree(root: Path) -> dict[str, str]:
    """SHA-256 of every stored file under a storage folder (temporary uploads aside)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".tmp" not in p.relative_to(root).parts
    }


def latest(dbname: str) -> Manifest:
    mine = [m for m in STORE.all() if m.database == dbname]
    assert mine, f"no backup of {dbname}"
    return mine[-1]


def test_a_backup_restores_rows_and_files_together(db: Db, restored: Db, tmp_path: Path) -> None:
    uid, token = db.user()
    storage_dir = tmp_path / "storage"
    with gateway(db.name, {"PLATFORM_STORAGE_DIR": str(storage_dir)}) as gw:

        def put(bucket: str, name: str, body: bytes) -> str:
            answer = httpx.post(
                f"{gw.storage_url}/storage/object/{bucket}/{uid}/{name}",
                content=body,
                headers=bearer(token),
                timeout=30,
            )
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        put("pics", "cover.jpg", photo("JPEG", (800, 600)))
        gone_later = put("vault", "scan.png", photo("PNG"))
        wait_for(
            lambda: (
                db.run("select count(*) from storage.objects where variants_status = 'pending'")
                == [(0,)]
            )
        )
        at_backup = tree(storage_dir)
        assert len(at_backup) == 4, "cover, its two variants, the scan"

        env = {"PLATFORM_STORAGE_DIR": str(storage_dir)}
        taken = inv("backup.create", db_name=db.name, extra_env=env)
        assert taken.returncode == 0, taken.stdout + taken.stderr
        manifest = latest(db.name)
        assert manifest.status == "good", manifest.verification
        assert manifest.verification is not None
        assert any("stored file" in check for check in manifest.verification.checks)
        copies = {
            k[len(FILES) + 1 :]: v.sha256 for k, v in manifest.files.items() if k.startswith(FILES)
        }
        assert copies == at_backup, "every stored file is in the backup with its SHA-256"

        # After the backup: one object deleted, another added.
        deleted = httpx.delete(
            f"{gw.storage_url}/storage/object/vault/{uid}/scan.png", headers=bearer(token)
        )
        assert deleted.status_code == 204
        put("vault", "later.png", photo("PNG", (50, 50)))
    assert tree(storage_dir) != at_backup

    files_dir = tmp_path / "restored-storage"
    files_dir.mkdir()
    (files_dir / "leftover.txt").write_text("not from the backup")
    done = inv(
        "backup.restore",
        "--database",
        restored.name,
        "--files-dir",
        str(files_dir),
        db_name=db.name,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stored files" in done.stdout
    assert tree(files_dir) == at_backup, "exactly the files of the backup, nothing else"
    rows = restored.run("select id::text from storage.objects where path like %s", "%/scan.png")
    assert rows == [(gone_later,)], "the object deleted after the backup is back"
    later = restored.run("select count(*) from storage.objects where path like %s", "%/later.png")
    assert later == [(0,)], "the object added after the backup is not"
    listed = restored.run("select file, sha256 from storage_private.files()")
    assert {f: s for f, s in listed} == at_backup, "the restored rows and files agree"


def test_verification_catches_stored_files_that_disagree_with_rows(db: Db) -> None:
    uid, token = db.user()
    with gateway(db.name) as gw:
        answer = httpx.post(
            f"{gw.storage_url}/storage/object/vault/{uid}/a.png",
            content=photo("PNG"),
            headers=bearer(token),
        )
        assert answer.status_code == 201
        env = {"PLATFORM_STORAGE_DIR": str(gw.storage_dir)}
        assert inv("backup.create", db_name=db.name, extra_env=env).returncode == 0
        manifest = latest(db.name)
        folder = STORE.folder(manifest)
        copy = folder / FILES / "private" / "vault" / uid / "a.png"

        # A byte flipped in the copy: caught by the manifest's SHA-256.
        data = bytearray(copy.read_bytes())
        data[-20] ^= 0xFF
        copy.unlink()  # a hard link: never write through it into the live file
        copy.write_bytes(bytes(data))
        checked = inv("backup.verify", "--backup", manifest.id, db_name=db.name)
        assert checked.returncode == 1
        assert f"{FILES}/private/vault/{uid}/a.png: sha256" in checked.stderr

        # The manifest made to agree with the damage: the restored row still disagrees.
        body = json.loads((folder / "manifest.json").read_text())
        body["files"][f"{FILES}/private/vault/{uid}/a.png"]["sha256"] = hashlib.sha256(
            data
        ).hexdigest()
        (folder / "manifest.json").write_text(json.dumps(body))
        checked = inv("backup.verify", "--backup", manifest.id, db_name=db.name)
        assert checked.returncode == 1
        assert "differs from its object" in checked.stderr

        # A stored file gone from disk: the backup refuses to be taken, and says why.
        (gw.storage_dir / "private" / "vault" / uid / "a.png").unlink()
        refused = inv("backup.create", db_name=db.name, extra_env=env)
        assert refused.returncode == 1
        assert "missing from" in refused.stderr
        assert "next:" in refused.stderr
    assert TEST_DATA_DIR.exists()
