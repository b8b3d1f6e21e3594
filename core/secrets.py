"""Per-data-folder secrets: generated once, kept in files of mode 0600, never committed.

One file per secret in ``var/secrets`` (named like the fields below). PostgREST reads
``jwt_secret`` straight from its file (``jwt-secret = "@<path>"``), so the file holds
the bare secret with no trailing newline.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OpsError

logger = logging.getLogger(__name__)

MIN_JWT_SECRET_LENGTH = 32
_JWT_SECRET_BYTES = 48  # token_urlsafe(48) is 64 characters
_PASSWORD_BYTES = 32

_FILES = ("jwt_secret", "authenticator_password", "platform_jobs_password", "postgres_password")


@dataclass(frozen=True)
class Secrets:
    """The secrets of one data folder. ``repr`` never shows the values."""

    directory: Path
    jwt_secret: str = field(repr=False)
    authenticator_password: str = field(repr=False)
    platform_jobs_password: str = field(repr=False)
    postgres_password: str = field(repr=False)

    @property
    def jwt_secret_file(self) -> Path:
        """The file PostgREST reads its signing secret from."""
        return self.directory / "jwt_secret"

    @classmethod
    def load_or_create(cls, secrets_dir: Path, jwt_override: str | None = None) -> Secrets:
        """Read the secrets of ``secrets_dir``, generating any that is missing.

        ``jwt_override`` (``PLATFORM_JWT_SECRET``) replaces the generated JWT secret and
        is written to the ``jwt_secret`` file so that PostgREST reads the same value.
        """
        check_jwt_secret(jwt_override)
        secrets_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(secrets_dir, 0o700)
        values = {name: _read_or_create(secrets_dir / name, _generate(name)) for name in _FILES}
        if jwt_override is not None and values["jwt_secret"] != jwt_override:
            _write(secrets_dir / "jwt_secret", jwt_override, replace=True)
            values["jwt_secret"] = jwt_override
        return cls(directory=secrets_dir, **values)

    @classmethod
    def load(cls, secrets_dir: Path) -> Secrets:
        """Read existing secrets; raise `OpsError` when the folder was never initialised."""
        try:
            values = {name: (secrets_dir / name).read_text().strip() for name in _FILES}
        except FileNotFoundError as exc:
            raise OpsError(
                f"secret file {exc.filename} is missing",
                "run `inv up` (or `make up`) once to generate the secrets of this data folder",
            ) from exc
        return cls(directory=secrets_dir, **values)


#: What to do about a JWT secret that is too short.
SHORT_JWT_ADVICE = (
    'unset it to use a generated secret, or set one from: python3 -c "import secrets; '
    'print(secrets.token_urlsafe(48))"'
)


def jwt_secret_is_long_enough(secret: str | None) -> bool:
    """True for no secret (one is generated) or one of at least 32 characters."""
    return secret is None or len(secret) >= MIN_JWT_SECRET_LENGTH


def check_jwt_secret(secret: str | None) -> None:
    """Refuse a JWT secret shorter than 32 characters (PostgREST 12 does not)."""
    if secret is not None and not jwt_secret_is_long_enough(secret):
        raise OpsError(
            f"PLATFORM_JWT_SECRET is {len(secret)} characters; at least "
            f"{MIN_JWT_SECRET_LENGTH} are required",
            SHORT_JWT_ADVICE,
        )


def _generate(name: str) -> str:
    return secrets.token_urlsafe(_JWT_SECRET_BYTES if name == "jwt_secret" else _PASSWORD_BYTES)


def _read_or_create(path: Path, candidate: str) -> str:
    try:
        _write(path, candidate, replace=False)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return path.read_text().strip()
    logger.info("generated secret %s", path)
    return candidate


def _write(path: Path, value: str, *, replace: bool) -> None:
    """Write ``value`` to a 0600 file atomically; without ``replace`` fail if it exists.

    The value goes to a private temporary file first, then is linked (or renamed) into
    place, so a concurrent reader never sees a half-written secret.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w") as file:  # mkstemp creates it with mode 0600
            file.write(value)
        if replace:
            tmp.replace(path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
