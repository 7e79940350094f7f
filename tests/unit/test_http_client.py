"""HttpClient against real local servers: bodies, headers, keep-alive, the body cap, errors, proxies, TLS."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from urllib3.exceptions import InsecureRequestWarning

from mendflow.integrations.errors import IntegrationError
from mendflow.integrations.http import MAX_BODY, HttpClient


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.connections = 0

    @property
    def url(self) -> str:
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_GET(self) -> None:
        self._record(b"")
        if self.path == "/big":
            self._answer(200, b"x" * (MAX_BODY + 10), "text/plain")
        elif self.path == "/slow":
            time.sleep(1.0)
            self._answer(200, b"late", "text/plain")
        elif self.path == "/latin":
            self._answer(200, "café".encode("latin-1"), "text/plain; charset=iso-8859-1")
        else:
            self._answer(404, b'{"error": "nothing here"}', "application/json")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._record(body)
        self._answer(201, json.dumps({"echo": body.decode()}).encode(), "application/json")

    def _record(self, body: bytes) -> None:
        self.server.requests.append({"method": self.command, "path": self.path, "body": body,
                                     "headers": {k.lower(): v for k, v in self.headers.items()}})

    def _answer(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Custom", "yes")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def _serve(server: _Server) -> Iterator[_Server]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    yield from _serve(_Server())


@pytest.fixture
def client() -> HttpClient:
    return HttpClient()


def test_json_post_sends_the_body_and_reads_the_answer(server: _Server, client: HttpClient) -> None:
    response = client.request("POST", f"{server.url}/call", timeout=5, json_body={"seq": 7},
                              headers={"X-Trace": "abc"})
    assert response.status_code == 201 and response.ok
    assert response.json() == {"echo": '{"seq": 7}'}
    assert response.headers["x-custom"] == "yes" and response.headers["X-CUSTOM"] == "yes"
    sent = server.requests[0]
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["headers"]["x-trace"] == "abc" and sent["headers"]["user-agent"] == "mendflow"


def test_text_body_and_a_caller_content_type(server: _Server, client: HttpClient) -> None:
    client.request("POST", f"{server.url}/call", timeout=5, data="plain words", headers={"Content-Type": "text/plain"})
    assert server.requests[0]["body"] == b"plain words"
    assert server.requests[0]["headers"]["content-type"] == "text/plain"


def test_error_statuses_are_answers_not_exceptions(server: _Server, client: HttpClient) -> None:
    response = client.request("GET", f"{server.url}/missing", timeout=5)
    assert response.status_code == 404 and not response.ok
    assert response.json() == {"error": "nothing here"}


def test_the_charset_the_server_names_decodes_the_text(server: _Server, client: HttpClient) -> None:
    assert client.request("GET", f"{server.url}/latin", timeout=5).text == "café"


def test_connections_are_kept_alive_per_thread(server: _Server, client: HttpClient) -> None:
    for i in range(5):
        client.request("POST", f"{server.url}/call", timeout=5, json_body={"i": i})
    assert server.connections == 1
    other = threading.Thread(target=lambda: client.request("GET", f"{server.url}/x", timeout=5))
    other.start()
    other.join()
    assert server.connections == 2  # another thread has its own pool


def test_a_body_over_the_cap_is_cut_and_its_connection_not_reused(server: _Server, client: HttpClient) -> None:
    response = client.request("GET", f"{server.url}/big", timeout=5)
    assert len(response.content) == MAX_BODY
    client.request("GET", f"{server.url}/x", timeout=5)
    assert server.connections == 2


def test_a_refused_connection_is_a_retryable_error(client: HttpClient) -> None:
    with pytest.raises(IntegrationError) as caught:
        client.request("GET", "http://127.0.0.1:9/nothing", timeout=2)  # port 9 (discard) is closed
    assert caught.value.retryable and "GET http://127.0.0.1:9/nothing failed" in str(caught.value)


def test_a_slow_answer_times_out(server: _Server, client: HttpClient) -> None:
    with pytest.raises(IntegrationError, match=r"timed out after 0\.2s") as caught:
        client.request("GET", f"{server.url}/slow", timeout=0.2)
    assert caught.value.retryable


def test_metadata_and_link_local_addresses_are_refused(client: HttpClient) -> None:
    for url in ("http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://100.100.100.200/"):
        with pytest.raises(IntegrationError, match="link-local or metadata") as caught:
            client.request("GET", url, timeout=1)
        assert not caught.value.retryable
    with pytest.raises(IntegrationError, match="must be http"):
        client.request("GET", "file:///etc/passwd", timeout=1)


def test_nan_in_a_json_body_is_refused_before_sending(server: _Server, client: HttpClient) -> None:
    with pytest.raises(IntegrationError, match="cannot be sent") as caught:
        client.request("POST", f"{server.url}/call", timeout=5, json_body={"x": float("nan")})
    assert not caught.value.retryable and server.requests == []


def test_the_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host(
        server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    with _Server() as proxy:
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "")
        HttpClient().request("POST", "http://localhost:1/call", timeout=5, json_body={})  # nothing listens on :1
        assert proxy.requests[0]["path"] == "http://localhost:1/call"  # absolute form: a proxy request
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        HttpClient().request("GET", f"{server.url}/direct", timeout=5)
        assert [r["path"] for r in server.requests] == ["/direct"] and len(proxy.requests) == 1
        proxy.shutdown()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[_Server, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    server = _Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for running in _serve(server):
        yield running, cert


def test_tls_is_verified_against_the_configured_bundle(tls_server: tuple[_Server, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    server, cert = tls_server
    with pytest.raises(IntegrationError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        HttpClient().request("GET", f"{server.url}/x", timeout=5)
    with pytest.warns(InsecureRequestWarning):
        assert HttpClient().request("GET", f"{server.url}/x", timeout=5, verify=False).status_code == 404
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    assert HttpClient().request("GET", f"{server.url}/x", timeout=5).status_code == 404
