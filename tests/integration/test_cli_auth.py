"""The people commands against a real server: seed-demo and sign in with what it prints, send-event with and
without a token, tokens from the CLI, and Socket.IO refusing anonymous clients."""

from __future__ import annotations

import re
import subprocess

import pytest
import socketio

from tests.conftest import flow_doc
from tests.integration.conftest import MENDFLOW, Server

CSRF = {"X-Requested-With": "mendflow"}
TICKET_FLOW = flow_doc("cli-tickets", [
    {"id": "hook", "type": "trigger.webhook", "config": {"title_contains": "cli"}},
    {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
], [("hook", "ticket")])


def _run(server: Server, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MENDFLOW, *args], env=server.environ(**env), capture_output=True, text=True, timeout=60)


def test_seed_demo_prints_sign_in_lines_that_work(server: Server) -> None:
    server.cli("db", "upgrade")
    first = server.cli("seed-demo")
    assert "created user admin (admin)" in first and "team storage" in first
    lines = dict(re.findall(r"^\s+(\S+@example\.com)\s+password (\S+)", first, re.MULTILINE))
    assert set(lines) == {f"{u}@example.com" for u in ("admin", "alice", "bob", "carol", "dave", "vera")}
    again = server.cli("seed-demo")
    assert "demo data: already there" in again
    assert dict(re.findall(r"^\s+(\S+@example\.com)\s+password (\S+)", again, re.MULTILINE)) == lines
    users = server.cli("users", "list")
    assert re.search(r"^bob\s+bob@example\.com\s+responder\s+teams: storage, web$", users, re.MULTILINE)

    server.start()
    signed_in = server.api("POST", "/api/auth/login", headers=CSRF,
                           json={"email": "alice@example.com", "password": lines["alice@example.com"]})
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["role"] == "editor"
    assert signed_in.json()["user"]["teams"] == ["storage"]


def test_send_event_mints_a_short_lived_responder_token_from_the_local_database(server: Server) -> None:
    server.start()
    assert server.api("POST", "/api/flows", json=TICKET_FLOW).status_code == 201
    assert server.api("POST", "/api/flows/cli-tickets/publish", json={}).status_code == 201
    sent = _run(server, "send-event", "--url", server.url, "--wait", '{"title": "cli event", "severity": "info"}')
    assert sent.returncode == 0, sent.stderr
    assert re.search(r"^run \S+ succeeded$", sent.stdout, re.MULTILINE)
    tokens = server.cli("tokens", "list", "--user", "mendflow-cli")
    assert re.search(r"mendflow-cli\s+responder\s+active\s+send-event", tokens)
    assert "responder" in server.cli("users", "list")


def test_send_event_with_a_given_token_and_with_a_bad_one(server: Server) -> None:
    server.start()
    given = _run(server, "send-event", "--url", server.url, '{"title": "x"}', MENDFLOW_API_TOKEN=server.token)
    assert given.returncode == 0, given.stderr
    bad = _run(server, "send-event", "--url", server.url, "--token", "mf_nope_nope", '{"title": "x"}')
    assert bad.returncode == 1
    assert "401: The API token is not valid" in bad.stderr


def test_send_event_without_a_local_database_needs_a_token(server: Server, tmp_path: pytest.TempPathFactory) -> None:
    server.start()
    elsewhere = tmp_path / "elsewhere"  # type: ignore[operator]
    refused = _run(server, "send-event", "--url", server.url, '{"title": "x"}', MENDFLOW_INSTANCE_DIR=str(elsewhere))
    assert refused.returncode == 1
    assert "401: Sign in or send an API token" in refused.stderr and "MENDFLOW_API_TOKEN" in refused.stderr
    assert not (elsewhere / "mendflow.db").exists()


def test_tokens_from_the_cli(server: Server) -> None:
    server.cli("users", "create", "vic", "--email", "vic@example.com", "--role", "viewer")
    too_high = _run(server, "tokens", "create", "--user", "vic", "--role", "editor", "--name", "x")
    assert too_high.returncode == 1 and "at most viewer, not editor" in too_high.stderr
    secret = server.cli("tokens", "create", "--user", "vic", "--name", "dash", "--expires-in", "1h").strip()
    server.start()
    headers = {"Authorization": f"Bearer {secret}"}
    assert server.api("GET", "/api/flows", headers=headers).status_code == 200
    assert server.api("POST", "/api/flows", headers=headers, json=TICKET_FLOW).status_code == 403
    token_id = secret.split("_")[1]
    assert f"token {token_id} revoked" in server.cli("tokens", "revoke", token_id)
    assert server.api("GET", "/api/flows", headers=headers).status_code == 401


def test_socketio_refuses_anonymous_clients(server: Server) -> None:
    server.start()
    anonymous = socketio.Client(reconnection=False)
    refusals: list[object] = []
    anonymous.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        anonymous.connect(server.url, transports=["websocket"], wait_timeout=10)
    assert refusals == [{"message": 'Sign in, or connect with auth={"token": "<API token>"}.'}]
    client = socketio.Client(reconnection=False)
    client.connect(server.url, transports=["websocket"], wait_timeout=10, auth={"token": server.token})
    try:
        assert client.call("subscribe", {"room": "flow:x"}, timeout=10) == {"ok": True, "room": "flow:x"}
    finally:
        client.disconnect()
