"""A local HTTP sink for benchmarks: records (arrival time, body) of every POST; GET /stats returns them.

Run as a separate process (`python -m tests.bench.sink PORTFILE`) so it does not share the
engine's interpreter lock.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stall
    calls: list[tuple[float, str]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        at = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with self.lock:
            self.calls.append((at, body))
        self._answer(b'{"ok":true}')

    def do_GET(self) -> None:
        with self.lock:
            payload = json.dumps(self.calls).encode()
            if self.path == "/reset":
                self.calls.clear()
                payload = b"[]"
        self._answer(payload)

    def _answer(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
