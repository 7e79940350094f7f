"""Event ingest: the generic endpoint and per-trigger webhooks."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import open_access, requires
from mendflow.api.body import json_body
from mendflow.api.schemas import ApiErrorSchema, IngestedSchema
from mendflow.errors import InvalidError
from mendflow.incidents import EventError, normalize_event

blp = Blueprint("events", __name__, description="Events from monitoring")
_EVENT_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["title"], "properties": {
        "title": {"type": "string"}, "severity": {"type": "string", "enum": ["critical", "error", "warning", "info"]},
        "dedup_key": {"type": "string"}, "state": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
        "source": {"type": "string"}, "service": {"type": "string"}, "entities": {"type": "array"},
        "links": {"type": "array"}}}}}}


def _ingest(source: str, targets: Any = None) -> dict[str, Any]:
    runtime = current_app.extensions["mendflow"]
    try:
        event = normalize_event(json_body(), source=source)
    except EventError as exc:
        raise InvalidError(f"event: {exc}", field=exc.field) from None
    return runtime.engine.ingest(event, targets).result(timeout=30)


@blp.route("/api/events")
class Events(MethodView):
    @requires("responder")
    @blp.doc(requestBody=_EVENT_BODY)
    @blp.response(202, IngestedSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self) -> dict[str, Any]:
        """Ingest an event: correlate it to an incident and start every trigger that accepts it."""
        return _ingest("api")


@blp.route("/hooks/<token>")
class Hook(MethodView):
    @open_access
    @blp.doc(requestBody=_EVENT_BODY)
    @blp.response(202, IngestedSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def post(self, token: str) -> dict[str, Any]:
        """Deliver an event to one trigger.webhook node (the token is its secret)."""
        target = current_app.extensions["mendflow"].library.hook_target(token)
        return _ingest("webhook", [target])
