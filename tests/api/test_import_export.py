"""Import and export: canonical bytes, the shipped flows, id collisions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mendflow.config import PROJECT_ROOT
from mendflow.flowdoc.document import dump_flow, load_flow
from tests.api.support import create, create_published, ticket_flow

SHIPPED = sorted((PROJECT_ROOT / "flows").glob("*.json"))


def _import(client: Any, body: bytes, **query: str) -> Any:
    return client.post("/api/flows/import", data=body, content_type="application/json", query_string=query)


def test_export_is_the_canonical_form(client: Any) -> None:
    doc = ticket_flow("canon")
    doc["nodes"][0]["position"] = {"x": 10.0, "y": 20.456}
    create(client, doc)
    response = client.get("/api/flows/canon/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="canon.json"'
    assert response.data.decode() == dump_flow(load_flow(doc))
    assert response.data.endswith(b"}\n")
    assert b'"x": 10,' in response.data and b'"y": 20.46' in response.data


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_flows_import_and_export_byte_for_byte(client: Any, path: Any) -> None:
    raw = path.read_bytes()
    imported = _import(client, raw)
    assert imported.status_code == 201, imported.json
    assert imported.json["id"] == path.stem
    assert imported.json["valid"] is True, imported.json["problems"]
    exported = client.get(f"/api/flows/{path.stem}/export")
    assert exported.status_code == 200
    assert exported.data == raw


def test_export_of_a_published_version(client: Any) -> None:
    created = create_published(client, ticket_flow("exv"))
    doc = {**created["document"], "description": "draft only"}
    assert client.put("/api/flows/exv", json={"document": doc, "base_revision": 1}).status_code == 200
    v1 = client.get("/api/flows/exv/export", query_string={"version": "1"})
    draft = client.get("/api/flows/exv/export", query_string={"version": "draft"})
    assert json.loads(v1.data)["description"] == ""
    assert json.loads(draft.data)["description"] == "draft only"
    assert v1.data == dump_flow(load_flow(created["document"])).encode()
    missing = client.get("/api/flows/exv/export", query_string={"version": "2"})
    assert missing.status_code == 404
    bad = client.get("/api/flows/exv/export", query_string={"version": "newest"})
    assert bad.status_code == 422
    assert "'newest'" in bad.json["message"]
    assert client.get("/api/flows/ghost/export").status_code == 404


def test_import_of_an_existing_id_is_409_without_as_new(client: Any) -> None:
    created = create(client, ticket_flow("dupe"))
    other = {**ticket_flow("dupe"), "description": "the imported one"}
    response = client.post("/api/flows/import", json=other)
    assert response.status_code == 409
    assert "'dupe'" in response.json["message"]
    assert response.json["flow_id"] == "dupe"
    got = client.get("/api/flows/dupe").json
    assert got["document"] == created["document"]
    assert [f["id"] for f in client.get("/api/flows").json["items"]] == ["dupe"]


def test_import_as_new_gets_a_fresh_id(client: Any) -> None:
    create(client, ticket_flow("twin"))
    other = {**ticket_flow("twin"), "description": "the imported one"}
    first = client.post("/api/flows/import", json=other, query_string={"as_new": "true"})
    assert first.status_code == 201
    assert first.json["id"] == "twin-2"
    assert first.json["document"]["id"] == "twin-2"
    second = client.post("/api/flows/import", json=other, query_string={"as_new": "true"})
    assert second.json["id"] == "twin-3"
    assert client.get("/api/flows/twin").json["document"]["description"] == ""
    assert client.get("/api/flows/twin-2").json["document"]["description"] == "the imported one"


def test_import_as_new_with_a_free_id_keeps_it(client: Any) -> None:
    response = client.post("/api/flows/import", json=ticket_flow("fresh"), query_string={"as_new": "true"})
    assert response.status_code == 201
    assert response.json["id"] == "fresh"


def test_reimporting_an_export_yields_the_same_document(client: Any) -> None:
    shipped = SHIPPED[0]
    assert _import(client, shipped.read_bytes()).status_code == 201
    exported = client.get(f"/api/flows/{shipped.stem}/export").data
    again = _import(client, exported, as_new="true")
    assert again.status_code == 201
    new_id = again.json["id"]
    assert new_id == f"{shipped.stem}-2"
    original = client.get(f"/api/flows/{shipped.stem}").json["document"]
    assert again.json["document"] == {**original, "id": new_id}
    assert client.get(f"/api/flows/{new_id}/export").data == exported.replace(
        f'"id": "{shipped.stem}"'.encode(), f'"id": "{new_id}"'.encode())


def test_import_with_a_bad_shape_saves_nothing(client: Any) -> None:
    doc = ticket_flow("shapeless")
    doc["nodes"][0]["config"] = "not an object"
    response = client.post("/api/flows/import", json=doc)
    assert response.status_code == 422
    assert [(p["node_id"], p["field"]) for p in response.json["problems"]] == [("hook", "nodes[0].config")]
    assert client.get("/api/flows").json["items"] == []


def test_import_with_a_bad_as_new_flag_is_422(client: Any) -> None:
    response = client.post("/api/flows/import", json=ticket_flow("flag"), query_string={"as_new": "perhaps"})
    assert response.status_code == 422
    assert "as_new" in response.json["errors"]["query"]
    assert client.get("/api/flows").json["items"] == []
