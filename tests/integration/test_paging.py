"""Paging end to end: on-call resolution, email to a real SMTP server, response links, escalation, explain.

The SMTP server is aiosmtpd, started by the test on 127.0.0.1; the webhook contact is a local HTTP sink.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.api.support import create_published, send_event
from tests.conftest import flow_doc, wait_for
from tests.engine.conftest import Sink, sink  # noqa: F401  (the fixture)

RESPONSES = ["Clean temp files", "Ignore"]
EVENT = {"title": "disk full on db-1", "severity": "critical", "service": "storage",
         "entities": [{"name": "db-1"}], "links": [{"href": "https://grafana.example/d/disk", "text": "Grafana"}]}


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def settings(settings: Any, mailbox: tuple[Mailbox, int]) -> Any:
    return settings.with_overrides(smtp_host="127.0.0.1", smtp_port=mailbox[1], public_url="http://mendflow.test")


@pytest.fixture
def people(runtime: Any, sink: Sink) -> None:  # noqa: F811
    people = runtime.people
    for user in ("alice", "bob", "carol"):
        people.create_user(user, f"{user}@example.com", user.title(), "responder")
        people.add_contact(user, "email", f"{user}@example.com")
    people.add_contact("alice", "chat", "@alice")
    people.add_contact("bob", "webhook", sink.url("/pager/bob"))
    people.add_member("storage", "carol")  # the team exists in every test database (tests/conftest.py)
    runtime.oncall.create_schedule({"id": "primary", "name": "Primary", "time_zone": "Europe/Berlin",
                                    "team_id": "storage", "layers": [{
                                        "name": "Daily", "users": ["alice"], "rotation": "daily",
                                        "start": "2026-01-05T09:00:00+01:00", "time_zone": "Europe/Berlin"}]})


def _paging_flow(recipients: list[str], timeout: str = "1h", flow_id: str = "disk") -> dict[str, Any]:
    return flow_doc(flow_id, [
        {"id": "hook", "type": "trigger.webhook", "config": {"title_contains": "disk"}},
        {"id": "page", "type": "alert.notify", "config": {
            "recipients": recipients, "message": "{{ event.title }}: clean temp files?", "responses": RESPONSES,
            "timeout": timeout}},
        {"id": "clean", "type": "ticket.create", "config": {"title": "cleaned {{ event.title }}"}},
        {"id": "room", "type": "chat.channel", "config": {"name": "ignored"}},
    ], [("hook", "page"), ("page", "clean", "Clean temp files"), ("page", "room", "Ignore")])


def _start(client: Any, runtime: Any, wait_run: Any, recipients: list[str], timeout: str = "1h") -> dict[str, Any]:
    create_published(client, _paging_flow(recipients, timeout))
    ingested = send_event(client, EVENT)
    run = wait_run(ingested["runs"][0], {"waiting"})
    alert = wait_for(lambda: [a for a in client.get(f"/api/incidents/{ingested['incident_id']}").json["alerts"]])[0]
    return {"run": run, "alert": alert, **ingested}


def _links(message: EmailMessage) -> dict[str, str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    pattern = r"^  (.+?): (http://mendflow\.test/respond/\S+)\r?$"
    return {m.group(1): m.group(2) for m in re.finditer(pattern, text, re.M)}


def test_the_on_call_person_gets_an_email_with_context_and_a_link_that_answers_once(
        client: Any, anonymous: Any, runtime: Any, wait_run: Any, people: None, mailbox: tuple[Mailbox, int]) -> None:
    started = _start(client, runtime, wait_run, ["schedule:primary"])
    message = wait_for(lambda: mailbox[0].to("alice@example.com"))[0]
    assert "disk full on db-1" in message["Subject"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for words in ("Severity: critical", "Service: storage", "Impacted: db-1", "https://grafana.example/d/disk",
                  "Latest on the timeline"):
        assert words in text, words
    links = _links(message)
    assert set(links) == set(RESPONSES)
    path = urlsplit(links["Clean temp files"]).path

    page = anonymous.get(path)  # the link is the credential: no session, no token
    assert page.status_code == 200
    assert "Clean temp files" in page.get_data(as_text=True) and "db-1" in page.get_data(as_text=True)
    assert runtime.runs.get(started["run"]["id"])["status"] == "waiting"  # opening the link answers nothing

    answered = anonymous.post(path)
    assert answered.status_code == 200, answered.get_data(as_text=True)
    run = wait_run(started["run"]["id"])
    steps = {s["node_id"]: s for s in run["steps"]}
    assert run["status"] == "succeeded"
    assert steps["page"]["port"] == "Clean temp files"
    assert steps["page"]["output"]["responder"] == "alice"
    assert steps["clean"]["status"] == "succeeded" and steps["room"]["status"] == "skipped"

    again = anonymous.post(path)
    assert again.status_code == 409
    assert "already answered" in again.get_data(as_text=True) and "alice" in again.get_data(as_text=True)
    other = anonymous.post(urlsplit(links["Ignore"]).path)
    assert other.status_code == 409

    incident = client.get(f"/api/incidents/{started['incident_id']}").json
    assert incident["status"] == "acknowledged"  # answering the page acknowledges the incident
    kinds = [(e["kind"], e["actor"]) for e in incident["timeline"]]
    assert ("alert_response", "alice") in kinds and ("acknowledged", "alice") in kinds
    timeline = incident["timeline"]
    sent = next(e for e in timeline if e["kind"] == "alert_sent")
    assert "alice (inbox, email, chat)" in sent["message"]


def test_explain_says_why_each_person_was_paged_and_why_the_event_started_a_run(
        client: Any, runtime: Any, wait_run: Any, people: None, mailbox: tuple[Mailbox, int]) -> None:
    started = _start(client, runtime, wait_run, ["schedule:primary", "user:bob"])
    explained = client.get(f"/api/alerts/{started['alert']['id']}/explain").json
    by = {(n["user_id"], n["channel"]): n for n in explained["notifications"]}
    assert set(by) == {("alice", "inbox"), ("alice", "email"), ("alice", "chat"), ("bob", "inbox"),
                       ("bob", "email"), ("bob", "webhook")}
    assert "schedule 'primary'" in by[("alice", "email")]["reason"] and "Daily" in by[("alice", "email")]["reason"]
    assert by[("alice", "email")]["detail"]["layer_name"] == "Daily"
    assert by[("bob", "email")]["reason"] == "named in the alert"
    assert all(n["status"] == "sent" for n in explained["notifications"])

    event = client.get(f"/api/events/{started['event_id']}/explain").json
    assert event["explain"]["incident_action"] == "opened"
    [match] = event["explain"]["matches"]
    assert match["accepted"] and match["run_id"] == started["run"]["id"] and match["flow_id"] == "disk"


def test_the_webhook_contact_gets_the_page_as_json_with_response_links(
        client: Any, runtime: Any, wait_run: Any, people: None, sink: Sink) -> None:  # noqa: F811
    _start(client, runtime, wait_run, ["user:bob"])
    [call] = wait_for(lambda: sink.calls_to("/pager/bob"))
    body = json.loads(call.body)
    assert body["type"] == "mendflow.alert" and body["to"] == "bob"
    assert [r["choice"] for r in body["responses"]] == RESPONSES
    assert body["incident"]["severity"] == "critical"


def test_a_team_without_a_policy_pages_its_on_call_and_my_alerts_lists_it(
        client: Any, client_as: Any, runtime: Any, wait_run: Any, people: None) -> None:
    started = _start(client, runtime, wait_run, ["team:storage"])
    alice = client_as("responder", user_id="alice")
    mine = alice.get("/api/me/alerts").json["items"]
    assert [a["id"] for a in mine] == [started["alert"]["id"]]
    assert mine[0]["incident"]["title"] == "disk full on db-1" and mine[0]["responses"] == RESPONSES
    assert client_as("responder", user_id="carol").get("/api/me/alerts").json["items"] == []


def test_escalation_pages_the_next_level_when_nobody_answers(
        client: Any, client_as: Any, runtime: Any, wait_run: Any, people: None) -> None:
    policy = {"id": "storage-esc", "name": "Storage escalation", "repeat": 0,
              "levels": [{"delay": "1s", "targets": ["user:alice"]}, {"delay": "10m", "targets": ["user:bob"]}]}
    assert client.post("/api/escalation-policies", json=policy).status_code == 201
    started = _start(client, runtime, wait_run, ["policy:storage-esc"])
    alert_id = started["alert"]["id"]
    notified = wait_for(lambda: {n["user_id"]: n for n in runtime.pager.notifications(alert_id)
                                 if n["channel"] == "inbox" and n["user_id"] == "bob"} or None)
    assert notified["bob"]["level"] == 1
    first = next(n for n in runtime.pager.notifications(alert_id) if n["user_id"] == "alice")
    assert first["level"] == 0
    waited = datetime.fromisoformat(notified["bob"]["sent_at"]) - datetime.fromisoformat(first["sent_at"])
    assert waited >= timedelta(seconds=0.95)  # level 2 only after level 1's delay: never early
    wait_run(started["run"]["id"], {"waiting"})  # bob's deliveries are done and the step waits again
    timeline = client.get(f"/api/incidents/{started['incident_id']}").json["timeline"]
    escalated = [e for e in timeline if e["kind"] == "alert_escalated"]
    assert len(escalated) == 1 and "level 2 of 2" in escalated[0]["message"] and "bob" in escalated[0]["message"]

    answer = client_as("responder", user_id="bob").post(f"/api/alerts/{alert_id}/response", json={"choice": "Ignore"})
    assert answer.status_code == 202, answer.json
    run = wait_run(started["run"]["id"])
    assert {s["node_id"]: s["port"] for s in run["steps"]}["page"] == "Ignore"


def test_two_responders_answering_at_once_resume_the_flow_exactly_once(
        client: Any, client_as: Any, runtime: Any, wait_run: Any, people: None) -> None:
    started = _start(client, runtime, wait_run, ["schedule:primary", "user:bob"])
    alert_id = started["alert"]["id"]
    clients = [client_as("responder", user_id="alice"), client_as("responder", user_id="bob")]
    barrier, answers = threading.Barrier(2), [0, 0]

    def answer(i: int) -> None:
        barrier.wait()
        answers[i] = clients[i].post(f"/api/alerts/{alert_id}/response", json={"choice": RESPONSES[i]}).status_code

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [202, 409]
    run = wait_run(started["run"]["id"])
    winner = RESPONSES[answers.index(202)]
    assert {s["node_id"]: s["port"] for s in run["steps"]}["page"] == winner
    timeline = client.get(f"/api/incidents/{started['incident_id']}").json["timeline"]
    assert len([e for e in timeline if e["kind"] == "alert_response"]) == 1


def test_a_timed_out_alert_takes_no_answer_and_a_tampered_link_is_refused(
        client: Any, runtime: Any, wait_run: Any, people: None, mailbox: tuple[Mailbox, int]) -> None:
    started = _start(client, runtime, wait_run, ["schedule:primary"], timeout="1s")
    run = wait_run(started["run"]["id"])
    assert {s["node_id"]: s["port"] for s in run["steps"]}["page"] == "timeout"
    late = client.post(f"/api/alerts/{started['alert']['id']}/response", json={"choice": "Ignore"})
    assert late.status_code == 410 and "timed out" in late.json["message"]
    path = urlsplit(_links(wait_for(lambda: mailbox[0].to("alice@example.com"))[0])["Ignore"]).path
    assert client.post(path).status_code == 410
    tampered = client.post(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)


def test_nobody_to_page_fails_the_step_visibly(client: Any, runtime: Any, wait_run: Any, people: None) -> None:
    create_published(client, _paging_flow(["team:ghosts"]))
    ingested = send_event(client, EVENT)
    run = wait_run(ingested["runs"][0])
    assert run["status"] == "failed"
    assert "no team 'ghosts'" in run["error"]
    timeline = client.get(f"/api/incidents/{ingested['incident_id']}").json["timeline"]
    assert any(e["kind"] == "step_failed" and "ghosts" in e["message"] for e in timeline)


def test_acknowledge_and_resolve_by_a_responder_are_on_the_timeline(
        client: Any, client_as: Any, runtime: Any, wait_run: Any, people: None) -> None:
    started = _start(client, runtime, wait_run, ["user:bob"])
    bob = client_as("responder", user_id="bob")
    incident_id = started["incident_id"]
    acked = bob.post(f"/api/incidents/{incident_id}/acknowledge", json={"note": "looking"})
    assert acked.status_code == 200 and acked.json["status"] == "acknowledged"
    resolved = bob.post(f"/api/incidents/{incident_id}/resolve", json={})
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    timeline = client.get(f"/api/incidents/{incident_id}").json["timeline"]
    assert [(e["kind"], e["actor"]) for e in timeline if e["kind"] in ("acknowledged", "resolved")] == [
        ("acknowledged", "bob"), ("resolved", "bob")]
    viewer = client_as("viewer")
    assert viewer.post(f"/api/incidents/{incident_id}/acknowledge", json={}).status_code == 403
    assert client.post("/api/incidents/999/resolve", json={}).status_code == 404
    listed = client.get("/api/incidents?status=resolved&q=db-1").json["items"]
    assert [i["id"] for i in listed] == [incident_id]


def test_an_answer_that_comes_while_the_pages_are_still_going_out_is_kept_and_taken(
        client: Any, client_as: Any, runtime: Any, wait_run: Any, people: None, sink: Sink) -> None:  # noqa: F811
    release = threading.Event()
    sink.hold("/pager/bob", release)  # bob's webhook answers only when released: the step is still sending
    try:
        create_published(client, _paging_flow(["user:bob"]))
        ingested = send_event(client, EVENT)
        assert sink.arrival("/pager/bob").wait(10)
        run_id = ingested["runs"][0]
        assert runtime.runs.get(run_id)["status"] == "running"
        alert_id = client.get(f"/api/incidents/{ingested['incident_id']}").json["alerts"][0]["id"]
        early = client_as("responder", user_id="bob").post(f"/api/alerts/{alert_id}/response",
                                                           json={"choice": "Clean temp files"})
        assert early.status_code == 202, early.json
        second = client_as("responder", user_id="alice").post(f"/api/alerts/{alert_id}/response",
                                                              json={"choice": "Ignore"})
        assert second.status_code == 409 and "bob" in second.json["message"]
    finally:
        release.set()
    run = wait_run(run_id)
    page = {s["node_id"]: s for s in run["steps"]}["page"]
    assert (run["status"], page["port"], page["output"]["responder"]) == ("succeeded", "Clean temp files", "bob")
    assert any("still sending" in entry["message"] for entry in page["logs"])


def test_resolving_the_incident_stops_the_escalation(client: Any, runtime: Any, wait_run: Any, people: None,
                                                    sink: Sink) -> None:  # noqa: F811
    policy = {"id": "slow-esc", "name": "Slow escalation", "repeat": 0,
              "levels": [{"delay": "1s", "targets": ["user:alice"]}, {"delay": "10m", "targets": ["user:bob"]}]}
    assert client.post("/api/escalation-policies", json=policy).status_code == 201
    doc = _paging_flow(["policy:slow-esc"])
    doc["nodes"].append({"id": "gate", "type": "runbook.http", "config": {"url": sink.url("/gate")}})
    doc["edges"] = [{"id": "g1", "source": "hook", "target": "gate", "source_port": "out"},
                    {"id": "g2", "source": "gate", "target": "page", "source_port": "out"},
                    *[e for e in doc["edges"] if e["source"] != "hook"]]
    release = threading.Event()
    sink.hold("/gate", release)  # the incident is resolved before the page goes out: no timing involved
    try:
        create_published(client, doc)
        ingested = send_event(client, EVENT)
        assert sink.arrival("/gate").wait(10)
        assert client.post(f"/api/incidents/{ingested['incident_id']}/resolve", json={}).status_code == 200
    finally:
        release.set()
    run_id = ingested["runs"][0]
    incident = f"/api/incidents/{ingested['incident_id']}"
    wait_for(lambda: [e for e in client.get(incident).json["timeline"] if e["kind"] == "alert_escalation_stopped"])
    alert_id = client.get(incident).json["alerts"][0]["id"]
    assert {n["user_id"] for n in runtime.pager.notifications(alert_id)} == {"alice"}  # level 1 only
    assert runtime.runs.get(run_id)["status"] == "waiting"  # a late answer is still taken until the timeout
