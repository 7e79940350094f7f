"""Incident operations used by steps and the API: read, acknowledge, resolve, timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from mendflow.db import Database
from mendflow.incidents.correlation import add_timeline, incident_dict
from mendflow.models import Incident, TimelineEntry, utcnow

_INCIDENTS = Incident.__table__


class IncidentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, incident_id: int) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(_INCIDENTS).where(_INCIDENTS.c.id == incident_id)).first()
            return incident_dict(row) if row else None

    def resolve(self, incident_id: int, *, note: str = "", actor: str = "mendflow",
                run_id: str | None = None, node_id: str | None = None) -> dict[str, Any]:
        """Resolve the incident (a no-op if it already is) and say so in its timeline."""
        return self._transition(incident_id, "resolved", "resolved_at", note or "Resolved", actor, run_id, node_id)

    def acknowledge(self, incident_id: int, *, actor: str, note: str = "") -> dict[str, Any]:
        return self._transition(incident_id, "acknowledged", "acknowledged_at", note or "Acknowledged", actor,
                                None, None)

    def _transition(self, incident_id: int, status: str, stamp: str, message: str, actor: str,
                    run_id: str | None, node_id: str | None) -> dict[str, Any]:
        with self.db.begin() as conn:
            row = conn.execute(select(_INCIDENTS).where(_INCIDENTS.c.id == incident_id)).first()
            if row is None:
                raise LookupError(f"no incident {incident_id}")
            if row.status != status and row.status != "resolved":
                conn.execute(update(_INCIDENTS).where(_INCIDENTS.c.id == incident_id)
                             .values(status=status, **{stamp: utcnow()}))
                add_timeline(conn, incident_id, [{"kind": status, "actor": actor, "message": message}],
                             run_id=run_id, node_id=node_id)
            row = conn.execute(select(_INCIDENTS).where(_INCIDENTS.c.id == incident_id)).first()
            return incident_dict(row)

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            rows = session.scalars(select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
                                   .order_by(TimelineEntry.at, TimelineEntry.id)).all()
            return [{"id": r.id, "at": r.at.isoformat(), "kind": r.kind, "actor": r.actor, "message": r.message,
                     "data": r.data, "run_id": r.run_id, "node_id": r.node_id} for r in rows]
