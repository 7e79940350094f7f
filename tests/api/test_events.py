"""Events: incidents opened, attached and resolved; which triggers accepted and why; webhooks."""

from __future__ import annotations

from typing import Any

from tests.api.support import create_published, send_event, ticket_flow
from tests.conftest import flow_doc


def test_events_open_attach_and_resolve_one_incident(client: Any, wait_run: Any) -> None:
    opened = send_event(client, {"title": "disk latency high", "severity": "warning", "dedup_key": "host-1:disk"})
    assert opened["incident_action"] == "opened"
    incident_id = opened["incident_id"]
    assert isinstance(incident_id, int)

    attached = send_event(client, {"title": "disk latency worse", "severity": "critical",
                                   "dedup_key": "host-1:disk"})
    assert attached["incident_action"] == "attached"
    assert attached["incident_id"] == incident_id
    incident = client.get(f"/api/incidents/{incident_id}").json
    assert incident["event_count"] == 2
    assert incident["status"] == "triggered"
    assert incident["severity"] == "critical"
    assert incident["title"] == "disk latency high"

    other = send_event(client, {"title": "disk latency high", "dedup_key": "host-2:disk"})
    assert other["incident_action"] == "opened"
    assert other["incident_id"] != incident_id

    resolved = send_event(client, {"title": "disk latency ok", "state": "resolved", "dedup_key": "host-1:disk"})
    assert resolved["incident_action"] == "resolved"
    assert resolved["incident_id"] == incident_id
    incident = client.get(f"/api/incidents/{incident_id}").json
    assert incident["status"] == "resolved"
    assert incident["event_count"] == 3
    assert incident["resolved_at"] is not None
    assert [e["kind"] for e in incident["timeline"]] == ["triggered", "event_attached", "resolved"]

    # A new problem with the same key after resolution is a new incident.
    reopened = send_event(client, {"title": "disk latency high again", "dedup_key": "host-1:disk"})
    assert reopened["incident_action"] == "opened"
    assert reopened["incident_id"] not in (incident_id, other["incident_id"])
    listed = client.get("/api/incidents").json["items"]
    assert [i["id"] for i in listed] == sorted([incident_id, other["incident_id"], reopened["incident_id"]],
                                               reverse=True)


def test_a_resolve_without_an_open_incident_is_ignored(client: Any) -> None:
    result = send_event(client, {"title": "all good", "state": "resolved", "dedup_key": "never-opened"})
    assert result["incident_action"] == "ignored"
    assert result["incident_id"] is None
    assert client.get("/api/incidents").json["items"] == []


def test_events_without_dedup_key_correlate_by_source_and_title(client: Any) -> None:
    first = send_event(client, {"title": "same title"})
    second = send_event(client, {"title": "same title"})
    third = send_event(client, {"title": "same title", "source": "elsewhere"})
    assert second["incident_action"] == "attached"
    assert second["incident_id"] == first["incident_id"]
    assert third["incident_id"] != first["incident_id"]


def test_unknown_incident_is_404(client: Any) -> None:
    response = client.get("/api/incidents/999")
    assert response.status_code == 404
    assert response.json["message"] == "no incident 999"


def test_matches_say_why_each_trigger_did_or_did_not_accept(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("disk-flow", title_contains="disk"))
    create_published(client, ticket_flow("crash-flow", title_contains="crash"))
    create_published(client, flow_doc("critical-only", [
        {"id": "hook", "type": "trigger.webhook", "config": {"severities": ["critical"]}},
        {"id": "by_hand", "type": "trigger.manual"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "x"}},
    ], [("hook", "ticket"), ("by_hand", "ticket")]))
    create_published(client, flow_doc("prod-only", [
        {"id": "hook", "type": "trigger.webhook", "config": {"condition": "event.raw.env == 'prod'"}},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "x"}},
    ], [("hook", "ticket")]))

    result = send_event(client, {"title": "Disk full on db-1", "severity": "warning", "env": "staging"})
    matches = {(m["flow_id"], m["node_id"]): m for m in result["matches"]}
    assert set(matches) == {("disk-flow", "hook"), ("crash-flow", "hook"), ("critical-only", "hook"),
                            ("critical-only", "by_hand"), ("prod-only", "hook")}
    assert matches[("disk-flow", "hook")]["accepted"] is True
    assert matches[("disk-flow", "hook")]["reason"] == "every filter matched"
    assert matches[("disk-flow", "hook")]["version"] == 1
    assert matches[("crash-flow", "hook")]["accepted"] is False
    assert matches[("crash-flow", "hook")]["reason"] == "title does not contain 'crash'"
    assert matches[("critical-only", "hook")]["accepted"] is False
    assert "severity 'warning'" in matches[("critical-only", "hook")]["reason"]
    assert matches[("critical-only", "by_hand")]["accepted"] is False
    assert "manual" in matches[("critical-only", "by_hand")]["reason"]
    assert matches[("prod-only", "hook")]["accepted"] is False
    assert "condition" in matches[("prod-only", "hook")]["reason"]

    assert len(result["runs"]) == 1
    run = wait_run(result["runs"][0])
    assert run["flow_id"] == "disk-flow"
    assert run["incident_id"] == result["incident_id"]
    assert run["event_id"] == result["event_id"]
    assert run["event"]["title"] == "Disk full on db-1"
    assert run["event"]["raw"]["env"] == "staging"

    resolved = send_event(client, {"title": "Disk full on db-1", "state": "resolved", "env": "staging"})
    assert resolved["runs"] == []
    assert "state 'resolved'" in {(m["flow_id"]): m for m in resolved["matches"]}["disk-flow"]["reason"]


def test_one_event_starts_every_accepting_flow(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("one", title_contains="disk"))
    create_published(client, ticket_flow("two", title_contains="full"))
    result = send_event(client, {"title": "disk full"})
    assert len(result["runs"]) == 2
    flows = {wait_run(run_id)["flow_id"] for run_id in result["runs"]}
    assert flows == {"one", "two"}


def test_a_hook_starts_exactly_its_own_flow(client: Any, wait_run: Any) -> None:
    mine = create_published(client, ticket_flow("mine", title_contains=""))
    create_published(client, ticket_flow("theirs", title_contains=""))
    token = mine["hooks"][0]["token"]
    response = client.post(f"/hooks/{token}", json={"title": "anything at all", "severity": "info"})
    assert response.status_code == 202, response.json
    body = response.json
    assert [(m["flow_id"], m["node_id"], m["accepted"]) for m in body["matches"]] == [("mine", "hook", True)]
    assert len(body["runs"]) == 1
    run = wait_run(body["runs"][0])
    assert (run["flow_id"], run["status"], run["trigger_node"]) == ("mine", "succeeded", "hook")
    assert run["event"]["source"] == "webhook"
    assert client.get("/api/runs").json["total"] == 1


def test_a_hook_still_applies_its_filters(client: Any) -> None:
    detail = create_published(client, ticket_flow("filtered", title_contains="disk"))
    response = client.post(f"/hooks/{detail['hooks'][0]['token']}", json={"title": "cpu hot"})
    assert response.status_code == 202
    assert response.json["runs"] == []
    assert response.json["matches"][0]["reason"] == "title does not contain 'disk'"
    assert response.json["incident_action"] == "opened"


def test_each_webhook_trigger_has_its_own_token(client: Any, wait_run: Any) -> None:
    detail = create_published(client, flow_doc("two-hooks", [
        {"id": "left", "type": "trigger.webhook"},
        {"id": "right", "type": "trigger.webhook"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ run.trigger_node }}"}},
    ], [("left", "ticket"), ("right", "ticket")]))
    tokens = {h["node_id"]: h["token"] for h in detail["hooks"]}
    assert set(tokens) == {"left", "right"} and tokens["left"] != tokens["right"]
    response = client.post(f"/hooks/{tokens['right']}", json={"title": "x"})
    run = wait_run(response.json["runs"][0])
    assert run["trigger_node"] == "right"
    steps = {s["node_id"]: s["status"] for s in run["steps"]}
    assert steps["left"] == "skipped" and steps["right"] == "succeeded"


def test_a_removed_webhook_node_loses_its_token(client: Any) -> None:
    detail = create_published(client, ticket_flow("hookless"))
    token = detail["hooks"][0]["token"]
    doc = flow_doc("hookless", [
        {"id": "by_hand", "type": "trigger.manual"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "x"}},
    ], [("by_hand", "ticket")])
    saved = client.put("/api/flows/hookless", json={"document": doc, "base_revision": 1})
    assert saved.status_code == 200
    assert saved.json["hooks"] == []
    assert client.post(f"/hooks/{token}", json={"title": "disk"}).status_code == 404


def test_unknown_hook_token_is_404(client: Any) -> None:
    create_published(client, ticket_flow("known"))
    response = client.post("/hooks/not-a-token", json={"title": "disk"})
    assert response.status_code == 404
    assert response.json["message"] == "no webhook with this token"
    assert client.get("/api/incidents").json["items"] == []
    assert client.get("/api/runs").json["total"] == 0


def test_a_hook_with_a_bad_event_is_422(client: Any) -> None:
    detail = create_published(client, ticket_flow("strict"))
    response = client.post(f"/hooks/{detail['hooks'][0]['token']}", json={"severity": "critical"})
    assert response.status_code == 422
    assert response.json["field"] == "title"
    assert client.get("/api/runs").json["total"] == 0
