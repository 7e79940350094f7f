"""Page helpers for the canvas tests: drag from the palette, connect ports, fill generated form fields."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

MOD = "Control"


def create_flow(page: Page, name: str) -> str:
    """Create a flow from the flows page and return its id (from the editor's URL)."""
    page.goto("/")
    page.get_by_test_id("new-flow").click()
    page.get_by_test_id("new-flow-name").fill(name)
    page.get_by_test_id("create-flow").click()
    page.wait_for_url("**/flows/*")
    expect(page.get_by_test_id("canvas")).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def drop(page: Page, node_type: str, x: float, y: float) -> str:
    """Drag a node type from the palette to (x, y) in the canvas; return the new node's id."""
    before = set(node_ids(page))
    page.get_by_test_id("palette-search").fill("")
    page.get_by_test_id(f"palette-{node_type}").drag_to(page.get_by_test_id("canvas"), target_position={"x": x, "y": y})
    expect(page.locator(".react-flow__node")).to_have_count(len(before) + 1)
    (new,) = set(node_ids(page)) - before
    return new


def node_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(".react-flow__node", "els => els.map(e => e.dataset.id)")


def _centre(loc: Locator) -> tuple[float, float]:
    box = loc.bounding_box()
    assert box, loc
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def connect(page: Page, source: str, port: str, target: str) -> None:
    """Drag from a source node's output port to a target node's input handle."""
    count = page.locator(".react-flow__edge").count()
    src = node(page, source).locator(f'.react-flow__handle.source[data-handleid="{port}"]')
    dst = node(page, target).locator(".react-flow__handle.target")
    sx, sy = _centre(src)
    tx, ty = _centre(dst)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=15)
    page.mouse.up()
    expect(page.locator(".react-flow__edge")).to_have_count(count + 1)


def select(page: Page, node_id: str) -> None:
    """Select a node by clicking its header, and wait for its inspector."""
    node(page, node_id).locator(".step-head").click()
    expect(page.get_by_test_id("node-inspector")).to_be_visible()
    expect(page.locator("#node-id")).to_have_value(node_id)


def field(page: Page, name: str) -> Locator:
    """The input of a generated config form field (rjsf ids are `cfg_<property>`)."""
    return page.locator(f"#cfg_{name}")


def document(page: Page) -> dict[str, Any]:
    """The document the editor would save right now."""
    return page.evaluate("() => window.__mendflow.document()")


def save(page: Page) -> None:
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("save-state")).to_contain_text("Saved")


def wait_valid(page: Page) -> None:
    expect(page.get_by_test_id("problems-count")).to_have_text("No problems", timeout=10_000)


def without(doc: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in keys}
