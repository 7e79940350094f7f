"""Who may do what to people and tokens, beyond the minimum role of each endpoint.

Admins manage everyone. Anyone signed in may change their own name, time zone, password and
contact methods, and make, see and revoke their own tokens.
"""

from __future__ import annotations

from collections.abc import Iterable

from mendflow.auth.identity import Identity
from mendflow.auth.roles import has_role
from mendflow.errors import ForbiddenError

SELF_EDITABLE = frozenset({"name", "time_zone", "password"})


def require_role(identity: Identity, minimum: str, action: str = "this") -> None:
    """ForbiddenError naming the role needed and the caller's, unless `identity` has `minimum`."""
    if not has_role(identity.role, minimum):
        raise ForbiddenError(f"{action} needs the {minimum} role; you are signed in as {identity.user_id} "
                             f"with the {identity.role} role.", required_role=minimum, role=identity.role)


def check_user_edit(identity: Identity, user_id: str, fields: Iterable[str]) -> None:
    """Admins change anything; a user changes their own name, time zone and password."""
    if identity.is_admin:
        return
    fields = set(fields)
    if user_id != identity.user_id:
        require_role(identity, "admin", "Changing another user")
    if not fields <= SELF_EDITABLE:
        require_role(identity, "admin", f"Changing your own {', '.join(sorted(fields - SELF_EDITABLE))}")


def check_own_or_admin(identity: Identity, user_id: str, what: str) -> None:
    """Contact methods and tokens: your own, or anyone's when you are an admin."""
    if user_id != identity.user_id and not identity.is_admin:
        require_role(identity, "admin", f"{what} of another user")
