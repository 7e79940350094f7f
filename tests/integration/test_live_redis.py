"""Several processes: with MENDFLOW_SOCKETIO_QUEUE on Redis, a run executed by one server
reaches a browser connected to another. Redis runs on 127.0.0.1:6379 (CI fails without it)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import redis
import socketio

from tests.conftest import flow_doc, wait_for
from tests.integration.conftest import Server

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_events_from_one_server_reach_a_client_of_another(tmp_path: Path, playbook_dir: Path) -> None:
    assert redis.Redis.from_url(REDIS_URL).ping()  # a missing Redis is a failure here, not a skip
    queue = {"MENDFLOW_SOCKETIO_QUEUE": REDIS_URL, "MENDFLOW_SOCKETIO_CHANNEL": f"test-{uuid.uuid4().hex}"}
    watcher = Server(tmp_path / "watcher", playbook_dir)
    worker = Server(tmp_path / "worker", playbook_dir)
    client = socketio.Client(reconnection=False)
    seen: list[tuple[str, dict[str, Any]]] = []
    client.on("*", lambda event, data: seen.append((event, data)))
    try:
        watcher.start(**queue)
        worker.start(**queue)
        doc = flow_doc("elsewhere", [
            {"id": "hook", "type": "trigger.webhook"},
            {"id": "open_ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
        ], [("hook", "open_ticket")])
        assert worker.api("POST", "/api/flows", json=doc).status_code == 201
        assert worker.api("POST", "/api/flows/elsewhere/publish", json={}).status_code == 201

        client.connect(watcher.url, transports=["websocket"], wait_timeout=10, auth={"token": watcher.token})
        assert client.call("subscribe", {"room": "flow:elsewhere"}, timeout=10)["ok"]
        run_id = worker.api("POST", "/api/events", json={"title": "disk full"}).json()["runs"][0]
        wait_for(lambda: ("run.finished", run_id) in [(e, d["run_id"]) for e, d in seen], timeout=15)
        # The watcher never ran it: the run lives in the worker's database only.
        assert watcher.api("GET", f"/api/runs/{run_id}").status_code == 404
    finally:
        client.disconnect()
        watcher.kill()
        worker.kill()

    assert [(e, d.get("node_id"), d["status"]) for e, d in seen] == [
        ("run.created", None, "running"),
        ("step.started", "open_ticket", "running"),
        ("step.finished", "open_ticket", "succeeded"),
        ("run.finished", None, "succeeded"),
    ]
