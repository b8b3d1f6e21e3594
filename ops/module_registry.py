"""The module registry as ops reads it (``platform.modules``): who is registered, and
the seed entry points ``inv db.seed`` runs.

Modules register themselves from their own Sqitch changes (``platform.register_module``);
nothing in Python lists them. A seed entry point is a ``"package.module:function"`` the
module declares, called as ``function(url, options, say)`` and returning the lines to print.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from core.errors import OpsError
from ops.database import connect, translate_errors

if TYPE_CHECKING:
    from ops.seed import SeedOptions

logger = logging.getLogger(__name__)

Say = Callable[[str], None]
#: What a module's seed entry point is: (superuser URL, `inv db.seed`'s options, say) -> lines.
SeedEntry = Callable[[str, "SeedOptions", Say], Iterable[str]]


@dataclass(frozen=True)
class Module:
    name: str
    exposed_schemas: tuple[str, ...]
    seed_entry: str | None


def registered(url: str) -> list[Module]:
    """The registered modules, in registration order (core first)."""
    doing = "read the module registry"
    with translate_errors(doing), connect(url, doing) as conn:
        rows = conn.execute(
            "select name, exposed_schemas, seed_entry from platform.modules order by ordinal"
        ).fetchall()
    return [
        Module(str(name), tuple(cast("list[str]", schemas)), None if entry is None else str(entry))
        for name, schemas, entry in rows
    ]


def load_seed_entry(module: str, entry: str) -> SeedEntry:
    """Import ``"package.module:function"``; a clear error names the module that declared it."""
    path, _, attribute = entry.partition(":")
    try:
        function = getattr(importlib.import_module(path), attribute)
    except (ImportError, AttributeError) as exc:
        raise OpsError(
            f"module {module} declares the seed entry point {entry!r}, which does not load: {exc}",
            f"fix the seed_entry in {module}'s platform.register_module call (db/schema/{module}/)",
        ) from exc
    if not callable(function):
        raise OpsError(f"{module}'s seed entry point {entry!r} is not a function",
                       "point seed_entry at a function")  # fmt: skip
    return cast(SeedEntry, function)


def run_seeds(url: str, options: SeedOptions, say: Say) -> Iterator[str]:
    """Run every registered module's seed entry point, in registration order."""
    modules = [m for m in registered(url) if m.seed_entry]
    if not modules:
        raise OpsError(
            "no registered module declares a seed entry point",
            "deploy the modules first (`inv db.deploy`); a module declares one in its "
            "platform.register_module call",
        )
    for module in modules:
        assert module.seed_entry is not None
        entry = load_seed_entry(module.name, module.seed_entry)
        say(f"{module.name}: seeding ({module.seed_entry})")
        logger.info("seeding module %s with %s", module.name, module.seed_entry)
        yield from entry(url, options, say)
