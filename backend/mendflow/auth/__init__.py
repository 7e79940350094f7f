"""People and sign-in: users, contact methods, teams, roles, API tokens and who may do what."""

from mendflow.auth.credentials import SESSION_KEY, bearer_secret, identify, session_data
from mendflow.auth.identity import Identity, identity_of
from mendflow.auth.people import SIGN_IN_REFUSED, People, password_fingerprint
from mendflow.auth.policy import check_own_or_admin, check_user_edit, require_role
from mendflow.auth.roles import ROLE_SUMMARY, ROLES, check_role, has_role, lower_role, rank
from mendflow.auth.tokens import Tokens, hash_token

__all__ = [
    "ROLES", "ROLE_SUMMARY", "SESSION_KEY", "SIGN_IN_REFUSED", "Identity", "People", "Tokens", "bearer_secret",
    "check_own_or_admin", "check_role", "check_user_edit", "has_role", "hash_token", "identify", "identity_of",
    "lower_role", "password_fingerprint", "rank", "require_role", "session_data",
]
