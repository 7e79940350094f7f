"""Retries, timeouts, error ports and run failure, through a real runtime and a local sink."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import flow_doc, wait_for
from tests.engine.conftest import Sink, Starter, messages, steps_of

START = {"id": "start", "type": "trigger.manual"}


def http(node_id: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "runbook.http", "config": {"url": url}, **extra}


def test_retries_after_500s_until_it_succeeds(start: Starter, wait_run: Any, sink: Sink) -> None:
    sink.answer("/flaky", 500, 500, 200)
    url = sink.url("/flaky")
    doc = flow_doc("retry", [START, http("call", url, retry={"attempts": 3, "backoff": "10ms"})],
                   [("start", "call")])
    run = wait_run(start(doc))
    call = steps_of(run)["call"]
    assert (run["status"], call["status"], call["attempts"], call["error"]) == ("succeeded", "succeeded", 3, None)
    assert call["output"]["json"] == {"path": "/flaky", "status": 200}
    assert len(sink.calls_to("/flaky")) == 3
    body = '{"path": "/flaky", "status": 500}'
    assert messages(call) == [
        f"POST {url} → 500",
        f"attempt 1 failed: POST {url} answered 500: {body}; retrying in 0.01s",
        f"POST {url} → 500",
        f"attempt 2 failed: POST {url} answered 500: {body}; retrying in 0.02s",
        f"POST {url} → 200",
    ]


def test_gives_up_after_the_last_attempt(start: Starter, wait_run: Any, sink: Sink) -> None:
    sink.answer("/down", 503, 503)
    url = sink.url("/down")
    doc = flow_doc("down", [START, http("call", url, retry={"attempts": 2, "backoff": "10ms"})], [("start", "call")])
    run = wait_run(start(doc))
    call = steps_of(run)["call"]
    assert (run["status"], call["status"], call["attempts"]) == ("failed", "failed", 2)
    assert run["error"] == f'call: POST {url} answered 503: {{"path": "/down", "status": 503}}'
    assert len(sink.calls_to("/down")) == 2


def test_a_404_is_not_retried(start: Starter, wait_run: Any, sink: Sink) -> None:
    sink.answer("/missing", 404)
    url = sink.url("/missing")
    doc = flow_doc("gone", [START, http("call", url, retry={"attempts": 5, "backoff": "10ms"})],
                   [("start", "call")])
    run = wait_run(start(doc))
    call = steps_of(run)["call"]
    assert (run["status"], call["status"], call["attempts"]) == ("failed", "failed", 1)
    assert call["output"]["status"] == 404
    assert call["output"]["error"] == f'POST {url} answered 404: {{"path": "/missing", "status": 404}}'
    assert len(sink.calls_to("/missing")) == 1


def test_node_timeout_is_retried_then_fails(start: Starter, wait_run: Any, sink: Sink) -> None:
    doc = flow_doc("slow", [START, http("call", sink.url("/slow"), timeout="300ms",
                                        retry={"attempts": 2, "backoff": "10ms"})], [("start", "call")])
    run = wait_run(start(doc))
    call = steps_of(run)["call"]
    assert (run["status"], call["status"], call["attempts"]) == ("failed", "failed", 2)
    assert "timed out" in call["error"], call["error"]
    assert "timed out" in run["error"] and run["error"].startswith("call: ")
    assert len(sink.calls_to("/slow")) == 2
    assert sum("retrying in" in m for m in messages(call)) == 1


def test_error_port_continues_the_run(start: Starter, wait_run: Any, sink: Sink) -> None:
    sink.answer("/missing", 404)
    doc = flow_doc("handled", [
        START, http("call", sink.url("/missing")),
        {"id": "next", "type": "ticket.create", "config": {"title": "went fine"}},
        {"id": "handle", "type": "ticket.create", "config": {"title": "call failed: {{ steps.call.error }}"}},
    ], [("start", "call"), ("call", "next"), ("call", "handle", "error")])
    run = wait_run(start(doc))
    steps = steps_of(run)
    assert (run["status"], run["error"]) == ("succeeded", None)
    assert (steps["call"]["status"], steps["call"]["port"]) == ("failed", "error")
    assert steps["next"]["status"] == "skipped"
    assert steps["handle"]["status"] == "succeeded"
    assert steps["handle"]["output"]["title"] == f"call failed: {steps['call']['error']}"


def test_failure_without_error_edge_fails_the_run(start: Starter, wait_run: Any, sink: Sink,
                                                  runtime: Any) -> None:
    sink.answer("/missing", 404)
    url = sink.url("/missing")
    doc = flow_doc("unhandled", [
        START, http("call", url, label="Call remediation API"),
        {"id": "next", "type": "ticket.create", "config": {"title": "never"}},
    ], [("start", "call"), ("call", "next")])
    run = wait_run(start(doc))
    steps = steps_of(run)
    message = f'POST {url} answered 404: {{"path": "/missing", "status": 404}}'
    assert (run["status"], run["error"]) == ("failed", f"call: {message}")
    assert (steps["call"]["status"], steps["call"]["port"]) == ("failed", None)
    assert "next" not in steps  # the run stopped; nothing after the failure started
    failed = [e for e in runtime.incidents.timeline(run["incident_id"]) if e["kind"] == "step_failed"]
    assert [(e["node_id"], e["run_id"], e["message"]) for e in failed] == [
        ("call", run["id"], f"Call remediation API (call) failed after 1 attempt(s): {message}")]


def test_template_error_at_run_time_fails_without_retry(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("tpl", [
        START, {"id": "open", "type": "ticket.create", "retry": {"attempts": 4, "backoff": "10ms"},
                "config": {"title": "{{ event.title | no_such_filter }}"}},
    ], [("start", "open")])
    run = wait_run(start(doc))
    step = steps_of(run)["open"]
    assert (run["status"], step["status"], step["attempts"]) == ("failed", "failed", 1)
    assert step["error"] == ("Template syntax error in '{{ event.title | no_such_filter }}': "
                             "No filter named 'no_such_filter'. (line 1)")
    assert not [m for m in messages(step) if "retrying" in m]


def test_undefined_value_at_run_time_is_not_an_error(start: Starter, wait_run: Any) -> None:
    doc = flow_doc("undef", [
        START, {"id": "open", "type": "ticket.create", "config": {"title": "[{{ event.raw.nothing.here }}] disk"}},
    ], [("start", "open")])
    run = wait_run(start(doc))
    assert run["status"] == "succeeded", run["error"]
    assert steps_of(run)["open"]["output"]["title"] == "[] disk"


def test_no_new_step_starts_after_the_run_failed(start: Starter, wait_run: Any, sink: Sink, runtime: Any) -> None:
    failed = threading.Event()
    sink.answer("/missing", 404)
    sink.hold("/busy", failed)
    doc = flow_doc("stop", [
        START, http("fail", sink.url("/missing")), http("busy", sink.url("/busy")),
        {"id": "after", "type": "deploy.switch", "config": {"target": "checkout"}},
    ], [("start", "fail"), ("start", "busy"), ("busy", "after")])
    run_id = start(doc)
    wait_for(lambda: steps_of(runtime.runs.get(run_id)).get("fail", {}).get("status") == "failed")
    failed.set()  # let the other branch's step finish after the run has failed
    run = wait_run(run_id)
    assert (run["status"], run["error"].split(":")[0]) == ("failed", "fail")
    assert steps_of(run)["busy"]["status"] == "succeeded"
    assert steps_of(run).get("after", {}).get("status") in (None, "skipped", "cancelled")
    assert runtime.services.deploy.active("checkout") is None


def test_run_error_names_the_first_failure(start: Starter, wait_run: Any, sink: Sink, runtime: Any) -> None:
    failed = threading.Event()
    sink.answer("/missing", 404)
    sink.answer("/busy", 404)
    sink.hold("/busy", failed)
    doc = flow_doc("first", [START, http("fail", sink.url("/missing")), http("busy", sink.url("/busy"))],
                   [("start", "fail"), ("start", "busy")])
    run_id = start(doc)
    wait_for(lambda: steps_of(runtime.runs.get(run_id)).get("fail", {}).get("status") == "failed")
    failed.set()
    run = wait_run(run_id)
    assert steps_of(run)["busy"]["status"] == "failed"
    assert run["error"].startswith("fail: ")
