"""Incidents and paging: the list and the full incident, acknowledge and resolve, explanations, my alerts.

Answering an alert goes through `answer_alert`, the one code path for the API, the responder page and
signed response links: the alert must still be open and unexpired, and the engine resumes the
waiting step exactly once (a second answer gets 409 naming who answered first).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from mendflow.api.access import current_identity, requires
from mendflow.api.schemas import ApiErrorSchema, RespondedSchema, ResponseSchema
from mendflow.errors import ConflictError, NotFoundError
from mendflow.incidents import incident_dict
from mendflow.integrations.builtin.alerts import alert_dict
from mendflow.models import Alert, Event, Incident
from mendflow.paging import refuse_closed

blp = Blueprint("incidents", __name__, url_prefix="/api", description="Incidents, explanations and paging")
STATUSES = ("triggered", "acknowledged", "resolved")
SEVERITIES = ("critical", "error", "warning", "info")


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


class IncidentQuery(Schema):
    status = fields.List(fields.String(validate=validate.OneOf(STATUSES)), load_default=None)
    severity = fields.List(fields.String(validate=validate.OneOf(SEVERITIES)), load_default=None)
    q = fields.String(load_default=None, metadata={"description": "words in the title, service or dedup key"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class NoteSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))


def answer_alert(alert_id: int, choice: str, *, user: str, via: str, comment: str = "") -> dict[str, Any]:
    """Answer an open alert as `user`; the flow goes on through the port named `choice`, once."""
    runtime = _runtime()
    alert = runtime.pager.answerable(alert_id, choice)
    response = {"choice": choice, "user": user, "via": via, "comment": comment}
    try:
        result = runtime.engine.respond(alert.run_id, alert.node_id, response).result(timeout=30)
    except ConflictError:
        with runtime.db.sessions() as session:
            current = session.get(Alert, alert_id)
            if current is not None:
                refuse_closed(current)  # answered meanwhile: say by whom
        raise  # the engine's refusal names who answered first
    if alert.incident_id is not None:  # an answer means someone is on it, as in every paging tool
        incident = runtime.incidents.get(alert.incident_id)
        if incident is not None and incident["status"] == "triggered":
            runtime.incidents.acknowledge(alert.incident_id, actor=user, note=f"Acknowledged by answering "
                                                                                 f"{alert.subject!r}: {choice}")
            runtime.engine.announce_incident(alert.incident_id, "acknowledged")
    return {**result, "alert_id": alert_id}


def incident_detail(incident_id: int) -> dict[str, Any]:
    runtime = _runtime()
    incident = runtime.incidents.get(incident_id)
    if incident is None:
        raise NotFoundError(f"no incident {incident_id}")
    with runtime.db.sessions() as session:
        events = session.scalars(select(Event).where(Event.incident_id == incident_id)
                                 .order_by(Event.received_at.desc()).limit(100)).all()
        alerts = session.scalars(select(Alert).where(Alert.incident_id == incident_id).order_by(Alert.id)).all()
        event_items = [_event_dict(e) for e in events]
        alert_items = [alert_dict(a) for a in alerts]
    for alert in alert_items:
        alert["notifications"] = runtime.pager.notifications(alert["id"])
    runs, _ = runtime.runs.list(incident_id=incident_id, limit=100)
    return {**incident, "timeline": runtime.incidents.timeline(incident_id), "events": event_items,
            "alerts": alert_items, "runs": runs}


def _change_incident(action: str, incident_id: int, note: str) -> dict[str, Any]:
    """Acknowledge or resolve as the caller, and tell live clients."""
    runtime = _runtime()
    if runtime.incidents.get(incident_id) is None:
        raise NotFoundError(f"no incident {incident_id}")
    incident = getattr(runtime.incidents, action)(incident_id, actor=current_identity().user_id, note=note)
    runtime.engine.announce_incident(incident_id, {"acknowledge": "acknowledged", "resolve": "resolved"}[action])
    return incident


def _event_dict(event: Event) -> dict[str, Any]:
    return {"id": event.id, "received_at": event.received_at.isoformat(), "source": event.source,
            "dedup_key": event.dedup_key, "title": event.title, "severity": event.severity, "state": event.state,
            "incident_id": event.incident_id, "explain": event.explain}


@blp.route("/incidents")
class Incidents(MethodView):
    @requires("viewer")
    @blp.arguments(IncidentQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Incidents, newest first, filtered by status, severity and words."""
        table = Incident.__table__
        query = select(table).order_by(table.c.id.desc()).limit(args["limit"])
        if args["status"]:
            query = query.where(table.c.status.in_(args["status"]))
        if args["severity"]:
            query = query.where(table.c.severity.in_(args["severity"]))
        if args["q"]:
            like = f"%{args['q'].lower()}%"
            query = query.where(or_(table.c.title.ilike(like), table.c.service.ilike(like),
                                    table.c.dedup_key.ilike(like)))
        with _runtime().db.engine.connect() as conn:
            return {"items": [incident_dict(r) for r in conn.execute(query).all()]}


@blp.route("/incidents/<int:incident_id>")
class IncidentItem(MethodView):
    @requires("viewer")
    @blp.response(200)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, incident_id: int) -> dict[str, Any]:
        """The incident with its timeline, its events (each explained), its alerts (who was paged, why), its runs."""
        return incident_detail(incident_id)


@blp.route("/incidents/<int:incident_id>/acknowledge")
class Acknowledge(MethodView):
    @requires("responder")
    @blp.arguments(NoteSchema)
    @blp.response(200)
    def post(self, args: dict[str, Any], incident_id: int) -> dict[str, Any]:
        """Acknowledge: someone is on it (no-op when already acknowledged or resolved)."""
        return _change_incident("acknowledge", incident_id, args["note"])


@blp.route("/incidents/<int:incident_id>/resolve")
class Resolve(MethodView):
    @requires("responder")
    @blp.arguments(NoteSchema)
    @blp.response(200)
    def post(self, args: dict[str, Any], incident_id: int) -> dict[str, Any]:
        """Resolve the incident."""
        return _change_incident("resolve", incident_id, args["note"])


@blp.route("/events/<event_id>/explain")
class ExplainEvent(MethodView):
    @requires("viewer")
    @blp.response(200)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, event_id: str) -> dict[str, Any]:
        """Why an event did or did not start runs (each trigger's verdict), its dedup key and incident."""
        with _runtime().db.sessions() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"no event {event_id!r}")
            return _event_dict(event)


@blp.route("/alerts/<int:alert_id>/explain")
class ExplainAlert(MethodView):
    @requires("viewer")
    @blp.response(200)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, alert_id: int) -> dict[str, Any]:
        """Who was paged for an alert, on which channel, when, at which escalation level, and why them."""
        runtime = _runtime()
        with runtime.db.sessions() as session:
            alert = session.get(Alert, alert_id)
            if alert is None:
                raise NotFoundError(f"no alert {alert_id}")
            item = alert_dict(alert)
        return {**item, "notifications": runtime.pager.notifications(alert_id)}


@blp.route("/me/alerts")
class MyAlerts(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """My open alerts (those I was notified of), newest first, each with its incident and recent timeline."""
        runtime = _runtime()
        ids = runtime.pager.alerts_for(current_identity().user_id)
        items = []
        with runtime.db.sessions() as session:
            alerts = [alert_dict(a) for a in session.scalars(select(Alert).where(Alert.id.in_(ids))
                                                            .order_by(Alert.id.desc()))]
        for alert in alerts:
            incident_id = alert["incident_id"]
            alert["incident"] = runtime.incidents.get(incident_id) if incident_id else None
            alert["timeline"] = runtime.incidents.timeline(incident_id)[-5:] if incident_id else []
            items.append(alert)
        return {"items": items}


@blp.route("/alerts/<int:alert_id>/response")
class AlertResponse(MethodView):
    @requires("responder")
    @blp.arguments(ResponseSchema)
    @blp.response(202, RespondedSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="Already answered (says by whom) or cancelled.")
    @blp.alt_response(410, schema=ApiErrorSchema, description="The alert expired or timed out.")
    def post(self, args: dict[str, Any], alert_id: int) -> dict[str, Any]:
        """Answer an alert as the signed-in user; its flow goes on through the chosen port."""
        return answer_alert(alert_id, args["choice"], user=current_identity().user_id, via="web",
                            comment=args.get("comment") or "")
