"""The one error hierarchy of the platform: what went wrong and what to do next."""

from __future__ import annotations


class OpsError(Exception):
    """An operation failed; ``hint`` tells the operator what to do next."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  next: {self.hint}"
        return self.message


class SettingsError(OpsError):
    """An environment variable has a value the platform cannot use."""
