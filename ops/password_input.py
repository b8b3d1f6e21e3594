"""A new password for an ops task: from a hidden prompt or a file, never from argv.

A password on the command line is visible to every user of the machine (``ps``) and
stays in the shell's history; `inv users.set-password` reads it here instead.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from core.errors import OpsError


def read_password_file(path: Path) -> str:
    """The password in ``path``: its first line, without the line ending."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise OpsError(
            f"no password file at {path}", "write the password into that file first"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise OpsError(
            f"cannot read the password file {path}: {exc}",
            "the file must be readable and hold the password as UTF-8 text",
        ) from exc
    password = text.split("\n", 1)[0].removesuffix("\r")
    if not password:
        raise OpsError(
            f"the password file {path} is empty",
            "write the password on its first line",
        )
    return password


def prompt_new_password(prompt: str = "New password: ") -> str:
    """Ask twice on the terminal, without echo; both answers must agree."""
    if not sys.stdin.isatty():
        raise OpsError(
            "no terminal to ask the new password on",
            "pass --password-file PATH (a file holding the password on its first line)",
        )
    first = getpass.getpass(prompt)
    if not first:
        raise OpsError("no password given", "type the new password at the prompt")
    if getpass.getpass("Repeat it: ") != first:
        raise OpsError("the two passwords differ", "run the task again and type the same twice")
    return first


def read_new_password(password_file: str | None) -> str:
    """The new password: from ``password_file`` when given, else from the prompt."""
    if password_file:
        return read_password_file(Path(password_file))
    return prompt_new_password()
