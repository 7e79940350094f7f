"""The rules for what people type in: handles, emails, chat handles, webhook URLs, time zones, passwords.

Each check returns the normalized value or raises InvalidError naming the field and the rule.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mendflow.errors import InvalidError

HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
CHAT_HANDLE = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9._-]{0,79}(:[A-Za-z0-9.-]+)?")
PASSWORD_MIN = 10
PASSWORD_MAX = 200
CONTACT_KINDS = ("email", "chat", "webhook")


def check_handle(value: str, field: str = "id") -> str:
    """A user or team id: lowercase letters, digits, `.`, `_`, `-`, starting with a letter or digit, ≤ 64."""
    if not isinstance(value, str) or not HANDLE.fullmatch(value):
        raise InvalidError(f"{field} must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter "
                           f"or digit, not {value!r}", field=field)
    return value


def check_email(value: str, field: str = "email") -> str:
    """An email address (`name@domain.tld`), lowercased; at most 255 characters."""
    if not isinstance(value, str) or len(value) > 255 or not EMAIL.fullmatch(value.strip()):
        raise InvalidError(f"{field} must be an email address such as ann@example.com, not {value!r}", field=field)
    return value.strip().lower()


def check_chat_handle(value: str, field: str = "address") -> str:
    """A chat handle such as @alice or @alice:matrix.org, kept with its leading @."""
    if not isinstance(value, str) or not CHAT_HANDLE.fullmatch(value.strip()):
        raise InvalidError(f"{field} must be a chat handle such as @alice or @alice:matrix.org, not {value!r}",
                           field=field)
    value = value.strip()
    return value if value.startswith("@") else f"@{value}"


def check_webhook_url(value: str, field: str = "address") -> str:
    """An http or https URL with a host, at most 1000 characters."""
    parts = urlsplit(value.strip()) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or len(value) > 1000:
        raise InvalidError(f"{field} must be an http:// or https:// URL with a host, not {value!r}", field=field)
    return value.strip()


def check_contact(kind: str, address: str) -> str:
    """The normalized address of a contact method of `kind` (email, chat or webhook)."""
    if kind == "email":
        return check_email(address, "address")
    if kind == "chat":
        return check_chat_handle(address)
    if kind == "webhook":
        return check_webhook_url(address)
    raise InvalidError(f"kind must be one of {', '.join(CONTACT_KINDS)}, not {kind!r}", field="kind")


def check_time_zone(value: str, field: str = "time_zone") -> str:
    """An IANA time zone name such as Europe/Berlin."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidError(f"{field} must be an IANA time zone such as Europe/Berlin or UTC, not {value!r}",
                           field=field) from None
    return value


def check_password(value: str, field: str = "password") -> str:
    """A password of 10 to 200 characters."""
    if not isinstance(value, str) or not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise InvalidError(f"{field} must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long", field=field)
    return value


def check_name(value: str, field: str = "name", limit: int = 200) -> str:
    """A display name: not blank, at most `limit` characters."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise InvalidError(f"{field} must be 1 to {limit} characters", field=field)
    return value.strip()
