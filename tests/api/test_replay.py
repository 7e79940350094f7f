"""Replays, dry runs and run comparison."""

from __future__ import annotations

from typing import Any

from tests.conftest import flow_doc

DOC = flow_doc("rollout", [
    {"id": "hook", "type": "trigger.webhook"},
    {"id": "open_ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}", "priority": "high"}},
    {"id": "ask", "type": "alert.notify", "config": {"recipients": ["team:ops"], "message": "roll back?",
                                                     "responses": ["Roll back", "Keep"], "timeout": "5m"}},
    {"id": "switch", "type": "deploy.switch", "config": {"target": "shop", "to": "other"}},
    {"id": "note", "type": "ticket.update", "config": {"ticket": "{{ steps.open_ticket.key }}", "comment": "kept"}},
], [("hook", "open_ticket"), ("open_ticket", "ask"), ("ask", "switch", "Roll back"), ("ask", "note", "Keep")])


def _real_run(client: Any, wait_run: Any) -> dict[str, Any]:
    assert client.post("/api/flows", json=DOC).status_code == 201
    assert client.post("/api/flows/rollout/publish", json={}).status_code == 201
    run_id = client.post("/api/events", json={"title": "shop slow", "severity": "error"}).json["runs"][0]
    wait_run(run_id, {"waiting"})
    assert client.post(f"/api/runs/{run_id}/steps/ask/response", json={"choice": "Roll back"}).status_code == 202
    return wait_run(run_id)


def _counts(client: Any) -> tuple[int, list[str], int]:
    tickets = client.get("/api/tickets").json["items"]
    targets = client.get("/api/deploy-targets").json["items"]
    timeline = client.get(f"/api/incidents/{tickets[0]['incident_id']}").json["timeline"]
    return len(tickets), [t["active_color"] for t in targets], len(timeline)


def test_dry_run_replay_follows_the_recorded_path_and_changes_nothing(client: Any, wait_run: Any) -> None:
    source = _real_run(client, wait_run)
    assert source["status"] == "succeeded"
    before = _counts(client)
    assert before[:2] == (1, ["green"])

    answer = client.post(f"/api/runs/{source['id']}/replay", json={"dry_run": True})
    assert answer.status_code == 202, answer.json
    dry = wait_run(answer.json["run_id"])
    assert (dry["status"], dry["dry_run"], dry["replay_of"]) == ("succeeded", True, source["id"])
    steps = {s["node_id"]: s for s in dry["steps"]}
    assert steps["ask"]["port"] == "Roll back"  # the choice recorded in the source run
    switch = steps["switch"]["output"]
    assert (switch["dry_run"], switch["would"]) == (True, {
        "type": "deploy.switch", "config": {"target": "shop", "to": "other", "reason": ""}})
    assert (switch["previous"], switch["active"]) == ("blue", "green")  # what the source run recorded
    assert steps["open_ticket"]["output"]["would"]["config"]["title"] == "shop slow"
    assert steps["open_ticket"]["output"]["key"] == "MF-1"
    assert steps["note"]["status"] == "skipped"
    assert _counts(client) == before  # no ticket, no switch, no timeline entry


def test_dry_run_with_another_choice_takes_the_other_branch(client: Any, wait_run: Any) -> None:
    source = _real_run(client, wait_run)
    answer = client.post(f"/api/runs/{source['id']}/replay", json={"dry_run": True, "choices": {"ask": "Keep"}})
    dry = wait_run(answer.json["run_id"])
    ports = {s["node_id"]: (s["status"], s["port"]) for s in dry["steps"]}
    assert ports["ask"] == ("succeeded", "Keep")
    assert ports["switch"] == ("skipped", None)
    assert ports["note"] == ("succeeded", "out")
    note = next(s for s in dry["steps"] if s["node_id"] == "note")["output"]
    assert note["would"]["config"] == {"ticket": "MF-1", "status": None, "comment": "kept"}

    comparison = client.get(f"/api/runs/compare?left={source['id']}&right={dry['id']}").json
    by_node = {n["node_id"]: n for n in comparison["nodes"]}
    assert comparison["same_path"] is False
    assert by_node["hook"]["same_path"] is True
    assert (by_node["ask"]["left"]["port"], by_node["ask"]["right"]["port"]) == ("Roll back", "Keep")
    assert by_node["switch"]["same_path"] is False
    # The dry run predicted with the outputs the source recorded: only its own markers differ.
    assert {d["path"] for d in by_node["open_ticket"]["output_diff"]} == {"dry_run", "would"}


def test_dry_run_choice_must_be_a_port(client: Any, wait_run: Any) -> None:
    source = _real_run(client, wait_run)
    answer = client.post(f"/api/runs/{source['id']}/replay", json={"dry_run": True, "choices": {"ask": "Maybe"}})
    dry = wait_run(answer.json["run_id"])
    assert dry["status"] == "failed"
    assert "'Maybe' is not a port of alert.notify" in dry["error"]


def test_real_replay_against_the_draft_acts_again(client: Any, wait_run: Any) -> None:
    source = _real_run(client, wait_run)
    draft = {**DOC, "nodes": [n if n["id"] != "ask" else {**n, "config": {**n["config"], "timeout": "1s"}}
                              for n in DOC["nodes"]]}
    assert client.put("/api/flows/rollout", json={"document": draft, "base_revision": 1}).status_code == 200
    answer = client.post(f"/api/runs/{source['id']}/replay", json={"version": "draft"})
    assert answer.status_code == 202
    replayed = wait_run(answer.json["run_id"], timeout=20)
    assert (replayed["status"], replayed["flow_version"], replayed["dry_run"]) == ("succeeded", None, False)
    assert [s["port"] for s in replayed["steps"] if s["node_id"] == "ask"] == ["timeout"]
    assert len(client.get("/api/tickets").json["items"]) == 2


def test_replay_bad_requests(client: Any, wait_run: Any) -> None:
    assert client.post("/api/runs/nope/replay", json={}).status_code == 404
    source = _real_run(client, wait_run)
    bad = client.post(f"/api/runs/{source['id']}/replay", json={"version": "v2"})
    assert bad.status_code == 422 and "version must be same, draft or a number" in bad.json["message"]
    missing = client.post(f"/api/runs/{source['id']}/replay", json={"version": "7"})
    assert missing.status_code == 404 and "no version 7" in missing.json["message"]
    assert client.get("/api/runs/compare?left=nope&right=" + source["id"]).status_code == 404


def test_dry_test_run_of_the_draft_stores_its_event_but_opens_no_incident(client: Any, wait_run: Any) -> None:
    assert client.post("/api/flows", json=DOC).status_code == 201
    answer = client.post("/api/flows/rollout/runs", json={"event": {"title": "try it"}, "dry_run": True})
    assert answer.status_code == 202, answer.json
    dry = wait_run(answer.json["run_id"])
    assert (dry["status"], dry["dry_run"], dry["incident_id"]) == ("succeeded", True, None)
    assert dry["event"]["title"] == "try it"
    assert client.get("/api/incidents").json["items"] == []
    assert client.get("/api/tickets").json["items"] == []
