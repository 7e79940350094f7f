"""Live view benchmark: how fast step updates reach watchers, and what watching costs the server.

Run with `make bench` (or `.venv/bin/python -m pytest tests/bench/test_live_bench.py -s`). One real `mendflow serve`
process (the embedded default: threading mode, SQLite, inline executor); runs are started through the flow's webhook
at RATE runs/s for LOAD_S seconds each time. Figures are printed and written to tests/bench/results/live_*.json.

- latency: for every step event a watcher receives (`step.started`, `step.finished`), the receive time minus the
  time the engine recorded for that change (the step's `started_at` / `finished_at`, read back over REST). It covers
  the group commit, the announce and the delivery; same machine, same clock. Watchers are python-socketio clients
  subscribed to the flow's room, in a process of their own. Target: p95 < 100 ms.
- server CPU (psutil, the server process, % of one core) with 20 python-socketio watchers connected: idle, then
  under the same load.
- the same with 20 real Chromium pages (the flow editor, runs panel open, following new runs; one browser,
  20 pages), plus the event-to-browser latency measured in the pages (`window.__mendflowLive.log`).

Everything shares the 2 cores: watchers and browsers take CPU from the server, so these are upper bounds.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests
from playwright.sync_api import Playwright

from tests.e2e.conftest import (  # noqa: F401  (pytest fixtures)
    CHROMIUM_ARGS,
    ROOT,
    VIEWPORT,
    Server,
    browser,
    ensure_chromium,
    playwright_instance,
    server,
    signed_in,
)

RATE = 50  # runs per second offered
LOAD_S = 12  # seconds of load per measure
IDLE_S = 5
WATCHERS = 20
LATENCY_CLIENTS = 2
P95_TARGET_MS = 100
STEP_EVENTS = ("step.started", "step.finished")
# Pages in the background of one headless browser must not be throttled: they stand for 20 people's screens.
PAGE_ARGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
             "--disable-backgrounding-occluded-windows"]


@pytest.fixture(scope="module")
def live_flow(server: Server) -> dict[str, Any]:  # noqa: F811
    """webhook → condition → ticket.create → ticket.update, with a skipped branch: 9 events a run."""
    flow_id = f"live-bench-{uuid.uuid4().hex[:6]}"
    nodes = [
        {"id": "hook", "type": "trigger.webhook", "position": {"x": 0, "y": 80}},
        {"id": "check", "type": "logic.condition", "config": {"expression": "event.severity == 'critical'"},
         "position": {"x": 280, "y": 80}},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"},
         "position": {"x": 560, "y": 0}},
        {"id": "note", "type": "ticket.update", "config": {"ticket": "{{ steps.ticket.key }}", "comment": "seen"},
         "position": {"x": 840, "y": 0}},
        {"id": "minor", "type": "ticket.update", "config": {"ticket": "none", "comment": "minor"},
         "position": {"x": 560, "y": 200}},
    ]
    edges = [("hook", "check", "out"), ("check", "ticket", "true"), ("check", "minor", "false"),
             ("ticket", "note", "out")]
    doc = {"schema": "mendflow.flow/v1", "id": flow_id, "name": "Live bench",
           "nodes": [{"config": {}, **n} for n in nodes],
           "edges": [{"id": f"{s}-{t}", "source": s, "source_port": p, "target": t} for s, t, p in edges]}
    status, created = server.request("POST", "/api/flows", doc)
    assert status == 201, created
    status, published = server.request("POST", f"/api/flows/{flow_id}/publish", {"base_revision": created["revision"]})
    assert status == 201, published
    return {"id": flow_id, "hook": f"{server.url}/hooks/{published['hooks'][0]['token']}"}


def _offer(hook: str, rate: float, seconds: float) -> list[str]:
    """POST `rate` events a second to the webhook for `seconds`; the ids of the runs started."""
    count = int(rate * seconds)
    local = threading.local()
    run_ids: list[str] = []
    errors: list[str] = []

    def send(seq: int) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        try:
            response = session.post(hook, json={"title": f"latency probe {seq}", "severity": "critical",
                                                "dedup_key": f"bench-{seq}-{uuid.uuid4().hex[:6]}"}, timeout=30)
            if response.status_code == 202:
                run_ids.extend(response.json()["runs"])
            else:
                errors.append(f"{response.status_code} {response.text[:200]}")
        except requests.RequestException as exc:
            errors.append(repr(exc))

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for seq in range(count):
            delay = start + seq / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, seq)
    assert not errors, errors[:5]
    return run_ids


def _settle(server: Server, flow_id: str, timeout: float = 60) -> None:  # noqa: F811
    deadline = time.monotonic() + timeout
    while True:
        page = server.get(f"/api/runs?flow_id={flow_id}&status=running&status=waiting&limit=1")
        if page["total"] == 0:
            return
        assert time.monotonic() < deadline, f"{page['total']} runs still going"
        time.sleep(0.2)


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _step_times(server: Server, run_ids: list[str]) -> dict[tuple[str, str, str], float]:  # noqa: F811
    """(run, node, event) -> when the engine recorded that change, for every step event the runs announced.

    The trigger's step is announced by `run.created` (no step event); a skipped step only by `step.finished`."""
    times: dict[tuple[str, str, str], float] = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda run_id: server.get(f"/api/runs/{run_id}"), run_ids))
    for run in runs:
        assert run["status"] == "succeeded", run
        for step in run["steps"]:
            if step["node_id"] == run["trigger_node"]:
                continue
            if step["status"] != "skipped":
                times[(run["id"], step["node_id"], "step.started")] = _ts(step["started_at"])
            if step["finished_at"]:
                times[(run["id"], step["node_id"], "step.finished")] = _ts(step["finished_at"])
    return times


def _latencies(received: list[list[Any]], times: dict[tuple[str, str, str], float], runs: set[str]) -> list[float]:
    """Milliseconds from the engine's change to the watcher, for each step event of `runs` one watcher got."""
    out = []
    for at, event, run_id, node_id, _status in received:
        if event in STEP_EVENTS and run_id in runs:
            out.append((at - times[(run_id, node_id, event)]) * 1000)
    return out


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if len(values) < 2:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": max(values, default=None),
                "events": len(values)}
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(ordered[-1], 1), "events": len(ordered)}


class Watchers:
    """python-socketio clients subscribed to one room, recording what they receive, in `processes` subprocesses
    (one Python process decodes only so many messages a second: the clients must not be the bottleneck)."""

    def __init__(self, server: Server, room: str, count: int, out: Path, processes: int = 1) -> None:  # noqa: F811
        self.outs = [out.with_suffix(f".{i}.json") for i in range(processes)]
        sizes = [count // processes + (i < count % processes) for i in range(processes)]
        env = {**os.environ, "MENDFLOW_TOKEN": server.token}
        self.processes = [subprocess.Popen([sys.executable, "-m", "tests.bench.live_watchers", server.url, room,
                                            str(size), str(path)], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True)
                          for size, path in zip(sizes, self.outs, strict=True)]
        for process in self.processes:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.strip() == "ready", f"watchers did not start: {line!r}"

    def stop(self) -> list[list[list[Any]]]:
        for process in self.processes:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write("stop\n")
            process.stdin.close()
        for process in self.processes:
            assert process.wait(180) == 0
            process.stdout.close()  # type: ignore[union-attr]
        return [client for path in self.outs for client in json.loads(path.read_text())]


# Set before the app loads: record every live event (the app's hook) and when each API call is made.
PAGE_PROBES = """
window.__mendflowLive = { log: [] };
window.__apiCalls = [];
const fetchForReal = window.fetch.bind(window);
window.fetch = (input, init) => {
  if (String(input).includes("/api/")) window.__apiCalls.push(Date.now());
  return fetchForReal(input, init);
};
"""


def _browser_processes() -> list[psutil.Process]:
    """This test's Chromium processes (the browser and its renderers), below the Playwright driver."""
    return [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]


def _cpu_or_zero(process: psutil.Process) -> float:
    try:
        return process.cpu_percent(None)
    except psutil.NoSuchProcess:
        return 0.0


def _cpu_during(process: psutil.Process, action: Callable[[], Any]) -> tuple[float, Any]:
    """The process's CPU (% of one core) while `action` runs, and what it returned."""
    process.cpu_percent(None)
    result = action()
    return round(process.cpu_percent(None), 1), result


@pytest.fixture
def server_process(server: Server) -> Iterator[psutil.Process]:  # noqa: F811
    yield psutil.Process(server.process.pid)


def test_step_update_latency_at_50_runs_per_second(server: Server, live_flow: dict[str, Any],  # noqa: F811
                                                   server_process: psutil.Process, tmp_path: Path,
                                                   record: Callable[[str, dict[str, Any]], None]) -> None:
    watchers = Watchers(server, f"flow:{live_flow['id']}", LATENCY_CLIENTS, tmp_path / "latency.json")
    try:
        cpu, run_ids = _cpu_during(server_process, lambda: _offer(live_flow["hook"], RATE, LOAD_S))
        _settle(server, live_flow["id"])
        time.sleep(0.5)
    finally:
        received = watchers.stop()
    times = _step_times(server, run_ids)
    runs = set(run_ids)
    for client in received:  # every watcher got every step event of every run
        assert {(r, n, e) for _, e, r, n, _ in client if e in STEP_EVENTS and r in runs} == set(times)
    latencies = [ms for client in received for ms in _latencies(client, times, runs)]
    figures = {"runs": len(run_ids), "runs_per_s": RATE, "seconds": LOAD_S, "watchers": LATENCY_CLIENTS,
               "events_per_run": round(len(received[0]) / len(run_ids), 2), **_percentiles(latencies),
               "server_cpu_percent": cpu}
    record("live_latency", figures)
    assert figures["p95_ms"] < P95_TARGET_MS, figures


def test_server_cpu_with_20_socketio_watchers(server: Server, live_flow: dict[str, Any],  # noqa: F811
                                              server_process: psutil.Process, tmp_path: Path,
                                              record: Callable[[str, dict[str, Any]], None]) -> None:
    watchers = Watchers(server, f"flow:{live_flow['id']}", WATCHERS, tmp_path / "watchers.json", processes=4)
    try:
        idle, _ = _cpu_during(server_process, lambda: time.sleep(IDLE_S))
        busy, run_ids = _cpu_during(server_process, lambda: _offer(live_flow["hook"], RATE, LOAD_S))
        _settle(server, live_flow["id"])
        time.sleep(0.5)
    finally:
        received = watchers.stop()
    times = _step_times(server, run_ids)
    runs = set(run_ids)
    latencies = [ms for client in received for ms in _latencies(client, times, runs)]
    assert len(latencies) == WATCHERS * len(times)
    figures = {"watchers": WATCHERS, "kind": "python-socketio clients (4 processes)", "idle_cpu_percent": idle,
               "runs_per_s": RATE, "seconds": LOAD_S, "load_cpu_percent": busy,
               "socket_messages_per_s": round(sum(map(len, received)) / LOAD_S),
               **{f"latency_{k}": v for k, v in _percentiles(latencies).items()}}
    record("live_cpu_socketio", figures)


def _watch_in_chromium(playwright: Playwright, server: Server, live_flow: dict[str, Any],  # noqa: F811
                       server_process: psutil.Process, storage_state: str, pages_count: int,
                       every_step: bool, browsers_count: int = 1) -> dict[str, Any]:
    """`pages_count` editor pages (runs panel open, following new runs) in `browsers_count` browsers watch
    RATE runs/s for LOAD_S seconds. The editor hears the flow's run events and the steps of the run it shows;
    with `every_step` each page also joins the flow's room (the app's test hook) and hears every step of every
    run, as a page showing them all live would. The latency is measured on the step events the pages heard."""
    # Browsers of their own: pages that stand for several screens must not be throttled as background tabs.
    chromiums = [playwright.chromium.launch(executable_path=ensure_chromium(), headless=True,
                                            args=[*CHROMIUM_ARGS, *PAGE_ARGS]) for _ in range(browsers_count)]
    try:
        contexts = [chromium.new_context(viewport=VIEWPORT, base_url=server.url, storage_state=storage_state)
                    for chromium in chromiums]
        for context in contexts:
            context.add_init_script(PAGE_PROBES)
        pages = []
        for i in range(pages_count):
            page = contexts[i % browsers_count].new_page()
            page.goto(f"/flows/{live_flow['id']}")
            page.get_by_test_id("tab-runs").click()
            page.locator('[data-testid="runs-panel"] [data-testid="live-state"][data-state="live"]').wait_for()
            if every_step:
                page.evaluate("(room) => window.__mendflowLive.watch(room)", f"flow:{live_flow['id']}")
            pages.append(page)
        idle, _ = _cpu_during(server_process, lambda: time.sleep(IDLE_S))
        browsers = _browser_processes()
        for p in browsers:
            p.cpu_percent(None)
        started = time.time()
        busy, run_ids = _cpu_during(server_process, lambda: _offer(live_flow["hook"], RATE, LOAD_S))
        ended = time.time()
        browsers_cpu = round(sum(_cpu_or_zero(p) for p in browsers), 1)
        _settle(server, live_flow["id"])
        time.sleep(1)
        api_calls = sum(page.evaluate("([a, b]) => window.__apiCalls.filter((t) => t >= a && t <= b).length",
                                      [started * 1000, ended * 1000]) for page in pages)
        logs = [page.evaluate("""() => window.__mendflowLive.log
            .filter((e) => e.name === 'step.started' || e.name === 'step.finished')
            .map((e) => [e.receivedAt / 1000, e.name, e.runId, e.nodeId, e.status])""") for page in pages]
        for context in contexts:
            context.close()
    finally:
        for chromium in chromiums:
            chromium.close()
    times = _step_times(server, run_ids)
    runs = set(run_ids)
    # A page in several rooms (the flow's, the followed run's) hears some events twice: count the first.
    latencies = []
    for log in logs:
        first: dict[tuple[str, str, str], list[Any]] = {}
        for entry in log:
            first.setdefault((entry[2], entry[3], entry[1]), entry)
        latencies += _latencies(list(first.values()), times, runs)
    return {"pages": pages_count, "browsers": browsers_count, "every_step": every_step,
            "kind": "headless Chromium pages: the flow editor, runs panel open, following new runs"
                    + (", and in the flow's room" if every_step else ""),
            "idle_cpu_percent": idle, "runs_per_s": RATE, "seconds": LOAD_S, "load_cpu_percent": busy,
            "browsers_cpu_percent": browsers_cpu,
            "events_seen_share": round(len(latencies) / (pages_count * len(times)), 3),
            "page_api_requests_per_s": round(api_calls / LOAD_S, 1),
            **{f"browser_latency_{k}": v for k, v in _percentiles(latencies).items()}}


def test_event_to_browser_latency_in_one_chromium_page(server: Server, live_flow: dict[str, Any],  # noqa: F811
                                                       server_process: psutil.Process,
                                                       playwright_instance: Playwright,  # noqa: F811
                                                       signed_in: str,  # noqa: F811
                                                       record: Callable[[str, dict[str, Any]], None]) -> None:
    figures = _watch_in_chromium(playwright_instance, server, live_flow, server_process, signed_in, 1, True)
    record("live_latency_chromium", figures)
    assert figures["events_seen_share"] == 1.0, figures
    assert figures["browser_latency_p95_ms"] < P95_TARGET_MS, figures


def test_server_cpu_with_20_chromium_pages(server: Server, live_flow: dict[str, Any],  # noqa: F811
                                           server_process: psutil.Process,
                                           playwright_instance: Playwright,  # noqa: F811
                                           signed_in: str,  # noqa: F811
                                           record: Callable[[str, dict[str, Any]], None]) -> None:
    editor = _watch_in_chromium(playwright_instance, server, live_flow, server_process, signed_in, WATCHERS, False)
    every_step = _watch_in_chromium(playwright_instance, server, live_flow, server_process, signed_in, WATCHERS, True)
    record("live_cpu_chromium", {"editor": editor, "every_step": every_step})
    assert every_step["events_seen_share"] == 1.0, every_step
