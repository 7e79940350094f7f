"""Step types doing their job in tiny flows: tickets, playbooks, blue/green, incidents, run records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from mendflow.config import Settings
from mendflow.flowdoc import dump_flow, load_flow
from mendflow.incidents import normalize_event
from mendflow.models import Run, Step, Ticket
from mendflow.runtime import Runtime
from tests.conftest import flow_doc, wait_for
from tests.engine.conftest import Starter, messages, steps_of

START = {"id": "start", "type": "trigger.manual"}


def ticket_count(runtime: Any) -> int:
    with runtime.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Ticket))


# -- tickets ---------------------------------------------------------------------------------------

def test_ticket_create_is_idempotent_by_key(runtime: Any) -> None:
    tickets = runtime.services.tickets
    first = tickets.create(title="disk full", priority="high", idempotency_key="run1:open")
    again = tickets.create(title="disk full (retry)", priority="low", idempotency_key="run1:open")
    other = tickets.create(title="another", idempotency_key="run2:open")
    assert (first["created"], again["created"], other["created"]) == (True, False, True)
    assert {k: v for k, v in again.items() if k != "created"} == {k: v for k, v in first.items() if k != "created"}
    assert (again["key"], again["title"], again["priority"]) == ("MF-1", "disk full", "high")
    assert other["key"] == "MF-2"
    assert ticket_count(runtime) == 2


def test_a_rerun_step_finds_its_ticket(settings: Settings, wait_for_run: Any) -> None:
    """An interrupted ticket step runs again after a restart with the same key and makes no second ticket."""
    opener = {"id": "open", "type": "ticket.create", "config": {"title": "{{ event.title }}"}}
    doc = flow_doc("tickets", [START, opener], [("start", "open")])
    first = Runtime.build(settings)
    first.start()
    try:
        first.library.create(doc)
        first.library.publish("tickets")
        target = first.library.manual_target("tickets", 1, None)
        run_id = first.engine.start_run(target, normalize_event({"title": "disk full"})).result(10)["run_id"]
        done = wait_for_run(first, run_id)
        assert done["status"] == "succeeded"
        ticket = steps_of(done)["open"]["output"]
    finally:
        first.close()
    # As if the process died after the ticket was made but before the step's result was saved.
    with first.db.begin() as conn:
        conn.execute(update(Run).where(Run.id == run_id).values(status="running", finished_at=None))
        conn.execute(update(Step).where(Step.run_id == run_id, Step.node_id == "open").values(
            status="running", output=None, finished_at=None, port=None))
    second = Runtime.build(settings)
    second.start()
    try:
        rerun = wait_for_run(second, run_id)
        step = steps_of(rerun)["open"]
        assert (rerun["status"], step["status"], step["attempts"]) == ("succeeded", "succeeded", 2)
        assert {k: v for k, v in step["output"].items() if k != "created"} == \
            {k: v for k, v in ticket.items() if k != "created"}
        assert (ticket["created"], step["output"]["created"]) == (True, False)
        assert f"same idempotency key {run_id}:open" in messages(step)[-1]
        assert ticket_count(second) == 1
    finally:
        second.close()


@pytest.fixture
def wait_for_run() -> Any:
    def wait(runtime: Any, run_id: str) -> dict[str, Any]:
        return wait_for(lambda: (lambda r: r if r["status"] in {"succeeded", "failed", "cancelled"} else None)(
            runtime.runs.get(run_id)))

    return wait


# -- playbooks ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_playbook_runs_for_real(start: Starter, wait_run: Any, tmp_path: Path) -> None:
    target = tmp_path / "touched.txt"
    doc = flow_doc("touch", [START, {"id": "play", "type": "runbook.ansible", "config": {
        "playbook": "touch.yml", "extra_vars": {"path": str(target), "content": "{{ event.title }}"}}}],
        [("start", "play")])
    run = wait_run(start(doc, {"title": "written by mendflow"}), timeout=120)
    play = steps_of(run)["play"]
    assert run["status"] == "succeeded", run["error"]
    assert target.read_text() == "written by mendflow"
    assert (play["output"]["status"], play["output"]["rc"], play["output"]["failed_tasks"]) == ("successful", 0, [])
    assert play["output"]["stats"]["changed"] == {"localhost": 1}


@pytest.mark.slow
def test_failing_playbook_fails_the_step(start: Starter, wait_run: Any, runtime: Any) -> None:
    doc = flow_doc("fail", [START, {"id": "play", "type": "runbook.ansible", "config": {"playbook": "fail.yml"}}],
                   [("start", "play")])
    run = wait_run(start(doc), timeout=120)
    play = steps_of(run)["play"]
    assert (run["status"], play["status"], play["attempts"]) == ("failed", "failed", 1)
    assert (play["output"]["status"], play["output"]["failed_tasks"]) == ("failed", ["This task fails"])
    assert play["output"]["rc"] != 0
    assert play["error"] == (f"Playbook fail.yml failed (rc {play['output']['rc']}); "
                             "failed tasks: This task fails")
    notes = [e for e in runtime.incidents.timeline(run["incident_id"]) if e["kind"] == "runbook_finished"]
    assert [(e["node_id"], e["data"]["status"]) for e in notes] == [("play", "failed")]


def test_playbook_outside_the_directory_is_refused(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("escape", [START, {"id": "play", "type": "runbook.ansible",
                                      "config": {"playbook": "../../etc/evil.yml"}}], [("start", "play")])
    run = wait_run(start(doc))
    play = steps_of(run)["play"]
    assert (play["status"], play["attempts"]) == ("failed", 1)
    assert play["error"] == "playbook '../../etc/evil.yml' is outside the playbook directory"


# -- blue/green --------------------------------------------------------------------------------------

def test_switch_to_other_toggles_and_a_retry_does_not_toggle_back(start: Starter, wait_run: Any,
                                                                   runtime: Any) -> None:
    doc = flow_doc("rollback", [START, {"id": "switch", "type": "deploy.switch",
                                        "config": {"target": "checkout", "reason": "{{ event.title }}"}}],
                   [("start", "switch")])
    run = wait_run(start(doc))
    output = steps_of(run)["switch"]["output"]
    assert run["status"] == "succeeded", run["error"]
    assert (output["previous"], output["active"], output["changed"]) == ("blue", "green", True)
    assert runtime.services.deploy.active("checkout") == "green"

    retried = runtime.services.deploy.switch("checkout", "other", idempotency_key=f"{run['id']}:switch")
    assert (retried["previous"], retried["active"], retried["created"]) == ("blue", "green", False)
    assert runtime.services.deploy.active("checkout") == "green"

    second = steps_of(wait_run(start(doc)))["switch"]["output"]
    assert (second["previous"], second["active"]) == ("green", "blue")
    assert runtime.services.deploy.active("checkout") == "blue"


def test_switch_to_a_named_colour_that_already_serves(runtime: Any) -> None:
    result = runtime.services.deploy.switch("api", "blue", idempotency_key="k1")
    assert (result["previous"], result["active"], result["changed"]) == ("blue", "blue", False)


# -- incidents ---------------------------------------------------------------------------------------

def test_incident_resolve_resolves_and_writes_the_timeline(start: Starter, wait_run: Any, runtime: Any) -> None:
    doc = flow_doc("resolve", [START, {"id": "done", "type": "incident.resolve",
                                       "config": {"note": "cleaned up {{ event.title }}"}}], [("start", "done")])
    run = wait_run(start(doc))
    assert run["status"] == "succeeded", run["error"]
    incident = runtime.incidents.get(run["incident_id"])
    assert incident["status"] == "resolved"
    assert incident["resolved_at"] is not None
    assert steps_of(run)["done"]["output"] == {"resolved": True, "incident": incident}
    resolved = [e for e in runtime.incidents.timeline(incident["id"]) if e["kind"] == "resolved"]
    assert [(e["message"], e["run_id"], e["node_id"]) for e in resolved] == [
        ("cleaned up disk full on db-1", run["id"], "done")]


# -- what a run records ------------------------------------------------------------------------------

def stored_run(runtime: Any, run_id: str) -> Run:
    with runtime.db.sessions() as session:
        return session.get(Run, run_id)


def test_published_run_records_its_version(start: Starter, wait_run: Any, runtime: Any) -> None:
    v1 = flow_doc("versions", [START, {"id": "open", "type": "ticket.create", "config": {"title": "v1"}}],
                  [("start", "open")])
    first = wait_run(start(v1))
    v2 = json.loads(json.dumps(v1))
    v2["nodes"][1]["config"]["title"] = "v2"
    detail = runtime.library.save("versions", v2, runtime.library.get("versions")["revision"])
    assert runtime.library.publish("versions", detail["revision"])["published_version"] == 2
    second = wait_run(start(v2))
    again_v1 = wait_run(start(v1, version=1))
    assert [(r["flow_version"], steps_of(r)["open"]["output"]["title"]) for r in (first, second, again_v1)] == [
        (1, "v1"), (2, "v2"), (1, "v1")]
    assert (first["flow_revision"], second["flow_revision"]) == (1, 2)
    assert stored_run(runtime, first["id"]).document is None


def test_draft_test_run_records_a_document_snapshot(start: Starter, wait_run: Any, runtime: Any) -> None:
    doc = flow_doc("draft", [START, {"id": "open", "type": "ticket.create", "config": {"title": "draft"}}],
                   [("start", "open")])
    run = wait_run(start(doc, draft=True))
    assert run["status"] == "succeeded", run["error"]
    assert (run["flow_version"], run["flow_revision"]) == (None, 1)
    assert stored_run(runtime, run["id"]).document == dump_flow(load_flow(doc))
