"""The test suite: ``inv test`` (pytest: Python tests and the pgTAP files)."""

from __future__ import annotations

import shlex

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from ops.tasks._common import settings, stdout_is_tty

NO_TESTS_COLLECTED = 5


@task(
    name="test",
    help={
        "k": "only run tests matching this pytest -k expression",
    },
)
def run_tests(c: Context, k: str | None = None) -> None:
    """Run pytest; pass more options after --, e.g. inv test -- -x."""
    s = settings()
    python = s.venv_python if s.venv_python.exists() else "python3"
    argv = [str(python), "-m", "pytest"]
    if k:
        argv += ["-k", k]
    command = shlex.join(argv)
    if c.remainder:
        command += " " + c.remainder
    print(f"$ {command}", flush=True)
    result = c.run(command, warn=True, pty=stdout_is_tty())
    code = result.exited if result is not None else 1
    if code == NO_TESTS_COLLECTED:
        raise Exit("error: pytest collected no tests (exit 5); that counts as a failure", code=5)
    if code:
        raise Exit(code=code)
