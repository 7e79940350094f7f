"""The built-in desk: incidents and timelines, tickets, chat rooms, the alert inbox, deploy targets."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from mendflow.api.access import requires
from mendflow.errors import NotFoundError
from mendflow.integrations.builtin.tickets import ticket_dict
from mendflow.models import ChatRoom, DeployTarget, Ticket

blp = Blueprint("desk", __name__, url_prefix="/api", description="Built-in incidents, tickets, chat and alerts")


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


@blp.route("/tickets")
class Tickets(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Built-in tickets, newest first."""
        with _runtime().db.sessions() as session:
            tickets = session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(200)).all()
            return {"items": [ticket_dict(t) for t in tickets]}


@blp.route("/tickets/<key>")
class TicketItem(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self, key: str) -> dict[str, Any]:
        """A built-in ticket (MF-12) with its comments."""
        return _integration_call(lambda: _runtime().services.tickets.get(key))


@blp.route("/chat/rooms")
class Rooms(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Built-in chat rooms."""
        runtime = _runtime()
        with runtime.db.sessions() as session:
            names = session.scalars(select(ChatRoom.name).order_by(ChatRoom.id.desc()).limit(200)).all()
        return {"items": [runtime.services.chat.get(name) for name in names]}


@blp.route("/chat/rooms/<name>")
class RoomItem(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self, name: str) -> dict[str, Any]:
        """A built-in chat room with its transcript."""
        chat = _runtime().services.chat
        return _integration_call(lambda: {**chat.get(name), "messages": chat.transcript(name)})


@blp.route("/alerts")
class Alerts(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Open in-app alerts (the responder inbox)."""
        return {"items": _runtime().services.alerts.open_alerts()}


@blp.route("/deploy-targets")
class DeployTargets(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Built-in blue/green targets and their active colour."""
        with _runtime().db.sessions() as session:
            rows = session.scalars(select(DeployTarget).order_by(DeployTarget.name)).all()
            return {"items": [{"name": r.name, "active_color": r.active_color,
                               "updated_at": r.updated_at.isoformat()} for r in rows]}


def _integration_call(call: Any) -> Any:
    from mendflow.integrations import IntegrationError

    try:
        return call()
    except IntegrationError as exc:
        if exc.status == 404:
            raise NotFoundError(str(exc)) from None
        raise
