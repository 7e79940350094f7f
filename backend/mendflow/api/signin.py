"""Signing in and out of the browser session, and who the caller is."""

from __future__ import annotations

from typing import Any

from flask import current_app, session
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import CSRF_REFUSED, current_identity, has_csrf_header, open_access, requires
from mendflow.api.people_schemas import LoginSchema, MeSchema
from mendflow.api.schemas import ApiErrorSchema
from mendflow.auth import SESSION_KEY, Identity, session_data
from mendflow.errors import ForbiddenError

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign in, sign out, who am I")


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


def me(identity: Identity) -> dict[str, Any]:
    return {"user": _runtime().people.get_user(identity.user_id), "role": identity.role, "via": identity.via,
            "token_id": identity.token_id}


def _require_csrf_header() -> None:
    if not has_csrf_header():
        raise ForbiddenError(CSRF_REFUSED)


@blp.route("/login")
class Login(MethodView):
    @open_access
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, schema=ApiErrorSchema, description="Wrong email or password.")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Sign in with email and password; the answer sets the session cookie (send X-Requested-With: mendflow)."""
        _require_csrf_header()
        people = _runtime().people
        identity = people.sign_in(args["email"], args["password"])
        session.clear()
        session[SESSION_KEY] = session_data(people, identity)
        session.permanent = True
        return me(identity)


@blp.route("/logout")
class Logout(MethodView):
    @open_access
    @blp.response(204)
    def post(self) -> None:
        """End the browser session (signing out twice is fine)."""
        _require_csrf_header()
        session.clear()


@blp.route("/me")
class Me(MethodView):
    @requires("viewer")
    @blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """The signed-in user (or the token's user), the role this request may use, and how it signed in."""
        return me(current_identity())
