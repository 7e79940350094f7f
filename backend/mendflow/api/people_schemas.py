"""Request and response schemas of sign-in, users, teams and API tokens (they generate the OpenAPI document).

Field rules (handles, email, chat handles, URLs, time zones, passwords) are checked once, in
mendflow.auth, and come back as 422 with the field named; these schemas check shapes and types.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mendflow.auth import ROLES

_ROLE = {"enum": list(ROLES), "description": "viewer < responder < editor < admin"}
_KINDS = ("email", "chat", "webhook")


class LoginSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True, metadata={"format": "password"})


class ContactMethodSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(_KINDS),
                         metadata={"description": "email, chat (a handle such as @alice) or webhook (an http(s) URL)"})
    address = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class ContactMethodPatchSchema(Schema):
    kind = fields.String(validate=validate.OneOf(_KINDS))
    address = fields.String(validate=validate.Length(min=1, max=1000))
    label = fields.String(allow_none=True, validate=validate.Length(max=100))


class ContactMethodListSchema(Schema):
    items = fields.List(fields.Nested(ContactMethodSchema))


class UserSchema(Schema):
    id = fields.String(metadata={"description": "The handle, such as alice."})
    email = fields.String()
    name = fields.String()
    role = fields.String(metadata=_ROLE)
    time_zone = fields.String()
    active = fields.Boolean()
    has_password = fields.Boolean()
    created_at = fields.String()
    contact_methods = fields.List(fields.Nested(ContactMethodSchema))
    teams = fields.List(fields.String())


class UserListSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))


class UserQuerySchema(Schema):
    include_inactive = fields.Boolean(load_default=True)


class NewUserSchema(Schema):
    id = fields.String(required=True, metadata={"description": "a-z, 0-9, '.', '_' or '-', at most 64."})
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata=_ROLE)
    password = fields.String(load_default=None, allow_none=True,
                             metadata={"format": "password", "description": "At least 10 characters; leave "
                                       "it out for a user who only uses API tokens."})
    time_zone = fields.String(load_default="UTC")
    active = fields.Boolean(load_default=True)
    contact_methods = fields.List(fields.Nested(ContactMethodSchema), load_default=list)


class UserPatchSchema(Schema):
    email = fields.String()
    name = fields.String()
    role = fields.String(metadata=_ROLE)
    time_zone = fields.String()
    active = fields.Boolean()
    password = fields.String(metadata={"format": "password"})
    current_password = fields.String(metadata={"format": "password", "description": "Needed to change your own "
                                               "password."})


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    role = fields.String(metadata={**_ROLE, "description": "What this session or token may do (a token's role "
                                   "never exceeds its user's)."})
    via = fields.String(metadata={"enum": ["session", "token"]})
    token_id = fields.String(allow_none=True)


class TeamSchema(Schema):
    id = fields.String(required=True, metadata={"description": "A slug; flows name the team as team:<id>."})
    name = fields.String(required=True)
    description = fields.String(load_default="")
    members = fields.List(fields.String(), load_default=list)


class TeamPatchSchema(Schema):
    name = fields.String()
    description = fields.String()


class TeamListSchema(Schema):
    items = fields.List(fields.Nested(TeamSchema))


class MemberSchema(Schema):
    user_id = fields.String(required=True)


class TokenSchema(Schema):
    id = fields.String()
    user_id = fields.String()
    name = fields.String()
    role = fields.String(metadata=_ROLE)
    status = fields.String(metadata={"enum": ["active", "expired", "revoked"]})
    created_at = fields.String()
    last_used_at = fields.String(allow_none=True)
    expires_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)


class NewTokenSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(load_default=None, allow_none=True,
                         metadata={**_ROLE, "description": "At most your own role; yours when left out."})
    user_id = fields.String(load_default=None, allow_none=True,
                            metadata={"description": "Whose token (admins only); yours when left out."})
    expires_in = fields.String(load_default=None, allow_none=True,
                               metadata={"description": "A duration such as 30d, 12h or 90m; never when left out."})


class CreatedTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "The secret, shown this once: send it as "
                                    "Authorization: Bearer <token>."})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


class TokenQuerySchema(Schema):
    user_id = fields.String(load_default=None, metadata={"description": "Admins: only this user's tokens."})
