"""What every task module shares: settings, the error boundary, output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import psycopg
from invoke.exceptions import Exit

from core.errors import OpsError
from core.settings import Settings
from ops.database import explain

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn an `OpsError` (or a stray driver error) into what failed + what to do; exit 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OpsError as exc:
            raise Exit(f"error: {exc}", code=1) from exc
        except psycopg.Error as exc:  # a driver error no module translated: still readable
            raise Exit(f"error: {explain(exc, func.__name__.replace('_', ' '))}", code=1) from exc

    return wrapper


def settings() -> Settings:
    """Settings from the environment (raises `OpsError` on a bad value)."""
    return Settings.from_env()


def say(message: str) -> None:
    print(f"• {message}", flush=True)


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Print rows as left-aligned columns; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
