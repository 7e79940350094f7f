"""Flask-SocketIO wiring: clients join rooms; committed engine signals become small events.

Rooms: `flow:<id>`, `run:<id>`, `incident:<id>`, `incidents` (every incident change, for lists), and
`runs:<flow id>` (a flow's run events only, for lists of runs that need not hear every step). Events
carry ids and states only; clients fetch details over REST, so one that reconnects catches up from
the API. A connection needs the same identity as the REST API: the session cookie,
`auth={"token": ...}` or an Authorization header.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, session
from flask_socketio import ConnectionRefusedError as RefusedError
from flask_socketio import SocketIO, join_room, leave_room

from mendflow.auth import bearer_secret, identify
from mendflow.engine import signals
from mendflow.errors import UnauthorizedError

socketio = SocketIO()


def init_app(app: Flask, message_queue: str = "", channel: str = "mendflow") -> None:
    """Bind Socket.IO to the app; with a message queue (Redis URL) events reach clients of every process."""
    socketio.init_app(app, async_mode="threading", message_queue=message_queue or None, channel=channel,
                      cors_allowed_origins=[], logger=False, engineio_logger=False)
    signals.run_changed.connect(_on_run, weak=False)
    signals.step_changed.connect(_on_step, weak=False)
    signals.incident_changed.connect(_on_incident, weak=False)


@socketio.on("connect")
def _connect(auth: Any = None) -> None:
    """Refuse a connection without a signed-in session or a valid API token."""
    runtime = current_app.extensions["mendflow"]
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        token = token if isinstance(token, str) and token else bearer_secret(request.headers.get("Authorization"))
        identity = identify(runtime.people, runtime.tokens, token=token, session=session)
    except UnauthorizedError as exc:
        raise RefusedError(exc.message) from None
    if identity is None:
        raise RefusedError("Sign in, or connect with auth={\"token\": \"<API token>\"}.")


@socketio.on("subscribe")
def _subscribe(data: dict[str, Any]) -> dict[str, Any]:
    room = str((data or {}).get("room", ""))
    if room != "incidents" and not room.startswith(("flow:", "run:", "runs:", "incident:")):
        return {"ok": False,
                "error": "room must be flow:<id>, run:<id>, runs:<flow id>, incident:<id> or incidents"}
    join_room(room)
    return {"ok": True, "room": room}


@socketio.on("unsubscribe")
def _unsubscribe(data: dict[str, Any]) -> dict[str, Any]:
    leave_room(str((data or {}).get("room", "")))
    return {"ok": True}


def _on_run(sender: Any, **payload: Any) -> None:
    event = payload.pop("event")
    socketio.emit(event, payload, to=f"run:{payload['run_id']}")
    socketio.emit(event, payload, to=f"flow:{payload['flow_id']}")
    socketio.emit(event, payload, to=f"runs:{payload['flow_id']}")


def _on_step(sender: Any, **payload: Any) -> None:
    event = payload.pop("event")
    socketio.emit(event, payload, to=f"run:{payload['run_id']}")
    socketio.emit(event, payload, to=f"flow:{payload['flow_id']}")


def _on_incident(sender: Any, **payload: Any) -> None:
    socketio.emit("incident.updated", payload, to=f"incident:{payload['incident_id']}")
    socketio.emit("incident.updated", payload, to="incidents")
