"""Correlation of normalized events into incidents, on the caller's connection and transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from mendflow.db import hot
from mendflow.models import Incident, TimelineEntry, utcnow

_INCIDENTS = Incident.__table__
_TIMELINE = TimelineEntry.__table__
_RANK = {"info": 0, "warning": 1, "error": 2, "critical": 3}

# Built once: correlation runs for every event, and building statements costs more than running them.
_OPEN_BY_KEY = (select(_INCIDENTS).where(_INCIDENTS.c.dedup_key == bindparam("key"),
                                         _INCIDENTS.c.status != "resolved")
                .order_by(_INCIDENTS.c.id.desc()).limit(1))
_OPEN = insert(_INCIDENTS).returning(_INCIDENTS.c.id)
_CHANGE = (update(_INCIDENTS).where(_INCIDENTS.c.id == bindparam("b_id"))
           .values(event_count=bindparam("event_count"), severity=bindparam("severity"),
                   status=bindparam("status"), acknowledged_at=bindparam("acknowledged_at"),
                   resolved_at=bindparam("resolved_at")))
_ADD_TIMELINE = insert(_TIMELINE)


def incident_dict(row: Any) -> dict[str, Any]:
    m = row._mapping if hasattr(row, "_mapping") else row
    return {
        "id": m["id"], "dedup_key": m["dedup_key"], "title": m["title"], "severity": m["severity"],
        "status": m["status"], "service": m["service"], "entities": m["entities"], "links": m["links"],
        "event_count": m["event_count"], "created_at": _iso(m["created_at"]),
        "acknowledged_at": _iso(m["acknowledged_at"]), "resolved_at": _iso(m["resolved_at"]),
        "url": f"/incidents/{m['id']}",
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def correlate(conn: Connection, event: dict[str, Any],
              timeline: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """Attach `event` to the open incident with its dedup key, open one, or resolve it.

    Returns (incident or None, action) with action one of opened, attached, acknowledged,
    resolved, or ignored (a resolve or acknowledge for which no incident is open). The timeline
    rows to write are appended to `timeline` (see `timeline_row`), for the caller's batch.
    """
    now = utcnow()
    row = conn.execute(_OPEN_BY_KEY, {"key": event["dedup_key"]}).first()
    actor = event["source"]
    if row is None:
        if event["state"] != "open":
            return None, "ignored"
        values = {"dedup_key": event["dedup_key"], "title": event["title"], "severity": event["severity"],
                  "status": "triggered", "service": event["service"], "entities": event["entities"],
                  "links": event["links"], "event_count": 1, "created_at": now, "acknowledged_at": None,
                  "resolved_at": None}
        ((incident_id,),) = hot(conn).execute(conn, _OPEN, values)  # one per new incident: straight to the driver
        timeline.append(timeline_row(incident_id, "triggered", f"Incident opened: {event['title']}", actor=actor,
                                     at=now, data={"event_id": event["id"], "severity": event["severity"]}))
        return incident_dict({**values, "id": incident_id}), "opened"
    values = {key: row._mapping[key] for key in ("event_count", "severity", "status", "acknowledged_at",
                                                 "resolved_at")}
    values["event_count"] += 1
    if event["state"] == "resolved":
        values.update(status="resolved", resolved_at=now)
        action, kind, message = "resolved", "resolved", "Resolved by the monitoring event"
    elif event["state"] == "acknowledged" and row.status == "triggered":
        values.update(status="acknowledged", acknowledged_at=now)
        action, kind, message = "acknowledged", "acknowledged", "Acknowledged by the monitoring event"
    else:
        if _RANK[event["severity"]] > _RANK.get(row.severity, 0):
            values["severity"] = event["severity"]
        action, kind, message = "attached", "event_attached", f"Another event: {event['title']}"
    conn.execute(_CHANGE, {**values, "b_id": row.id})
    timeline.append(timeline_row(row.id, kind, message, actor=actor, at=now, data={"event_id": event["id"]}))
    return incident_dict({**row._mapping, **values}), action


def timeline_row(incident_id: int, kind: str, message: str, *, actor: str = "mendflow", at: Any = None,
                 data: dict[str, Any] | None = None, run_id: str | None = None,
                 node_id: str | None = None) -> dict[str, Any]:
    """One row of the timeline table."""
    return {"incident_id": incident_id, "at": at or utcnow(), "kind": kind, "actor": actor, "message": message,
            "data": data or {}, "run_id": run_id, "node_id": node_id}


def add_timeline(conn: Connection, incident_id: int, entries: list[dict[str, Any]], *,
                 run_id: str | None = None, node_id: str | None = None) -> None:
    """Write timeline entries (kind, message, actor, data, at) for one incident."""
    if entries:
        conn.execute(_ADD_TIMELINE, [timeline_row(
            incident_id, e["kind"], e["message"], actor=e.get("actor", "mendflow"), at=e.get("at"),
            data=e.get("data"), run_id=e.get("run_id", run_id), node_id=e.get("node_id", node_id)) for e in entries])
