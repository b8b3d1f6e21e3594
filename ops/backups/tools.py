"""Running PostgreSQL's client programs (pg_dump, pg_restore, pg_amcheck) against a URL.

The password goes through ``PGPASSWORD``, never the command line (which ``ps`` shows).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from core.errors import OpsError
from ops.cluster import PG_BIN_DIR


def split_password(url: str) -> tuple[str, dict[str, str]]:
    """``url`` without its password, and the environment that carries the password."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        host = parts.netloc.rpartition("@")[2]
        user = parts.netloc.rpartition("@")[0].partition(":")[0]
        url = urlunsplit(parts._replace(netloc=f"{user}@{host}"))
    return url, env


def database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def program(name: str) -> Path:
    path = PG_BIN_DIR / name
    if not path.exists():
        raise OpsError(f"{path} not found", "run `make bootstrap` to install PostgreSQL 15")
    return path


def run(
    name: str, args: Sequence[str], url: str, *, what: str, hint: str, positional: bool = False
) -> str:
    """Run ``name args... --dbname url`` (``url`` last with ``positional``, as pg_amcheck
    wants it); raise `OpsError` (with its output) on failure."""
    plain, env = split_password(url)
    argv = [str(program(name)), *args, plain if positional else f"--dbname={plain}"]
    result = subprocess.run(
        argv, capture_output=True, encoding="utf-8", errors="replace", env=env, check=False
    )
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise OpsError(f"{what} failed (exit {result.returncode}): {output[-2000:]}", hint)
    return result.stdout
