"""Signed response links: a token names an alert, a person and an option; it expires with the alert.

The token is signed with the installation's secret (itsdangerous), so it cannot be forged or
altered. It works once because an alert takes one answer: after the first response every token
of that alert is refused with who answered what.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from mendflow.errors import GoneError, MendflowError

MAX_AGE_SECONDS = 14 * 24 * 3600  # a backstop; the alert's own expiry is checked when the link is used


@dataclass(frozen=True)
class ResponseGrant:
    alert_id: int
    user_id: str
    choice: str


class ResponseTokens:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="mendflow.alert-response")

    def make(self, alert_id: int, user_id: str, choice: str) -> str:
        return self._serializer.dumps({"a": alert_id, "u": user_id, "c": choice})

    def read(self, token: str) -> ResponseGrant:
        """The grant a token carries; 400 for a tampered or truncated token, 410 for a very old one."""
        try:
            data = self._serializer.loads(token, max_age=MAX_AGE_SECONDS)
        except SignatureExpired:
            raise GoneError("This response link has expired.") from None
        except BadSignature:
            raise MendflowError("This response link is not valid: it was altered or cut short.") from None
        try:
            return ResponseGrant(int(data["a"]), str(data["u"]), str(data["c"]))
        except (KeyError, TypeError, ValueError):
            raise MendflowError("This response link is not valid.") from None
