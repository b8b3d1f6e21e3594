"""Storage errors, answered in PostgREST's shape: ``{"code", "message", "details", "hint"}``.

Most come from SQL (raised by ``platform.raise_error`` with a stable ``storage.*`` code
and the HTTP status); the few the service finds itself (a body over the limit while it
streams, an image it cannot decode) use the same shape and codes.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class StorageError(Exception):
    """An answer to the client: HTTP status and a PostgREST-shaped JSON body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "details": self.details,
            "hint": self.hint,
        }

    def response(self) -> web.Response:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if self.status == 401 else {}
        return web.json_response(self.body(), status=self.status, headers=headers)


def field(name: str, **extra: Any) -> str:
    """``details`` naming the field, as SQL's storage_private.error_details writes it."""
    return json.dumps({"field": name, **extra})


def unavailable() -> StorageError:
    return StorageError(503, "storage.unavailable", "the database is unavailable; retry shortly")
