"""API tokens: your own to make, list and revoke; admins see and revoke everyone's and make them for anyone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import current_identity, requires
from mendflow.api.people_schemas import (
    CreatedTokenSchema,
    NewTokenSchema,
    TokenListSchema,
    TokenQuerySchema,
    TokenSchema,
)
from mendflow.api.schemas import ApiErrorSchema
from mendflow.auth import check_own_or_admin, check_role, lower_role, rank
from mendflow.errors import InvalidError
from mendflow.flowdoc import parse_duration

blp = Blueprint("tokens", __name__, url_prefix="/api/tokens", description="API tokens (Authorization: Bearer ...)")


def _tokens() -> Any:
    return current_app.extensions["mendflow"].tokens


@blp.route("")
class Tokens(MethodView):
    @requires("viewer")
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, TokenListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Your tokens; an admin sees everyone's (or one user's with user_id)."""
        identity = current_identity()
        user_id = args["user_id"] if identity.is_admin else identity.user_id
        return {"items": _tokens().list(user_id)}

    @requires("viewer")
    @blp.arguments(NewTokenSchema)
    @blp.response(201, CreatedTokenSchema)
    @blp.alt_response(422, schema=ApiErrorSchema, description="A role above yours or the user's.")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Make a token; the answer holds its secret, shown this once. Its role is at most yours."""
        identity = current_identity()
        user_id = args["user_id"] or identity.user_id
        check_own_or_admin(identity, user_id, "Making API tokens")
        role = check_role(args["role"]) if args["role"] else None
        if role is not None and rank(role) > rank(identity.role):
            raise InvalidError(f"a token's role cannot be above your own ({identity.role}), not {role}", field="role")
        if role is None and user_id == identity.user_id:
            role = lower_role(identity.role, identity.user_role)
        info, secret = _tokens().create(user_id, args["name"], role, expires_in=_expires_in(args["expires_in"]))
        return {**info, "token": secret}


@blp.route("/<token_id>")
class TokenItem(MethodView):
    @requires("viewer")
    @blp.response(200, TokenSchema)
    def get(self, token_id: str) -> dict[str, Any]:
        """One token (yours, or anyone's as an admin); never its secret."""
        token = _tokens().get(token_id)
        check_own_or_admin(current_identity(), token["user_id"], "Reading the API tokens")
        return token

    @requires("viewer")
    @blp.response(200, TokenSchema)
    def delete(self, token_id: str) -> dict[str, Any]:
        """Revoke a token (yours, or anyone's as an admin); it stops working at once."""
        token = _tokens().get(token_id)
        check_own_or_admin(current_identity(), token["user_id"], "Revoking the API tokens")
        return _tokens().revoke(token_id)


def _expires_in(value: str | None) -> timedelta | None:
    if value is None:
        return None
    try:
        return timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        raise InvalidError(f"expires_in: {exc}", field="expires_in") from None
