"""Account administration through the SQL API (``auth.create_user`` and friends).

The rules (password strength, username format, known privileges) live in SQL; this
module only calls the functions and turns their errors into readable `OpsError`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ops.database import connect, translate_errors

logger = logging.getLogger(__name__)


def generate_password() -> str:
    """A random password for a new account (printed once by ``inv users.create``)."""
    return secrets.token_urlsafe(18)


def default_username(email: str) -> str:
    """The username proposed when none is given: the email's local part."""
    return email.partition("@")[0]


def create_user(url: str, email: str, password: str, username: str | None = None,
                privileges: Sequence[str] = ()) -> str:  # fmt: skip
    """Create an account (``auth.create_user``); return its id."""
    doing = f"create user {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        row = conn.execute(
            "select auth.create_user(%s, %s, %s, %s::text[])::text",
            (email, password, username or default_username(email), list(privileges)),
        ).fetchone()
    assert row is not None
    user_id = str(row[0])
    logger.info("created user %s (%s)", email, user_id)
    return user_id


def grant_privilege(url: str, email: str, privilege: str) -> None:
    """Grant an app privilege (``auth.grant_privilege``); it shows in the next token."""
    doing = f"grant {privilege} to {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        conn.execute("select auth.grant_privilege(%s, %s)", (email, privilege))


def revoke_privilege(url: str, email: str, privilege: str) -> None:
    """Withdraw an app privilege (``auth.revoke_privilege``); ends the user's sessions."""
    doing = f"revoke {privilege} from {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        conn.execute("select auth.revoke_privilege(%s, %s)", (email, privilege))


def grant_scoped_role(url: str, email: str, kind: str, scope_id: int, role: str) -> bool:
    """Grant ``role`` on group ``kind`` ``scope_id`` (``auth.grant_scoped_role``); it
    applies to the user's next statement. True when the grant is new."""
    doing = f"grant {role} on {kind} {scope_id} to {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        row = conn.execute(
            "select auth.grant_scoped_role(%s, %s, %s, %s)", (email, kind, scope_id, role)
        ).fetchone()
    logger.info("granted %s on %s %s to %s", role, kind, scope_id, email)
    return bool(row and row[0])


def revoke_scoped_role(url: str, email: str, kind: str, scope_id: int, role: str) -> bool:
    """Withdraw ``role`` on group ``kind`` ``scope_id`` (``auth.revoke_scoped_role``); it
    applies at once. True when there was such a grant."""
    doing = f"revoke {role} on {kind} {scope_id} from {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        row = conn.execute(
            "select auth.revoke_scoped_role(%s, %s, %s, %s)", (email, kind, scope_id, role)
        ).fetchone()
    logger.info("revoked %s on %s %s from %s", role, kind, scope_id, email)
    return bool(row and row[0])


@dataclass(frozen=True)
class ResetRequired:
    """An account no password opens (``auth.reset_required``)."""

    email: str
    username: str
    scheme: str  # "unusable" (Django's `!...`) or "unknown" (a hash format not read)
    created_at: datetime


def set_password(url: str, email: str, password: str) -> None:
    """Give an account a new password (``auth.admin_set_password``); its sessions end.

    The password goes to SQL as a bind parameter and is never logged here."""
    doing = f"set the password of {email}"
    with translate_errors(doing), connect(url, doing) as conn:
        conn.execute("select auth.admin_set_password(%s, %s)", (email, password))
    logger.info("set a new password for %s", email)


def reset_required(url: str) -> list[ResetRequired]:
    """The accounts that must be given a password before anyone can sign in to them."""
    doing = "list the accounts that must reset their password"
    with translate_errors(doing), connect(url, doing) as conn:
        rows = conn.execute(
            "select email, username, scheme, created_at from auth.reset_required()"
        ).fetchall()
    found = []
    for email, username, scheme, created_at in rows:
        assert isinstance(created_at, datetime)
        found.append(ResetRequired(str(email), str(username), str(scheme), created_at))
    return found
