"""Engine fixtures: start tiny flows through the real runtime, and a local HTTP sink to call."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mendflow.incidents import normalize_event

Starter = Callable[..., str]


@pytest.fixture
def start(runtime: Any) -> Starter:
    """Save `doc`, publish it (unless `draft`), and start a run from its first trigger; returns the run id."""

    def start_run(doc: dict[str, Any], event: dict[str, Any] | None = None, *, draft: bool = False,
                  version: int | None = None) -> str:
        library = runtime.library
        if not any(item["id"] == doc["id"] for item in library.list()):
            library.create(doc)
        if not draft and version is None:
            version = library.publish(doc["id"])["published_version"]
        target = library.manual_target(doc["id"], None if draft else version, None)
        payload = {"title": "disk full on db-1", "severity": "critical", **(event or {})}
        started = runtime.engine.start_run(target, normalize_event(payload, source="test")).result(timeout=10)
        return started["run_id"]

    return start_run


def steps_of(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["node_id"]: step for step in run["steps"]}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def messages(step: dict[str, Any]) -> list[str]:
    return [entry["message"] for entry in step["logs"]]


# -- a local HTTP sink --------------------------------------------------------------------------------

@dataclass
class Call:
    at: float
    method: str
    path: str
    body: str


@dataclass
class Sink:
    """Answers scripted statuses per path (then 200) and records every call.

    `hold(path, event)` makes requests to `path` wait for `event` (at most 10 s, then 504), so a
    test can prove two requests were in flight together without timing anything.
    """

    base: str = ""
    calls: list[Call] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)
    holds: dict[str, threading.Event] = field(default_factory=dict)
    arrived: dict[str, threading.Event] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def answer(self, path: str, *statuses: int) -> None:
        self.script[path] = list(statuses)

    def hold(self, path: str, until: threading.Event) -> None:
        self.holds[path] = until

    def arrival(self, path: str) -> threading.Event:
        return self.arrived.setdefault(path, threading.Event())

    def calls_to(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]

    def handle(self, method: str, path: str, body: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(Call(time.time(), method, path, body))
            statuses = self.script.get(path)
            status = statuses.pop(0) if statuses else 200
        self.arrival(path).set()
        if path.startswith("/slow"):
            self.release.wait(10)
            return 200, {"slow": True}
        until = self.holds.get(path)
        if until is not None and not until.wait(10):
            return 504, {"error": "held too long"}
        return status, {"path": path, "status": status}


def _handler(sink: Sink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            status, payload = sink.handle(self.command, self.path, body)
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a step timeout); nothing to answer

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def sink() -> Iterator[Sink]:
    state = Sink()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="test-sink", daemon=True)
    thread.start()
    yield state
    state.release.set()
    for event in state.holds.values():
        event.set()
    server.shutdown()
    server.server_close()
    thread.join(5)
