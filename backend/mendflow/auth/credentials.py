"""What a request presents — a bearer token or a signed session — turned into an identity.

Shared by the REST API and the Socket.IO connection handler so both accept exactly the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mendflow.auth.identity import Identity
from mendflow.auth.people import People
from mendflow.auth.tokens import Tokens
from mendflow.errors import UnauthorizedError

SESSION_KEY = "auth"
BAD_HEADER = "The Authorization header must read 'Bearer <token>'."


def bearer_secret(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None without a header, 401 for any other form."""
    if authorization is None:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise UnauthorizedError(BAD_HEADER)
    return value.strip()


def identify(people: People, tokens: Tokens, *, token: str | None,
             session: Mapping[str, Any] | None) -> Identity | None:
    """The caller: a token wins over a session; a bad token is a 401, a stale session is simply no identity."""
    if token is not None:
        return tokens.authenticate(token)
    data = (session or {}).get(SESSION_KEY)
    if not isinstance(data, Mapping) or not isinstance(data.get("user"), str):
        return None
    return people.session_identity(data["user"], str(data.get("pw", "")))


def session_data(people: People, identity: Identity) -> dict[str, str]:
    """What the signed session cookie keeps: the user and a fingerprint of their password hash."""
    return {"user": identity.user_id, "pw": people.fingerprint(identity.user_id)}
