"""Physical backups with pgBackRest (not yet)."""

from __future__ import annotations

from collections.abc import Callable

from gateway.settings import Settings
from ops.backups.manifest import Manifest, Store, Verification
from ops.errors import OpsError

Say = Callable[[str], None]


def create(settings: Settings, store: Store, *, say: Say = print) -> Manifest:
    raise OpsError("physical backups are not built yet", "use --kind logical")


def verify(
    settings: Settings, manifest: Manifest, store: Store, *, say: Say = print
) -> Verification:
    raise OpsError("physical backups are not built yet", "use --kind logical")
