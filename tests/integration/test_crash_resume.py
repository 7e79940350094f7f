"""A server killed with SIGKILL in the middle of a run finishes that run when started again,
and the interrupted step does not open a second ticket or chat room (key `run_id:node_id`)."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.conftest import flow_doc, wait_for
from tests.integration.conftest import Server

SETTLED = {"succeeded", "failed", "cancelled"}


def _publish(server: Server, doc: dict[str, Any]) -> None:
    created = server.api("POST", "/api/flows", json=doc)
    assert created.status_code == 201, created.text
    published = server.api("POST", f"/api/flows/{doc['id']}/publish", json={})
    assert published.status_code == 201, published.text


def _only_run(server: Server, flow_id: str) -> dict[str, Any]:
    runs = server.api("GET", f"/api/runs?flow_id={flow_id}").json()
    assert runs["total"] == 1, runs
    return server.api("GET", f"/api/runs/{runs['items'][0]['id']}").json()


def _finished_run(server: Server, flow_id: str) -> dict[str, Any]:
    return wait_for(lambda: (lambda r: r if r["status"] in SETTLED else None)(_only_run(server, flow_id)),
                    timeout=30, interval=0.1)


INCIDENT_FLOW = flow_doc("crash-me", [
    {"id": "hook", "type": "trigger.webhook"},
    {"id": "open_ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
    {"id": "room", "type": "chat.channel", "config": {"name": "inc-{{ incident.id }}", "invite": ["alice"]}},
    {"id": "post", "type": "chat.post", "config": {"channel": "{{ steps.room.name }}",
                                                   "text": "ticket {{ steps.open_ticket.key }}"}},
    {"id": "close", "type": "ticket.update", "config": {"ticket": "{{ steps.open_ticket.key }}",
                                                        "status": "resolved"}},
], [("hook", "open_ticket"), ("open_ticket", "room"), ("room", "post"), ("post", "close")])


@pytest.mark.parametrize("node", ["room", "open_ticket", "post"])
def test_killed_after_a_step_did_its_work_resumes_without_duplicates(server: Server, node: str) -> None:
    """The process dies after the step's work is done but before its result is saved.

    `room` (chat.channel) runs on a step thread: its channel exists, its result is lost, and after
    the restart the step runs again with the same idempotency key and finds the channel.
    `open_ticket` and `post` are built-in writes, which the engine runs inside its batch: the kill
    comes before that batch commits, so the write is lost together with the step's record. For
    `open_ticket` that batch also held the event's acceptance: the sender never got its 202 and
    sends the event again, as monitoring does.
    """
    server.start(MENDFLOW_FAULT_INJECT=f"kill-after-execute:{node}")
    _publish(server, INCIDENT_FLOW)
    event = {"title": "db down", "severity": "critical"}
    with contextlib.suppress(requests.RequestException):  # the process may die before it answers
        server.api("POST", "/api/events", json=event)
    assert server.wait_exit() == -9, "the fault injection should have killed the server"
    server.start()  # restarted without the fault
    if node == "open_ticket":
        assert server.api("GET", "/api/runs?flow_id=crash-me").json()["total"] == 0  # nothing was accepted
        assert server.api("GET", "/api/tickets").json()["items"] == []
        assert server.api("POST", "/api/events", json=event).status_code == 202
    run = _finished_run(server, "crash-me")
    assert run["status"] == "succeeded", run
    steps = {s["node_id"]: s for s in run["steps"]}
    assert steps["room"]["attempts"] == (1 if node == "open_ticket" else 2)  # post's kill also lost room's result
    if node != "open_ticket":
        assert any("same idempotency key" in entry["message"] for entry in steps["room"]["logs"])
    assert steps[node]["attempts"] == (2 if node == "room" else 1)
    tickets = server.api("GET", "/api/tickets").json()["items"]
    rooms = server.api("GET", "/api/chat/rooms").json()["items"]
    assert [t["status"] for t in tickets] == ["resolved"]
    assert [r["name"] for r in rooms] == [steps["room"]["output"]["name"]]
    messages = server.api("GET", f"/api/chat/rooms/{rooms[0]['name']}").json()["messages"]
    assert [m["text"] for m in messages] == [f"ticket {tickets[0]['key']}"]


def test_killed_while_waiting_resumes_the_wait(server: Server) -> None:
    server.start()
    _publish(server, flow_doc("delayed", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "open_ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
        {"id": "pause", "type": "logic.delay", "config": {"duration": "2s"}},
        {"id": "close", "type": "ticket.update", "config": {"ticket": "{{ steps.open_ticket.key }}",
                                                            "status": "resolved"}},
    ], [("hook", "open_ticket"), ("open_ticket", "pause"), ("pause", "close")]))
    server.api("POST", "/api/events", json={"title": "slow", "severity": "error"})
    wait_for(lambda: _only_run(server, "delayed")["status"] == "waiting", timeout=10)
    server.kill()
    server.start()
    run = _finished_run(server, "delayed")
    assert run["status"] == "succeeded", run
    assert [s["status"] for s in run["steps"] if s["node_id"] == "pause"] == ["succeeded"]
    assert len(server.api("GET", "/api/tickets").json()["items"]) == 1


class _SlowOnce(BaseHTTPRequestHandler):
    calls: list[float] = []

    def do_POST(self) -> None:
        self.calls.append(time.time())
        if len(self.calls) == 1:
            time.sleep(30)  # the first call hangs until the server is killed
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_killed_during_a_running_step_runs_it_again(server: Server) -> None:
    _SlowOnce.calls = []
    remote = ThreadingHTTPServer(("127.0.0.1", 0), _SlowOnce)
    remote.daemon_threads = True
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    try:
        server.start()
        _publish(server, flow_doc("remote", [
            {"id": "hook", "type": "trigger.webhook"},
            {"id": "call", "type": "runbook.http", "config": {"url": f"http://127.0.0.1:{remote.server_port}/fix",
                                                              "timeout": "60s"}},
        ], [("hook", "call")]))
        server.api("POST", "/api/events", json={"title": "fix it", "severity": "error"})
        wait_for(lambda: len(_SlowOnce.calls) == 1, timeout=10)
        server.kill()
        server.start()
        run = _finished_run(server, "remote")
        assert run["status"] == "succeeded", run
        assert len(_SlowOnce.calls) == 2
        assert [s["attempts"] for s in run["steps"] if s["node_id"] == "call"] == [2]
    finally:
        remote.shutdown()
        remote.server_close()
