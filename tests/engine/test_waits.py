"""Waits: logic.delay, alert.notify responses (single, invalid, racing), alert timeouts, cancelling."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from mendflow.errors import ConflictError, InvalidError, NotFoundError
from tests.conftest import flow_doc, wait_for
from tests.engine.conftest import Starter, at, steps_of

START = {"id": "start", "type": "trigger.manual"}


def paging_flow(timeout: str = "1h") -> dict[str, Any]:
    return flow_doc("paging", [
        START,
        {"id": "page", "type": "alert.notify", "config": {
            "recipients": ["team:storage"], "message": "{{ event.title }}", "responses": ["Fix", "Ignore"],
            "timeout": timeout}},
        {"id": "fix", "type": "ticket.create", "config": {"title": "fix: {{ steps.page.responder }}"}},
        {"id": "ignore", "type": "ticket.create", "config": {"title": "ignored"}},
        {"id": "escalate", "type": "ticket.create", "config": {"title": "nobody answered"}},
    ], [("start", "page"), ("page", "fix", "Fix"), ("page", "ignore", "Ignore"), ("page", "escalate", "timeout")])


def test_delay_waits_then_continues(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("delay", [START, {"id": "pause", "type": "logic.delay", "config": {"duration": "1s"}},
                             {"id": "after", "type": "ticket.create", "config": {"title": "later"}}],
                   [("start", "pause"), ("pause", "after")])
    run_id = start(doc)
    waiting = wait_run(run_id, {"waiting", "succeeded", "failed"})
    assert waiting["status"] == "waiting"
    pause = steps_of(waiting)["pause"]
    assert (pause["status"], pause["wait"]["kind"]) == ("waiting", "delay")
    assert "after" not in steps_of(waiting)
    run = wait_run(run_id)
    steps = steps_of(run)
    assert run["status"] == "succeeded", run["error"]
    assert (steps["pause"]["port"], steps["pause"]["output"]) == ("out", {"waited_seconds": 1.0})
    assert at(steps["after"]["started_at"]) - at(steps["pause"]["started_at"]) >= timedelta(seconds=1)


def test_alert_waits_and_resumes_through_the_chosen_port(start: Starter, wait_run: Any, runtime: Any) -> None:
    run_id = start(paging_flow())
    waiting = wait_run(run_id, {"waiting"})
    page = steps_of(waiting)["page"]
    assert (page["status"], page["wait"]["kind"], page["wait"]["responses"]) == ("waiting", "response",
                                                                                 ["Fix", "Ignore"])
    [alert] = runtime.services.alerts.open_alerts("team:storage")
    assert (alert["run_id"], alert["node_id"], alert["message"]) == (run_id, "page", "disk full on db-1")

    answer = runtime.engine.respond(run_id, "page", {"choice": "Fix", "user": "alice"}).result(timeout=10)
    assert answer == {"run_id": run_id, "node_id": "page", "choice": "Fix"}
    run = wait_run(run_id)
    steps = steps_of(run)
    assert run["status"] == "succeeded", run["error"]
    assert (steps["page"]["port"], steps["page"]["output"]) == (
        "Fix", {"choice": "Fix", "responder": "alice", "comment": ""})
    assert [steps[n]["status"] for n in ("fix", "ignore", "escalate")] == ["succeeded", "skipped", "skipped"]
    assert steps["fix"]["output"]["title"] == "fix: alice"
    assert runtime.services.alerts.open_alerts() == []
    timeline = runtime.incidents.timeline(run["incident_id"])
    assert [(e["kind"], e["actor"], e["message"]) for e in timeline if e["kind"] == "alert_response"] == [
        ("alert_response", "alice", "alice chose 'Fix'")]


def test_a_second_response_conflicts(start: Starter, wait_run: Any, runtime: Any) -> None:
    run_id = start(paging_flow())
    wait_run(run_id, {"waiting"})
    runtime.engine.respond(run_id, "page", {"choice": "Ignore", "user": "bob"}).result(timeout=10)
    with pytest.raises(ConflictError):
        runtime.engine.respond(run_id, "page", {"choice": "Fix", "user": "carol"}).result(timeout=10)
    run = wait_run(run_id)
    assert steps_of(run)["page"]["port"] == "Ignore"
    with pytest.raises(ConflictError, match=f"run {run_id} is succeeded; it takes no more responses"):
        runtime.engine.respond(run_id, "page", {"choice": "Fix", "user": "carol"}).result(timeout=10)


def test_an_invalid_choice_is_refused_and_the_step_keeps_waiting(start: Starter, wait_run: Any,
                                                                 runtime: Any) -> None:
    run_id = start(paging_flow())
    wait_run(run_id, {"waiting"})
    with pytest.raises(InvalidError, match=r"^'Reboot' is not a response of 'page'; choose one of: Fix, Ignore$"):
        runtime.engine.respond(run_id, "page", {"choice": "Reboot", "user": "alice"}).result(timeout=10)
    still = runtime.runs.get(run_id)
    assert (still["status"], steps_of(still)["page"]["status"]) == ("waiting", "waiting")
    runtime.engine.respond(run_id, "page", {"choice": "Fix", "user": "alice"}).result(timeout=10)
    assert steps_of(wait_run(run_id))["page"]["port"] == "Fix"


def test_responses_to_unknown_runs_and_steps(start: Starter, wait_run: Any, runtime: Any) -> None:
    with pytest.raises(NotFoundError, match="no run 'nope'"):
        runtime.engine.respond("nope", "page", {"choice": "Fix"}).result(timeout=10)
    run_id = start(paging_flow())
    wait_run(run_id, {"waiting"})
    with pytest.raises(ConflictError, match="step 'fix' has not started; it is not waiting for a response"):
        runtime.engine.respond(run_id, "fix", {"choice": "Fix"}).result(timeout=10)


def test_two_racing_responses_exactly_one_wins(start: Starter, wait_run: Any, runtime: Any) -> None:
    run_id = start(paging_flow())
    wait_run(run_id, {"waiting"})
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def answer(user: str, choice: str) -> None:
        barrier.wait(5)
        try:
            outcomes[user] = runtime.engine.respond(run_id, "page", {"choice": choice, "user": user}).result(10)
        except ConflictError as exc:
            outcomes[user] = exc

    threads = [threading.Thread(target=answer, args=args) for args in (("alice", "Fix"), ("bob", "Ignore"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    winners = {user: o for user, o in outcomes.items() if isinstance(o, dict)}
    losers = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    [(user, won)] = winners.items()
    run = wait_run(run_id)
    page = steps_of(run)["page"]
    assert (page["port"], page["output"]["responder"]) == (won["choice"], user)
    chosen = {"Fix": "fix", "Ignore": "ignore"}[won["choice"]]
    assert [n for n in ("fix", "ignore") if steps_of(run)[n]["status"] == "succeeded"] == [chosen]


def test_silence_leaves_through_timeout(start: Starter, wait_run: Any, runtime: Any) -> None:
    run = wait_run(start(paging_flow(timeout="300ms")))
    steps = steps_of(run)
    assert run["status"] == "succeeded", run["error"]
    assert (steps["page"]["port"], steps["page"]["output"]) == ("timeout", {"timed_out": True})
    assert [steps[n]["status"] for n in ("fix", "ignore", "escalate")] == ["skipped", "skipped", "succeeded"]
    assert runtime.services.alerts.open_alerts() == []
    kinds = [e["kind"] for e in runtime.incidents.timeline(run["incident_id"])]
    assert kinds.count("alert_sent") == 1 and kinds.count("alert_timeout") == 1


def test_cancel_a_waiting_run(start: Starter, wait_run: Any, runtime: Any) -> None:
    run_id = start(paging_flow())
    wait_run(run_id, {"waiting"})
    assert runtime.engine.cancel(run_id, actor="alice").result(timeout=10) == {"run_id": run_id,
                                                                               "status": "cancelled"}
    run = wait_run(run_id)
    page = steps_of(run)["page"]
    assert (run["status"], run["error"]) == ("cancelled", "cancelled by alice")
    assert (page["status"], page["error"]) == ("cancelled", "cancelled by alice")
    assert "fix" not in steps_of(run)
    wait_for(lambda: runtime.services.alerts.open_alerts() == [])
    with pytest.raises(ConflictError, match=f"run {run_id} already cancelled"):
        runtime.engine.cancel(run_id).result(timeout=10)
    with pytest.raises(ConflictError):
        runtime.engine.respond(run_id, "page", {"choice": "Fix"}).result(timeout=10)
