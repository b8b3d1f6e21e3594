"""Processes a benchmark starts and stops: any ``python -m ...``, and the real gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bench.peers import wait_http
from core.paths import PROJECT_ROOT
from ops.net import free_port


@contextmanager
def process(args: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """``python <args>`` from the project root, stopped (SIGTERM) on exit."""
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def gateway(db_name: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The real gateway on ``db_name`` (free ports, no scheduled jobs); yields its URL
    once it answers."""
    port = free_port()
    settings = {"PLATFORM_DB_NAME": db_name, "PLATFORM_GATEWAY_PORT": str(port),
                "PLATFORM_STORAGE_PORT": str(free_port()), "PLATFORM_SCHEDULER_TICK": "0",
                **(env or {})}  # fmt: skip
    with process(["-m", "gateway"], settings):
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz")
        yield url
