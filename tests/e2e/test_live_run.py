"""The live run view in a real browser: a run started by a webhook lights the canvas up node by node, a response
button on a waiting alert sends the run on through its port, and a dropped connection catches up when it is back."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import Locator, Page, expect

from .canvas import node
from .conftest import Server, shot

# Records, in the page, every status class a step card gets on the canvas, in the order the DOM changed.
STATUS_RECORDER = """() => {
  const STATUSES = ["running", "retrying", "waiting", "succeeded", "failed", "skipped", "cancelled"];
  const log = [];
  const last = new Map();
  const record = (card) => {
    const id = card.closest(".react-flow__node")?.dataset.id;
    if (!id) return;
    const status = STATUSES.find((s) => card.classList.contains(`step-${s}`)) ?? null;
    if (last.get(id) === status) return;
    last.set(id, status);
    if (status) log.push([id, status]);
  };
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes" && m.target.classList.contains("step-card")) record(m.target);
      for (const added of m.addedNodes)
        if (added.nodeType === 1) added.querySelectorAll?.(".step-card").forEach(record);
    }
  });
  observer.observe(document.querySelector(".react-flow__nodes"), { attributes: true, attributeFilter: ["class"],
                                                                    childList: true, subtree: true });
  window.__statusLog = log;
}"""


def _flow(server: Server, name: str, nodes: list[dict[str, Any]], edges: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Create and publish a flow (publishing activates it); returns its detail with the webhook URL."""
    flow_id = f"{name}-{uuid.uuid4().hex[:6]}"
    doc = {"schema": "mendflow.flow/v1", "id": flow_id, "name": f"{name} {flow_id[-6:]}",
           "nodes": [{"config": {}, **n} for n in nodes],
           "edges": [{"id": f"{s}-{t}", "source": s, "source_port": p, "target": t} for s, t, p in edges]}
    status, created = server.request("POST", "/api/flows", doc)
    assert status == 201, created
    status, published = server.request("POST", f"/api/flows/{flow_id}/publish", {"base_revision": created["revision"]})
    assert status == 201, published
    assert published["active"], published
    return published


def _fire(server: Server, flow: dict[str, Any], event: dict[str, Any]) -> str:
    (hook,) = flow["hooks"]
    status, body = server.request("POST", f"/hooks/{hook['token']}", event)
    assert status == 202, body
    (run_id,) = body["runs"]
    return run_id


def _open_runs(page: Page, flow_id: str) -> None:
    """Open the flow in the editor with the runs panel showing and the live connection up."""
    page.goto(f"/flows/{flow_id}")
    expect(page.locator(".react-flow__node")).not_to_have_count(0)
    page.get_by_test_id("tab-runs").click()
    expect(page.get_by_test_id("runs-follow")).to_be_checked()
    expect(page.get_by_test_id("runs-panel").get_by_test_id("live-state")).to_have_attribute("data-state", "live")
    page.get_by_test_id("zoom-fit").click()


def _card(page: Page, node_id: str) -> Locator:
    return node(page, node_id).locator(".step-card")


def _edge(page: Page, edge_id: str) -> Locator:
    return page.locator(f'.react-flow__edge[data-id="{edge_id}"]')


def _wait_run(server: Server, run_id: str, statuses: set[str], timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = server.get(f"/api/runs/{run_id}")
        if run["status"] in statuses:
            return run
        assert time.monotonic() < deadline, run
        time.sleep(0.05)


# Listed in reverse, so that the order of the cards in the DOM is not the order they run in.
LINE_NODES = [
    {"id": "note", "type": "ticket.update", "label": "Comment on ticket", "position": {"x": 1020, "y": 40},
     "config": {"ticket": "{{ steps.ticket.key }}", "comment": "waited, then commented"}},
    {"id": "pause", "type": "logic.delay", "label": "Give it a second", "position": {"x": 770, "y": 40},
     "config": {"duration": "2s"}},
    {"id": "skip_me", "type": "ticket.update", "label": "Only when not critical", "position": {"x": 520, "y": 230},
     "config": {"ticket": "none", "comment": "not critical"}},
    {"id": "ticket", "type": "ticket.create", "label": "Open ticket", "position": {"x": 520, "y": 40},
     "config": {"title": "{{ event.title }}"}},
    {"id": "check", "type": "logic.condition", "label": "Critical?", "position": {"x": 270, "y": 100},
     "config": {"expression": "event.severity == 'critical'"}},
    {"id": "hook", "type": "trigger.webhook", "label": "Monitoring webhook", "position": {"x": 20, "y": 100}},
]
LINE_EDGES = [("hook", "check", "out"), ("check", "ticket", "true"), ("check", "skip_me", "false"),
              ("ticket", "pause", "out"), ("pause", "note", "out")]
TOPOLOGICAL = ["hook", "check", "ticket", "pause", "note"]


def test_webhook_run_lights_up_the_canvas_node_by_node(page: Page, server: Server) -> None:
    flow = _flow(server, "live-line", LINE_NODES, LINE_EDGES)
    page.set_viewport_size({"width": 1680, "height": 960})  # room for the whole line at a readable zoom
    _open_runs(page, flow["id"])
    page.evaluate(STATUS_RECORDER)

    run_id = _fire(server, flow, {"title": "Checkout latency above 2 s", "severity": "critical"})

    # The run started by the webhook is followed on the canvas: its panel opens and the delay shows as waiting.
    panel = page.get_by_test_id("run-panel")
    expect(panel).to_have_attribute("data-run-id", run_id)
    expect(_card(page, "pause")).to_contain_class("step-waiting")
    expect(_card(page, "ticket")).to_contain_class("step-succeeded")
    expect(_edge(page, "ticket-pause")).to_contain_class("edge-flowing")
    shot(page, "live-1-running")

    expect(panel).to_have_attribute("data-status", "succeeded", timeout=20_000)
    expect(_card(page, "note")).to_contain_class("step-succeeded")
    shot(page, "live-2-finished")

    log: list[list[str]] = page.evaluate("() => window.__statusLog")
    succeeded = [node_id for node_id, status in log if status == "succeeded"]
    assert succeeded == TOPOLOGICAL, log
    # It was watched live, not read back at the end: the delay was seen waiting before it succeeded.
    assert log.index(["pause", "waiting"]) < log.index(["pause", "succeeded"]), log
    assert ["skip_me", "skipped"] in log and ["skip_me", "succeeded"] not in log, log

    # The edges the run took are highlighted; the false branch is not.
    for edge in ("hook-check", "check-ticket", "ticket-pause", "pause-note"):
        expect(_edge(page, edge)).to_contain_class("edge-taken")
    expect(_edge(page, "check-skip_me")).to_contain_class("edge-not-taken")
    expect(_card(page, "check")).to_have_attribute("data-port", "true")
    expect(_card(page, "pause").get_by_test_id("node-run-badge")).to_contain_text("succeeded")
    expect(_card(page, "pause").get_by_test_id("node-run-badge")).to_contain_text(" s")

    # The run's details: the event that started it, and each step's rendered config and output.
    expect(panel.get_by_test_id("run-event-title")).to_contain_text("Checkout latency above 2 s")
    ticket_step = panel.locator('[data-testid="run-step"][data-node-id="ticket"]')
    ticket_step.get_by_test_id("run-step-toggle").click()
    expect(ticket_step.get_by_test_id("step-config")).to_contain_text("Checkout latency above 2 s")
    expect(ticket_step.get_by_test_id("step-output")).to_contain_text('"key"')

    # The runs list shows it with its event's title, and the server agrees with the page.
    page.get_by_test_id("run-back").click()
    row = page.locator(f'[data-testid="run-row"][data-run-id="{run_id}"]')
    expect(row).to_have_attribute("data-status", "succeeded")
    expect(row).to_contain_text("Checkout latency above 2 s")
    shot(page, "live-3-runs-list")
    # Filters: by status, and by start time.
    page.get_by_test_id("runs-filter-failed").click()
    expect(page.get_by_test_id("runs-empty")).to_be_visible()
    page.get_by_test_id("runs-filter-failed").click()
    page.get_by_test_id("runs-filter-succeeded").click()
    expect(row).to_be_visible()
    page.get_by_test_id("runs-range").select_option("custom")
    page.get_by_test_id("runs-to").fill("2000-01-01T00:00")
    expect(page.get_by_test_id("runs-empty")).to_be_visible()
    page.get_by_test_id("runs-range").select_option("hour")
    expect(row).to_be_visible()
    assert server.get(f"/api/runs/{run_id}")["status"] == "succeeded"


PAGE_NODES = [
    {"id": "hook", "type": "trigger.webhook", "label": "Disk alert", "position": {"x": 20, "y": 120}},
    {"id": "page", "type": "alert.notify", "label": "Page storage on-call", "position": {"x": 300, "y": 120},
     "config": {"recipients": ["team:storage"], "message": "{{ event.title }}",
                "responses": ["Clean temp files", "Ignore"], "timeout": "1h"}},
    {"id": "clean", "type": "ticket.create", "label": "Ticket: clean up", "position": {"x": 600, "y": 40},
     "config": {"title": "clean {{ event.title }}"}},
    {"id": "ignored", "type": "ticket.create", "label": "Ticket: ignored", "position": {"x": 600, "y": 240},
     "config": {"title": "ignored {{ event.title }}"}},
]
PAGE_EDGES = [("hook", "page", "out"), ("page", "clean", "Clean temp files"), ("page", "ignored", "Ignore")]


def test_response_button_on_the_canvas_sends_the_run_through_its_port(page: Page, server: Server) -> None:
    flow = _flow(server, "live-page", PAGE_NODES, PAGE_EDGES)
    _open_runs(page, flow["id"])
    run_id = _fire(server, flow, {"title": "Disk /data 95% on db-2", "severity": "warning"})

    expect(_card(page, "page")).to_contain_class("step-waiting")
    buttons = _card(page, "page").get_by_test_id("node-respond")
    expect(buttons).to_have_count(2)
    expect(buttons.nth(0)).to_have_text("Clean temp files")
    # The run view offers the same buttons.
    panel = page.get_by_test_id("run-panel")
    expect(panel).to_have_attribute("data-status", "waiting")
    expect(panel.get_by_test_id("respond")).to_have_count(2)
    shot(page, "respond-1-waiting")

    _card(page, "page").locator('[data-choice="Clean temp files"]').click()

    expect(panel).to_have_attribute("data-status", "succeeded", timeout=20_000)
    expect(_card(page, "page")).to_have_attribute("data-port", "Clean temp files")
    expect(_card(page, "clean")).to_contain_class("step-succeeded")
    expect(_card(page, "ignored")).to_contain_class("step-skipped")
    expect(_edge(page, "page-clean")).to_contain_class("edge-taken")
    expect(_edge(page, "page-ignored")).to_contain_class("edge-not-taken")
    expect(buttons).to_have_count(0)
    shot(page, "respond-2-finished")

    # The click went through the responders' API: the step records the choice and who made it.
    run = server.get(f"/api/runs/{run_id}")
    steps = {s["node_id"]: s for s in run["steps"]}
    assert (run["status"], steps["page"]["port"], steps["ignored"]["status"]) == ("succeeded", "Clean temp files",
                                                                                   "skipped")
    assert steps["page"]["output"]["choice"] == "Clean temp files"


def test_a_dropped_connection_catches_up_when_it_is_back(page: Page, server: Server) -> None:
    flow = _flow(server, "live-drop", PAGE_NODES, PAGE_EDGES)
    _open_runs(page, flow["id"])
    run_id = _fire(server, flow, {"title": "Disk /var 97% on web-7", "severity": "critical"})
    panel = page.get_by_test_id("run-panel")
    expect(panel).to_have_attribute("data-status", "waiting")
    expect(_card(page, "page")).to_contain_class("step-waiting")

    # The network goes away: the page says so instead of pretending to be live.
    page.context.set_offline(True)
    state = panel.get_by_test_id("live-state")
    expect(state).not_to_have_attribute("data-state", "live")
    # Meanwhile someone answers elsewhere (a chat button, the responder page): the run finishes on the server.
    status, body = server.request("POST", f"/api/runs/{run_id}/steps/page/response",
                                  {"choice": "Ignore", "user": "someone-else"})
    assert status == 202, body
    _wait_run(server, run_id, {"succeeded"})
    page.wait_for_timeout(500)
    # The page missed those events: it must not show a final state it never read.
    expect(panel).to_have_attribute("data-status", "waiting")
    expect(state).not_to_have_attribute("data-state", "live")
    expect(panel.get_by_test_id("run-behind")).to_be_visible()
    shot(page, "reconnect-1-offline")

    page.context.set_offline(False)
    expect(state).to_have_attribute("data-state", "live", timeout=15_000)
    expect(panel).to_have_attribute("data-status", "succeeded")
    expect(_card(page, "page")).to_have_attribute("data-port", "Ignore")
    expect(_card(page, "ignored")).to_contain_class("step-succeeded")
    expect(_card(page, "clean")).to_contain_class("step-skipped")
    expect(_edge(page, "page-ignored")).to_contain_class("edge-taken")
    expect(panel.get_by_test_id("run-behind")).to_have_count(0)
    shot(page, "reconnect-2-caught-up")


def test_cancel_replay_as_a_dry_run_and_compare(page: Page, server: Server) -> None:
    flow = _flow(server, "live-replay", PAGE_NODES, PAGE_EDGES)
    _open_runs(page, flow["id"])

    # Cancel a waiting run from its panel.
    waiting = _fire(server, flow, {"title": "Disk /srv 91% on app-3", "severity": "warning"})
    panel = page.get_by_test_id("run-panel")
    expect(panel).to_have_attribute("data-run-id", waiting)
    expect(panel).to_have_attribute("data-status", "waiting")
    panel.get_by_test_id("run-cancel").click()
    expect(panel).to_have_attribute("data-status", "cancelled")
    expect(_card(page, "page")).to_contain_class("step-cancelled")
    assert server.get(f"/api/runs/{waiting}")["status"] == "cancelled"

    # A run answered "Clean temp files", replayed as a dry run that takes "Ignore" instead.
    answered = _fire(server, flow, {"title": "Disk /srv 97% on app-3", "severity": "critical"})
    _wait_run(server, answered, {"waiting"})
    status, body = server.request("POST", f"/api/runs/{answered}/steps/page/response",
                                  {"choice": "Clean temp files", "user": "ann"})
    assert status == 202, body
    _wait_run(server, answered, {"succeeded"})
    newest_ticket = server.get("/api/tickets")["items"][0]["key"]  # newest first; the run above opened one

    page.goto(f"/runs/{answered}")
    panel = page.get_by_test_id("run-panel")
    expect(panel).to_have_attribute("data-status", "succeeded")
    panel.get_by_test_id("run-replay").click()
    dialog = page.get_by_test_id("replay-dialog")
    expect(dialog.get_by_test_id("replay-dry-run")).to_be_checked()  # a dry run unless asked otherwise
    dialog.get_by_test_id("replay-choice-page").select_option("Ignore")
    page.wait_for_timeout(300)  # the dialog's fade-in
    shot(page, "replay-1-dialog")
    dialog.get_by_test_id("replay-start").click()

    expect(page).not_to_have_url(f"**/runs/{answered}")
    expect(panel).to_have_attribute("data-status", "succeeded")
    expect(panel.get_by_test_id("dry-run-badge")).to_be_visible()
    dry = page.url.rsplit("/", 1)[1]
    ignored = panel.locator('[data-testid="run-step"][data-node-id="ignored"]')
    expect(ignored).to_have_attribute("data-status", "succeeded")
    expect(ignored).to_contain_text("Ticket: ignored")  # labels from the version the run executed
    expect(panel.locator('[data-testid="run-step"][data-node-id="clean"]')).to_have_attribute("data-status", "skipped")
    ignored.get_by_test_id("run-step-toggle").click()
    prediction = ignored.get_by_test_id("step-prediction")
    expect(prediction).to_contain_text("would call ticket.create")
    expect(prediction).to_contain_text("ignored Disk /srv 97% on app-3")  # the rendered request, not sent
    shot(page, "replay-2-dry-run")
    run = server.get(f"/api/runs/{dry}")
    assert (run["dry_run"], run["replay_of"]) == (True, answered)
    assert server.get("/api/tickets")["items"][0]["key"] == newest_ticket  # a dry run opened no ticket

    panel.get_by_test_id("run-compare-original").click()
    compare = page.get_by_test_id("run-compare")
    expect(compare.get_by_test_id("compare-verdict")).to_contain_text("different paths")
    expect(compare.locator('[data-testid="compare-row"][data-node-id="page"]')).to_have_attribute("data-same-path",
                                                                                                 "false")
    expect(compare.locator('[data-testid="compare-row"][data-node-id="hook"]')).to_have_attribute("data-same-path",
                                                                                                 "true")
    page.wait_for_timeout(300)  # the dialog's fade-in
    shot(page, "replay-3-compare")

    # From the run page to the canvas, with the dry run painted on it.
    page.keyboard.press("Escape")
    page.get_by_test_id("run-on-canvas").click()
    expect(page).to_have_url(f"{server.url}/flows/{flow['id']}?run={dry}")
    expect(_card(page, "ignored")).to_contain_class("step-succeeded")
    expect(_card(page, "ignored")).to_contain_class("step-dry")
    expect(_card(page, "clean")).to_contain_class("step-skipped")
    expect(page.get_by_test_id("run-panel")).to_have_attribute("data-run-id", dry)
