"""Normalization of incoming events into one shape: source, dedup key, title, severity, state."""

from __future__ import annotations

import hashlib
from typing import Any

from mendflow.models import new_id, utcnow

SEVERITIES = ("critical", "error", "warning", "info")
_SEVERITY_ALIASES = {
    "critical": "critical", "crit": "critical", "fatal": "critical", "emergency": "critical", "p1": "critical",
    "sev1": "critical", "page": "critical", "disaster": "critical", "availability": "critical",
    "error": "error", "major": "error", "high": "error", "p2": "error", "sev2": "error", "err": "error",
    "warning": "warning", "warn": "warning", "minor": "warning", "medium": "warning", "low": "warning",
    "p3": "warning", "sev3": "warning", "performance": "warning", "resource_contention": "warning",
    "info": "info", "informational": "info", "p4": "info", "p5": "info", "ok": "info", "debug": "info",
    "none": "info",
}
_STATE_ALIASES = {
    "open": "open", "firing": "open", "trigger": "open", "triggered": "open", "problem": "open",
    "alerting": "open", "new": "open",
    "resolved": "resolved", "resolve": "resolved", "ok": "resolved", "closed": "resolved", "normal": "resolved",
    "acknowledged": "acknowledged", "acknowledge": "acknowledged", "ack": "acknowledged",
}
MAX_TITLE = 1024


class EventError(ValueError):
    """An event that cannot be normalized; `field` names the offending key."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalize_event(payload: Any, *, source: str = "api") -> dict[str, Any]:
    """The normalized event: the fields every flow can rely on, plus the body as `raw`."""
    if not isinstance(payload, dict):
        raise EventError("An event must be a JSON object.")
    title = _first_text(payload, "title", "summary", "message", "ProblemTitle")
    if not title:
        raise EventError("The event needs a title (or summary / message).", "title")
    severity_in = _first_text(payload, "severity", "priority", "ProblemSeverity") or "warning"
    severity = _SEVERITY_ALIASES.get(severity_in.lower())
    if severity is None:
        raise EventError(f"Unknown severity {severity_in!r}; use one of {', '.join(SEVERITIES)}.", "severity")
    state_in = _first_text(payload, "state", "status", "event_action", "State") or "open"
    state = _STATE_ALIASES.get(state_in.lower())
    if state is None:
        raise EventError(f"Unknown state {state_in!r}; use open, acknowledged or resolved.", "state")
    source = _first_text(payload, "source") or source
    dedup_key = _first_text(payload, "dedup_key", "dedupKey", "incident_key", "PID", "fingerprint")
    if not dedup_key:
        dedup_key = f"{source}:" + hashlib.sha1(title.encode()).hexdigest()[:16]
    entities = payload.get("entities", payload.get("ImpactedEntities", []))
    if not isinstance(entities, list):
        raise EventError("entities must be a list.", "entities")
    links = payload.get("links", [])
    if not isinstance(links, list):
        raise EventError("links must be a list.", "links")
    return {
        "id": new_id(), "source": source[:64], "dedup_key": dedup_key[:255], "title": title[:MAX_TITLE],
        "severity": severity, "state": state, "service": _first_text(payload, "service", "component"),
        "entities": entities, "links": links, "received_at": utcnow().isoformat(), "raw": payload,
    }


def _first_text(payload: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None
