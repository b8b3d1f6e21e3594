"""A thin wrapper around the ``sqitch`` command for the plan in ``db/``.

Every function takes a libpq URL (``postgresql://user:password@host:port/dbname``),
turns it into a Sqitch target (``db:pg://user@host:port/dbname``) and passes the password
through ``SQITCH_PASSWORD`` so it never shows in the process list. Output is echoed as it
arrives and returned; a failure raises `SqitchError` saying what to do next.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from core.errors import OpsError

logger = logging.getLogger(__name__)

DB_DIR = Path(__file__).resolve().parent.parent / "db"
COMMITTER_NAME = "Platform Ops"
COMMITTER_EMAIL = "ops@localhost"


class SqitchError(OpsError):
    """A sqitch command failed; ``output`` is what it printed."""

    def __init__(self, message: str, hint: str, output: str) -> None:
        super().__init__(message, hint)
        self.output = output


def deploy(url: str, to: str | None = None, verify: bool = True, *, project_dir: Path = DB_DIR,
           echo: bool = True) -> str:  # fmt: skip
    """Deploy pending changes (through ``to``); a no-op when nothing is pending."""
    args = ["--verify" if verify else "--no-verify"]
    if to is not None:
        args += ["--to", to]
    return _sqitch("deploy", url, args, project_dir=project_dir, echo=echo)


def revert(url: str, to: str | None = None, *, project_dir: Path = DB_DIR,
           echo: bool = True) -> str:  # fmt: skip
    """Revert every change after ``to`` (all of them when None), without prompting."""
    args = ["-y"]
    if to is not None:
        args += ["--to", to]
    return _sqitch("revert", url, args, project_dir=project_dir, echo=echo)


def rebase(url: str, onto: str, upto: str | None = None, *, project_dir: Path = DB_DIR,
           echo: bool = True) -> str:  # fmt: skip
    """Revert the changes after ``onto``, then deploy again (through ``upto``), verifying."""
    args = ["-y", "--verify", "--onto", onto]
    if upto is not None:
        args += ["--upto", upto]
    return _sqitch("rebase", url, args, project_dir=project_dir, echo=echo)


def verify(url: str, *, project_dir: Path = DB_DIR, echo: bool = True) -> str:
    """Run the verify script of every deployed change."""
    return _sqitch("verify", url, [], project_dir=project_dir, echo=echo)


def status(url: str, *, project_dir: Path = DB_DIR, echo: bool = True) -> str:
    """Show the last deployed change and what is pending."""
    return _sqitch("status", url, [], project_dir=project_dir, echo=echo, ok_codes=(0, 1))


def log(url: str, *, project_dir: Path = DB_DIR, echo: bool = True) -> str:
    """Show the deploy and revert history of the database."""
    return _sqitch("log", url, [], project_dir=project_dir, echo=echo, ok_codes=(0, 1))


def target(url: str) -> str:
    """The Sqitch target URI of a libpq URL, without the password."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise OpsError(
            f"not a PostgreSQL URL: {parts.scheme}://...",
            "pass a URL like postgresql://user:password@host:5432/dbname",
        )
    host = parts.netloc.rpartition("@")[2]
    user = parts.username
    netloc = f"{user}@{host}" if user else host
    return "db:" + urlunsplit(parts._replace(scheme="pg", netloc=netloc))


def environment(url: str) -> dict[str, str]:
    """The environment sqitch runs with: committer identity and the URL's password."""
    env = dict(os.environ)
    env.update(SQITCH_FULLNAME=COMMITTER_NAME, SQITCH_EMAIL=COMMITTER_EMAIL, SQITCH_PAGER="cat")
    password = urlsplit(url).password
    if password is not None:
        env["SQITCH_PASSWORD"] = unquote(password)
    else:
        env.pop("SQITCH_PASSWORD", None)
    return env


def _sqitch(command: str, url: str, args: Sequence[str], *, project_dir: Path, echo: bool,
            ok_codes: Sequence[int] = (0,)) -> str:  # fmt: skip
    argv = ["sqitch", "--chdir", str(project_dir), command, *args, target(url)]
    logger.debug("running %s", " ".join(argv))
    try:
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=environment(url),
        )
    except FileNotFoundError as exc:
        raise SqitchError(
            "sqitch is not installed", "run `make bootstrap` (it installs sqitch)", ""
        ) from exc
    lines: list[str] = []
    assert proc.stdout is not None
    with proc.stdout:
        for line in proc.stdout:
            lines.append(line)
            if echo:
                try:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                except BrokenPipeError:  # e.g. `inv db.log | head`: keep draining
                    echo = False
    code = proc.wait()
    output = "".join(lines)
    if code in ok_codes or (command == "revert" and "No registry found" in output):
        return output
    raise SqitchError(
        f"sqitch {command} failed (exit {code}) on {target(url)}"
        + ("" if echo else f":\n{output.rstrip()}"),
        _hint(command, output, project_dir),
        output,
    )


def _hint(command: str, output: str, project_dir: Path) -> str:
    if "empty plan" in output:
        return f"{project_dir}/sqitch.plan has no changes yet: add one with `sqitch add`"
    if "Plan file" in output and "does not exist" in output:
        return f"create the plan in {project_dir} (sqitch.plan) first"
    if "could not connect" in output or "Connection refused" in output:
        return "is the database running? `inv status` tells; `inv up` starts it"
    if "password authentication failed" in output:
        return "the URL's password is wrong: check DATABASE_URL or the data folder's secrets"
    if "Cannot find change" in output:
        return (
            "the plan no longer matches what is deployed (a deployed change was edited, moved "
            "or removed): restore db/sqitch.plan, or in development start over with "
            "`inv db.reset --yes` (drops the data); never edit a deployed change, rework it"
        )
    if "No registry found" in output:
        return "nothing is deployed yet: run `inv db.deploy`"
    if command == "deploy":
        return (
            "fix the failing change under db/ (sqitch reverted it), then run `inv db.deploy` "
            "again; `inv db.status` shows what is deployed"
        )
    if command == "verify":
        return "a deployed change no longer verifies: `inv db.status`, then fix or rework it"
    return "read the sqitch output above; `inv db.status` shows what is deployed"
