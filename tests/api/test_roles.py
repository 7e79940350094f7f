"""Roles limit what each caller may do: viewers read, responders answer, editors change flows and schedules,
admins manage people. Route lists come from the URL map, so routes added later are checked too."""

from __future__ import annotations

from typing import Any

import pytest

from mendflow.auth import ROLES, has_role
from tests.api.support import create, create_published, paging_flow, ticket_flow
from tests.api.test_auth import ROUTES
from tests.conftest import wait_for

# Paths whose changes are an editor's business: flows and everything on-call planning is made of.
EDITOR_PREFIXES = ("/api/flows", "/api/schedules", "/api/escalation-policies")
READ_ONLY_POSTS = {"/api/flows/validate"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
DENIALS = [(method, path, role, caller) for method, path, role in ROUTES if isinstance(role, str) and role in ROLES
           for caller in ROLES if not has_role(caller, role)]


def test_editing_flows_and_schedules_needs_at_least_editor() -> None:
    editing = [(m, p, role) for m, p, role in ROUTES
               if m in UNSAFE and p.startswith(EDITOR_PREFIXES) and p not in READ_ONLY_POSTS]
    assert editing, "no flow or schedule routes found"
    weaker = [(m, p, role) for m, p, role in editing if not has_role(role, "editor")]
    assert not weaker, f"these change flows or schedules but need less than editor: {weaker}"


@pytest.mark.parametrize(("method", "path", "role", "caller"), DENIALS,
                         ids=[f"{c} {m} {p}" for m, p, _, c in DENIALS])
def test_a_role_below_the_declared_one_is_refused(client_as: Any, method: str, path: str, role: str,
                                                  caller: str) -> None:
    response = client_as(caller).open(path, method=method, json={} if method != "GET" else None)
    assert response.status_code == 403, (caller, method, path, response.json)
    assert response.json["required_role"] == role and response.json["role"] == caller
    assert f"needs the {role} role; you are signed in as test-{caller} with the {caller} role" in \
        response.json["message"]


@pytest.mark.parametrize(("method", "path", "role"), [
    ("GET", "/api/flows", "viewer"), ("POST", "/api/flows", "editor"), ("PUT", "/api/flows/x", "editor"),
    ("DELETE", "/api/flows/x", "editor"), ("POST", "/api/flows/x/publish", "editor"),
    ("POST", "/api/flows/import", "editor"), ("POST", "/api/flows/x/runs", "editor"),
    ("POST", "/api/runs/x/replay", "editor"), ("POST", "/api/runs/x/cancel", "editor"),
    ("POST", "/api/runs/x/steps/x/response", "responder"), ("POST", "/api/alerts/1/response", "responder"),
    ("POST", "/api/events", "responder"), ("GET", "/api/runs", "viewer"), ("POST", "/api/flows/validate", "viewer"),
    ("POST", "/api/users", "admin"), ("DELETE", "/api/users/x", "admin"), ("PATCH", "/api/users/x", "viewer"),
    ("POST", "/api/teams", "admin"), ("POST", "/api/teams/x/members", "admin"), ("GET", "/api/teams", "viewer"),
    ("POST", "/api/tokens", "viewer"), ("GET", "/api/auth/me", "viewer"),
])
def test_the_role_policy(method: str, path: str, role: str) -> None:
    assert (method, path, role) in ROUTES


# -- viewers ----------------------------------------------------------------------------------------------

def test_a_viewer_reads_but_cannot_create_update_delete_or_publish_a_flow(client: Any, client_as: Any) -> None:
    created = create(client, ticket_flow())
    viewer = client_as("viewer")
    assert viewer.get("/api/flows/tickets").status_code == 200
    assert viewer.get("/api/flows/tickets/export").status_code == 200
    attempts = [
        viewer.post("/api/flows", json=ticket_flow("mine")),
        viewer.put("/api/flows/tickets", json={"document": {**ticket_flow(), "name": "Changed"},
                                               "base_revision": created["revision"]}),
        viewer.post("/api/flows/tickets/publish", json={}),
        viewer.delete("/api/flows/tickets"),
        viewer.post("/api/flows/import", json=ticket_flow("imported")),
        viewer.post("/api/flows/tickets/activation", json={"active": True}),
    ]
    for response in attempts:
        assert response.status_code == 403, response.json
        assert response.json["message"].endswith("needs the editor role; you are signed in as test-viewer "
                                                 "with the viewer role.")
    after = client.get("/api/flows/tickets").json
    assert (after["name"], after["revision"], after["published_version"]) == ("tickets", created["revision"], None)
    assert [f["id"] for f in client.get("/api/flows").json["items"]] == ["tickets"]
    assert viewer.post("/api/events", json={"title": "disk full"}).status_code == 403


# -- responders -------------------------------------------------------------------------------------------

@pytest.fixture
def storage_team(client: Any, client_as: Any) -> Any:
    """The responder test-responder, in team storage (which paging_flow pages)."""
    responder = client_as("responder")
    if client.get("/api/teams/storage").status_code == 404:
        assert client.post("/api/teams", json={"id": "storage", "name": "Storage"}).status_code == 201
    joined = client.post("/api/teams/storage/members", json={"user_id": "test-responder"})
    assert joined.status_code == 200, joined.json
    return responder


def test_a_responder_sends_events_and_answers_a_waiting_step(client: Any, storage_team: Any, wait_run: Any) -> None:
    responder = storage_team
    create_published(client, paging_flow())
    sent = responder.post("/api/events", json={"title": "page storage", "severity": "critical"})
    assert sent.status_code == 202, sent.json
    run_id = sent.json["runs"][0]
    wait_run(run_id, {"waiting"})
    answered = responder.post(f"/api/runs/{run_id}/steps/page/response", json={"choice": "Fix"})
    assert answered.status_code == 202, answered.json
    run = wait_run(run_id)
    assert run["status"] == "succeeded"
    assert {s["node_id"]: s["status"] for s in run["steps"]}["fix"] == "succeeded"


def test_a_responder_answers_from_the_alert_inbox(client: Any, storage_team: Any, wait_run: Any) -> None:
    responder = storage_team
    create_published(client, paging_flow())
    run_id = responder.post("/api/events", json={"title": "page storage"}).json["runs"][0]
    wait_run(run_id, {"waiting"})
    alert = wait_for(lambda: next((a for a in responder.get("/api/alerts").json["items"] if a["run_id"] == run_id),
                                  None))
    assert responder.post(f"/api/alerts/{alert['id']}/response", json={"choice": "Ignore"}).status_code == 202
    assert wait_run(run_id)["status"] == "succeeded"


def test_a_responder_cannot_edit_flows_or_start_cancel_or_replay_runs(client: Any, storage_team: Any,
                                                                      wait_run: Any) -> None:
    responder = storage_team
    create_published(client, paging_flow())
    run_id = responder.post("/api/events", json={"title": "page storage"}).json["runs"][0]
    wait_run(run_id, {"waiting"})
    for response in (responder.put("/api/flows/paging", json={"document": paging_flow(), "base_revision": 1}),
                     responder.delete("/api/flows/paging"),
                     responder.post("/api/flows/paging/runs", json={"event": {"title": "x"}}),
                     responder.post(f"/api/runs/{run_id}/cancel"),
                     responder.post(f"/api/runs/{run_id}/replay", json={})):
        assert response.status_code == 403, response.json
        assert response.json["required_role"] == "editor"
    assert client.get(f"/api/runs/{run_id}").json["status"] == "waiting"


# -- admins -----------------------------------------------------------------------------------------------

NEW_USER = {"id": "dave", "email": "dave@example.com", "name": "Dave", "role": "responder",
            "password": "dave's long password", "time_zone": "Europe/Berlin",
            "contact_methods": [{"kind": "chat", "address": "@dave"}]}


def test_only_admins_manage_users(client: Any, client_as: Any) -> None:
    editor = client_as("editor")
    refused = editor.post("/api/users", json=NEW_USER)
    assert refused.status_code == 403 and refused.json["required_role"] == "admin"
    made = client.post("/api/users", json=NEW_USER)
    assert made.status_code == 201, made.json
    assert made.json["contact_methods"][0]["address"] == "@dave" and "password" not in made.json
    assert editor.get("/api/users/dave").json["time_zone"] == "Europe/Berlin"
    assert editor.patch("/api/users/dave", json={"name": "D"}).status_code == 403
    assert editor.delete("/api/users/dave").status_code == 403
    assert client.patch("/api/users/dave", json={"role": "editor"}).json["role"] == "editor"
    assert client.delete("/api/users/dave").json["active"] is False
    assert client.post("/api/users", json=NEW_USER).status_code == 409


def test_users_edit_their_own_details_and_contact_methods(client_as: Any, client: Any) -> None:
    viewer = client_as("viewer")
    changed = viewer.patch("/api/users/test-viewer", json={"name": "Vic", "time_zone": "America/New_York"})
    assert changed.status_code == 200 and changed.json["name"] == "Vic"
    promoted = viewer.patch("/api/users/test-viewer", json={"role": "admin"})
    assert promoted.status_code == 403 and "Changing your own role" in promoted.json["message"]
    bad_zone = viewer.patch("/api/users/test-viewer", json={"time_zone": "Mars/Base"})
    assert bad_zone.status_code == 422 and bad_zone.json["field"] == "time_zone"

    added = viewer.post("/api/users/test-viewer/contact-methods", json={"kind": "webhook",
                                                                       "address": "https://hooks.example.com/v"})
    assert added.status_code == 201, added.json
    assert viewer.patch(f"/api/users/test-viewer/contact-methods/{added.json['id']}",
                        json={"label": "Pager"}).json["label"] == "Pager"
    bad = viewer.post("/api/users/test-viewer/contact-methods", json={"kind": "webhook", "address": "ftp://x"})
    assert bad.status_code == 422 and "http:// or https://" in bad.json["message"]
    client_as("editor")
    other = viewer.post("/api/users/test-editor/contact-methods", json={"kind": "chat", "address": "@x"})
    assert other.status_code == 403
    assert client.post("/api/users/test-editor/contact-methods", json={"kind": "chat", "address": "@x"}
                       ).status_code == 201
    assert viewer.delete(f"/api/users/test-viewer/contact-methods/{added.json['id']}").status_code == 204


def test_only_admins_manage_teams(client: Any, client_as: Any) -> None:
    editor = client_as("editor")
    assert editor.post("/api/teams", json={"id": "web", "name": "Web"}).status_code == 403
    assert client.post("/api/teams", json={"id": "web", "name": "Web"}).status_code == 201
    assert client.post("/api/teams/web/members", json={"user_id": "test-editor"}).json["members"] == ["test-editor"]
    assert editor.get("/api/teams/web").json["members"] == ["test-editor"]
    assert editor.delete("/api/teams/web/members/test-editor").status_code == 403
    assert client.post("/api/teams/web/members", json={"user_id": "ghost"}).status_code == 422
    assert client.patch("/api/teams/web", json={"description": "Shop front"}).json["description"] == "Shop front"
    assert client.delete("/api/teams/web/members/test-editor").json["members"] == []
    assert client.delete("/api/teams/web").status_code == 204
    assert client.get("/api/teams/web").status_code == 404
