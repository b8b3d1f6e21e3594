"""Run wrk against a URL and read its figures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    requests: int = 0

    def line(self, label: str) -> str:
        return (
            f"{label:<44} {self.requests_per_second:>9.0f} req/s   p50 {self.p50_ms:6.2f} ms"
            f"   p99 {self.p99_ms:7.2f} ms   non-2xx {self.non_2xx}"
        )


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    connections: int = 50,
    duration_s: int = 10,
    threads: int = 2,
    method: str = "GET",
    body: str | None = None,
    script: Path | None = None,
) -> WrkResult:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bootstrap` (it installs Debian's wrk)")
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if script is not None and (method != "GET" or body is not None):
        raise ValueError("wrk.run: a script sets its own method and body")
    if script is not None:
        argv += ["-s", str(script)]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if method != "GET" or body is not None:
            # wrk sends a method and body only from a Lua script; json.dumps quotes a
            # Lua string literal correctly for the text JSON bodies these benchmarks send.
            lua.write(f"wrk.method = {json.dumps(method)}\n")
            if body is not None:
                lua.write(f"wrk.body = {json.dumps(body)}\n")
            lua.flush()
            argv += ["-s", lua.name]
        out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non_2xx_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = int(non_2xx_match.group(1)) if non_2xx_match else 0
    return WrkResult(rps, p50, p99, non_2xx, total)
