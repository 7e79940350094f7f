"""Roles, ordered: each one may do everything the roles below it may."""

from __future__ import annotations

from mendflow.errors import InvalidError

ROLES: tuple[str, ...] = ("viewer", "responder", "editor", "admin")
"""Lowest first: viewer < responder < editor < admin."""

ROLE_SUMMARY: dict[str, str] = {
    "viewer": "reads everything: flows, runs, incidents, people, schedules",
    "responder": "viewer, and sends events, answers waiting steps and alerts, acknowledges and resolves incidents",
    "editor": "responder, and edits, publishes and deletes flows, starts, replays and cancels runs, "
              "edits schedules and escalation policies",
    "admin": "editor, and manages users, teams and everyone's API tokens",
}


def check_role(role: str, field: str = "role") -> str:
    """`role` when it is one of ROLES, else a 422 naming the choices."""
    if role not in ROLES:
        raise InvalidError(f"{field} must be one of {', '.join(ROLES)}, not {role!r}", field=field)
    return role


def rank(role: str) -> int:
    """The position of `role` in ROLES (viewer 0 … admin 3); an unknown role ranks below viewer."""
    return ROLES.index(role) if role in ROLES else -1


def has_role(role: str, minimum: str) -> bool:
    """True when `role` is `minimum` or above it."""
    return rank(role) >= rank(check_role(minimum, "minimum"))


def lower_role(first: str, second: str) -> str:
    """The lesser of two roles (a token's role is capped by its user's)."""
    return first if rank(first) <= rank(second) else second
