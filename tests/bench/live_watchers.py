"""Socket.IO watchers for the live benchmark, in a process of their own (so their work does not slow the load).

    MENDFLOW_TOKEN=<API token> python -m tests.bench.live_watchers URL ROOM COUNT OUT

Connects COUNT python-socketio clients, subscribes each to ROOM, then prints "ready" and records every event
(receive time, name, run, node, status) until a line arrives on stdin and then nothing more arrives for a second
(what the server still had queued is delivered, not cut off); writes the records to OUT as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import socketio


def main(url: str, room: str, count: int, out: str) -> None:
    clients: list[socketio.Client] = []
    records: list[list[list[Any]]] = []
    for _ in range(count):
        client = socketio.Client(reconnection=False)
        seen: list[list[Any]] = []

        def on_any(event: str, data: dict[str, Any], seen: list[list[Any]] = seen) -> None:
            seen.append([time.time(), event, data.get("run_id"), data.get("node_id"), data.get("status")])

        client.on("*", on_any)
        client.connect(url, transports=["websocket"], wait_timeout=10, auth={"token": os.environ["MENDFLOW_TOKEN"]})
        answer = client.call("subscribe", {"room": room}, timeout=10)
        if not answer or not answer.get("ok"):
            raise SystemExit(f"subscribe refused: {answer}")
        clients.append(client)
        records.append(seen)
    print("ready", flush=True)
    sys.stdin.readline()
    total = -1
    deadline = time.monotonic() + 150
    while total != sum(map(len, records)) and time.monotonic() < deadline:
        total = sum(map(len, records))
        time.sleep(1)
    for client in clients:
        client.disconnect()
    with open(out, "w") as f:
        json.dump(records, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
