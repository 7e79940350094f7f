"""Publishing, versions, activation, and the validate endpoint."""

from __future__ import annotations

from typing import Any

from tests.api.support import create, create_published, publish, send_event, ticket_flow
from tests.conftest import flow_doc


def _save(client: Any, flow_id: str, document: dict[str, Any], base_revision: int) -> dict[str, Any]:
    response = client.put(f"/api/flows/{flow_id}", json={"document": document, "base_revision": base_revision})
    assert response.status_code == 200, response.json
    return response.json


def test_publish_creates_versions_one_two(client: Any) -> None:
    created = create(client, ticket_flow("ver", name="Version one"))
    first = publish(client, "ver", 1)
    assert (first["published_version"], first["status"], first["active"]) == (1, "published", True)
    assert first["revision"] == 1

    second_draft = _save(client, "ver", {**created["document"], "name": "Version two"}, 1)
    assert second_draft["status"] == "modified"
    second = publish(client, "ver", 2)
    assert (second["published_version"], second["status"]) == (2, "published")

    versions = client.get("/api/flows/ver/versions")
    assert versions.status_code == 200
    items = versions.json["items"]
    assert [(v["version"], v["revision"], v["name"]) for v in items] == [(2, 2, "Version two"), (1, 1, "Version one")]
    assert all(v["published_at"] for v in items)

    one = client.get("/api/flows/ver/versions/1")
    assert one.status_code == 200
    assert (one.json["version"], one.json["revision"]) == (1, 1)
    assert one.json["document"]["name"] == "Version one"
    assert one.json["document"] == created["document"]
    assert client.get("/api/flows/ver/versions/2").json["document"]["name"] == "Version two"


def test_publishing_an_unchanged_draft_adds_no_version(client: Any) -> None:
    create(client, ticket_flow("once"))
    publish(client, "once", 1)
    again = publish(client, "once", 1)
    assert again["published_version"] == 1
    assert again["status"] == "published"
    also_without_base = publish(client, "once")
    assert also_without_base["published_version"] == 1
    assert [v["version"] for v in client.get("/api/flows/once/versions").json["items"]] == [1]


def test_versions_of_an_unknown_flow_or_version_are_404(client: Any) -> None:
    create_published(client, ticket_flow("v404"))
    assert client.get("/api/flows/ghost/versions").status_code == 404
    missing = client.get("/api/flows/v404/versions/9")
    assert missing.status_code == 404
    assert missing.json["message"] == "flow 'v404' has no version 9"
    assert client.get("/api/flows/ghost/versions/1").status_code == 404


def test_published_versions_are_immutable(client: Any) -> None:
    created = create_published(client, ticket_flow("frozen"))
    doc = created["document"]
    doc["nodes"][1]["config"]["title"] = "changed"
    _save(client, "frozen", doc, 1)
    version = client.get("/api/flows/frozen/versions/1").json
    assert version["document"]["nodes"][1]["config"]["title"] == "{{ event.title }}"


def test_events_run_the_latest_published_version_not_the_draft(client: Any, wait_run: Any) -> None:
    created = create_published(client, ticket_flow("latest"))
    doc = created["document"]
    doc["nodes"][1]["config"]["title"] = "draft: {{ event.title }}"
    _save(client, "latest", doc, 1)
    run = wait_run(send_event(client, {"title": "disk 1", "dedup_key": "k1"})["runs"][0])
    assert (run["flow_version"], run["flow_revision"]) == (1, 1)
    steps = {s["node_id"]: s for s in run["steps"]}
    assert steps["ticket"]["output"]["title"] == "disk 1"

    publish(client, "latest", 2)
    run = wait_run(send_event(client, {"title": "disk 2", "dedup_key": "k2"})["runs"][0])
    assert (run["flow_version"], run["flow_revision"]) == (2, 2)
    assert {s["node_id"]: s for s in run["steps"]}["ticket"]["output"]["title"] == "draft: disk 2"


def test_publish_with_a_stale_base_revision_is_409_and_publishes_nothing(client: Any) -> None:
    created = create(client, ticket_flow("stale"))
    _save(client, "stale", {**created["document"], "description": "newer"}, 1)
    response = client.post("/api/flows/stale/publish", json={"base_revision": 1})
    assert response.status_code == 409
    assert response.json["current_revision"] == 2
    assert response.json["current_document"]["description"] == "newer"
    assert "reload before publishing" in response.json["message"]
    got = client.get("/api/flows/stale").json
    assert (got["published_version"], got["status"]) == (None, "draft")
    assert client.get("/api/flows/stale/versions").json["items"] == []


def test_publish_unknown_flow_is_404(client: Any) -> None:
    response = client.post("/api/flows/ghost/publish", json={})
    assert response.status_code == 404
    assert response.json["message"] == "no flow 'ghost'"


def test_deactivated_flow_ignores_events_and_its_webhook_answers_409(client: Any, wait_run: Any) -> None:
    detail = create_published(client, ticket_flow("toggle"))
    token = detail["hooks"][0]["token"]

    off = client.post("/api/flows/toggle/activation", json={"active": False})
    assert off.status_code == 200
    assert off.json["active"] is False
    assert off.json["status"] == "published"

    hook = client.post(f"/hooks/{token}", json={"title": "disk full"})
    assert hook.status_code == 409
    assert "'toggle' is inactive" in hook.json["message"]
    ingested = send_event(client, {"title": "disk full"})
    assert ingested["runs"] == []
    assert all(m["flow_id"] != "toggle" for m in ingested["matches"])
    assert client.get("/api/runs").json["total"] == 0

    on = client.post("/api/flows/toggle/activation", json={"active": True})
    assert on.status_code == 200
    assert on.json["active"] is True
    hooked = client.post(f"/hooks/{token}", json={"title": "disk full", "dedup_key": "again"})
    assert hooked.status_code == 202, hooked.json
    assert len(hooked.json["runs"]) == 1
    assert wait_run(hooked.json["runs"][0])["status"] == "succeeded"
    assert len(send_event(client, {"title": "disk full", "dedup_key": "third"})["runs"]) == 1


def test_activation_is_kept_when_republishing(client: Any) -> None:
    created = create_published(client, ticket_flow("keepoff"))
    client.post("/api/flows/keepoff/activation", json={"active": False})
    _save(client, "keepoff", {**created["document"], "description": "v2"}, 1)
    republished = publish(client, "keepoff", 2)
    assert (republished["published_version"], republished["active"]) == (2, False)


def test_activation_needs_a_boolean(client: Any) -> None:
    create_published(client, ticket_flow("boolean"))
    response = client.post("/api/flows/boolean/activation", json={"active": "maybe"})
    assert response.status_code == 422
    assert "active" in response.json["errors"]["json"]
    assert client.get("/api/flows/boolean").json["active"] is True
    assert client.post("/api/flows/ghost/activation", json={"active": False}).status_code == 404


def test_webhook_of_a_never_published_flow_is_409(client: Any) -> None:
    token = create(client, ticket_flow("unpublished"))["hooks"][0]["token"]
    response = client.post(f"/hooks/{token}", json={"title": "disk"})
    assert response.status_code == 409
    assert "not published" in response.json["message"]


def test_validate_answers_200_with_no_problems_for_a_valid_flow(client: Any) -> None:
    response = client.post("/api/flows/validate", json=ticket_flow("fine"))
    assert response.status_code == 200
    assert response.json == {"problems": []}
    assert client.get("/api/flows").json["items"] == []  # validating saves nothing


def test_validate_answers_422_with_problems(client: Any) -> None:
    doc = flow_doc("bad", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ steps.later.key }}"}},
        {"id": "later", "type": "ticket.create", "config": {"title": "{% if %}"}},
        {"id": "orphan", "type": "chat.post", "config": {"channel": "x", "text": "y"}},
    ], [("hook", "ticket"), ("ticket", "later"), ("ticket", "nowhere"), ("hook", "ticket", "sideways")])
    response = client.post("/api/flows/validate", json=doc)
    assert response.status_code == 422
    problems = response.json["problems"]
    by_code: dict[str, list[dict[str, Any]]] = {}
    for problem in problems:
        by_code.setdefault(problem["code"], []).append(problem)
        assert set(problem) == {"code", "message", "node_id", "edge_id", "field"}
    assert [p["edge_id"] for p in by_code["dangling_edge"]] == ["e2"]
    assert [p["edge_id"] for p in by_code["unknown_port"]] == ["e3"]
    assert [p["node_id"] for p in by_code["unreachable"]] == ["orphan"]
    assert "template_syntax" in by_code and by_code["template_syntax"][0]["node_id"] == "later"
    assert client.get("/api/flows").json["items"] == []


def test_validate_a_shape_error_is_422(client: Any) -> None:
    response = client.post("/api/flows/validate", json={"schema": "mendflow.flow/v1", "id": "x", "name": 3})
    assert response.status_code == 422
    assert [(p["code"], p["field"]) for p in response.json["problems"]] == [("invalid_shape", "name")]


def test_validate_accepts_a_document_without_schema_or_id(client: Any) -> None:
    answer = client.post("/api/flows/validate", json={
        "name": "Draft in the import dialog", "nodes": [{"id": "go", "type": "trigger.manual"}], "edges": []})
    assert (answer.status_code, answer.json) == (200, {"problems": []})
