"""Accounts for operators: ``inv users.create``, ``users.grant``, ``users.revoke``, roles
on groups: ``users.grant-scope``, ``users.revoke-scope``, and passwords:
``users.set-password``, ``users.reset-required``."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ops import users as accounts
from ops.password_input import read_new_password
from ops.tasks._common import print_table, reports_errors, settings


@task(
    iterable=["privilege"],
    help={
        "email": "the account's email address (its login)",
        "password": "the password; if omitted one is generated and printed once",
        "privilege": "an app privilege to grant (reader, author, editor, moderator, admin); "
        "repeat for several",
        "username": "the public username (default: the part of EMAIL before the @)",
    },
)
@reports_errors
def create(
    c: Context,
    email: str,
    password: str | None = None,
    privilege: list[str] | None = None,
    username: str | None = None,
) -> None:
    """Create an account (password generated if not given)."""
    generated = password is None
    secret = accounts.generate_password() if password is None else password
    user_id = accounts.create_user(
        settings().superuser_url, email, secret, username, privilege or []
    )
    print(f"created {email} (id {user_id})")
    if generated:
        print(f"password (shown once, store it now): {secret}")


@task(
    help={
        "email": "the account's email address",
        "privilege": "the app privilege to grant (reader, author, editor, moderator, admin)",
    }
)
@reports_errors
def grant(c: Context, email: str, privilege: str) -> None:
    """Grant an app privilege (it shows in the next token)."""
    accounts.grant_privilege(settings().superuser_url, email, privilege)
    print(f"granted {privilege} to {email}")


@task(
    help={
        "email": "the account's email address",
        "privilege": "the app privilege to withdraw",
    }
)
@reports_errors
def revoke(c: Context, email: str, privilege: str) -> None:
    """Withdraw an app privilege and end the sessions."""
    accounts.revoke_privilege(settings().superuser_url, email, privilege)
    print(f"revoked {privilege} from {email}")


SCOPE_HELP = {
    "email": "the account's email address",
    "kind": "the kind of group, as the module's policies name it (team, location, coalition)",
    "scope_id": "the group's id in its module",
    "role": "the role on that group (the module's word: admin, member...)",
}


@task(name="grant-scope", help=SCOPE_HELP)
@reports_errors
def grant_scope(c: Context, email: str, kind: str, scope_id: int, role: str) -> None:
    """Grant a role on a group (a team, a location)."""
    added = accounts.grant_scoped_role(settings().superuser_url, email, kind, int(scope_id), role)
    done = "granted" if added else "already held:"
    print(f"{done} {role} on {kind} {scope_id} to {email}")


@task(name="revoke-scope", help=SCOPE_HELP)
@reports_errors
def revoke_scope(c: Context, email: str, kind: str, scope_id: int, role: str) -> None:
    """Withdraw a role on a group; applies at once."""
    removed = accounts.revoke_scoped_role(
        settings().superuser_url, email, kind, int(scope_id), role
    )
    done = "revoked" if removed else "not held:"
    print(f"{done} {role} on {kind} {scope_id} from {email}")


@task(
    name="set-password",
    help={
        "email": "the account's email address",
        "password_file": "read the new password from this file (its first line) instead of "
        "asking for it; it is never taken from the command line",
    },
)
@reports_errors
def set_password(c: Context, email: str, password_file: str | None = None) -> None:
    """Set an account's password (asked, hidden); ends its sessions."""
    password = read_new_password(password_file)
    accounts.set_password(settings().superuser_url, email, password)
    print(f"new password set for {email}; its sessions were ended")


@task(name="reset-required")
@reports_errors
def reset_required(c: Context) -> None:
    """List accounts that must be given a password."""
    accounts_to_reset = accounts.reset_required(settings().superuser_url)
    if not accounts_to_reset:
        print("no account must reset its password")
        return
    rows = [("email", "username", "stored hash", "created")]
    rows += [
        (a.email, a.username, HASH_KINDS.get(a.scheme, a.scheme), f"{a.created_at:%Y-%m-%d}")
        for a in accounts_to_reset
    ]
    print_table(rows)
    print(
        f"{len(accounts_to_reset)} account(s) cannot sign in until given a password:"
        " inv users.set-password EMAIL"
    )


#: How `reset-required` names the kinds of `auth.password_scheme`.
HASH_KINDS = {
    "unusable": "unusable (Django !)",
    "unknown": "format not read",
}
