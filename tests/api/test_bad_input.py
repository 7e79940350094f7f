"""Bad input gets a precise 4xx and nothing is half-saved."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mendflow.config import Settings
from tests.api.support import create, flow_count, ticket_flow
from tests.conftest import flow_doc

LIMIT = 4096


def _cyclic(flow_id: str = "loop") -> dict[str, Any]:
    return flow_doc(flow_id, [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "a", "type": "ticket.create", "config": {"title": "a"}},
        {"id": "b", "type": "ticket.create", "config": {"title": "b"}},
    ], [("hook", "a"), ("a", "b"), ("b", "a")])


def _unknown_type(flow_id: str = "odd") -> dict[str, Any]:
    return flow_doc(flow_id, [
        {"id": "manual", "type": "trigger.manual"},
        {"id": "mystery", "type": "vendor.does_not_exist", "config": {"x": 1}},
    ], [("manual", "mystery")])


def _manual(flow_id: str) -> dict[str, Any]:
    return flow_doc(flow_id, [
        {"id": "manual", "type": "trigger.manual"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "by hand"}},
    ], [("manual", "ticket")])


def test_malformed_json_is_400_naming_line_and_column(client: Any) -> None:
    body = b'{\n  "schema": "mendflow.flow/v1",\n  "name": "x",,\n}'
    response = client.post("/api/flows", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == 400
    assert "line 3" in response.json["message"]
    assert "column 15" in response.json["message"]
    assert response.json["message"].startswith("Malformed JSON")
    assert flow_count(client) == 0


def test_malformed_json_on_update_leaves_the_draft(client: Any) -> None:
    create(client, ticket_flow("kept"))
    response = client.put("/api/flows/kept", data=b'{"document": {', content_type="application/json")
    assert response.status_code == 400
    assert "line 1" in response.json["message"]
    assert client.get("/api/flows/kept").json["revision"] == 1


@pytest.mark.parametrize("path", ["/api/events", "/api/flows/validate", "/api/flows/import"])
def test_malformed_json_is_400_everywhere(client: Any, path: str) -> None:
    response = client.post(path, data=b"[1, 2", content_type="application/json")
    assert response.status_code == 400
    assert "Malformed JSON" in response.json["message"]
    assert "line 1, column 6" in response.json["message"]


def test_body_that_is_not_utf8_is_400(client: Any) -> None:
    response = client.post("/api/flows", data=b'{"name": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400
    assert "UTF-8" in response.json["message"]
    assert flow_count(client) == 0


def test_empty_body_is_a_client_error(client: Any) -> None:
    response = client.post("/api/flows", data=b"", content_type="application/json")
    assert response.status_code == 400
    assert "JSON body" in response.json["message"]


def test_a_document_that_is_not_an_object_is_422(client: Any) -> None:
    response = client.post("/api/flows", json=[1, 2, 3])
    assert response.status_code == 422
    assert response.json["problems"][0]["code"] == "invalid_shape"
    assert "JSON object" in response.json["message"]
    assert flow_count(client) == 0


def test_wrong_types_and_unknown_fields_are_422_naming_node_and_field(client: Any) -> None:
    doc = ticket_flow("shape")
    doc["nodes"][1]["position"] = {"x": "left", "y": 3}
    doc["nodes"][0]["colour"] = "red"
    doc["edges"][0]["source_port"] = 5
    doc["owner"] = "me"
    response = client.post("/api/flows", json=doc)
    assert response.status_code == 422
    problems = {(p["node_id"], p["edge_id"], p["field"]): p for p in response.json["problems"]}
    assert set(problems) == {
        ("ticket", None, "nodes[1].position.x"),
        ("hook", None, "nodes[0].colour"),
        (None, "e0", "edges[0].source_port"),
        (None, None, "owner"),
    }
    assert all(p["code"] == "invalid_shape" for p in problems.values())
    assert "Unknown field" in problems[("hook", None, "nodes[0].colour")]["message"]
    assert "4 shape problem" in response.json["message"]
    assert flow_count(client) == 0


def test_wrong_types_on_update_save_nothing(client: Any) -> None:
    created = create(client, ticket_flow("typed"))
    doc = created["document"]
    doc["nodes"][1]["label"] = ["not", "a", "string"]
    doc["description"] = "should not be saved"
    response = client.put("/api/flows/typed", json={"document": doc, "base_revision": 1})
    assert response.status_code == 422
    assert [(p["node_id"], p["field"]) for p in response.json["problems"]] == [("ticket", "nodes[1].label")]
    got = client.get("/api/flows/typed").json
    assert got["revision"] == 1
    assert got["document"]["description"] == ""


def test_invalid_ids_are_422(client: Any) -> None:
    doc = ticket_flow("bad id with spaces")
    response = client.post("/api/flows", json=doc)
    assert response.status_code == 422
    assert [p["field"] for p in response.json["problems"]] == ["id"]
    assert "letters, digits" in response.json["problems"][0]["message"]
    assert flow_count(client) == 0


def test_missing_name_is_422(client: Any) -> None:
    doc = ticket_flow("nameless")
    del doc["name"]
    response = client.post("/api/flows", json=doc)
    assert response.status_code == 422
    assert [p["field"] for p in response.json["problems"]] == ["name"]
    assert flow_count(client) == 0


@pytest.mark.parametrize(("doc", "codes", "node_ids", "says"), [
    (_cyclic(), {"cycle"}, {"a"}, "a → b → a"),
    (_unknown_type(), {"unknown_node_type"}, {"mystery"}, "vendor.does_not_exist"),
])
def test_a_flow_with_problems_is_saved_as_a_draft_but_cannot_be_published_or_run(
        client: Any, doc: dict[str, Any], codes: set[str], node_ids: set[str], says: str) -> None:
    flow_id = doc["id"]
    created = client.post("/api/flows", json=doc)
    assert created.status_code == 201, created.json
    assert created.json["valid"] is False
    assert created.json["status"] == "draft"
    assert {p["code"] for p in created.json["problems"]} >= codes
    assert {p["node_id"] for p in created.json["problems"] if p["code"] in codes} == node_ids
    assert any(says in p["message"] for p in created.json["problems"])
    # The draft is kept as sent, unknown node types included.
    got = client.get(f"/api/flows/{flow_id}").json
    assert got["document"]["nodes"] == created.json["document"]["nodes"]
    assert got["valid"] is False
    listed = next(f for f in client.get("/api/flows").json["items"] if f["id"] == flow_id)
    assert listed["valid"] is False

    published = client.post(f"/api/flows/{flow_id}/publish", json={"base_revision": 1})
    assert published.status_code == 422
    assert {p["code"] for p in published.json["problems"]} >= codes
    assert "fix them before publishing" in published.json["message"]
    assert client.get(f"/api/flows/{flow_id}/versions").json["items"] == []
    assert client.get(f"/api/flows/{flow_id}").json["published_version"] is None

    run = client.post(f"/api/flows/{flow_id}/runs", json={"event": {"title": "try"}})
    assert run.status_code == 422
    assert {p["code"] for p in run.json["problems"]} >= codes
    assert "fix them before running" in run.json["message"]
    assert client.get("/api/runs").json["total"] == 0
    activation = client.post(f"/api/flows/{flow_id}/activation", json={"active": True})
    assert activation.status_code == 422
    assert "never been published" in activation.json["message"]


def test_unknown_node_type_is_kept_on_save(client: Any) -> None:
    created = client.post("/api/flows", json=_unknown_type("keeper"))
    assert created.status_code == 201
    types = [n["type"] for n in client.get("/api/flows/keeper").json["document"]["nodes"]]
    assert types == ["trigger.manual", "vendor.does_not_exist"]
    config = client.get("/api/flows/keeper").json["document"]["nodes"][1]["config"]
    assert config == {"x": 1}


def test_invalid_node_config_is_a_problem_naming_node_and_field(client: Any) -> None:
    doc = flow_doc("cfg", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "page", "type": "alert.notify", "config": {"recipients": [], "message": "hi",
                                                          "responses": ["Go"], "timeout": "soon"}},
    ], [("hook", "page")])
    created = client.post("/api/flows", json=doc)
    assert created.status_code == 201
    problems = {(p["node_id"], p["field"]) for p in created.json["problems"]}
    assert problems == {("page", "config.recipients"), ("page", "config.timeout")}


def test_events_needs_a_title(client: Any) -> None:
    response = client.post("/api/events", json={"severity": "critical"})
    assert response.status_code == 422
    assert response.json["field"] == "title"
    assert "needs a title" in response.json["message"]
    assert client.get("/api/incidents").json["items"] == []


def test_event_with_unknown_severity_is_422_naming_the_field(client: Any) -> None:
    response = client.post("/api/events", json={"title": "disk", "severity": "apocalyptic"})
    assert response.status_code == 422
    assert response.json["field"] == "severity"
    assert "'apocalyptic'" in response.json["message"]
    assert "critical" in response.json["message"]
    assert client.get("/api/incidents").json["items"] == []


@pytest.mark.parametrize(("event", "field"), [
    ({"title": "x", "state": "exploded"}, "state"),
    ({"title": "x", "entities": "web-1"}, "entities"),
    ({"title": "x", "links": {"a": 1}}, "links"),
])
def test_event_fields_of_the_wrong_kind_are_422(client: Any, event: dict[str, Any], field: str) -> None:
    response = client.post("/api/events", json=event)
    assert response.status_code == 422
    assert response.json["field"] == field
    assert client.get("/api/incidents").json["items"] == []


def test_an_event_that_is_not_an_object_is_422(client: Any) -> None:
    response = client.post("/api/events", json=["title"])
    assert response.status_code == 422
    assert "JSON object" in response.json["message"]


def test_manual_run_with_a_bad_event_is_422_and_starts_nothing(client: Any) -> None:
    create(client, _manual("byhand"))
    response = client.post("/api/flows/byhand/runs", json={"event": {"title": "x", "severity": "huge"}})
    assert response.status_code == 422
    assert response.json["field"] == "severity"
    assert client.get("/api/runs").json["total"] == 0


def test_manual_run_with_an_unknown_trigger_is_422(client: Any) -> None:
    create(client, _manual("trig"))
    response = client.post("/api/flows/trig/runs", json={"trigger": "ticket"})
    assert response.status_code == 422
    assert "'ticket' is not a trigger" in response.json["message"]
    assert "manual" in response.json["message"]
    bad_version = client.post("/api/flows/trig/runs", json={"version": "latest"})
    assert bad_version.status_code == 422
    assert "'latest'" in bad_version.json["message"]
    assert client.post("/api/flows/trig/runs", json={"version": "3"}).status_code == 404
    assert client.get("/api/runs").json["total"] == 0


class TestBodyLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.with_overrides(max_body_bytes=LIMIT)

    def test_a_body_over_the_limit_is_413_and_nothing_saved(self, client: Any) -> None:
        doc = ticket_flow("big")
        doc["description"] = "x" * (LIMIT + 1)
        response = client.post("/api/flows", data=json.dumps(doc), content_type="application/json")
        assert response.status_code == 413
        assert str(LIMIT) in response.json["message"]
        assert "MENDFLOW_MAX_BODY_BYTES" in response.json["message"]
        assert flow_count(client) == 0

    def test_an_update_over_the_limit_is_413_and_the_draft_kept(self, client: Any) -> None:
        created = create(client, ticket_flow("small"))
        doc = {**created["document"], "description": "y" * (LIMIT + 1)}
        response = client.put("/api/flows/small", json={"document": doc, "base_revision": 1})
        assert response.status_code == 413
        got = client.get("/api/flows/small").json
        assert (got["revision"], got["document"]["description"]) == (1, "")

    def test_an_event_over_the_limit_is_413(self, client: Any) -> None:
        response = client.post("/api/events", json={"title": "disk", "raw": "z" * (LIMIT + 1)})
        assert response.status_code == 413
        assert client.get("/api/incidents").json["items"] == []

    def test_a_body_under_the_limit_is_accepted(self, client: Any) -> None:
        doc = ticket_flow("fits")
        doc["description"] = "x" * 1000
        assert len(json.dumps(doc)) < LIMIT
        assert client.post("/api/flows", json=doc).status_code == 201
