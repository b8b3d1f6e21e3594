"""The database schema through Sqitch: ``inv db.deploy``, ``db.revert``, ``db.shell``..."""

from __future__ import annotations

import shlex
from urllib.parse import unquote, urlsplit

from invoke.context import Context
from invoke.tasks import task

from gateway.settings import with_credentials
from ops import sqitch
from ops.errors import OpsError
from ops.seed import SeedOptions, summary
from ops.seed import seed as load_demo_data
from ops.stack import Stack
from ops.tasks._common import reports_errors, say, settings

TO_HELP = "a change name or tag from db/sqitch.plan (e.g. schema/roles or @v1)"


@task(help={"to": f"deploy up to and including this change: {TO_HELP}"})
@reports_errors
def deploy(c: Context, to: str | None = None) -> None:
    """Deploy pending Sqitch changes, then configure roles/JWT."""
    Stack(settings(), say).deploy(to=to)


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
        "users": "how many accounts (default: one per 50 articles, 20 to 20,000)",
        "comments_per_article": "average comments per published article (default 3)",
        "seed": "random seed: the same seed and sizes give the same data (default 42)",
    },
)
@reports_errors
def seed_demo_data(
    c: Context,
    articles: int = 10_000,
    users: int = 0,
    comments_per_article: float = 3.0,
    seed: int = 42,
) -> None:
    """Load realistic demo data: users, articles, comments."""
    options = SeedOptions(
        articles=int(articles),
        users=int(users) or None,
        comments_per_article=float(comments_per_article),
        seed=int(seed),
    )
    say(
        f"seeding {options.articles:,} articles and {options.user_count:,} users"
        f" (seed {options.seed})"
    )
    report = load_demo_data(settings().superuser_url, options, say)
    for line in summary(report):
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
