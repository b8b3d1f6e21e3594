"""The database schema through Sqitch: ``inv db.deploy``, ``db.revert``, ``db.shell``..."""

from __future__ import annotations

import shlex
from urllib.parse import unquote, urlsplit

from invoke.context import Context
from invoke.tasks import task

from core.errors import OpsError
from core.paths import PROJECT_ROOT
from core.urls import with_credentials
from ops import net_schema, plan, sqitch
from ops.catalog_lints import run_lints
from ops.lint import WAIVERS_FILE
from ops.lint import lint as run_lint
from ops.module_registry import run_seeds
from ops.seed import SeedOptions
from ops.stack import Stack
from ops.tasks._common import reports_errors, say, settings

TO_HELP = "a change name or tag from db/sqitch.plan (e.g. schema/core/roles or @platform-2.0)"


@task(
    help={
        "to": f"deploy up to and including this change: {TO_HELP}",
        "dry_run": "show the pending changes and their SQL (as db.plan), run nothing",
    }
)
@reports_errors
def deploy(c: Context, to: str | None = None, dry_run: bool = False) -> None:
    """Deploy pending Sqitch changes, then configure roles/JWT."""
    if dry_run:
        show_pending(to, sql=True)
        print("dry run: nothing was deployed")
        return
    Stack(settings(), say).deploy(to=to)


@task(
    name="plan",
    help={
        "to": f"stop at this change: {TO_HELP}",
        "sql": "print each pending change's SQL (default; --no-sql lists the changes only)",
    },
)
@reports_errors
def plan_(c: Context, to: str | None = None, sql: bool = True) -> None:
    """Show the changes db.deploy would run, and their SQL."""
    show_pending(to, sql=sql)


@task
@reports_errors
def lint(c: Context) -> None:
    """Lint the deploy scripts with squawk; unwaived findings fail."""
    report = run_lint()
    for finding in report.violations:
        print(finding)
    for problem in report.problems:
        print(problem)
    waived = len(report.waived)
    print(
        f"{report.changes} changes: {len(report.violations)} findings, {waived} waived"
        f" (db/{WAIVERS_FILE}), {len(report.problems)} other problems"
    )
    if not report.ok:
        raise OpsError(
            "db.lint failed",
            "fix the change (set lock_timeout, build indexes CONCURRENTLY: see "
            "db/templates), or waive a rule with its reason in "
            f"db/{WAIVERS_FILE} or an inline `-- squawk-ignore` under a comment",
        )


@task(
    name="snapshot",
    help={
        "check": "compare only: print the diff and fail when db/net-schema.sql is out of date",
    },
)
@reports_errors
def snapshot_(c: Context, check: bool = False) -> None:
    """Write db/net-schema.sql: the schema a fresh deploy of the whole plan builds."""
    s = settings()
    if s.database_url is None:
        Stack(s, say).start_cluster()
    say("sqitch: deploying db/sqitch.plan into a scratch database")
    fresh = net_schema.of_plan(s.superuser_url)
    path = net_schema.SNAPSHOT_FILE.relative_to(PROJECT_ROOT)
    committed = net_schema.SNAPSHOT_FILE.read_text() if net_schema.SNAPSHOT_FILE.exists() else ""
    if fresh == committed:
        print(f"{path} is up to date")
        return
    if check:
        print(net_schema.diff(committed, fresh))
        raise OpsError(f"{path} is out of date", net_schema.REGENERATE_HINT)
    net_schema.write(fresh)
    print(f"wrote {path}: review its diff (git diff {path}) and commit it with the change")


@task
@reports_errors
def lints(c: Context) -> None:
    """Run the catalog lints (db/lints/*.sql) on the database; undeclared findings fail."""
    report = run_lints(settings().superuser_url)
    for line in report.lines():
        print(line)
    print(
        f"{len(report.lints)} lints: {len(report.findings)} findings,"
        f" {len(report.excepted)} declared exceptions, {len(report.stale)} stale exceptions"
    )
    if not report.ok:
        raise OpsError(
            "db.lints failed",
            "fix each finding as its lint says (docs/lints.md), or declare an exception with"
            " its reason in the module's change: platform.declare_lint_exception(...)",
        )


def show_pending(to: str | None, sql: bool) -> None:
    """What `db.plan` prints: pending changes in order, each with its deploy script."""
    s = settings()
    where = sqitch.target(s.superuser_url)
    waiting = plan.pending(s.superuser_url, to=to)
    if not waiting:
        print(f"nothing to deploy on {where}" + (f" up to {to}" if to else ""))
        return
    print(f"{len(waiting)} change(s) to deploy on {where}, in this order:")
    for change in waiting:
        requires = f" (requires {', '.join(change.requires)})" if change.requires else ""
        print(f"  {change.name}{requires}")
        print(f"      {change.note}")
    if not sql:
        return
    for change in waiting:
        script = change.deploy_script
        print(f"\n-- ==== {change.name}: {script.relative_to(PROJECT_ROOT)} ====")
        print(script.read_text().rstrip())


@task(
    help={
        "to": f"revert the changes after this one (default: all of them): {TO_HELP}",
        "yes": "confirm: reverting drops the objects and their data",
    }
)
@reports_errors
def revert(c: Context, to: str | None = None, yes: bool = False) -> None:
    """Revert changes (all, or those after --to); needs --yes."""
    _confirm(yes, "db.revert" + (f" --to {to}" if to else ""))
    sqitch.revert(settings().superuser_url, to=to)


@task
@reports_errors
def verify(c: Context) -> None:
    """Run the verify script of every deployed change."""
    sqitch.verify(settings().superuser_url)


@task
@reports_errors
def status(c: Context) -> None:
    """Show the last deployed change and what is pending."""
    sqitch.status(settings().superuser_url)


@task
@reports_errors
def log(c: Context) -> None:
    """Show the history of deploys and reverts."""
    sqitch.log(settings().superuser_url)


@task
@reports_errors
def shell(c: Context) -> None:
    """Open pgcli on the platform database as superuser."""
    url = settings().superuser_url
    password = urlsplit(url).password
    user = urlsplit(url).username or "postgres"
    env = {"PGPASSWORD": unquote(password)} if password is not None else {}
    plain = with_credentials(url, unquote(user), None)  # password goes through the env
    c.run(shlex.join(["pgcli", plain]), pty=True, env=env)


@task(
    name="seed",
    help={
        "articles": "how many articles (default 10,000; 100,000 take a minute or two)",
        "users": "how many accounts (default: one per 50 articles, 20 to 20,000); the journal"
        " writes in this many (default: one per 100 entries, 20 to 10,000)",
        "comments_per_article": "average comments per published article (default 3)",
        "entries": "journal entries (default 5,000; 1,000,000 across --users 10000 take minutes)",
        "seed": "random seed: the same seed and sizes give the same data (default 42)",
    },
)
@reports_errors
def seed_demo_data(
    c: Context,
    articles: int = 10_000,
    users: int = 0,
    comments_per_article: float = 3.0,
    entries: int = 5_000,
    seed: int = 42,
) -> None:
    """Load demo data: every registered module's seed entry point."""
    options = SeedOptions(
        articles=int(articles),
        users=int(users) or None,
        comments_per_article=float(comments_per_article),
        entries=int(entries),
        seed=int(seed),
    )
    for line in run_seeds(settings().superuser_url, options, say):
        print(line)


@task(help={"yes": "confirm: this drops every object of the plan and its data"})
@reports_errors
def reset(c: Context, yes: bool = False) -> None:
    """Revert all, deploy all again, configure; needs --yes."""
    _confirm(yes, "db.reset")
    stack = Stack(settings(), say)
    say("sqitch: reverting all changes")
    sqitch.revert(stack.settings.superuser_url)
    stack.deploy()


def _confirm(yes: bool, command: str) -> None:
    if not yes:
        raise OpsError(
            f"`inv {command}` drops database objects and the data in them",
            f"run `inv {command} --yes` if that is what you want",
        )
