"""Storage end to end: the real gateway process, real HTTP and WebSocket clients, a real
database (buckets pics, vault and docs: tests/storage_client.py)."""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.fix_postgrest import serving
from tests.gateway_process import Client, GatewayProcess, gateway
from tests.storage_client import Db, bearer, gw, photo, png_header, storage_db
from tests.waiting import wait_for

__all__ = ["gw", "storage_db"]  # fixtures


def files(root: Path) -> set[str]:
    """Every file under the storage folder (relative), temporary uploads included."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def upload(
    gw: GatewayProcess, token: str | None, bucket: str, path: str, body: bytes, method: str = "POST"
) -> httpx.Response:
    headers = {} if token is None else bearer(token)
    return httpx.request(
        method,
        f"{gw.storage_url}/storage/object/{bucket}/{path}",
        content=body,
        headers=headers,
        timeout=30,
    )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "photo.jpg"), ("PNG", "photo.png")])
def test_an_image_is_stored_upright_without_exif_and_described_exactly(
    storage_db: Db, gw: GatewayProcess, fmt: str, name: str
) -> None:
    uid, token = storage_db.user()
    sent = photo(fmt, (640, 480), orientation=6)  # 6: the camera was turned a quarter
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(0x8825), "the upload carries GPS"
    answer = upload(gw, token, "pics", f"{uid}/{name}", sent)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    stored = gw.storage_dir / "public" / "pics" / uid / name
    data = stored.read_bytes()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data)
    assert (body["width"], body["height"]) == (480, 640), "turned upright by its orientation"
    assert body["content_type"] == f"image/{fmt.lower()}"
    assert body["url"] == f"/storage/public/pics/{uid}/{name}"
    assert answer.headers["Location"] == body["url"]
    kept = Image.open(io.BytesIO(data))
    assert kept.size == (480, 640)
    assert len(kept.getexif()) == 0, "no EXIF left: no camera, no GPS, no orientation"
    assert b"Exif" not in data
    assert b"eXIf" not in data
    assert b"TestCam" not in data
    ((row,),) = storage_db.run(
        "select row(size, sha256, width, height, status)::text from storage.objects where id = %s",
        body["id"],
    )
    assert row == f"({len(data)},{body['sha256']},480,640,ready)"
    public = httpx.get(f"{gw.storage_url}{body['url']}")
    assert public.status_code == 200
    assert public.content == data
    assert public.headers["X-Content-Type-Options"] == "nosniff"


def test_the_type_comes_from_the_content_not_the_name(storage_db: Db, gw: GatewayProcess) -> None:
    uid, token = storage_db.user()
    before = files(gw.storage_dir)
    answer = upload(gw, token, "pics", f"{uid}/notes.png", b"just some text, honestly\n" * 10)
    assert answer.status_code == 415, answer.text
    assert answer.json()["code"] == "storage.type_not_allowed"
    assert '"field": "content_type"' in answer.json()["details"]
    disguised = upload(gw, token, "pics", f"{uid}/page.html", photo("PNG"))
    assert disguised.status_code == 400
    assert disguised.json()["code"] == "storage.extension_mismatch"
    assert files(gw.storage_dir) == before, "nothing left on disk"
    assert storage_db.run("select count(*) from storage.objects where owner_id = %s", uid) == [(0,)]


def test_too_large_is_413_and_leaves_nothing(storage_db: Db, gw: GatewayProcess) -> None:
    uid, token = storage_db.user()
    before = files(gw.storage_dir)
    big = photo("PNG") + b"\x00" * 2_100_000
    declared = upload(gw, token, "vault", f"{uid}/big.png", big)
    assert declared.status_code == 413, declared.text
    assert declared.json()["code"] == "storage.too_large"

    def stream() -> Iterator[bytes]:  # no Content-Length: cut while streaming
        yield photo("PNG")
        for _ in range(40):
            yield b"\x00" * 65536

    streamed = httpx.post(
        f"{gw.storage_url}/storage/object/vault/{uid}/big.png",
        content=stream(),
        headers=bearer(token),
        timeout=30,
    )
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["code"] == "storage.too_large"
    assert '"max_bytes": 2000000' in streamed.json()["details"]
    assert files(gw.storage_dir) == before, "no file and no temporary file left"
    assert storage_db.run("select count(*) from storage.objects where owner_id = %s", uid) == [(0,)]


@pytest.mark.parametrize("size", [(8000, 8000), (100_000, 100_000)])
def test_a_decompression_bomb_is_refused_from_its_header(
    storage_db: Db, gw: GatewayProcess, size: tuple[int, int]
) -> None:
    uid, token = storage_db.user()
    before = files(gw.storage_dir)
    bomb = png_header(*size)
    assert len(bomb) < 2000
    answer = upload(gw, token, "pics", f"{uid}/bomb.png", bomb)
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "storage.image_too_large"
    assert "pixels" in answer.json()["message"]
    assert files(gw.storage_dir) == before
    corrupt = upload(gw, token, "pics", f"{uid}/cut.png", photo("PNG")[:300])
    assert corrupt.status_code == 422
    assert corrupt.json()["code"] == "storage.invalid_image"


def test_private_objects_are_read_by_their_owner_only(storage_db: Db, gw: GatewayProcess) -> None:
    uid, token = storage_db.user()
    _, other = storage_db.user()
    sent = photo("JPEG")
    assert upload(gw, token, "vault", f"{uid}/secret.jpg", sent).status_code == 201
    url = f"{gw.storage_url}/storage/object/vault/{uid}/secret.jpg"
    mine = httpx.get(url, headers=bearer(token))
    assert mine.status_code == 200
    assert mine.headers["Content-Type"] == "image/jpeg"
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert Image.open(io.BytesIO(mine.content)).size == (640, 480)
    assert (
        httpx.get(url, headers={**bearer(token), "If-None-Match": mine.headers["ETag"]}).status_code
        == 304
    )
    for who in (bearer(other), {}):
        refused = httpx.get(url, headers=who)
        assert refused.status_code == 404, refused.text
        assert refused.json()["code"] == "storage.not_found"
    assert not (gw.storage_dir / "public" / "vault").exists(), (
        "private files never enter the public tree"
    )
    accel = httpx.get(url, headers={**bearer(token), "X-Storage-Accel": "1"})
    assert accel.status_code == 200
    assert accel.content == b""
    assert accel.headers["X-Accel-Redirect"] == f"/_storage_private/vault/{uid}/secret.jpg"
    assert httpx.get(url, headers={**bearer(other), "X-Storage-Accel": "1"}).status_code == 404
    stolen = upload(gw, other, "vault", f"{uid}/mine-now.jpg", sent)
    assert stolen.status_code == 403
    assert stolen.json()["code"] == "storage.forbidden"
    assert (
        upload(gw, None, "vault", "anyone/x.jpg", sent).json()["code"] == "storage.sign_in_required"
    )
    bad = httpx.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "auth.invalid_token"
    gone = httpx.delete(url, headers=bearer(other))
    assert gone.status_code == 404, "another user cannot even see it to delete it"


def test_variants_arrive_with_an_event_and_deleting_removes_every_file(
    storage_db: Db, gw: GatewayProcess
) -> None:
    uid, token = storage_db.user()
    with Client.open(gw.realtime_url, token) as ws:
        ws.subscribe(f"user:{uid}")
        started = time.monotonic()
        answer = upload(gw, token, "pics", f"{uid}/big.jpg", photo("JPEG", (1200, 900)))
        assert answer.status_code == 201, answer.text
        assert answer.json()["variants_status"] == "pending"
        got = ws.until(lambda m: m.get("type") == "storage.object.variants_ready", timeout=20)
        waited = time.monotonic() - started
    kinds = [m["type"] for m in got if m["op"] == "event"]
    assert kinds == ["storage.object.ready", "storage.object.variants_ready"]
    record = got[-1]["data"]["record"]
    assert record["id"] == answer.json()["id"]
    assert record["variants_status"] == "ready"
    thumb, medium = record["variants"]["thumb"], record["variants"]["medium"]
    assert (thumb["width"], thumb["height"], thumb["type"]) == (64, 64, "image/webp")
    assert (medium["width"], medium["height"], medium["type"]) == (400, 300, "image/jpeg")
    for variant in (thumb, medium):
        served = httpx.get(gw.storage_url + variant["url"])
        assert served.status_code == 200
        assert hashlib.sha256(served.content).hexdigest() == variant["sha256"]
        assert len(served.content) == variant["bytes"]
    assert waited < 20
    on_disk = {f for f in files(gw.storage_dir) if f.startswith(f"public/pics/{uid}/big.jpg")}
    assert len(on_disk) == 3, on_disk

    deleted = httpx.delete(
        f"{gw.storage_url}/storage/object/pics/{uid}/big.jpg", headers=bearer(token)
    )
    assert deleted.status_code == 204, deleted.text
    assert not {f for f in files(gw.storage_dir) if f.startswith(f"public/pics/{uid}/")}
    assert httpx.get(gw.storage_url + record["url"]).status_code == 404
    again = httpx.delete(
        f"{gw.storage_url}/storage/object/pics/{uid}/big.jpg", headers=bearer(token)
    )
    assert again.status_code == 404


def test_a_put_replaces_an_object_and_its_old_variants_go(
    storage_db: Db, gw: GatewayProcess
) -> None:
    uid, token = storage_db.user()
    first = upload(gw, token, "pics", f"{uid}/me.png", photo("PNG", (300, 300)))
    assert first.status_code == 201
    wait_for(
        lambda: (
            storage_db.run(
                "select variants_status from storage.objects where id = %s", first.json()["id"]
            )
            == [("ready",)]
        )
    )
    second = upload(gw, token, "pics", f"{uid}/me.png", photo("PNG", (200, 100)), method="PUT")
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["width"] == 200
    wait_for(
        lambda: (
            storage_db.run(
                "select variants_status from storage.objects where id = %s", first.json()["id"]
            )
            == [("ready",)]
        )
    )
    wait_for(
        lambda: len([f for f in files(gw.storage_dir) if f.startswith(f"public/pics/{uid}/")]) == 3
    )
    names = sorted(f for f in files(gw.storage_dir) if f.startswith(f"public/pics/{uid}/"))
    prefix = second.json()["sha256"][:8]
    assert all(n.endswith("me.png") or f"-{prefix}." in n for n in names), names


def test_streaming_a_30_mb_upload_does_not_grow_the_gateway(
    storage_db: Db, gw: GatewayProcess
) -> None:
    uid, token = storage_db.user()
    pdf = b"%PDF-1.4\n" + b"0" * 1024
    assert upload(gw, token, "docs", f"{uid}/warm.pdf", pdf).status_code == 201
    before = rss_kib(gw.process.pid)
    digest = hashlib.sha256()
    block = bytes(range(256)) * 4096  # 1 MiB

    def body() -> Iterator[bytes]:
        digest.update(b"%PDF-1.4\n")
        yield b"%PDF-1.4\n"
        for _ in range(30):
            digest.update(block)
            yield block

    answer = httpx.post(
        f"{gw.storage_url}/storage/object/docs/{uid}/big.pdf",
        content=body(),
        headers=bearer(token),
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    grown = rss_kib(gw.process.pid) - before
    assert answer.json()["size"] == 30 * (1 << 20) + 9
    assert answer.json()["sha256"] == digest.hexdigest()
    assert grown < 12 * 1024, f"the gateway grew by {grown} KiB for a 30 MiB upload"


def test_listing_through_postgrest_crosses_no_user(storage_db: Db, gw: GatewayProcess) -> None:
    ada, ada_token = storage_db.user()
    _, bob_token = storage_db.user()
    assert upload(gw, ada_token, "vault", f"{ada}/private.png", photo("PNG")).status_code == 201
    assert upload(gw, ada_token, "pics", f"{ada}/public.png", photo("PNG")).status_code == 201
    with serving(storage_db.url, name="postgrest-storage") as api:
        profile = {"Accept-Profile": "storage"}

        def listed(token: str | None) -> set[str]:
            headers = {**profile, **({} if token is None else bearer(token))}
            answer = httpx.get(f"{api.url}/objects?owner_id=eq.{ada}&select=path", headers=headers)
            assert answer.status_code == 200, answer.text
            return {row["path"] for row in answer.json()}

        assert listed(ada_token) == {f"{ada}/private.png", f"{ada}/public.png"}
        assert listed(bob_token) == {f"{ada}/public.png"}
        assert listed(None) == {f"{ada}/public.png"}
        stolen = httpx.delete(
            f"{api.url}/objects?path=eq.{ada}/public.png",
            headers={"Content-Profile": "storage", **bearer(bob_token)},
        )
        assert stolen.status_code == 204
        assert listed(ada_token) == {f"{ada}/private.png", f"{ada}/public.png"}, (
            "bob deleted nothing"
        )
        unfiltered = httpx.delete(
            f"{api.url}/objects", headers={"Content-Profile": "storage", **bearer(ada_token)}
        )
        assert unfiltered.status_code == 400
        assert unfiltered.json()["code"] == "platform.filter_required"
        mine = httpx.delete(
            f"{api.url}/objects?path=eq.{ada}/private.png",
            headers={"Content-Profile": "storage", **bearer(ada_token)},
        )
        assert mine.status_code == 204
    # The row went through PostgREST: the gateway's keeper removes its file (NOTIFY).
    wait_for(lambda: not (gw.storage_dir / "private" / "vault" / ada / "private.png").exists())


def test_the_orphan_sweep_removes_files_no_row_holds(storage_db: Db) -> None:
    uid, token = storage_db.user()
    settings = {"PLATFORM_STORAGE_SWEEP_SECONDS": "1", "PLATFORM_STORAGE_ORPHAN_GRACE": "30"}
    with gateway(storage_db.name, settings) as sweeping:
        kept = upload(sweeping, token, "pics", f"{uid}/kept.png", photo("PNG"))
        assert kept.status_code == 201
        root = sweeping.storage_dir
        stray = root / "public" / "pics" / uid / "stray.png"
        stray.write_bytes(b"left behind")
        stale = root / ".tmp" / "upload-that-died"
        stale.write_bytes(b"half an upload")
        fresh = root / "private" / "vault" / "fresh.png"
        fresh.parent.mkdir(parents=True, exist_ok=True)
        fresh.write_bytes(b"being renamed in right now")
        hour_ago = time.time() - 3600
        for old in (stray, stale, root / "public" / "pics" / uid / "kept.png"):
            os.utime(old, (hour_ago, hour_ago))
        wait_for(lambda: not stray.exists() and not stale.exists(), timeout=15)
        assert (root / "public" / "pics" / uid / "kept.png").exists(), "a file a row holds stays"
        assert fresh.exists(), "a file younger than the grace period stays"
        health = httpx.get(sweeping.url + "/healthz").json()["storage"]
        assert health["last_sweep"]["files_seen"] >= 1
