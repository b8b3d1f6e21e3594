"""Errors the database raises for the HTTP caller, translated at the boundary.

The platform's triggers raise SQLSTATE ``PGRST`` with the JSON body as the message and the
HTTP status in the detail (platform.raise_error, PostgREST's convention); a constraint
violation is the caller's fault too. Everything else is DRF's default handling.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import DatabaseError, IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DatabaseError):
        cause = exc.__cause__
        diag = getattr(cause, "diag", None)
        if getattr(cause, "sqlstate", None) == "PGRST" and diag is not None:
            detail = json.loads(diag.message_detail or "{}")
            return Response(json.loads(diag.message_primary), status=detail.get("status", 400))
        if isinstance(exc, IntegrityError) and diag is not None:
            body = {
                "code": getattr(cause, "sqlstate", None),
                "message": diag.message_primary,
                "details": diag.message_detail,
                "constraint": diag.constraint_name,
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
