"""Import the legacy Django blog's SQLite file into the publishing module (issue 23).

``inv import.blog PATH [--dry-run]``, ``import.verify``, ``import.rollback``, ``import.list``
(ops/tasks/imports.py); docs/import.md is the manual. The steps, one module each:
`source` (the file, read-only), `rules` (what the platform refuses, the policies),
`plan` (every decision), `load` (one transaction, COPY), `verify` (the report),
`rollback`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import OpsError
from ops.database import connect, translate_errors
from ops.legacy_blog import rules
from ops.legacy_blog.load import Loader, standing_import
from ops.legacy_blog.plan import Plan, make_plan
from ops.legacy_blog.rollback import Rollback, rollback
from ops.legacy_blog.source import Source, sha256_of
from ops.legacy_blog.verify import Verification, verify
from ops.seed import Say

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    source: str
    sha256: str
    counts: dict[str, int]
    conflicts: list[dict[str, Any]]
    policies: dict[str, str]
    dry_run: bool
    import_id: int | None = None
    target: dict[str, int] = field(default_factory=dict)
    verification: Verification | None = None
    sha256_after: str | None = None
    seconds: float = 0.0

    @property
    def unresolved(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.conflicts:
            if c["policy"] is None:
                out[c["kind"]] = out.get(c["kind"], 0) + 1
        return out

    def as_json(self) -> dict[str, Any]:
        kinds: dict[str, dict[str, Any]] = {}
        for c in self.conflicts:
            k = kinds.setdefault(
                c["kind"],
                {
                    "rule": rules.BY_NAME[c["kind"]].rule,
                    "policy": c["policy"],
                    "policies": rules.BY_NAME[c["kind"]].policies,
                    "rows": 0,
                },
            )
            k["rows"] += 1
        return {
            "source": {
                "path": self.source,
                "sha256": self.sha256,
                "sha256_after": self.sha256_after,
                "counts": self.counts,
            },
            "dry_run": self.dry_run,
            "policies": self.policies,
            "conflict_kinds": kinds,
            "conflicts": self.conflicts,
            "import_id": self.import_id,
            "target": self.target,
            "verification": self.verification.as_json() if self.verification else None,
            "seconds": round(self.seconds, 2),
        }  # fmt: skip


def import_blog(
    url: str,
    path: Path,
    *,
    policies: dict[str, str],
    media_url: str | None,
    dry_run: bool,
    say: Say,
    online: bool = False,
) -> ImportReport:
    """Check (and unless ``dry_run``, import and verify) the legacy file at ``path``."""
    started = time.monotonic()
    sha256 = sha256_of(path)
    doing = "import the legacy blog"
    loaders: list[Loader] = []  # cleaned up once the transaction has ended
    try:
        with Source.open(path) as source, translate_errors(doing), connect(url, doing) as conn:
            counts = source.counts()
            say(f"{path.name}: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
            if conn.execute(
                "select to_regclass('publishing_private.legacy_imports')"
            ).fetchone() == (None,):
                raise OpsError("the import's tables are not deployed", "run `inv db.deploy` first")
            standing = standing_import(conn, sha256)
            if standing is not None:
                raise OpsError(
                    f"{path.name} (SHA-256 {sha256[:12]}...) is already imported:"
                    f" import {standing}",
                    "nothing to do; to import it again, roll it back first:"
                    f" inv import.rollback {standing}",
                )
            say("checking every legacy row against the platform's rules")
            plan = make_plan(conn, source, policies, media_url)
            report = ImportReport(
                str(path), sha256, counts, [c.as_json() for c in plan.conflicts], policies, dry_run
            )
            if dry_run:
                conn.rollback()
            else:
                _check_runnable(plan, report)
                options = {"policies": policies, "media_url": media_url, "online": online}
                loader = Loader(conn, source, plan, say, url=url, online=online)
                loaders.append(loader)
                report.import_id = loader.run(sha256, options, counts)
                report.target = loader.counts
                say("verifying every row against the legacy file")
                report.verification = verify(conn, source, report.import_id)
                if not report.verification.ok:
                    conn.rollback()
                    raise OpsError(
                        "the verification found mismatches: nothing was imported\n"
                        + "\n".join(lines(report)),
                        "report this: the import must not lose or alter a row silently",
                    )
                conn.commit()
    finally:
        for loader in loaders:
            loader.cleanup()
    report.sha256_after = sha256_of(path)
    if report.sha256_after != sha256:
        raise OpsError(f"{path} changed while it was read", "import a copy nobody writes to")
    report.seconds = time.monotonic() - started
    logger.info("legacy import %s: %.1f s", report.import_id, report.seconds)
    return report


def _check_runnable(plan: Plan, report: ImportReport) -> None:
    unresolved = plan.unresolved()
    if unresolved:
        raise OpsError(
            "conflicts without a policy: "
            + ", ".join(f"{k} ({n:,} rows)" for k, n in unresolved.items())
            + "\n"
            + "\n".join(lines(report)),
            "choose one per kind: "
            + " ".join(f"--policy {k}={'|'.join(rules.BY_NAME[k].policies)}" for k in unresolved),
        )
    refused = plan.refused()
    if refused:
        raise OpsError(
            "the policy is refuse for: "
            + ", ".join(f"{k} ({n:,} rows)" for k, n in refused.items()),
            "fix those rows in a copy of the file, or choose another policy",
        )


def verify_import(url: str, path: Path, import_id: int) -> Verification:
    doing = "verify the import"
    with Source.open(path) as source, translate_errors(doing), connect(url, doing) as conn:
        return verify(conn, source, import_id)


def rollback_import(url: str, import_id: int, dependents: str | None, say: Say) -> Rollback:
    doing = "roll back the import"
    with translate_errors(doing), connect(url, doing) as conn:
        result = rollback(conn, import_id, dependents, say)
        conn.commit()
        return result


def list_imports(url: str) -> list[dict[str, Any]]:
    doing = "list the imports"
    with translate_errors(doing), connect(url, doing) as conn:
        cur = conn.execute(
            """select id, source_name, source_sha256, imported_at, imported_by, counts -> 'target',
                      rolled_back_at from publishing_private.legacy_imports order by id"""
        )
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def lines(report: ImportReport) -> Iterator[str]:
    """The report for people."""
    doc = report.as_json()
    yield f"source {report.source} (SHA-256 {report.sha256})"
    for table, n in report.counts.items():
        yield f"  {table:<20} {n:>10,} rows"
    kinds = doc["conflict_kinds"]
    if not kinds:
        yield "conflicts: none"
    for name, k in kinds.items():
        policy = k["policy"] or "NO POLICY: " + "|".join(k["policies"])
        yield f"conflict {name} ({k['rows']:,} rows): {k['rule']}; policy: {policy}"
        shown = [c for c in report.conflicts if c["kind"] == name][:5]
        for c in shown:
            yield f"    {c['table']} {c['legacy_id']}: {c['detail']}"
        if k["rows"] > len(shown):
            yield f"    ... {k['rows'] - len(shown):,} more (all in --report FILE)"
    if report.import_id is not None:
        yield f"import {report.import_id}: " + ", ".join(
            f"{t} {n:,}" for t, n in report.target.items()
        )
    if report.verification is not None:
        from ops.legacy_blog.verify import lines as verification_lines

        yield from verification_lines(report.verification)


def write_report(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, indent=1, default=str, ensure_ascii=False) + "\n")
