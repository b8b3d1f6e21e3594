"""A custom-format archive's table of contents, and the order its restore runs in.

``pg_restore --jobs`` picks the next item among those whose dependencies are met, the
largest table's first, and never runs an item that locks a table exclusively (a
primary key, a foreign key, a trigger) beside another item on that table. So once a
large table is loaded, its slowest index build (a GIN or RUM index over a million
documents: minutes on one core) starts at once, and everything else of that table
(its keys, the foreign keys to it, its triggers) waits until it ends, while the second
core has nothing to do.

`plan` splits the items in two: the index builds that are not B-trees (and what depends
on them, such as their comments) restore last, in a second ``pg_restore``; everything
else restores first. Nothing depends on those indexes' existence but their own
comments, and pg_amcheck checks B-trees only, so a verification can compare the tables
and run pg_amcheck beside the last builds instead of after them.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OpsError
from ops.backups import tools

#: ``4139; 1259 5013230 INDEX publishing articles_search_rum_idx postgres``
_ENTRY = re.compile(r"^(?P<id>\d+); \d+ \d+ (?P<rest>.*)$")
_INDEX = re.compile(r"^INDEX (?!ATTACH )(?P<schema>\S+) (?P<name>.+) \S+$")
#: ``;	depends on: 256 4137``
_DEPENDS = re.compile(r"^;\s*depends on:(?P<ids>[\d ]*)$")
#: The header pg_restore writes before each item's SQL, then the index's definition.
_INDEX_SQL = re.compile(
    r"^-- Name: (?P<name>.+?); Type: INDEX; Schema: (?P<schema>.+?); Owner: .*\n"
    r"(?:--.*\n|\s*\n)*"
    r"CREATE (?:UNIQUE )?INDEX .*? USING (?P<method>\w+) ",
    re.MULTILINE,
)


@dataclass
class Toc:
    """The archive's items, as ``pg_restore --list --verbose`` prints them."""

    #: Each item's line of the listing, by item id (the listing's order).
    lines: dict[str, str] = field(default_factory=dict)
    #: The ids each item depends on.
    depends: dict[str, set[str]] = field(default_factory=dict)
    #: (schema, name) of each INDEX item, by item id.
    indexes: dict[str, tuple[str, str]] = field(default_factory=dict)


def read(dump: Path) -> Toc:
    """The table of contents of ``dump``; raises `OpsError` when pg_restore cannot read it."""
    listing = _pg_restore(dump, "--list", "--verbose")
    toc = Toc()
    current = None
    for line in listing.splitlines():
        entry = _ENTRY.match(line)
        if entry is not None:
            current = entry.group("id")
            toc.lines[current] = line
            toc.depends[current] = set()
            index = _INDEX.match(entry.group("rest"))
            if index is not None:
                toc.indexes[current] = (index.group("schema"), index.group("name"))
            continue
        depends = _DEPENDS.match(line)
        if depends is not None and current is not None:
            toc.depends[current].update(depends.group("ids").split())
    return toc


def index_methods(dump: Path) -> dict[tuple[str, str], str]:
    """The access method (btree, gin, rum...) of every index of ``dump``, by (schema, name)."""
    script = _pg_restore(dump, "--section=post-data", "--file=-")
    return {
        (match.group("schema"), match.group("name")): match.group("method")
        for match in _INDEX_SQL.finditer(script)
    }


def last_builds(toc: Toc, methods: dict[tuple[str, str], str]) -> set[str]:
    """The ids to restore last: every index that is not a B-tree, and what depends on one."""
    last = {item for item, key in toc.indexes.items() if methods.get(key, "btree") != "btree"}
    grew = bool(last)
    while grew:
        dependents = {
            item for item, needs in toc.depends.items() if item not in last and needs & last
        }
        last |= dependents
        grew = bool(dependents)
    return last


def write_list(toc: Toc, items: set[str], path: Path) -> Path:
    """A ``pg_restore --use-list`` file of ``items``, in the listing's order."""
    path.write_text("".join(line + "\n" for item, line in toc.lines.items() if item in items))
    return path


def _pg_restore(dump: Path, *args: str) -> str:
    result = subprocess.run(
        [str(tools.program("pg_restore")), *args, str(dump)],
        capture_output=True, encoding="utf-8", errors="replace", check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise OpsError(
            f"pg_restore cannot read {dump}: {result.stderr.strip()}",
            "the archive is damaged: use another backup (`inv backup.list`)",
        )
    return result.stdout
