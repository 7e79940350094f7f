"""Canvas benchmark: a generated 1,000-node flow opens and is interactive quickly, and dragging stays smooth.

Run with `make bench` (or `.venv/bin/python -m pytest tests/bench/test_canvas_bench.py -s`). Figures are printed
and written to tests/bench/results/canvas.json:

- open_ms: from navigation start (a full page load of /flows/<id>) to the first frame painted after the 1,000 nodes
  are on the canvas and a timer after it has run, in headless Chromium; the median of 5 loads after a first, cold
  one (reported too) (target < 1,500 ms);
- drag frame times: requestAnimationFrame timestamp deltas while a node is dragged across the canvas (target < 33 ms);
- the production bundle's size, gzipped.
"""

from __future__ import annotations

import gzip
import itertools
import json
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (  # noqa: F401  (pytest fixtures)
    FRONTEND,
    VIEWPORT,
    Server,
    browser,
    playwright_instance,
    server,
    signed_in,
)

RESULTS = Path(__file__).parent / "results"
NODES = 1000
COLUMNS = 25
OPEN_BUDGET_MS = 1500
FRAME_BUDGET_MS = 33


def generated_flow(n: int = NODES) -> dict:
    """A valid flow: one trigger and n-1 configured steps in a grid, each fed by an earlier step (a tree)."""
    kinds = [
        ("ticket.create", {"title": "{{ event.title }}", "priority": "high"}),
        ("chat.post", {"channel": "#ops", "text": "{{ event.title }}"}),
        ("logic.condition", {"expression": "event.severity == 'critical'"}),
        ("runbook.ansible", {"playbook": "clean_tmp.yml"}),
    ]
    nodes = [{"id": "n0", "type": "trigger.manual", "label": "Start", "config": {}, "position": {"x": 0, "y": 0}}]
    edges = []
    for i in range(1, n):
        node_type, config = kinds[i % len(kinds)]
        nodes.append(
            {
                "id": f"n{i}",
                "type": node_type,
                "label": f"Step {i}",
                "config": config,
                "position": {"x": (i % COLUMNS) * 280, "y": (i // COLUMNS) * 170},
            }
        )
        parent = (i - 1) // 3
        port = "true" if nodes[parent]["type"] == "logic.condition" else "out"
        edges.append({"id": f"e{i}", "source": f"n{parent}", "source_port": port, "target": f"n{i}"})
    return {
        "schema": "mendflow.flow/v1",
        "id": "bench-1000",
        "name": "Benchmark 1000 nodes",
        "description": "",
        "nodes": nodes,
        "edges": edges,
    }


def bundle_sizes() -> dict[str, int]:
    assets = FRONTEND / "dist" / "assets"
    raw = gz = 0
    for f in assets.iterdir():
        if f.suffix in {".js", ".css"}:
            data = f.read_bytes()
            raw += len(data)
            gz += len(gzip.compress(data, compresslevel=9))
    return {"bundle_bytes": raw, "bundle_gzip_bytes": gz}


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def open_flow(page: Page, flow_id: str) -> float:
    page.goto(f"/flows/{flow_id}")
    page.wait_for_function(f"() => window.__mendflow && window.__mendflow.nodeCount === {NODES}", timeout=30_000)
    expect(page.locator(".react-flow__node").first).to_be_visible()
    # Interactive: the page paints the next frame and answers a timer after it.
    return page.evaluate(
        """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
             () => setTimeout(() => r(performance.now()), 0))))"""
    )


def drag_frames(page: Page, node_id: str) -> list[float]:
    card = page.locator(f'.react-flow__node[data-id="{node_id}"] .step-head')
    box = card.bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate(
        """() => { window.__frames = []; window.__rec = true;
           const tick = t => { if (!window.__rec) return; window.__frames.push(t); requestAnimationFrame(tick); };
           requestAnimationFrame(tick); }"""
    )
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 121):  # about two seconds of dragging in small steps, like a hand would
        page.mouse.move(x + i * 3, y + (i % 40) * 2)
        page.wait_for_timeout(8)
    page.mouse.up()
    frames = page.evaluate("() => { window.__rec = false; return window.__frames; }")
    return [b - a for a, b in itertools.pairwise(frames)]


def test_open_and_drag_1000_nodes(page_factory_bench, server: Server) -> None:  # noqa: F811
    status, body = server.request("POST", "/api/flows/import", generated_flow())
    assert status == 201, body
    page = page_factory_bench()

    cold = open_flow(page, "bench-1000")  # the first load also compiles the JavaScript
    runs = [open_flow(page, "bench-1000") for _ in range(5)]
    open_ms = statistics.median(runs)
    page.screenshot(path=str(RESULTS / "canvas-1000.png"))

    deltas = drag_frames(page, "n1")
    moved = page.evaluate("() => window.__mendflow.document().nodes.find(n => n.id === 'n1').position")
    assert moved != {"x": 280, "y": 0}, "the node did not move"

    figures = {
        "nodes": NODES,
        "open_ms_cold": round(cold),
        "open_ms_runs": [round(r) for r in runs],
        "open_ms_median": round(open_ms),
        "drag_frames": len(deltas),
        "drag_frame_ms_median": round(statistics.median(deltas), 1),
        "drag_frame_ms_p95": round(percentile(deltas, 95), 1),
        "drag_frame_ms_max": round(max(deltas), 1),
        **bundle_sizes(),
        "viewport": VIEWPORT,
    }
    (RESULTS / "canvas.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("\ncanvas bench:", json.dumps(figures))
    assert open_ms < OPEN_BUDGET_MS, figures
    assert figures["drag_frame_ms_p95"] < FRAME_BUDGET_MS, figures


@pytest.fixture
def page_factory_bench(browser, server: Server, signed_in: str):  # noqa: F811
    RESULTS.mkdir(exist_ok=True)
    contexts = []

    def make() -> Page:
        ctx = browser.new_context(viewport=VIEWPORT, base_url=server.url, storage_state=signed_in)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for c in contexts:
        c.close()
