"""Who is calling: the user behind a session or an API token, and the role the request may use."""

from __future__ import annotations

from dataclasses import dataclass

from mendflow.auth.roles import has_role, lower_role
from mendflow.models import User


@dataclass(frozen=True)
class Identity:
    """A signed-in user (`via` "session") or an API token's user (`via` "token").

    `role` is what this request may do: for a token, the lower of the token's and the user's role.
    """

    user_id: str
    name: str
    email: str
    role: str
    user_role: str
    via: str
    token_id: str | None = None

    def can(self, minimum: str) -> bool:
        return has_role(self.role, minimum)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def identity_of(user: User, via: str, *, token_id: str | None = None, token_role: str | None = None) -> Identity:
    """The identity of `user`; through a token, its role is the lower of the token's and the user's."""
    role = user.role if token_role is None else lower_role(token_role, user.role)
    return Identity(user_id=user.id, name=user.name, email=user.email, role=role, user_role=user.role,
                    via=via, token_id=token_id)
