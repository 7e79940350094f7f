"""Inline executor on SQLite, every run and step persisted, a 5-step flow:
webhook → condition → ticket.create → chat.post → runbook.http to a local sink (another process).

Two measures: sustained events/s with events offered as fast as the engine accepts them
(bounded count), and latency from "event accepted" (the ingest committed) to the sink's call,
p50/p99, at a fixed offered rate well under saturation. Target: 1,000 events/s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from mendflow.config import PROJECT_ROOT, Settings
from mendflow.incidents import normalize_event
from mendflow.runtime import Runtime

TARGET_EVENTS_PER_S = 1000
SATURATION_EVENTS = 3000
LATENCY_EVENTS = 600
LATENCY_RATE = 100  # events/s offered during the latency measure


@pytest.fixture
def sink(tmp_path: Path) -> Any:
    portfile = tmp_path / "port"
    process = subprocess.Popen([sys.executable, "-m", "tests.bench.sink", str(portfile)], cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 10
    while not (portfile.exists() and portfile.read_text()):
        assert time.monotonic() < deadline, "sink did not start"
        time.sleep(0.02)
    url = f"http://127.0.0.1:{portfile.read_text()}"
    yield url
    process.kill()
    process.wait()


@pytest.fixture
def runtime(tmp_path: Path, sink: str) -> Any:
    settings = Settings.from_env(environ={}, instance_dir=tmp_path / "instance", workers=8)
    runtime = Runtime.build(settings)
    runtime.library.create({"schema": "mendflow.flow/v1", "id": "bench", "name": "Bench", "nodes": [
        {"id": "hook", "type": "trigger.webhook", "config": {}},
        {"id": "critical", "type": "logic.condition", "config": {"expression": "event.severity == 'critical'"}},
        {"id": "ticket", "type": "ticket.create", "config": {"title": "{{ event.title }}"}},
        {"id": "chat", "type": "chat.post", "config": {"channel": "bench", "text": "{{ steps.ticket.key }}"}},
        {"id": "sink", "type": "runbook.http",
         "config": {"url": f"{sink}/call", "json": {"seq": "{{ event.raw.seq }}"}}},
    ], "edges": [
        {"id": "e1", "source": "hook", "target": "critical"},
        {"id": "e2", "source": "critical", "source_port": "true", "target": "ticket"},
        {"id": "e3", "source": "ticket", "target": "chat"},
        {"id": "e4", "source": "chat", "target": "sink"}]})
    runtime.library.publish("bench")
    runtime.services.chat.create_channel(name="bench")
    runtime.start()
    yield runtime
    runtime.close()


def _offer(runtime: Any, count: int, first: int, rate: float | None) -> dict[int, float]:
    """Offer `count` events (at `rate` per second, or as fast as accepted); seq -> accepted time."""
    accepted: dict[int, float] = {}
    lock = threading.Lock()

    def done(seq: int) -> Any:
        def callback(_future: Any) -> None:
            with lock:
                accepted[seq] = time.time()
        return callback

    start = time.time()
    for i in range(count):
        seq = first + i
        if rate:
            time.sleep(max(0.0, start + i / rate - time.time()))
        event = normalize_event({"title": f"bench {seq}", "severity": "critical", "seq": seq,
                                 "dedup_key": f"bench-{seq}"}, source="bench")
        runtime.engine.ingest(event).add_done_callback(done(seq))
        while not rate and len(accepted) < i - 500:  # bounded backlog
            time.sleep(0.001)
    return accepted


def _wait_calls(sink: str, count: int, timeout: float = 600) -> list[tuple[float, dict[str, Any]]]:
    deadline = time.monotonic() + timeout
    while True:
        calls = requests.get(f"{sink}/stats", timeout=10).json()
        if len(calls) >= count or time.monotonic() > deadline:
            return [(at, json.loads(body)) for at, body in calls]
        time.sleep(0.2)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def test_inline_executor_throughput_and_latency(runtime: Any, sink: str, record: Any) -> None:
    start = time.time()
    _offer(runtime, SATURATION_EVENTS, 0, None)
    calls = _wait_calls(sink, SATURATION_EVENTS)
    assert len(calls) == SATURATION_EVENTS
    elapsed = max(at for at, _ in calls) - start
    throughput = SATURATION_EVENTS / elapsed

    requests.get(f"{sink}/reset", timeout=10)
    accepted = _offer(runtime, LATENCY_EVENTS, SATURATION_EVENTS, LATENCY_RATE)
    calls = _wait_calls(sink, LATENCY_EVENTS)
    latencies = [(at - accepted[int(body["seq"])]) * 1000 for at, body in calls]
    _, total = runtime.runs.list(status=["succeeded"], limit=1)
    assert total == SATURATION_EVENTS + LATENCY_EVENTS

    figures = {"events_per_s": round(throughput), "events": SATURATION_EVENTS,
               "latency_rate_per_s": LATENCY_RATE, "latency_p50_ms": round(_percentile(latencies, 0.5), 1),
               "latency_p99_ms": round(_percentile(latencies, 0.99), 1), "target_events_per_s": TARGET_EVENTS_PER_S}
    record("inline_executor_5_steps", figures)
    assert throughput >= TARGET_EVENTS_PER_S, f"{throughput:.0f} events/s, target {TARGET_EVENTS_PER_S}"
