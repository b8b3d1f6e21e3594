"""Benchmark: uploads through the storage service, and how long variants take.

    .venv/bin/python -m bench.storage [--uploads 40] [--concurrency 4] [--samples 10]
    .venv/bin/python -m bench.storage --url https://127.0.0.1:8443   # the front door

Direct (the default) needs the embedded cluster of `make up` (or DATABASE_URL): it
deploys the plan into a scratch database ``bench_storage`` and starts a real gateway
process on free ports with a storage folder of its own. With ``--url`` it uses the
running platform (``inv up``) through that address instead: ``/storage/...`` and
``/realtime`` behind the front door.

Both upload into publishing's ``covers`` bucket (public, 5 MB, variants thumb 320x180,
medium 800 and large 1600 wide, WebP) as a fresh signed-in user, a PNG of noise just
under 5 MB (1,360 x 1,360 pixels: noise does not compress, so the file stays large):

* throughput: ``--uploads`` POSTs, ``--concurrency`` at a time; MB/s, uploads/s and the
  latency of one upload (streamed to disk, hashed, decoded, re-encoded without
  metadata, recorded);
* variant latency: ``--samples`` uploads one at a time, each timed from the start of
  its POST to the ``storage.object.variants_ready`` event on the uploader's WebSocket
  (``user:<id>``), and from the POST's answer to that event.

The user (and so every object and file) is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psycopg
import websockets
from PIL import Image
from psycopg import sql

from bench.auth import with_database
from core.paths import PROJECT_ROOT
from core.settings import Settings
from ops import database, sqitch
from ops.net import free_port

BENCH_DB = "bench_storage"
BUCKET = "covers"
SIDE = 1360  # pixels: 1360 x 1360 x 3 bytes of noise, a PNG just under 5 MB
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throwaway bench account


@dataclass(frozen=True)
class Target:
    storage: str  # base URL of /storage/...
    realtime: str  # the /realtime WebSocket URL
    verify: ssl.SSLContext | bool  # a context trusting the data folder's CA, or off


def noise_png(side: int = SIDE) -> bytes:
    channels = [Image.effect_noise((side, side), 128) for _ in range(3)]
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "PNG", compress_level=1)
    return out.getvalue()


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def wait_for_variants(db_url: str, uid: str, timeout: float = 300.0) -> None:
    """Until no object of ``uid`` waits for its variants: the latency samples must not
    queue behind the throughput phase's backlog."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(db_url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "select count(*) from storage.objects"
                " where owner_id = %s and variants_status = 'pending'",
                (uid,),
            ).fetchone()
            pending = 0 if row is None else int(row[0])
            if pending == 0:
                return
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"{pending} images still wait for their variants after {timeout:.0f} s"
                )
            print(f"  waiting for the variants of {pending} uploads ...", flush=True)
            time.sleep(1.0)


def make_user(db_url: str) -> tuple[str, str]:
    name = "bench" + uuid.uuid4().hex[:8]
    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute(
            "select auth.create_user(%s, %s, %s, '{author}')::text",
            (f"{name}@example.test", PASSWORD, name),
        ).fetchone()
        body = conn.execute("select api.login(%s, %s)", (f"{name}@example.test", PASSWORD))
        login = body.fetchone()
    assert row is not None
    assert login is not None
    return str(row[0]), str(login[0]["access_token"])


def drop_user(db_url: str, user_id: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("delete from auth.users where id = %s", (user_id,))


@contextmanager
def direct(settings: Settings) -> Iterator[tuple[Target, str]]:
    """A scratch database and a real gateway process; (target, superuser URL)."""
    admin = settings.superuser_url
    url = with_database(admin, BENCH_DB)
    print(f"preparing {BENCH_DB} (deploying the plan) ...", flush=True)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(BENCH_DB)))
    sqitch.deploy(url, echo=False)
    database.configure(url, settings.secrets)
    port, storage_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as folder:
        env = {
            **os.environ,
            "PLATFORM_DB_NAME": BENCH_DB,
            "PLATFORM_GATEWAY_PORT": str(port),
            "PLATFORM_STORAGE_PORT": str(storage_port),
            "PLATFORM_STORAGE_DIR": folder,
            "PLATFORM_SCHEDULER_TICK": "0",
        }
        if settings.database_url is not None:
            env["DATABASE_URL"] = url
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            yield (
                Target(f"http://127.0.0.1:{storage_port}", f"ws://127.0.0.1:{port}/realtime", True),
                url,
            )
        finally:
            process.terminate()
            process.wait(timeout=15)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(BENCH_DB)
                    )
                )


async def throughput(
    target: Target, token: str, uid: str, image: bytes, uploads: int, concurrency: int
) -> tuple[float, list[float]]:
    """Seconds for all uploads, and each one's latency in seconds."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=120, verify=target.verify) as client:

        async def one(n: int) -> None:
            async with gate:
                started = time.perf_counter()
                answer = await client.post(
                    f"{target.storage}/storage/object/{BUCKET}/{uid}/t{n}.png",
                    content=image,
                    headers=headers,
                )
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 201:
                    raise SystemExit(f"upload {n}: {answer.status_code} {answer.text}")

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(uploads)))
        return time.perf_counter() - started, latencies


async def variant_latency(
    target: Target, token: str, uid: str, image: bytes, samples: int
) -> tuple[list[float], list[float]]:
    """Per sample: POST start -> variants ready event, and POST answer -> that event."""
    headers = {"Authorization": f"Bearer {token}"}
    total: list[float] = []
    after_answer: list[float] = []
    tls = None
    if target.realtime.startswith("wss:"):
        if isinstance(target.verify, ssl.SSLContext):
            tls = target.verify
        else:
            tls = ssl.create_default_context()
            if not target.verify:
                tls.check_hostname = False
                tls.verify_mode = ssl.CERT_NONE
    async with (
        websockets.connect(f"{target.realtime}?token={token}", ssl=tls, compression=None) as ws,
        httpx.AsyncClient(timeout=120, verify=target.verify) as client,
    ):
        await ws.send(json.dumps({"op": "subscribe", "topic": f"user:{uid}"}))
        while json.loads(await ws.recv()).get("op") != "subscribed":
            pass
        for n in range(samples):
            started = time.perf_counter()
            answer = await client.post(
                f"{target.storage}/storage/object/{BUCKET}/{uid}/v{n}.png",
                content=image,
                headers=headers,
            )
            answered = time.perf_counter()
            if answer.status_code != 201:
                raise SystemExit(f"sample {n}: {answer.status_code} {answer.text}")
            wanted = answer.json()["id"]
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=120))
                record = message.get("data", {}).get("record", {})
                if (
                    message.get("type") == "storage.object.variants_ready"
                    and record.get("id") == wanted
                ):
                    break
            done = time.perf_counter()
            total.append(done - started)
            after_answer.append(done - answered)
    return total, after_answer


def report(
    image: bytes,
    seconds: float,
    latencies: list[float],
    total: list[float],
    after: list[float],
    concurrency: int,
) -> None:
    mb = len(image) / 1e6
    n = len(latencies)
    print()
    print(f"image: {SIDE}x{SIDE} PNG of noise, {mb:.2f} MB; bucket {BUCKET} (3 variants)")
    print(f"uploads: {n} x {mb:.2f} MB, {concurrency} at a time, in {seconds:.2f} s")
    print(f"  throughput {n * mb / seconds:8.1f} MB/s   {n / seconds:6.2f} uploads/s")
    print(
        f"  latency    p50 {quantile(latencies, 0.5) * 1000:7.0f} ms"
        f"   p95 {quantile(latencies, 0.95) * 1000:7.0f} ms"
    )
    if total:
        print(f"variants ready (thumb, medium, large), {len(total)} uploads one at a time:")
        print(
            f"  POST start -> event   p50 {quantile(total, 0.5) * 1000:7.0f} ms"
            f"   p95 {quantile(total, 0.95) * 1000:7.0f} ms"
        )
        print(
            f"  POST answer -> event  p50 {quantile(after, 0.5) * 1000:7.0f} ms"
            f"   p95 {quantile(after, 0.95) * 1000:7.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=40, help="uploads timed for throughput")
    parser.add_argument("--concurrency", type=int, default=4, help="uploads at a time")
    parser.add_argument("--samples", type=int, default=10, help="uploads timed to their variants")
    parser.add_argument("--url", help="the platform's front door (e.g. https://127.0.0.1:8443)")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify TLS (default: trust the data folder's local CA)",
    )
    args = parser.parse_args()
    settings = Settings.from_env()
    image = noise_png()
    with target_for(args, settings) as (target, db_url):
        uid, token = make_user(db_url)
        try:
            seconds, latencies = asyncio.run(
                throughput(target, token, uid, image, args.uploads, args.concurrency)
            )
            wait_for_variants(db_url, uid)
            total, after = asyncio.run(variant_latency(target, token, uid, image, args.samples))
        finally:
            drop_user(db_url, uid)
    report(image, seconds, latencies, total, after, args.concurrency)


@contextmanager
def target_for(args: argparse.Namespace, settings: Settings) -> Iterator[tuple[Target, str]]:
    if args.url is None:
        with direct(settings) as found:
            yield found
        return
    base = args.url.rstrip("/")
    realtime = base.replace("https:", "wss:", 1).replace("http:", "ws:", 1) + "/realtime"
    print(f"through {base} (the running platform's database)", flush=True)
    verify: ssl.SSLContext | bool = not args.insecure
    ca = settings.tls_dir / "ca.pem"
    if verify and ca.exists():
        verify = ssl.create_default_context(cafile=str(ca))  # the set-up's local CA
    yield Target(base, realtime, verify), settings.superuser_url


if __name__ == "__main__":
    main()
