"""Flows page management, publish and version history, a concurrent save, and a test run with a sample event."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .canvas import connect, create_flow, drop, field, node, save, select, wait_valid
from .conftest import Server, shot


def _simple_flow(server: Server, flow_id: str, name: str) -> None:
    doc = {
        "schema": "mendflow.flow/v1",
        "id": flow_id,
        "name": name,
        "description": "For the lifecycle tests",
        "nodes": [
            {"id": "start", "type": "trigger.manual", "label": "Start", "config": {}, "position": {"x": 40, "y": 80}},
            {
                "id": "ticket",
                "type": "ticket.create",
                "label": "Open ticket",
                "config": {"title": "{{ event.title }}"},
                "position": {"x": 320, "y": 80},
            },
        ],
        "edges": [{"id": "e1", "source": "start", "source_port": "out", "target": "ticket"}],
    }
    status, body = server.request("POST", "/api/flows", doc)
    assert status == 201, body


def test_flows_page_rename_duplicate_search_delete(page: Page, server: Server) -> None:
    _simple_flow(server, "page-ops", "Page ops")
    page.goto("/")
    row = page.locator('[data-flow-id="page-ops"]')
    expect(row).to_contain_text("Draft")
    expect(row).to_contain_text("never")

    row.get_by_role("button", name="Rename Page ops").click()
    page.get_by_test_id("rename-input").fill("Page operations")
    page.get_by_test_id("rename-confirm").click()
    expect(row).to_contain_text("Page operations")
    assert server.get("/api/flows/page-ops")["name"] == "Page operations"

    row.get_by_role("button", name="Duplicate Page operations").click()
    expect(page.get_by_test_id("flow-row").filter(has_text="Page operations (copy)")).to_have_count(1)

    page.get_by_test_id("flow-search").fill("operations (copy)")
    expect(page.get_by_test_id("flow-row")).to_have_count(1)
    shot(page, "flows-1-search")
    page.get_by_test_id("flow-search").fill("")

    copy_row = page.get_by_test_id("flow-row").filter(has_text="Page operations (copy)")
    copy_row.get_by_role("button", name="Delete Page operations (copy)").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("flow-row").filter(has_text="Page operations (copy)")).to_have_count(0)
    assert [f["id"] for f in server.get("/api/flows?q=operations")["items"]] == ["page-ops"]


def test_publish_history_diff_and_activation(page: Page, server: Server) -> None:
    _simple_flow(server, "publish-me", "Publish me")
    page.goto("/flows/publish-me")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("editor-toolbar")).to_contain_text("Published v1")

    select(page, "ticket")
    field(page, "title").fill("Disk alert: {{ event.title }}")
    page.locator("#node-label").fill("Open disk ticket")
    wait_valid(page)
    page.get_by_test_id("publish").click()  # saves, then publishes
    expect(page.get_by_test_id("editor-toolbar")).to_contain_text("Published v2")

    page.get_by_test_id("active-toggle").check(force=True)
    expect(page.get_by_test_id("active-toggle")).to_be_checked()
    assert server.get("/api/flows/publish-me")["active"] is True

    page.get_by_test_id("history").click()
    dialog = page.get_by_test_id("versions-dialog")
    expect(dialog.get_by_test_id("version-item")).to_have_count(2)
    diff = dialog.get_by_test_id("diff-list")
    expect(diff).to_contain_text("Open disk ticket")
    expect(diff).to_contain_text('config.title: "{{ event.title }}" → "Disk alert: {{ event.title }}"')
    shot(page, "history-1-diff")
    page.keyboard.press("Escape")


def test_concurrent_save_shows_difference_and_keeps_edits(page: Page, server: Server) -> None:
    _simple_flow(server, "contested", "Contested")
    page.goto("/flows/contested")
    expect(page.locator(".react-flow__node")).to_have_count(2)

    # Someone else saves meanwhile.
    other = server.get("/api/flows/contested")
    theirs = {**other["document"], "description": "Changed by someone else"}
    status, _ = server.request("PUT", "/api/flows/contested", {"document": theirs, "base_revision": other["revision"]})
    assert status == 200

    select(page, "ticket")
    page.locator("#node-label").fill("My label")
    page.get_by_test_id("save").click()
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("diff-list")).to_contain_text("My label")
    expect(dialog.get_by_test_id("diff-list")).to_contain_text("Changed by someone else")
    shot(page, "conflict-1-dialog")
    dialog.get_by_role("button", name="Keep editing").click()
    # Nothing was overwritten, and the edit is still in the page.
    assert server.get("/api/flows/contested")["document"]["description"] == "Changed by someone else"
    expect(node(page, "ticket")).to_contain_text("My label")

    page.get_by_test_id("save").click()
    page.get_by_test_id("conflict-overwrite").click()
    expect(page.get_by_test_id("save-state")).to_contain_text("Saved")
    assert server.get("/api/flows/contested")["document"]["nodes"][1]["label"] == "My label"


def test_run_with_sample_event_shows_step_statuses(page: Page, server: Server) -> None:
    create_flow(page, "Run me")
    hook = drop(page, "trigger.webhook", 150, 150)
    ticket = drop(page, "ticket.create", 480, 150)
    connect(page, hook, "out", ticket)
    select(page, ticket)
    field(page, "title").fill("{{ event.title }}")
    wait_valid(page)
    save(page)

    page.get_by_test_id("run-sample").click()
    event = page.get_by_test_id("run-event")
    assert "checkout-api process crashed" in event.input_value()  # the trigger type's sample event
    event.fill('{"title": "Disk /data above 90% on web-1", "severity": "critical", "dedup_key": "disk-web-1"}')
    page.get_by_test_id("run-start").click()

    panel = page.get_by_test_id("run-panel")
    expect(panel.locator(".badge").first).to_have_text("succeeded", timeout=20_000)
    steps = panel.get_by_test_id("run-step")
    expect(steps).to_have_count(2)
    expect(panel.locator(f'[data-node-id="{ticket}"]')).to_have_attribute("data-status", "succeeded")
    expect(node(page, ticket).locator(".step-card")).to_contain_class("step-succeeded")
    shot(page, "run-1-finished")

    runs = server.get(f"/api/runs?flow_id={page.url.rsplit('/', 1)[1]}")["items"]
    assert len(runs) == 1 and runs[0]["status"] == "succeeded"
    assert server.get(f"/api/runs/{runs[0]['id']}")["event"]["title"] == "Disk /data above 90% on web-1"
