"""Signing in through the browser: the sign-in page, where it leads, the header, sign-out, an ended session,
and a viewer who may look but not change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import VIEWPORT, Server, shot, sign_in


@pytest.fixture
def fresh(browser: Browser, server: Server) -> Iterator[tuple[BrowserContext, Page, list[str]]]:
    """A browser context with no session at all."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(10_000)
    yield context, page, errors
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def _ticket_flow(server: Server, flow_id: str) -> None:
    status, _ = server.request("GET", f"/api/flows/{flow_id}")
    if status == 404:
        status, body = server.request("POST", "/api/flows", {
            "schema": "mendflow.flow/v1", "id": flow_id, "name": flow_id, "nodes": [
                {"id": "hook", "type": "trigger.webhook", "config": {}, "position": {"x": 0, "y": 0}},
                {"id": "ticket", "type": "ticket.create", "config": {"title": "x"}, "position": {"x": 300, "y": 0}}],
            "edges": [{"id": "e1", "source": "hook", "target": "ticket"}]})
        assert status == 201, body


def test_sign_in_leads_where_the_user_was_going_and_sign_out_ends_it(
        fresh: tuple[BrowserContext, Page, list[str]], server: Server) -> None:
    _, page, _ = fresh
    page.goto("/incidents")
    expect(page.get_by_test_id("signin-page")).to_be_visible()
    page.get_by_test_id("signin-email").fill("alice@example.com")
    page.get_by_test_id("signin-password").fill("not the password")
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("signin-error")).to_have_text("Wrong email or password.")
    shot(page, "sign-in-refused")

    sign_in(page, "alice@example.com", server.demo_password)
    assert page.url.endswith("/incidents")
    expect(page.get_by_test_id("user-name")).to_have_text("Alice Editor")
    expect(page.get_by_test_id("user-role")).to_have_text("editor")
    shot(page, "signed-in-header")

    with page.expect_navigation():  # signing out reloads the app, so no page keeps the previous user's data
        page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("signin-page")).to_be_visible()
    assert page.context.request.get(f"{server.url}/api/auth/me").status == 401  # the cookie no longer signs in


def test_an_ended_session_asks_to_sign_in_again_over_the_page_and_keeps_it(
        fresh: tuple[BrowserContext, Page, list[str]], server: Server) -> None:
    context, page, _ = fresh
    page.goto("/")
    sign_in(page, "alice@example.com", server.demo_password)
    page.get_by_test_id("flow-search").fill("nothing-matches-this")
    # Let that search answer first: its response refreshes the session cookie, and arriving after
    # the clear below it would put the cookie back.
    expect(page.get_by_test_id("flows-empty")).to_contain_text("nothing-matches-this")
    context.clear_cookies()
    page.get_by_test_id("flow-search").fill("nothing-matches-this-either")  # the next search answers 401
    expect(page.get_by_text("Your session has ended")).to_be_visible()
    expect(page.get_by_test_id("signin-email")).to_have_value("alice@example.com")
    shot(page, "session-ended")
    page.get_by_test_id("signin-password").fill(server.demo_password)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("signin-page")).to_have_count(0)
    expect(page.get_by_test_id("flow-search")).to_have_value("nothing-matches-this-either")


def test_a_viewer_sees_flows_but_cannot_save_publish_or_delete(
        fresh: tuple[BrowserContext, Page, list[str]], server: Server) -> None:
    _ticket_flow(server, "viewer-sees-this")
    _, page, _ = fresh
    page.goto("/")
    sign_in(page, "vera@example.com", server.demo_password)
    expect(page.get_by_test_id("user-role")).to_have_text("viewer")
    expect(page.get_by_test_id("new-flow")).to_be_disabled()
    expect(page.get_by_test_id("import-flow")).to_be_disabled()
    expect(page.get_by_label("Delete viewer-sees-this")).to_be_disabled()
    page.goto("/flows/viewer-sees-this")
    expect(page.get_by_test_id("editor-toolbar")).to_be_visible()
    expect(page.get_by_test_id("save")).to_be_disabled()
    expect(page.get_by_test_id("publish")).to_be_disabled()
    expect(page.get_by_test_id("run-sample")).to_be_disabled()
    shot(page, "viewer-editor")
    # The server refuses as well, whatever the page allows.
    status = page.evaluate("""fetch('/api/flows/viewer-sees-this', {method: 'DELETE',
                              headers: {'X-Requested-With': 'mendflow'}}).then(r => r.status)""")
    assert status == 403
    assert server.request("GET", "/api/flows/viewer-sees-this")[0] == 200
