"""Root and the workers: what nginx's unprivileged workers must be able to read.

Started by root (CI, this machine), nginx's master reads the key and opens the logs as
root, then runs its workers as ``PLATFORM_FRONTDOOR_USER`` (www-data). The workers read
the files they serve (``web/``, ``<storage>/public``, ``<storage>/private``) and write
their temporary files and cache under the front door's folder (the master creates those
folders and gives them to the workers). With the usual umask (022) all of it is readable
already; a private parent folder (a project under /root, a umask of 077) is not, so the
set-up grants the worker user, and nobody else, an ACL entry: traverse (``x``) on each
parent and read (``rX``, default ACL included so new files inherit it) on the served
folders. The same way `ops.cluster` lets the postgres OS user reach its data folder.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from core.errors import OpsError
from ops.frontdoor.config import FrontdoorConfig

logger = logging.getLogger(__name__)


def prepare(config: FrontdoorConfig) -> list[str]:
    """What ``config``'s workers serve and write made reachable (`grant_reading`)."""
    return grant_reading(
        config.worker_user,
        served=(config.web_dir, config.storage_dir / "public", config.storage_dir / "private"),
        traversed=(config.folder,),
    )


def grant_reading(user: str | None, served: Iterable[Path], traversed: Iterable[Path]) -> list[str]:
    """Make ``served`` folders readable and ``traversed`` ones reachable by ``user``.

    Nothing to do when ``user`` is None (not root: the workers are the caller). Returns
    what was granted, for the operator.
    """
    if user is None or os.geteuid() != 0:
        return []
    granted: list[str] = []
    for folder in traversed:
        granted += _traverse(user, folder)
    for folder in served:
        folder.mkdir(parents=True, exist_ok=True)
        granted += _traverse(user, folder)
        if not _can(user, "-r", folder):
            _setfacl(["-R", "-m", f"u:{user}:rX", str(folder)], folder)
            _setfacl(["-R", "-d", "-m", f"u:{user}:rX", str(folder)], folder)
            granted.append(f"read {folder}")
        if not _can(user, "-r", folder):
            raise OpsError(
                f"nginx's workers ({user}) cannot read {folder}",
                "make the folder readable by that user, or set PLATFORM_FRONTDOOR_USER",
            )
    for line in granted:
        logger.warning("front door: granted %s the right to %s", user, line)
    return granted


def _traverse(user: str, folder: Path) -> list[str]:
    if _can(user, "-x", folder):  # then every parent is traversable too
        return []
    granted: list[str] = []
    for parent in [*reversed(folder.resolve().parents), folder.resolve()]:
        if parent.exists() and not _can(user, "-x", parent):
            _setfacl(["-m", f"u:{user}:x", str(parent)], parent)
            granted.append(f"traverse {parent}")
    return granted


def _can(user: str, test: str, path: Path) -> bool:
    probe = ["runuser", "-u", user, "--", "test", test, str(path)]
    return subprocess.run(probe, cwd="/", check=False, capture_output=True).returncode == 0


def _setfacl(args: list[str], path: Path) -> None:
    try:
        subprocess.run(["setfacl", *args], check=True, capture_output=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise OpsError(
            f"cannot grant nginx's workers access to {path}: {exc}",
            "run `make bootstrap` (it installs setfacl), or make the folder readable by "
            "PLATFORM_FRONTDOOR_USER",
        ) from exc
