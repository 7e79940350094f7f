"""API tokens: made for a user with a role no higher than theirs, shown once, kept only as a sha256 hash.

A token reads `mf_<id>_<secret part>`. Authentication finds the row by its id and compares the
hash of the whole token in constant time; expired and revoked tokens, and tokens of inactive
users, are refused. `last_used_at` is written at most once a minute, so a busy client does not
turn every read into a write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mendflow.auth.identity import Identity, identity_of
from mendflow.auth.roles import check_role, rank
from mendflow.auth.validators import check_name
from mendflow.db import Database
from mendflow.errors import ConflictError, InvalidError, NotFoundError, UnauthorizedError
from mendflow.models import ApiToken, User, new_id, utcnow

PREFIX = "mf_"
TOUCH_EVERY = timedelta(minutes=1)
REFUSED = "The API token is not valid: unknown, expired or revoked."


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_dict(token: ApiToken, now: datetime | None = None) -> dict[str, Any]:
    return {"id": token.id, "user_id": token.user_id, "name": token.name, "role": token.role,
            "created_at": token.created_at.isoformat(), "status": _status(token, now or utcnow()),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


class Tokens:
    """Create, list, revoke and authenticate API tokens."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, user_id: str, name: str, role: str | None = None, *,
               expires_in: timedelta | None = None) -> tuple[dict[str, Any], str]:
        """Make a token; returns its description and the secret, which is never shown again."""
        name = check_name(name, "name", 100)
        if expires_in is not None and expires_in <= timedelta(0):
            raise InvalidError("expires_in must be a positive duration", field="expires_in")
        token_id = new_id()
        secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        with self.db.session() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user {user_id!r}", field="user_id")
            if not user.active:
                raise ConflictError(f"user {user_id!r} is inactive; activate them before making tokens")
            role = check_role(role or user.role)
            if rank(role) > rank(user.role):
                raise InvalidError(f"a token's role cannot be above its user's: {user_id!r} is {user.role}, "
                                   f"so the token may be at most {user.role}, not {role}", field="role")
            now = utcnow()
            token = ApiToken(id=token_id, user_id=user_id, name=name, role=role, token_hash=hash_token(secret),
                             created_at=now, expires_at=now + expires_in if expires_in else None)
            session.add(token)
            session.flush()
            return token_dict(token, now), secret

    def list(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Tokens of one user, or of everyone; newest first."""
        with self.db.sessions() as session:
            query = select(ApiToken).order_by(ApiToken.id.desc())
            if user_id is not None:
                query = query.where(ApiToken.user_id == user_id)
            now = utcnow()
            return [token_dict(t, now) for t in session.scalars(query)]

    def get(self, token_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            return token_dict(_token(session, token_id))

    def revoke(self, token_id: str) -> dict[str, Any]:
        """Stop a token from working (revoking one already revoked keeps the first time)."""
        with self.db.session() as session:
            token = _token(session, token_id)
            if token.revoked_at is None:
                token.revoked_at = utcnow()
            return token_dict(token)

    def delete_expired(self, user_id: str) -> int:
        """Remove a user's expired tokens (the CLI's short-lived tokens would otherwise pile up)."""
        with self.db.begin() as conn:
            table = ApiToken.__table__
            result = conn.execute(delete(table).where(table.c.user_id == user_id, table.c.expires_at <= utcnow()))
            return result.rowcount

    def authenticate(self, secret: str) -> Identity:
        """The identity a bearer token stands for; UnauthorizedError when it is not (or no longer) valid."""
        token_id = _token_id(secret)
        with self.db.sessions() as session:
            token = session.get(ApiToken, token_id) if token_id else None
            user = session.get(User, token.user_id) if token is not None else None
        presented = hash_token(secret)
        stored = token.token_hash if token is not None else hash_token(PREFIX)
        matches = hmac.compare_digest(presented, stored)
        now = utcnow()
        if token is None or user is None or not matches or _status(token, now) != "active" or not user.active:
            raise UnauthorizedError(REFUSED)
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            self._touch(token.id, now)
        return identity_of(user, "token", token_id=token.id, token_role=token.role)

    def _touch(self, token_id: str, now: datetime) -> None:
        with self.db.begin() as conn:
            table = ApiToken.__table__
            conn.execute(update(table).where(table.c.id == token_id).values(last_used_at=now))


def _token_id(secret: str) -> str | None:
    if not isinstance(secret, str) or not secret.startswith(PREFIX):
        return None
    token_id, sep, _ = secret[len(PREFIX):].partition("_")
    return token_id if sep and 0 < len(token_id) <= 32 else None


def _token(session: Session, token_id: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"no API token {token_id!r}")
    return token


def _status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"
