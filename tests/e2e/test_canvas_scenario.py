"""A new user builds a flow on the canvas, saves it, reloads it, exports it and imports it back."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from .canvas import MOD, connect, create_flow, document, drop, field, node, save, select, wait_valid, without
from .conftest import Server, shot


def test_build_save_reload_export_import(page: Page, server: Server, tmp_path) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Flows", exact=True)).to_be_visible()
    expect(page.get_by_test_id("flows-empty")).to_be_visible()  # a new user starts with an empty list
    shot(page, "scenario-0-empty")
    flow_id = create_flow(page, "Checkout crash response")
    assert flow_id == "checkout-crash-response"

    # The palette comes from /api/node-types, grouped by category.
    for group in ("trigger", "alert", "ticket", "chat", "runbook", "logic"):
        expect(page.get_by_test_id(f"palette-group-{group}")).to_be_visible()
    page.get_by_test_id("palette-search").fill("playbook")
    expect(page.get_by_test_id("palette-runbook.ansible")).to_be_visible()
    expect(page.get_by_test_id("palette-ticket.create")).to_have_count(0)

    hook = drop(page, "trigger.webhook", 150, 110)
    cond = drop(page, "logic.condition", 150, 360)
    ticket = drop(page, "ticket.create", 430, 110)
    chat = drop(page, "chat.post", 430, 360)
    runbook = drop(page, "runbook.ansible", 690, 230)
    assert [hook, cond, ticket, chat, runbook] == [
        "trigger_webhook",
        "logic_condition",
        "ticket_create",
        "chat_post",
        "runbook_ansible",
    ]
    # Dropped where the pointer let go: the webhook card sits left of the ticket card, above the condition.
    hb, tb, cb = (node(page, i).bounding_box() for i in (hook, ticket, cond))
    assert hb["x"] < tb["x"] and hb["y"] < cb["y"]

    # Ports are labelled: the condition has true/false/error.
    for port in ("true", "false", "error"):
        expect(node(page, cond).locator(f'.react-flow__handle[data-handleid="{port}"]')).to_have_count(1)

    connect(page, hook, "out", cond)
    connect(page, cond, "true", ticket)
    connect(page, ticket, "out", chat)
    connect(page, chat, "out", runbook)
    shot(page, "scenario-1-connected")

    # Fill the config through the generated forms, using template completion.
    select(page, cond)
    expr = field(page, "expression")
    expr.click()
    expr.press_sequentially("event.sev")
    expect(page.get_by_test_id("template-suggestions")).to_contain_text("event.severity")
    expr.press("Enter")
    expr.press_sequentially(" == 'critical'")
    expect(expr).to_have_value("event.severity == 'critical'")

    select(page, ticket)
    title = field(page, "title")
    title.click()
    title.press_sequentially("{{ event.ti")
    expect(page.get_by_test_id("template-suggestions")).to_contain_text("event.title")
    title.press("Enter")
    expect(title).to_have_value("{{ event.title }}")
    page.locator("#node-label").fill("Open incident ticket")

    select(page, chat)
    field(page, "channel").fill("#checkout-incidents")
    text = field(page, "text")
    text.click()
    text.press_sequentially("Ticket {{ steps.tic")
    suggestions = page.get_by_test_id("template-suggestions")
    expect(suggestions).to_contain_text("steps.ticket_create.output")
    suggestions.get_by_text("steps.ticket_create.output", exact=True).click()
    expect(text).to_have_value("Ticket {{ steps.ticket_create.output }}")

    select(page, runbook)
    field(page, "playbook").fill("restart_service.yml")
    wait_valid(page)
    shot(page, "scenario-2-configured")

    # A required field left empty shows a problem on the node and in the list, and the problem clears again.
    select(page, ticket)
    field(page, "title").fill("")
    problem = page.get_by_test_id("problem-item").filter(has_text="title")
    expect(problem).to_have_count(1)
    expect(node(page, ticket).get_by_test_id("node-problem-badge")).to_be_visible()
    shot(page, "scenario-3-problem")
    page.locator(".react-flow__pane").click(position={"x": 700, "y": 560})
    problem.click()  # selects and centres the node
    expect(page.locator("#node-id")).to_have_value(ticket)
    field(page, "title").fill("{{ event.title }}")
    wait_valid(page)
    expect(node(page, ticket).get_by_test_id("node-problem-badge")).to_have_count(0)

    save(page)
    before = document(page)
    assert len(before["nodes"]) == 5 and len(before["edges"]) == 4
    assert {(e["source"], e.get("source_port", "out"), e["target"]) for e in before["edges"]} == {
        (hook, "out", cond),
        (cond, "true", ticket),
        (ticket, "out", chat),
        (chat, "out", runbook),
    }

    page.reload()
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.locator(".react-flow__edge")).to_have_count(4)
    expect(node(page, ticket)).to_contain_text("Open incident ticket")
    assert document(page) == before
    assert server.get(f"/api/flows/{flow_id}")["document"] == before
    shot(page, "scenario-4-reloaded")

    # Export downloads exactly the server's export.
    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    exported = tmp_path / "exported.json"
    info.value.save_as(exported)
    assert exported.read_bytes() == server.raw(f"/api/flows/{flow_id}/export")

    # Import that file as a new flow: same document apart from the id.
    page.goto("/")
    page.get_by_test_id("import-flow").click()
    page.get_by_test_id("import-file").set_input_files(str(exported))
    expect(page.get_by_test_id("import-status")).to_contain_text("is valid")
    page.get_by_test_id("import-confirm").click()
    page.wait_for_url(f"**/flows/{flow_id}-2")
    expect(page.locator(".react-flow__node")).to_have_count(5)
    copy = json.loads(server.raw(f"/api/flows/{flow_id}-2/export"))
    original = json.loads(exported.read_bytes())
    assert copy["id"] == f"{flow_id}-2"
    assert without(copy, "id") == without(original, "id")
    shot(page, "scenario-5-imported")


def test_keyboard_delete_undo_redo(page: Page) -> None:
    create_flow(page, "Undo redo")
    a = drop(page, "trigger.manual", 150, 150)
    b = drop(page, "ticket.create", 480, 150)
    connect(page, a, "out", b)
    select(page, b)
    page.locator("#node-label").fill("Renamed")
    page.locator(".react-flow__pane").click(position={"x": 400, "y": 450})

    page.keyboard.press(f"{MOD}+z")  # label back
    expect(node(page, b)).not_to_contain_text("Renamed")
    page.keyboard.press(f"{MOD}+z")  # edge gone
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    page.keyboard.press(f"{MOD}+z")  # second node gone
    expect(page.locator(".react-flow__node")).to_have_count(1)
    page.keyboard.press(f"{MOD}+Shift+z")
    page.keyboard.press(f"{MOD}+Shift+z")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    page.get_by_test_id("redo").click()
    expect(node(page, b)).to_contain_text("Renamed")

    # Delete key removes the selected node and its edges; undo brings both back.
    select(page, b)
    page.locator(".react-flow__pane").focus()
    node(page, b).locator(".step-head").click()
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(1)
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    page.get_by_test_id("undo").click()
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(page.locator(".react-flow__edge")).to_have_count(1)


def test_copy_paste_within_and_between_flows(page: Page, server: Server) -> None:
    create_flow(page, "Copy source")
    a = drop(page, "trigger.manual", 150, 150)
    b = drop(page, "chat.post", 480, 150)
    connect(page, a, "out", b)
    select(page, b)
    field(page, "channel").fill("#ops")
    field(page, "text").fill("hello")

    # Select both (Ctrl+A), copy, paste: two more nodes and one more edge, with fresh ids.
    page.locator(".react-flow__pane").click(position={"x": 400, "y": 450})
    page.keyboard.press(f"{MOD}+a")
    page.keyboard.press(f"{MOD}+c")
    page.keyboard.press(f"{MOD}+v")
    expect(page.locator(".react-flow__node")).to_have_count(4)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    ids = {n["id"] for n in document(page)["nodes"]}
    assert ids == {a, b, "trigger_manual_2", "chat_post_2"}
    pasted = next(n for n in document(page)["nodes"] if n["id"] == "chat_post_2")
    assert pasted["config"] == {"channel": "#ops", "text": "hello"}
    save(page)
    shot(page, "copy-paste-1-same-flow")

    # Into another flow: the clipboard survives navigation.
    target = create_flow(page, "Paste target")
    page.locator(".react-flow__pane").click(position={"x": 400, "y": 300})
    page.keyboard.press(f"{MOD}+v")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    save(page)
    doc = server.get(f"/api/flows/{target}")["document"]
    assert {n["type"] for n in doc["nodes"]} == {"trigger.manual", "chat.post"}
    shot(page, "copy-paste-2-other-flow")


def test_import_malformed_json_changes_nothing(page: Page, server: Server) -> None:
    before = server.get("/api/flows")["items"]
    page.goto("/")
    page.get_by_test_id("import-flow").click()
    box = page.get_by_test_id("import-text")

    box.fill('{"schema": "mendflow.flow/v1", "name": "Broken", "nodes": [')
    expect(page.get_by_test_id("import-problems")).to_contain_text("Not valid JSON")
    expect(page.get_by_test_id("import-confirm")).to_be_disabled()
    shot(page, "import-1-malformed")

    box.fill("[1, 2, 3]")
    expect(page.get_by_test_id("import-problems")).to_contain_text("one JSON object")
    expect(page.get_by_test_id("import-confirm")).to_be_disabled()

    invalid = {
        "schema": "mendflow.flow/v1",
        "id": "bad-edges",
        "name": "Bad edges",
        "nodes": [{"id": "t", "type": "trigger.manual", "config": {}, "position": {"x": 0, "y": 0}}],
        "edges": [{"id": "e1", "source": "t", "target": "ghost"}],
    }
    box.fill(json.dumps(invalid))
    expect(page.get_by_test_id("import-problems")).to_contain_text("ghost")
    expect(page.get_by_test_id("import-confirm")).to_be_disabled()
    shot(page, "import-2-invalid")

    page.get_by_role("button", name="Cancel").click()
    assert server.get("/api/flows")["items"] == before
