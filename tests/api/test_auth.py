"""Sign-in and identity: every protected route needs one, sessions and tokens, CSRF, Socket.IO."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from mendflow.api import register_api
from mendflow.api.access import OPEN, declared_role, is_declared
from mendflow.live import socketio
from mendflow.models import ApiToken, utcnow
from tests.api.support import ticket_flow

PASSWORD = "a good long password"
CSRF = {"X-Requested-With": "mendflow"}
SIGN_IN_NEEDED = "Sign in or send an API token (Authorization: Bearer ...)."


def _api_routes() -> list[tuple[str, str, Any]]:
    """(method, path, role) for every /api rule and method, read from an app's URL map at collection time."""
    app = Flask("routes")
    app.config.update(API_TITLE="mendflow", API_VERSION="test", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api",
                      OPENAPI_JSON_PATH="openapi.json")
    register_api(app)
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule))
            role = declared_role(app, rule.endpoint, method) if is_declared(app, rule.endpoint, method) else "?"
            routes.append((method, path, role))
    return sorted(routes, key=lambda r: (r[1], r[0]))


ROUTES = _api_routes()
PROTECTED = [(m, p) for m, p, role in ROUTES if role is not OPEN]
OPEN_ROUTES = [("GET", "/api/health"), ("GET", "/api/openapi.json"), ("GET", "/api/docs"),
               ("GET", "/api/schema/flow.json")]


def sign_in(app: Any, email: str, password: str = PASSWORD) -> Any:
    client = app.test_client()
    response = client.post("/api/auth/login", json={"email": email, "password": password}, headers=CSRF)
    assert response.status_code == 200, response.json
    return client


@pytest.fixture
def alice(runtime: Any) -> dict[str, Any]:
    return runtime.people.create_user("alice", "alice@example.com", "Alice", "editor", password=PASSWORD)


# -- every route ------------------------------------------------------------------------------------------

def test_every_api_endpoint_declares_a_role(app: Any) -> None:
    undeclared = [f"{method} {rule.rule} ({rule.endpoint})" for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/")
                  for method in rule.methods - {"HEAD", "OPTIONS"} if not is_declared(app, rule.endpoint, method)]
    assert not undeclared, "add @requires(role) or @open_access to: " + ", ".join(sorted(undeclared))


def test_only_the_documented_endpoints_are_open() -> None:
    opened = sorted((m, p) for m, p, role in ROUTES if role is OPEN)
    assert opened == sorted([*OPEN_ROUTES, ("POST", "/api/auth/login"), ("POST", "/api/auth/logout")])


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_protected_routes_refuse_callers_without_identity(anonymous: Any, method: str, path: str) -> None:
    response = anonymous.open(path, method=method, json={} if method != "GET" else None, headers=CSRF)
    assert response.status_code == 401, (method, path, response.json)
    assert response.json["message"] == SIGN_IN_NEEDED
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), OPEN_ROUTES)
def test_open_routes_need_no_identity(anonymous: Any, method: str, path: str) -> None:
    assert anonymous.open(path, method=method).status_code == 200


def test_unknown_api_paths_need_identity_before_they_404(anonymous: Any, client: Any) -> None:
    assert anonymous.get("/api/no-such-thing").status_code == 401
    assert client.get("/api/no-such-thing").status_code == 404


def test_the_openapi_document_names_the_security_schemes_and_roles(anonymous: Any) -> None:
    spec = anonymous.get("/api/openapi.json").json
    bearer = spec["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert spec["components"]["securitySchemes"]["session"]["in"] == "cookie"
    assert spec["security"] == [{"bearer": []}, {"session": []}]
    assert spec["paths"]["/api/flows/{flow_id}"]["put"]["x-required-role"] == "editor"
    assert spec["paths"]["/api/health"]["get"]["security"] == []


# -- tokens -----------------------------------------------------------------------------------------------

def test_bad_authorization_headers(anonymous: Any) -> None:
    for header in ("Basic YWxpY2U6cHc=", "Bearer", "Bearer mf_nope_nope", "mf_abc"):
        response = anonymous.get("/api/flows", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert "Bearer" in response.json["message"] or "not valid" in response.json["message"]


def test_token_expiry_and_revocation(client: Any, runtime: Any, alice: dict[str, Any]) -> None:
    made = client.post("/api/tokens", json={"name": "ci", "user_id": "alice", "expires_in": "10m"})
    assert made.status_code == 201, made.json
    headers = {"Authorization": f"Bearer {made.json['token']}"}
    assert made.json["role"] == "editor" and made.json["expires_at"] is not None
    assert client.get("/api/auth/me", headers=headers).json["user"]["id"] == "alice"

    with runtime.db.begin() as conn:
        conn.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == made.json["id"])
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = client.get("/api/flows", headers=headers)
    assert expired.status_code == 401
    assert expired.json["message"] == "The API token is not valid: unknown, expired or revoked."

    second = client.post("/api/tokens", json={"name": "ci2", "user_id": "alice"}).json
    headers = {"Authorization": f"Bearer {second['token']}"}
    assert client.get("/api/flows", headers=headers).status_code == 200
    revoked = client.delete(f"/api/tokens/{second['id']}")
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert client.get("/api/flows", headers=headers).status_code == 401
    assert "token" not in client.get(f"/api/tokens/{second['id']}").json


def test_a_token_never_exceeds_its_users_role(client: Any, client_as: Any, alice: dict[str, Any]) -> None:
    too_high = client.post("/api/tokens", json={"name": "x", "user_id": "alice", "role": "admin"})
    assert too_high.status_code == 422
    assert "at most editor, not admin" in too_high.json["message"]
    responder_token = client_as("editor", user_id="alice", token_role="responder")
    assert responder_token.get("/api/auth/me").json["role"] == "responder"
    refused = responder_token.post("/api/flows", json=ticket_flow())
    assert refused.status_code == 403
    assert refused.json["required_role"] == "editor" and refused.json["role"] == "responder"
    # A token cannot mint a stronger one, even for a user who has the stronger role.
    minted = responder_token.post("/api/tokens", json={"name": "escalate", "role": "editor"})
    assert minted.status_code == 422
    assert "above your own (responder)" in minted.json["message"]
    assert responder_token.post("/api/tokens", json={"name": "same"}).json["role"] == "responder"


def test_demoting_a_user_demotes_their_tokens(client: Any, client_as: Any, alice: dict[str, Any]) -> None:
    alice_client = client_as("editor", user_id="alice")
    assert alice_client.post("/api/flows", json=ticket_flow()).status_code == 201
    assert client.patch("/api/users/alice", json={"role": "viewer"}).status_code == 200
    assert alice_client.put("/api/flows/tickets", json={"document": ticket_flow(), "base_revision": 1}
                            ).status_code == 403
    assert alice_client.get("/api/auth/me").json["role"] == "viewer"


def test_people_see_their_own_tokens_admins_everyones(client: Any, client_as: Any) -> None:
    viewer = client_as("viewer")
    mine = viewer.post("/api/tokens", json={"name": "mine"}).json
    assert {t["user_id"] for t in viewer.get("/api/tokens").json["items"]} == {"test-viewer"}
    assert {t["user_id"] for t in client.get("/api/tokens").json["items"]} == {"test-viewer", "test-admin"}
    assert [t["id"] for t in client.get("/api/tokens?user_id=test-admin").json["items"]] != []
    admin_token = client.get("/api/tokens?user_id=test-admin").json["items"][0]["id"]
    assert viewer.delete(f"/api/tokens/{admin_token}").status_code == 403
    assert viewer.get(f"/api/tokens/{admin_token}").status_code == 403
    assert viewer.post("/api/tokens", json={"name": "x", "user_id": "test-admin"}).status_code == 403
    assert client.delete(f"/api/tokens/{mine['id']}").json["status"] == "revoked"


# -- sessions ---------------------------------------------------------------------------------------------

def test_login_me_logout(app: Any, alice: dict[str, Any]) -> None:
    client = app.test_client()
    response = client.post("/api/auth/login", json={"email": "Alice@example.com", "password": PASSWORD},
                           headers=CSRF)
    assert response.status_code == 200
    assert response.json["user"]["id"] == "alice" and response.json["role"] == "editor"
    assert response.json["via"] == "session"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("mendflow_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = client.get("/api/auth/me").json
    assert (me["user"]["email"], me["role"], me["token_id"]) == ("alice@example.com", "editor", None)
    assert client.post("/api/auth/logout", headers=CSRF).status_code == 204
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize(("email", "password"), [("alice@example.com", "wrong password"),
                                                 ("nobody@example.com", PASSWORD)])
def test_wrong_email_or_password_reads_the_same(anonymous: Any, alice: dict[str, Any], email: str,
                                                password: str) -> None:
    response = anonymous.post("/api/auth/login", json={"email": email, "password": password}, headers=CSRF)
    assert response.status_code == 401
    assert response.json["message"] == "Wrong email or password."
    assert "Set-Cookie" not in response.headers


def test_login_input(anonymous: Any) -> None:
    assert anonymous.post("/api/auth/login", json={"email": "a@example.com"}, headers=CSRF).status_code == 422
    no_header = anonymous.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})
    assert no_header.status_code == 403
    assert "X-Requested-With: mendflow" in no_header.json["message"]


def test_a_deactivated_user_loses_the_session_and_cannot_sign_in(app: Any, client: Any,
                                                                 alice: dict[str, Any]) -> None:
    session = sign_in(app, "alice@example.com")
    assert session.get("/api/flows").status_code == 200
    assert client.delete("/api/users/alice").json["active"] is False
    assert session.get("/api/flows").status_code == 401
    refused = app.test_client().post("/api/auth/login", json={"email": "alice@example.com", "password": PASSWORD},
                                     headers=CSRF)
    assert refused.status_code == 401 and refused.json["message"] == "Wrong email or password."


def test_a_new_password_ends_other_sessions(app: Any, alice: dict[str, Any]) -> None:
    first = sign_in(app, "alice@example.com")
    second = sign_in(app, "alice@example.com")
    wrong = first.patch("/api/users/alice", json={"password": "the next password", "current_password": "nope"},
                        headers=CSRF)
    assert wrong.status_code == 403
    missing = first.patch("/api/users/alice", json={"password": "the next password"}, headers=CSRF)
    assert missing.status_code == 422
    changed = first.patch("/api/users/alice", json={"password": "the next password", "current_password": PASSWORD},
                          headers=CSRF)
    assert changed.status_code == 200
    assert second.get("/api/flows").status_code == 401
    assert sign_in(app, "alice@example.com", "the next password").get("/api/flows").status_code == 200


def test_cookie_sessions_need_the_csrf_header_tokens_do_not(app: Any, client: Any, alice: dict[str, Any]) -> None:
    session = sign_in(app, "alice@example.com")
    forged = session.post("/api/flows", json=ticket_flow())
    assert forged.status_code == 403
    assert "X-Requested-With: mendflow" in forged.json["message"]
    assert session.get("/api/flows").json["items"] == []  # reads need no header, and nothing was made
    assert session.post("/api/flows", json=ticket_flow(), headers=CSRF).status_code == 201
    assert client.post("/api/flows", json=ticket_flow("other")).status_code == 201


# -- Socket.IO --------------------------------------------------------------------------------------------

def test_socketio_refuses_connections_without_identity(app: Any, client: Any, alice: dict[str, Any]) -> None:
    anonymous = socketio.test_client(app)
    assert not anonymous.is_connected()
    bad_token = socketio.test_client(app, auth={"token": "mf_nope_nope"})
    assert not bad_token.is_connected()

    with_token = socketio.test_client(app, auth={"token": client.token})
    assert with_token.is_connected()
    assert with_token.emit("subscribe", {"room": "flow:x"}, callback=True) == {"ok": True, "room": "flow:x"}
    with_token.disconnect()

    with_session = socketio.test_client(app, flask_test_client=sign_in(app, "alice@example.com"))
    assert with_session.is_connected()
    with_session.disconnect()
