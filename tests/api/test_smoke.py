"""A first end-to-end pass through the API: create, publish, send an event, read the run."""

from typing import Any

from tests.conftest import flow_doc


def test_event_runs_a_published_flow(client: Any, wait_run: Any) -> None:
    doc = flow_doc("smoke", [
        {"id": "hook", "type": "trigger.webhook", "config": {"title_contains": "smoke"}},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
    ], [("hook", "ticket")])
    created = client.post("/api/flows", json=doc)
    assert created.status_code == 201, created.json
    published = client.post("/api/flows/smoke/publish", json={"base_revision": created.json["revision"]})
    assert published.status_code == 201, published.json
    sent = client.post("/api/events", json={"title": "smoke rising", "severity": "critical"})
    assert sent.status_code == 202, sent.json
    assert len(sent.json["runs"]) == 1
    run = wait_run(sent.json["runs"][0])
    assert run["status"] == "succeeded", run
    steps = {s["node_id"]: s for s in run["steps"]}
    assert steps["ticket"]["output"]["title"] == "smoke rising"
    assert steps["ticket"]["output"]["key"] == "MF-1"
    assert run["flow_version"] == 1
