"""The one exception type outside-system clients raise, carrying the remote's own message."""

from __future__ import annotations


class IntegrationError(Exception):
    """A call to an outside (or built-in) system failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
