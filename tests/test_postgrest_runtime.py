"""PostgREST's GHC runtime runs on half the machine's cores (decision 0015): the option
reaches the real binary, which starts and serves with it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from ops.postgrest import runtime_cores, runtime_options
from tests.fix_postgrest import ApiServer


def test_postgrest_uses_half_the_cores_unless_told() -> None:
    assert runtime_cores() == max(1, (os.cpu_count() or 2) // 2)
    assert runtime_cores(3) == 3
    assert runtime_options(2) == ("+RTS", "-N2", "-RTS")


def test_the_running_postgrest_was_given_its_cores(postgrest: ApiServer) -> None:
    port = postgrest.url.rsplit(":", 1)[1]
    argvs = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"/postgrest") and b"+RTS" in argv:
            argvs.append([a.decode() for a in argv if a])
    assert any(f"-N{runtime_cores()}" in argv for argv in argvs), argvs
    response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Accept-Profile": "publishing"})
    assert response.status_code == 200
