"""Built-in in-app alerts: the responder inbox, one alert per waiting alert.notify step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from mendflow.db import Database
from mendflow.integrations.builtin.store import once
from mendflow.models import Alert, utcnow


def alert_dict(alert: Alert) -> dict[str, Any]:
    return {"id": alert.id, "run_id": alert.run_id, "node_id": alert.node_id, "incident_id": alert.incident_id,
            "recipients": alert.recipients, "subject": alert.subject, "message": alert.message,
            "responses": alert.responses, "status": alert.status, "response": alert.response,
            "responder": alert.responder, "created_at": alert.created_at.isoformat(),
            "expires_at": alert.expires_at.isoformat() if alert.expires_at else None}


class BuiltinAlerts:
    """Alerts kept in mendflow's database; answering one resumes its step through the engine."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, *, run_id: str, node_id: str, recipients: list[str], subject: str, message: str,
             responses: list[str], incident_id: int | None, expires_at: datetime | None,
             idempotency_key: str) -> dict[str, Any]:
        alert, created = once(self.db, Alert, idempotency_key, lambda s: Alert(
            run_id=run_id, node_id=node_id, recipients=recipients, subject=subject, message=message,
            responses=responses, incident_id=incident_id, expires_at=expires_at,
            idempotency_key=idempotency_key))
        return {**alert_dict(alert), "created": created}

    def close(self, idempotency_key: str, *, status: str, response: str | None = None,
              responder: str | None = None) -> dict[str, Any] | None:
        with self.db.session() as session:
            alert = session.scalar(select(Alert).where(Alert.idempotency_key == idempotency_key))
            if alert is None:
                return None
            if alert.status == "open":
                alert.status, alert.response, alert.responder = status, response, responder
                alert.closed_at = utcnow()
            return alert_dict(alert)

    def open_alerts(self, recipient: str | None = None) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            alerts = session.scalars(select(Alert).where(Alert.status == "open").order_by(Alert.id.desc())).all()
            return [alert_dict(a) for a in alerts if recipient is None or recipient in a.recipients]
