"""Import the legacy Django blog: ``inv import.blog``, ``import.verify``, ``import.rollback``,
``import.list`` (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from ops import legacy_blog
from ops.legacy_blog import rules
from ops.legacy_blog.verify import lines as verification_lines
from ops.tasks._common import reports_errors, say, settings

POLICY_HELP = "KIND=POLICY for a kind of conflict, repeatable; kinds: " + ", ".join(rules.BY_NAME)


@task(
    iterable=["policy"],
    help={
        "path": "the legacy blog's SQLite file (opened read-only)",
        "dry_run": "check and list conflicts only; write nothing",
        "media_url": "URL the legacy media files are served from (avatars, covers)",
        "policy": POLICY_HELP,
        "report": "write the JSON report to this file",
        "online": "keep every index during the load: readers never wait (slower for large"
        " files; by default a large load rebuilds the articles' and comments' indexes)",
    },
)
@reports_errors
def blog(
    c: Context,
    path: str,
    dry_run: bool = False,
    media_url: str | None = None,
    policy: list[str] | None = None,
    report: str | None = None,
    online: bool = False,
) -> None:
    """Import the legacy Django blog (SQLite): all or nothing, verified."""
    policies = rules.parse_policies(policy or [])
    result = legacy_blog.import_blog(
        settings().superuser_url,
        Path(path),
        policies=policies,
        media_url=media_url,
        dry_run=dry_run,
        say=say,
        online=online,
    )
    for line in legacy_blog.lines(result):
        print(line)
    if report:
        legacy_blog.write_report(Path(report), result.as_json())
        print(f"JSON report: {report}")
    if dry_run:
        unresolved = result.unresolved
        print("dry run: nothing was written")
        if unresolved:
            print(
                "a real run needs: "
                + " ".join(
                    f"--policy {k}={'|'.join(rules.BY_NAME[k].policies)}" for k in unresolved
                )
            )
    else:
        print(f"done in {result.seconds:.1f} s; undo with: inv import.rollback {result.import_id}")


@task(
    help={
        "path": "the legacy blog's SQLite file that was imported",
        "import_id": "the import's id (inv import.list)",
        "report": "write the JSON report to this file",
    }
)
@reports_errors
def verify(c: Context, path: str, import_id: int, report: str | None = None) -> None:
    """Compare an import with its legacy file row by row; exit 1 on any mismatch."""
    result = legacy_blog.verify_import(settings().superuser_url, Path(path), import_id)
    for line in verification_lines(result):
        print(line)
    if report:
        legacy_blog.write_report(Path(report), result.as_json())
    if not result.ok:
        raise Exit(code=1)


@task(
    help={
        "import_id": "the import to undo (inv import.list)",
        "dependents": "delete: also delete rows users created since that hang from imported"
        " ones (refused without it)",
    }
)
@reports_errors
def rollback(c: Context, import_id: int, dependents: str | None = None) -> None:
    """Remove exactly what an import added; refuses while later rows depend on it."""
    if dependents not in (None, "delete"):
        raise Exit("error: --dependents takes one value: delete", code=1)
    result = legacy_blog.rollback_import(settings().superuser_url, import_id, dependents, say)
    for table, n in result.removed.items():
        print(f"removed {n:>10,} {table}")
    print(f"restored {result.restored_settings} site settings; import {import_id} rolled back")


@task(name="list")
@reports_errors
def list_(c: Context) -> None:
    """Show every import: source, checksum, when, who, rows, rolled back."""
    for row in legacy_blog.list_imports(settings().superuser_url):
        state = (
            f"rolled back {row['rolled_back_at']:%Y-%m-%d %H:%M}"
            if row["rolled_back_at"]
            else "standing"
        )
        print(
            f"{row['id']:>4}  {row['source_name']}  {row['source_sha256'][:12]}  "
            f"{row['imported_at']:%Y-%m-%d %H:%M}  {row['imported_by']}  {state}"
        )
