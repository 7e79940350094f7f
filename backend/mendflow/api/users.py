"""Users and their contact methods: everyone signed in may read them; admins manage them; people edit themselves."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import current_identity, requires
from mendflow.api.people_schemas import (
    ContactMethodListSchema,
    ContactMethodPatchSchema,
    ContactMethodSchema,
    NewUserSchema,
    UserListSchema,
    UserPatchSchema,
    UserQuerySchema,
    UserSchema,
)
from mendflow.api.schemas import ApiErrorSchema
from mendflow.auth import check_own_or_admin, check_user_edit
from mendflow.errors import ForbiddenError, InvalidError

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users and their contact methods")


def _people() -> Any:
    return current_app.extensions["mendflow"].people


@blp.route("")
class Users(MethodView):
    @requires("viewer")
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every user with their contact methods and teams."""
        return {"items": _people().list_users(include_inactive=args["include_inactive"])}

    @requires("admin")
    @blp.arguments(NewUserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="The id or the email is taken.")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Add a user (admins)."""
        return _people().create_user(args.pop("id"), args.pop("email"), args.pop("name"), args.pop("role"), **args)


@blp.route("/<user_id>")
class UserItem(MethodView):
    @requires("viewer")
    @blp.response(200, UserSchema)
    def get(self, user_id: str) -> dict[str, Any]:
        """One user."""
        return _people().get_user(user_id)

    @requires("viewer")
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(403, schema=ApiErrorSchema)
    def patch(self, args: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Change a user: admins anything; anyone their own name, time zone and password (with current_password)."""
        identity = current_identity()
        current = args.pop("current_password", None)
        check_user_edit(identity, user_id, args)
        if "password" in args and user_id == identity.user_id:
            if current is None:
                raise InvalidError("current_password is needed to change your own password", field="current_password")
            if not _people().verify_password(user_id, current):
                raise ForbiddenError("current_password is not your current password", field="current_password")
        return _people().update_user(user_id, args)

    @requires("admin")
    @blp.response(200, UserSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="The last active admin.")
    def delete(self, user_id: str) -> dict[str, Any]:
        """Deactivate a user: they can no longer sign in, their tokens stop working, their history stays."""
        return _people().deactivate(user_id)


@blp.route("/<user_id>/contact-methods")
class ContactMethods(MethodView):
    @requires("viewer")
    @blp.response(200, ContactMethodListSchema)
    def get(self, user_id: str) -> dict[str, Any]:
        """A user's contact methods."""
        return {"items": _people().list_contacts(user_id)}

    @requires("viewer")
    @blp.arguments(ContactMethodSchema)
    @blp.response(201, ContactMethodSchema)
    @blp.alt_response(403, schema=ApiErrorSchema)
    def post(self, args: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Add a contact method (your own, or anyone's as an admin)."""
        check_own_or_admin(current_identity(), user_id, "Changing the contact methods")
        return _people().add_contact(user_id, args["kind"], args["address"], args["label"])


@blp.route("/<user_id>/contact-methods/<int:contact_id>")
class ContactMethodItem(MethodView):
    @requires("viewer")
    @blp.arguments(ContactMethodPatchSchema)
    @blp.response(200, ContactMethodSchema)
    def patch(self, args: dict[str, Any], user_id: str, contact_id: int) -> dict[str, Any]:
        """Change a contact method (your own, or anyone's as an admin)."""
        check_own_or_admin(current_identity(), user_id, "Changing the contact methods")
        return _people().update_contact(user_id, contact_id, args)

    @requires("viewer")
    @blp.response(204)
    def delete(self, user_id: str, contact_id: int) -> None:
        """Remove a contact method (your own, or anyone's as an admin)."""
        check_own_or_admin(current_identity(), user_id, "Changing the contact methods")
        _people().remove_contact(user_id, contact_id)
