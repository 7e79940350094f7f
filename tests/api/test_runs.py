"""Runs: filters, step records, masked secrets, responses, cancellation, and what runs leave in the desk."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mendflow.engine.history import MASK
from tests.api.support import create, create_published, paging_flow, send_event, ticket_flow
from tests.conftest import flow_doc, wait_for


class _Sink(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.calls.append({"path": self.path, "headers": dict(self.headers), "body": body})  # type: ignore[attr-defined]
        payload = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[Any]:
    """A local HTTP endpoint that records the requests it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    server.calls = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _start_waiting(client: Any, wait_run: Any, title: str = "page me") -> dict[str, Any]:
    result = send_event(client, {"title": title, "dedup_key": title})
    assert len(result["runs"]) == 1, result
    return wait_run(result["runs"][0], {"waiting"})


def _steps(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["node_id"]: s for s in run["steps"]}


def test_list_filters_by_flow_status_and_pages(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("quick", title_contains="disk"))
    create_published(client, paging_flow("slow", title_contains="page"))
    quick = []
    for n in range(3):
        quick.append(send_event(client, {"title": f"disk {n}", "dedup_key": f"d{n}"})["runs"][0])
        wait_run(quick[-1])
    slow = _start_waiting(client, wait_run)["id"]

    everything = client.get("/api/runs").json
    assert everything["total"] == 4
    assert [r["id"] for r in everything["items"]] == [slow, *reversed(quick)]  # newest first
    # Each summary names the event that started it, so a runs list can say what a run was about.
    assert [r["event_title"] for r in everything["items"]] == ["page me", "disk 2", "disk 1", "disk 0"]
    assert client.get(f"/api/runs/{slow}").json["event_title"] == "page me"

    by_flow = client.get("/api/runs", query_string={"flow_id": "quick"}).json
    assert (by_flow["total"], [r["id"] for r in by_flow["items"]]) == (3, list(reversed(quick)))
    assert client.get("/api/runs", query_string={"flow_id": "nothing"}).json == {"items": [], "total": 0}

    waiting = client.get("/api/runs", query_string={"status": "waiting"}).json
    assert (waiting["total"], [r["id"] for r in waiting["items"]]) == (1, [slow])
    both = client.get("/api/runs", query_string=[("status", "waiting"), ("status", "succeeded")]).json
    assert both["total"] == 4
    assert client.get("/api/runs", query_string={"status": "failed"}).json["total"] == 0

    page = client.get("/api/runs", query_string={"limit": 2, "offset": 1}).json
    assert page["total"] == 4
    assert [r["id"] for r in page["items"]] == [quick[2], quick[1]]
    last = client.get("/api/runs", query_string={"limit": 2, "offset": 3}).json
    assert [r["id"] for r in last["items"]] == [quick[0]]
    assert client.get("/api/runs", query_string={"offset": 10}).json == {"items": [], "total": 4}


def test_list_filters_by_start_time(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("timed"))
    ids = []
    for n in range(3):
        ids.append(send_event(client, {"title": f"disk {n}", "dedup_key": f"t{n}"})["runs"][0])
        wait_run(ids[-1])
    started = [client.get(f"/api/runs/{run_id}").json["started_at"] for run_id in ids]
    assert started == sorted(started) and len(set(started)) == 3
    assert all(s.endswith("+00:00") for s in started)

    def listed(**query: str) -> list[str]:
        response = client.get("/api/runs", query_string=query)
        assert response.status_code == 200, response.json
        return [r["id"] for r in response.json["items"]]

    assert listed(since=started[1]) == [ids[2], ids[1]]  # since is inclusive
    assert listed(until=started[1]) == [ids[0]]  # until is exclusive
    assert listed(since=started[0], until=started[2]) == [ids[1], ids[0]]
    assert listed(since="2999-01-01T00:00:00+00:00") == []


@pytest.mark.parametrize(("query", "field"), [
    ({"status": "sleeping"}, "status"),
    ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"since": "yesterday"}, "since"),
    ({"since": "2024-01-01T00:00:00"}, "since"),  # no time zone
])
def test_list_rejects_bad_filters(client: Any, query: dict[str, str], field: str) -> None:
    response = client.get("/api/runs", query_string=query)
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == [field]
    assert field in response.json["message"]


def test_detail_has_ordered_steps_and_the_event(client: Any, wait_run: Any) -> None:
    create_published(client, flow_doc("chain", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "by_hand", "type": "trigger.manual"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
        {"id": "room", "type": "chat.channel", "config": {"name": "chain-room"}},
        {"id": "post", "type": "chat.post", "config": {"channel": "{{ steps.room.name }}",
                                                      "text": "ticket {{ steps.ticket.key }}"}},
        {"id": "never", "type": "ticket.create", "config": {"title": "not taken"}},
    ], [("hook", "ticket"), ("by_hand", "ticket"), ("ticket", "room"), ("room", "post"),
        ("ticket", "never", "error")]))
    result = send_event(client, {"title": "chain reaction", "severity": "error"})
    run = wait_run(result["runs"][0])
    assert run["status"] == "succeeded"
    assert run["flow_name"] == "chain"
    assert run["duration_ms"] is not None and run["duration_ms"] >= 0
    assert run["error"] is None
    assert run["event"]["title"] == "chain reaction"
    assert run["event"]["severity"] == "error"
    order = [s["node_id"] for s in run["steps"]]
    assert order.index("hook") < order.index("ticket") < order.index("room") < order.index("post")
    steps = _steps(run)
    assert {k: v["status"] for k, v in steps.items()} == {
        "hook": "succeeded", "by_hand": "skipped", "ticket": "succeeded", "room": "succeeded",
        "post": "succeeded", "never": "skipped"}
    assert steps["ticket"]["port"] == "out"
    assert steps["ticket"]["attempts"] == 1
    assert steps["ticket"]["config"]["title"] == "chain reaction"  # the rendered config
    assert steps["post"]["config"]["text"] == "ticket MF-1"
    assert steps["post"]["config"]["channel"] == "chain-room"
    assert steps["ticket"]["wait"] is None
    assert client.get("/api/runs/nope").status_code == 404
    assert client.get("/api/runs/nope").json["message"] == "no run 'nope'"


def test_secrets_in_rendered_config_are_masked_but_sent(client: Any, wait_run: Any, sink: Any) -> None:
    url = f"http://127.0.0.1:{sink.server_address[1]}/remediate"
    create_published(client, flow_doc("secretive", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "call", "type": "runbook.http", "config": {
            "url": url, "headers": {"Authorization": "Bearer s3cr3t-{{ event.raw.tenant }}", "X-Trace": "t-1"},
            "json": {"api_key": "k-123", "host": "{{ event.raw.tenant }}"}}},
    ], [("hook", "call")]))
    run = wait_run(send_event(client, {"title": "leak?", "tenant": "acme"})["runs"][0])
    assert run["status"] == "succeeded", run
    call = _steps(run)["call"]
    assert call["config"]["headers"] == {"Authorization": MASK, "X-Trace": "t-1"}
    assert call["config"]["json"] == {"api_key": MASK, "host": "acme"}
    assert call["config"]["url"] == url
    assert call["output"]["status"] == 200
    text = json.dumps(client.get(f"/api/runs/{run['id']}").json)
    assert "s3cr3t" not in text and "k-123" not in text
    # The real values did go out.
    assert len(sink.calls) == 1
    assert sink.calls[0]["headers"]["Authorization"] == "Bearer s3cr3t-acme"
    assert json.loads(sink.calls[0]["body"]) == {"api_key": "k-123", "host": "acme"}


def test_a_waiting_alert_shows_its_wait_and_resumes_on_response(client: Any, wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run)
    page = _steps(run)["page"]
    assert page["status"] == "waiting"
    assert page["wait"]["kind"] == "response"
    assert page["wait"]["responses"] == ["Fix", "Ignore"]
    assert page["wait"]["until"]
    assert _steps(run).keys() == {"hook", "page"}

    answered = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Fix", "user": "alice"})
    assert answered.status_code == 202, answered.json
    assert answered.json == {"run_id": run["id"], "node_id": "page", "choice": "Fix"}
    done = wait_run(run["id"])
    assert done["status"] == "succeeded"
    steps = _steps(done)
    assert (steps["page"]["status"], steps["page"]["port"]) == ("succeeded", "Fix")
    assert steps["page"]["output"]["responder"] == "test-admin"  # the caller, not the body's "user"
    assert steps["fix"]["status"] == "succeeded"
    assert steps["room"]["status"] == "skipped"
    assert steps["page"]["wait"] is None

    again = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Ignore"})
    assert again.status_code == 409
    assert "succeeded" in again.json["message"]
    assert _steps(client.get(f"/api/runs/{run['id']}").json)["page"]["port"] == "Fix"


def test_a_second_response_while_resuming_is_409(client: Any, wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run)
    first = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Ignore"})
    second = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Fix"})
    assert first.status_code == 202
    assert second.status_code == 409
    done = wait_run(run["id"])
    steps = _steps(done)
    assert steps["page"]["port"] == "Ignore"
    assert (steps["room"]["status"], steps["fix"]["status"]) == ("succeeded", "skipped")


def test_an_invalid_choice_is_422_and_the_step_keeps_waiting(client: Any, wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run)
    response = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Panic"})
    assert response.status_code == 422
    assert "'Panic'" in response.json["message"] and "Fix, Ignore" in response.json["message"]
    missing = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"user": "bob"})
    assert missing.status_code == 422
    assert "choice" in missing.json["errors"]["json"]
    assert client.get(f"/api/runs/{run['id']}").json["status"] == "waiting"
    assert _steps(client.get(f"/api/runs/{run['id']}").json)["page"]["status"] == "waiting"


def test_responses_to_unknown_runs_or_steps(client: Any, wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run)
    assert client.post("/api/runs/nope/steps/page/response", json={"choice": "Fix"}).status_code == 404
    not_waiting = client.post(f"/api/runs/{run['id']}/steps/hook/response", json={"choice": "Fix"})
    assert not_waiting.status_code == 409
    assert "not waiting" in not_waiting.json["message"]
    not_started = client.post(f"/api/runs/{run['id']}/steps/fix/response", json={"choice": "Fix"})
    assert not_started.status_code == 409
    assert "has not started" in not_started.json["message"]


def test_cancel_a_waiting_run_then_409(client: Any, wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run)
    cancelled = client.post(f"/api/runs/{run['id']}/cancel")
    assert cancelled.status_code == 202
    assert cancelled.json == {"run_id": run["id"], "status": "cancelled"}
    detail = client.get(f"/api/runs/{run['id']}").json
    assert detail["status"] == "cancelled"
    assert detail["error"] == "cancelled by api"
    assert detail["finished_at"] is not None
    assert _steps(detail)["page"]["status"] == "cancelled"
    # The engine closes the alert after the cancellation is committed, on a worker thread.
    wait_for(lambda: client.get("/api/alerts").json["items"] == [])

    again = client.post(f"/api/runs/{run['id']}/cancel")
    assert again.status_code == 409
    assert "already cancelled" in again.json["message"]
    late = client.post(f"/api/runs/{run['id']}/steps/page/response", json={"choice": "Fix"})
    assert late.status_code == 409
    assert client.post("/api/runs/nope/cancel").status_code == 404
    assert client.get("/api/tickets").json["items"] == []


def test_cancel_a_finished_run_is_409(client: Any, wait_run: Any) -> None:
    create_published(client, ticket_flow("done"))
    run = wait_run(send_event(client, {"title": "disk"})["runs"][0])
    response = client.post(f"/api/runs/{run['id']}/cancel")
    assert response.status_code == 409
    assert "already succeeded" in response.json["message"]
    assert client.get(f"/api/runs/{run['id']}").json["status"] == "succeeded"


def test_the_alert_inbox_lists_the_open_alert_and_its_response_resumes_the_run(client: Any, client_as: Any,
                                                                               wait_run: Any) -> None:
    create_published(client, paging_flow())
    run = _start_waiting(client, wait_run, "page storage")
    alerts = client.get("/api/alerts").json["items"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["run_id"], alert["node_id"], alert["status"]) == (run["id"], "page", "open")
    assert alert["recipients"] == ["team:storage"]
    assert alert["responses"] == ["Fix", "Ignore"]
    assert alert["message"] == "page storage"
    assert alert["incident_id"] == run["incident_id"]

    bad = client.post(f"/api/alerts/{alert['id']}/response", json={"choice": "Later"})
    assert bad.status_code == 422
    carol = client_as("responder", user_id="carol")  # the answer is the signed-in user's; a body "user" is ignored
    answered = carol.post(f"/api/alerts/{alert['id']}/response", json={"choice": "Ignore", "user": "mallory"})
    assert answered.status_code == 202, answered.json
    assert answered.json == {"run_id": run["id"], "node_id": "page", "choice": "Ignore"}
    done = wait_run(run["id"])
    assert _steps(done)["page"]["output"]["responder"] == "carol"
    assert _steps(done)["room"]["status"] == "succeeded"
    assert client.get("/api/alerts").json["items"] == []
    assert client.post(f"/api/alerts/{alert['id']}/response", json={"choice": "Fix"}).status_code == 409
    missing = client.post("/api/alerts/999/response", json={"choice": "Fix"})
    assert missing.status_code == 404
    assert missing.json["message"] == "no alert 999"


def test_tickets_chat_and_the_incident_timeline_show_what_the_run_did(client: Any, wait_run: Any) -> None:
    create_published(client, flow_doc("desk", [
        {"id": "hook", "type": "trigger.webhook"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}", "priority": "high",
                                                            "description": "from {{ event.source }}"}},
        {"id": "room", "type": "chat.channel", "config": {"name": "inc-{{ incident.id }}", "topic": "{{ event.title }}",
                                                         "invite": ["alice"]}},
        {"id": "post", "type": "chat.post", "config": {"channel": "{{ steps.room.name }}",
                                                      "text": "Ticket {{ steps.ticket.key }} is open."}},
        {"id": "resolve", "type": "incident.resolve", "config": {"note": "fixed by the flow"}},
    ], [("hook", "ticket"), ("ticket", "room"), ("room", "post"), ("post", "resolve")]))
    result = send_event(client, {"title": "queue stuck", "source": "monitoring", "severity": "critical"})
    run = wait_run(result["runs"][0])
    assert run["status"] == "succeeded", run
    incident_id = result["incident_id"]

    tickets = client.get("/api/tickets").json["items"]
    assert [(t["key"], t["title"]) for t in tickets] == [("MF-1", "queue stuck")]
    ticket = client.get("/api/tickets/MF-1")
    assert ticket.status_code == 200
    assert (ticket.json["title"], ticket.json["priority"], ticket.json["description"]) == (
        "queue stuck", "high", "from monitoring")
    missing = client.get("/api/tickets/MF-99")
    assert missing.status_code == 404
    assert "MF-99" in missing.json["message"]

    name = f"inc-{incident_id}"
    assert [r["name"] for r in client.get("/api/chat/rooms").json["items"]] == [name]
    room = client.get(f"/api/chat/rooms/{name}")
    assert room.status_code == 200
    assert room.json["topic"] == "queue stuck"
    assert "alice" in room.json["members"]
    assert [m["text"] for m in room.json["messages"]] == ["Ticket MF-1 is open."]
    assert client.get("/api/chat/rooms/no-such-room").status_code == 404

    incident = client.get(f"/api/incidents/{incident_id}").json
    assert incident["status"] == "resolved"
    kinds = [e["kind"] for e in incident["timeline"]]
    assert kinds[0] == "triggered"
    assert "run_started" in kinds
    resolved = next(e for e in incident["timeline"] if e["kind"] == "resolved")
    assert resolved["message"] == "fixed by the flow"
    assert resolved["run_id"] == run["id"]
    assert resolved["node_id"] == "resolve"
    assert all(e["at"] for e in incident["timeline"])


def test_manual_run_of_the_draft_and_of_a_version(client: Any, wait_run: Any) -> None:
    created = create(client, flow_doc("manual", [
        {"id": "by_hand", "type": "trigger.manual"},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
    ], [("by_hand", "ticket")]))
    draft = client.post("/api/flows/manual/runs", json={"event": {"title": "try the draft"}})
    assert draft.status_code == 202, draft.json
    run = wait_run(draft.json["run_id"])
    assert (run["status"], run["flow_version"], run["flow_revision"]) == ("succeeded", None, 1)
    assert run["trigger_node"] == "by_hand"
    assert _steps(run)["ticket"]["output"]["title"] == "try the draft"

    client.post("/api/flows/manual/publish", json={"base_revision": created["revision"]})
    published = client.post("/api/flows/manual/runs", json={"version": "1"})
    run = wait_run(published.json["run_id"])
    assert run["flow_version"] == 1
    assert run["event"]["title"] == "Manual run of manual"
    assert run["event"]["source"] == "manual"
    listed = client.get("/api/flows").json["items"][0]
    assert listed["last_run"]["id"] == run["id"]
