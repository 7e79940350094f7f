"""Scheduling through a real runtime: concurrent branches, skips, OR-joins, conditions."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import flow_doc
from tests.engine.conftest import Sink, Starter, at, steps_of

START = {"id": "start", "type": "trigger.manual"}


def http(node_id: str, url: str) -> dict[str, Any]:
    return {"id": node_id, "type": "runbook.http", "config": {"url": url}, "retry": {"attempts": 1}}


def test_independent_branches_run_concurrently(start: Starter, wait_run: Any, sink: Sink) -> None:
    # /a answers only once /b has arrived: run one branch after the other and /a times out with 504.
    sink.hold("/a", sink.arrival("/b"))
    doc = flow_doc("branches", [START, http("a", sink.url("/a")), http("b", sink.url("/b"))],
                   [("start", "a"), ("start", "b")])
    run = wait_run(start(doc))
    assert run["status"] == "succeeded", run["error"]
    steps = steps_of(run)
    assert (steps["a"]["output"]["status"], steps["b"]["output"]["status"]) == (200, 200)
    assert at(steps["b"]["started_at"]) < at(steps["a"]["finished_at"])
    assert at(steps["a"]["started_at"]) < at(steps["b"]["finished_at"])


def test_many_branches_are_in_flight_together(start: Starter, wait_run: Any, sink: Sink) -> None:
    everyone = threading.Barrier(4, timeout=10)
    waiting = threading.Event()

    def all_arrived() -> None:
        try:
            everyone.wait()
            waiting.set()
        except threading.BrokenBarrierError:
            pass

    for name in "wxyz":
        sink.hold(f"/{name}", waiting)
        threading.Thread(target=lambda n=name: (sink.arrival(f"/{n}").wait(10), all_arrived()),
                         daemon=True).start()
    doc = flow_doc("fan", [START, *(http(n, sink.url(f"/{n}")) for n in "wxyz")], [("start", n) for n in "wxyz"])
    run = wait_run(start(doc))
    assert run["status"] == "succeeded", run["error"]
    assert {node_id: s["output"]["status"] for node_id, s in steps_of(run).items() if node_id != "start"} == \
        {"w": 200, "x": 200, "y": 200, "z": 200}


def test_condition_false_skips_its_branch_down_the_chain(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("cond", [
        START,
        {"id": "check", "type": "logic.condition", "config": {"expression": "event.severity == 'info'"}},
        {"id": "t1", "type": "ticket.create", "config": {"title": "one"}},
        {"id": "t2", "type": "ticket.create", "config": {"title": "two"}},
        {"id": "t3", "type": "ticket.create", "config": {"title": "three"}},
        {"id": "other", "type": "ticket.create", "config": {"title": "{{ event.severity }} case"}},
    ], [("start", "check"), ("check", "t1", "true"), ("t1", "t2"), ("t2", "t3"), ("check", "other", "false")])
    run = wait_run(start(doc, {"severity": "critical"}))
    assert run["status"] == "succeeded", run["error"]
    steps = steps_of(run)
    assert {n: (s["status"], s["port"]) for n, s in steps.items()} == {
        "start": ("succeeded", "out"), "check": ("succeeded", "false"), "t1": ("skipped", None),
        "t2": ("skipped", None), "t3": ("skipped", None), "other": ("succeeded", "out")}
    assert steps["check"]["output"] == {"value": False}
    assert steps["other"]["output"]["title"] == "critical case"
    assert all(steps[n]["attempts"] == 0 and steps[n]["output"] is None for n in ("t1", "t2", "t3"))


def test_or_join_runs_once_after_either_branch(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("join", [
        START,
        {"id": "check", "type": "logic.condition", "config": {"expression": "true"}},
        {"id": "yes", "type": "ticket.create", "config": {"title": "yes"}},
        {"id": "no", "type": "ticket.create", "config": {"title": "no"}},
        {"id": "join", "type": "ticket.create", "config": {"title": "after {{ steps.yes.key }}"}},
    ], [("start", "check"), ("check", "yes", "true"), ("check", "no", "false"), ("yes", "join"), ("no", "join")])
    run = wait_run(start(doc))
    steps = steps_of(run)
    assert run["status"] == "succeeded", run["error"]
    assert [steps[n]["status"] for n in ("yes", "no", "join")] == ["succeeded", "skipped", "succeeded"]
    assert steps["join"]["output"]["title"] == f"after {steps['yes']['output']['key']}"
    assert steps["join"]["attempts"] == 1


def test_later_steps_read_earlier_outputs(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("chain", [
        START,
        {"id": "open", "type": "ticket.create", "config": {"title": "{{ event.title }}", "priority": "high"}},
        {"id": "note", "type": "ticket.update", "config": {"ticket": "{{ steps.open.key }}", "status": "resolved",
                                                            "comment": "closed by {{ run.flow_id }}"}},
    ], [("start", "open"), ("open", "note")])
    run = wait_run(start(doc))
    steps = steps_of(run)
    assert run["status"] == "succeeded", run["error"]
    assert steps["note"]["config"]["ticket"] == steps["open"]["output"]["key"]
    assert (steps["note"]["output"]["key"], steps["note"]["output"]["status"]) == \
        (steps["open"]["output"]["key"], "resolved")
