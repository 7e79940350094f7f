"""Small helpers for the API tests: documents that are used again and again, create and publish calls."""

from __future__ import annotations

from typing import Any

from tests.conftest import flow_doc


def ticket_flow(flow_id: str = "tickets", title_contains: str = "disk", name: str | None = None) -> dict[str, Any]:
    """webhook → ticket.create: valid, quick, and leaves a ticket behind."""
    return flow_doc(flow_id, [
        {"id": "hook", "type": "trigger.webhook", "config": {"title_contains": title_contains}},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
    ], [("hook", "ticket")], name=name)


def paging_flow(flow_id: str = "paging", title_contains: str = "page") -> dict[str, Any]:
    """webhook → alert.notify (an hour to answer) → ticket on "Fix", chat room on "Ignore"."""
    return flow_doc(flow_id, [
        {"id": "hook", "type": "trigger.webhook", "config": {"title_contains": title_contains}},
        {"id": "page", "type": "alert.notify", "config": {
            "recipients": ["team:storage"], "message": "{{ event.title }}", "responses": ["Fix", "Ignore"],
            "timeout": "1h"}},
        {"id": "fix", "type": "ticket.create", "config": {"title": "fix {{ event.title }}"}},
        {"id": "room", "type": "chat.channel", "config": {"name": "ignored"}},
    ], [("hook", "page"), ("page", "fix", "Fix"), ("page", "room", "Ignore")])


def create(client: Any, doc: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/flows", json=doc)
    assert response.status_code == 201, response.json
    return response.json


def publish(client: Any, flow_id: str, base_revision: int | None = None) -> dict[str, Any]:
    body = {} if base_revision is None else {"base_revision": base_revision}
    response = client.post(f"/api/flows/{flow_id}/publish", json=body)
    assert response.status_code == 201, response.json
    return response.json


def create_published(client: Any, doc: dict[str, Any]) -> dict[str, Any]:
    created = create(client, doc)
    return publish(client, created["id"], created["revision"])


def send_event(client: Any, event: dict[str, Any], path: str = "/api/events") -> dict[str, Any]:
    response = client.post(path, json=event)
    assert response.status_code == 202, response.json
    return response.json


def flow_count(client: Any) -> int:
    return len(client.get("/api/flows").json["items"])
