"""Live events over Socket.IO: a real server, a python-socketio client over websocket.

The exact sequence for a run with a branch, a skipped node, a retry and a wait.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import socketio

from tests.conftest import flow_doc, wait_for
from tests.integration.conftest import Server


class _FailsOnce(BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        status = 503 if self.calls == 1 else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def _live_flow(remote: str) -> dict[str, Any]:
    return flow_doc("live", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "cond", "type": "logic.condition", "config": {"expression": "event.severity == 'critical'"}},
        {"id": "note", "type": "ticket.create", "config": {"title": "not critical"}},
        {"id": "call", "type": "runbook.http", "config": {"url": remote}, "retry": {"attempts": 2, "backoff": "0.2s"}},
        {"id": "ask", "type": "alert.notify", "config": {"recipients": ["user:root"], "message": "go?",
                                                         "responses": ["Go"], "timeout": "5m"}},
        {"id": "done", "type": "incident.resolve"},
    ], [("hook", "cond"), ("cond", "note", "false"), ("cond", "call", "true"), ("call", "ask"),
        ("ask", "done", "Go")])


def test_event_sequence_of_a_run_with_branch_skip_retry_and_wait(server: Server) -> None:
    _FailsOnce.calls = 0
    remote = ThreadingHTTPServer(("127.0.0.1", 0), _FailsOnce)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    client = socketio.Client(reconnection=False)
    seen: list[tuple[str, dict[str, Any]]] = []
    client.on("*", lambda event, data: seen.append((event, data)))
    lister = socketio.Client(reconnection=False)  # a runs list: the flow's run events, not every step
    listed: list[str] = []
    lister.on("*", lambda event, data: listed.append(event))
    try:
        server.start()
        assert server.api("POST", "/api/flows", json=_live_flow(f"http://127.0.0.1:{remote.server_port}/")).ok
        assert server.api("POST", "/api/flows/live/publish", json={}).status_code == 201
        client.connect(server.url, transports=["websocket"], wait_timeout=10, auth={"token": server.token})
        assert client.call("subscribe", {"room": "flow:live"}, timeout=10) == {"ok": True, "room": "flow:live"}
        lister.connect(server.url, transports=["websocket"], wait_timeout=10, auth={"token": server.token})
        assert lister.call("subscribe", {"room": "runs:live"}, timeout=10) == {"ok": True, "room": "runs:live"}

        run_id = server.api("POST", "/api/events", json={"title": "db down", "severity": "critical"}).json()["runs"][0]
        wait_for(lambda: ("run.waiting", run_id) in [(e, d["run_id"]) for e, d in seen], timeout=15)
        answered = server.api("POST", f"/api/runs/{run_id}/steps/ask/response", json={"choice": "Go", "user": "ann"})
        assert answered.status_code == 202, answered.text
        wait_for(lambda: any(e == "run.finished" for e, _ in seen), timeout=15)
    finally:
        client.disconnect()
        lister.disconnect()
        remote.shutdown()
        remote.server_close()

    sequence = [(event, data.get("node_id"), data["status"], data.get("port"), data.get("attempts"))
                for event, data in seen]
    assert sequence == [
        ("run.created", None, "running", None, None),
        ("step.started", "cond", "running", None, 1),
        ("step.finished", "cond", "succeeded", "true", 1),
        ("step.finished", "note", "skipped", None, 0),
        ("step.started", "call", "running", None, 1),
        ("step.retrying", "call", "retrying", None, 1),
        ("step.started", "call", "running", None, 2),
        ("step.finished", "call", "succeeded", "out", 2),
        ("step.started", "ask", "running", None, 1),
        ("step.waiting", "ask", "waiting", None, 1),
        ("run.waiting", None, "waiting", None, None),
        ("run.resumed", None, "running", None, None),
        ("step.resumed", "ask", "running", None, 1),
        ("step.finished", "ask", "succeeded", "Go", 1),
        ("step.started", "done", "running", None, 1),
        ("step.finished", "done", "succeeded", "out", 1),
        ("run.finished", None, "succeeded", None, None),
    ]
    assert {data["run_id"] for _, data in seen} == {run_id}
    assert listed == ["run.created", "run.waiting", "run.resumed", "run.finished"]
    # Run events name the trigger that started the run (its step succeeded with the run, without a step event).
    assert {data["trigger_node"] for event, data in seen if event.startswith("run.")} == {"hook"}
    # What the events announced is already committed: the API agrees with the last one.
    assert server.api("GET", f"/api/runs/{run_id}").json()["status"] == "succeeded"


def test_the_incidents_room_hears_every_incident_change(server: Server) -> None:
    client = socketio.Client(reconnection=False)
    seen: list[dict[str, Any]] = []
    client.on("incident.updated", lambda data: seen.append(data))
    try:
        server.start()
        client.connect(server.url, transports=["websocket"], wait_timeout=10, auth={"token": server.token})
        assert client.call("subscribe", {"room": "incidents"}, timeout=10) == {"ok": True, "room": "incidents"}
        incident_id = server.api("POST", "/api/events", json={"title": "disk full", "dedup_key": "d1"}).json()[
            "incident_id"]
        wait_for(lambda: any(d == {"incident_id": incident_id, "action": "opened"} for d in seen), timeout=15)
        assert server.api("POST", f"/api/incidents/{incident_id}/acknowledge", json={}).status_code == 200
        wait_for(lambda: any(d.get("action") == "acknowledged" for d in seen), timeout=15)
    finally:
        client.disconnect()
