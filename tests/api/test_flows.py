"""Flows: create, read, list, save with revisions, conflicts, delete, duplicate, rename."""

from __future__ import annotations

from typing import Any

from tests.api.support import create, create_published, publish, send_event, ticket_flow


def _put(client: Any, flow_id: str, document: dict[str, Any], base_revision: int) -> Any:
    return client.put(f"/api/flows/{flow_id}", json={"document": document, "base_revision": base_revision})


def test_create_derives_the_id_from_the_name_and_keeps_it_unique(client: Any) -> None:
    doc = ticket_flow(name="Disk Full: Clean /tmp!")
    del doc["id"]
    first = create(client, doc)
    second = create(client, doc)
    third = create(client, doc)
    assert [first["id"], second["id"], third["id"]] == ["disk-full-clean-tmp", "disk-full-clean-tmp-2",
                                                         "disk-full-clean-tmp-3"]
    assert second["document"]["id"] == "disk-full-clean-tmp-2"
    assert first["name"] == "Disk Full: Clean /tmp!"
    assert first["revision"] == 1
    assert first["status"] == "draft"
    assert first["published_version"] is None
    assert first["valid"] is True
    assert first["problems"] == []


def test_create_without_schema_key_fills_it(client: Any) -> None:
    doc = ticket_flow("noschema")
    del doc["schema"]
    created = create(client, doc)
    assert created["document"]["schema"] == "mendflow.flow/v1"


def test_create_with_a_taken_id_gets_a_fresh_one(client: Any) -> None:
    create(client, ticket_flow("taken"))
    again = create(client, ticket_flow("taken"))
    assert again["id"] == "taken-2"
    assert client.get("/api/flows/taken").json["revision"] == 1


def test_get_returns_detail_with_document_and_hooks(client: Any) -> None:
    created = create(client, ticket_flow("detail"))
    got = client.get("/api/flows/detail")
    assert got.status_code == 200
    body = got.json
    assert body["document"] == created["document"]
    assert [h["node_id"] for h in body["hooks"]] == ["hook"]
    token = body["hooks"][0]["token"]
    assert len(token) >= 20
    assert body["hooks"][0]["url"].endswith(f"/hooks/{token}")
    assert body["last_run"] is None


def test_get_unknown_flow_is_404_naming_it(client: Any) -> None:
    response = client.get("/api/flows/nope")
    assert response.status_code == 404
    assert response.json["message"] == "no flow 'nope'"


def test_list_searches_names_ids_and_descriptions(client: Any) -> None:
    create(client, ticket_flow("alpha", name="Disk cleanup"))
    beta = ticket_flow("beta", name="Process crash")
    beta["description"] = "Restart the CHECKOUT service"
    create(client, beta)
    create(client, ticket_flow("gamma-disk", name="Gamma"))

    def ids(q: str) -> list[str]:
        response = client.get("/api/flows", query_string={"q": q})
        assert response.status_code == 200
        return [f["id"] for f in response.json["items"]]

    assert ids("") == ["alpha", "gamma-disk", "beta"]  # ordered by name
    assert ids("DISK") == ["alpha", "gamma-disk"]
    assert ids("checkout") == ["beta"]
    assert ids("nothing-like-this") == []


def test_list_shows_draft_published_and_modified(client: Any) -> None:
    create(client, ticket_flow("a-draft"))
    create_published(client, ticket_flow("b-published"))
    modified = create_published(client, ticket_flow("c-modified"))
    doc = {**modified["document"], "description": "changed after publishing"}
    assert _put(client, "c-modified", doc, modified["revision"]).status_code == 200

    items = {f["id"]: f for f in client.get("/api/flows").json["items"]}
    assert {k: v["status"] for k, v in items.items()} == {
        "a-draft": "draft", "b-published": "published", "c-modified": "modified"}
    assert items["a-draft"]["published_version"] is None
    assert items["a-draft"]["active"] is False
    assert items["b-published"]["published_version"] == 1
    assert items["b-published"]["active"] is True
    assert items["c-modified"]["revision"] == 2
    assert items["c-modified"]["published_version"] == 1


def test_list_shows_the_last_run(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("ran", title_contains="disk"))
    create_published(client, ticket_flow("idle", title_contains="never-matches"))
    first = send_event(client, {"title": "disk one", "dedup_key": "one"})["runs"][0]
    wait_run(first)
    second = send_event(client, {"title": "disk two", "dedup_key": "two"})["runs"][0]
    run = wait_run(second)
    items = {f["id"]: f for f in client.get("/api/flows").json["items"]}
    assert items["idle"]["last_run"] is None
    assert items["ran"]["last_run"]["id"] == second
    assert items["ran"]["last_run"]["status"] == "succeeded"
    assert items["ran"]["last_run"]["started_at"] == run["started_at"]
    assert items["ran"]["last_run"]["finished_at"] == run["finished_at"]
    assert client.get("/api/flows/ran").json["last_run"]["id"] == second


def test_update_bumps_the_revision_and_saves(client: Any) -> None:
    created = create(client, ticket_flow("upd"))
    doc = created["document"]
    doc["nodes"][1]["config"]["title"] = "Disk: {{ event.title }}"
    saved = _put(client, "upd", doc, 1)
    assert saved.status_code == 200, saved.json
    assert saved.json["revision"] == 2
    got = client.get("/api/flows/upd").json
    assert got["revision"] == 2
    assert got["document"]["nodes"][1]["config"]["title"] == "Disk: {{ event.title }}"


def test_saving_identical_content_keeps_the_revision(client: Any) -> None:
    created = create(client, ticket_flow("same"))
    before = created["updated_at"]
    saved = _put(client, "same", created["document"], 1)
    assert saved.status_code == 200
    assert saved.json["revision"] == 1
    assert saved.json["updated_at"] == before
    # The same content in another key order and without defaults is still the same content.
    loose = ticket_flow("same")
    for node in loose["nodes"]:
        node.pop("config")
        node["config"] = {"title_contains": "disk"} if node["id"] == "hook" else {"title": "{{ event.title }}"}
    again = _put(client, "same", dict(reversed(list(loose.items()))), 1)
    assert again.status_code == 200
    assert again.json["revision"] == 1


def test_stale_base_revision_is_409_with_the_current_draft_and_nothing_overwritten(client: Any) -> None:
    created = create(client, ticket_flow("race"))
    alice = {**created["document"], "description": "alice was here"}
    bob = {**created["document"], "description": "bob was here"}
    assert _put(client, "race", alice, 1).status_code == 200
    stale = _put(client, "race", bob, 1)
    assert stale.status_code == 409
    body = stale.json
    assert body["current_revision"] == 2
    assert body["current_document"]["description"] == "alice was here"
    assert "revision 2" in body["message"] and "based on 1" in body["message"]
    got = client.get("/api/flows/race").json
    assert got["revision"] == 2
    assert got["document"]["description"] == "alice was here"
    # A base revision from the future is just as stale.
    assert _put(client, "race", bob, 7).status_code == 409
    assert client.get("/api/flows/race").json["document"]["description"] == "alice was here"


def test_update_needs_document_and_base_revision(client: Any) -> None:
    created = create(client, ticket_flow("needs"))
    missing = client.put("/api/flows/needs", json={"document": created["document"]})
    assert missing.status_code == 422
    assert "base_revision" in missing.json["errors"]["json"]
    assert "base_revision" in missing.json["message"]
    wrong = client.put("/api/flows/needs", json={"document": "text", "base_revision": "one"})
    assert wrong.status_code == 422
    assert set(wrong.json["errors"]["json"]) == {"document", "base_revision"}
    assert client.get("/api/flows/needs").json["revision"] == 1


def test_update_unknown_flow_is_404(client: Any) -> None:
    response = _put(client, "ghost", ticket_flow("ghost"), 1)
    assert response.status_code == 404
    assert "ghost" in response.json["message"]
    assert client.get("/api/flows/ghost").status_code == 404


def test_id_mismatch_is_422_and_nothing_saved(client: Any) -> None:
    created = create(client, ticket_flow("keep"))
    other = {**created["document"], "id": "other", "description": "moved"}
    response = _put(client, "keep", other, 1)
    assert response.status_code == 422
    assert "'other'" in response.json["message"] and "'keep'" in response.json["message"]
    assert client.get("/api/flows/other").status_code == 404
    got = client.get("/api/flows/keep").json
    assert got["revision"] == 1
    assert got["document"]["description"] == ""


def test_rename_through_a_document_save(client: Any) -> None:
    created = create(client, ticket_flow("ren", name="Old name"))
    saved = _put(client, "ren", {**created["document"], "name": "New name", "description": "now better"}, 1)
    assert saved.status_code == 200
    assert saved.json["id"] == "ren"
    assert saved.json["name"] == "New name"
    summary = next(f for f in client.get("/api/flows").json["items"] if f["id"] == "ren")
    assert summary["name"] == "New name"
    assert summary["description"] == "now better"
    assert [f["id"] for f in client.get("/api/flows", query_string={"q": "old name"}).json["items"]] == []


def test_delete_then_404_and_its_runs_stay_listed(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("gone"))
    run_id = send_event(client, {"title": "disk full"})["runs"][0]
    wait_run(run_id)
    deleted = client.delete("/api/flows/gone")
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert client.get("/api/flows/gone").status_code == 404
    assert client.get("/api/flows/gone/versions").status_code == 404
    assert client.delete("/api/flows/gone").status_code == 404
    assert [f["id"] for f in client.get("/api/flows").json["items"]] == []
    runs = client.get("/api/runs", query_string={"flow_id": "gone"}).json
    assert [r["id"] for r in runs["items"]] == [run_id]
    assert client.get(f"/api/runs/{run_id}").json["status"] == "succeeded"
    # A deleted flow no longer reacts to events.
    assert send_event(client, {"title": "disk full again"})["runs"] == []
    # And its id can be used again.
    assert create(client, ticket_flow("gone"))["id"] == "gone"


def test_duplicate_copies_the_draft_under_a_new_id(client: Any) -> None:
    created = create_published(client, ticket_flow("orig", name="Original"))
    copy = client.post("/api/flows/orig/duplicate", json={})
    assert copy.status_code == 201, copy.json
    assert copy.json["id"] == "original-copy"
    assert copy.json["name"] == "Original (copy)"
    assert copy.json["status"] == "draft"
    assert copy.json["revision"] == 1
    assert copy.json["document"]["nodes"] == created["document"]["nodes"]
    assert copy.json["document"]["edges"] == created["document"]["edges"]
    # The copy has its own webhook token.
    assert copy.json["hooks"][0]["token"] != created["hooks"][0]["token"]
    named = client.post("/api/flows/orig/duplicate", json={"name": "Second copy"})
    assert named.status_code == 201
    assert (named.json["id"], named.json["name"]) == ("second-copy", "Second copy")
    again = client.post("/api/flows/orig/duplicate", json={"name": "Second copy"})
    assert again.json["id"] == "second-copy-2"
    assert client.post("/api/flows/ghost/duplicate", json={}).status_code == 404
    assert client.get("/api/flows/orig").json["name"] == "Original"


def test_duplicate_with_an_empty_name_is_422(client: Any) -> None:
    create(client, ticket_flow("dup"))
    response = client.post("/api/flows/dup/duplicate", json={"name": ""})
    assert response.status_code == 422
    assert "name" in response.json["errors"]["json"]
    assert len(client.get("/api/flows").json["items"]) == 1


def test_publish_response_body_for_publish_helper(client: Any) -> None:
    created = create(client, ticket_flow("pub"))
    detail = publish(client, "pub", created["revision"])
    assert (detail["status"], detail["published_version"], detail["active"]) == ("published", 1, True)
