"""Errors the domain raises for requests it refuses; the API maps `status` to the HTTP answer."""

from __future__ import annotations

from typing import Any


class MendflowError(Exception):
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(MendflowError):
    status = 404


class ConflictError(MendflowError):
    status = 409


class InvalidError(MendflowError):
    status = 422


class UnauthorizedError(MendflowError):
    """No identity, or one that cannot be accepted (wrong password, expired or revoked token)."""

    status = 401


class ForbiddenError(MendflowError):
    """A known caller whose role does not allow the request."""

    status = 403


class GoneError(MendflowError):
    """The thing asked for existed but is no longer usable (an expired alert or response link)."""

    status = 410
