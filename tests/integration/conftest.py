"""Real `mendflow serve` processes for integration tests, started and stopped by the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mendflow.config import PROJECT_ROOT

MENDFLOW = str(Path(sys.executable).parent / "mendflow")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One `mendflow serve` process on a free port; `start()` again after `kill()` reuses its database.

    Before the first start an admin user and an API token are made with the CLI; `api()` sends the token.
    """

    def __init__(self, instance: Path, playbook_dir: Path) -> None:
        self.instance = instance
        self.playbook_dir = playbook_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance / "serve.log"
        self.token = ""

    def environ(self, **env: str) -> dict[str, str]:
        environ = {**os.environ, "MENDFLOW_INSTANCE_DIR": str(self.instance),
                   "MENDFLOW_PLAYBOOK_DIR": str(self.playbook_dir), "MENDFLOW_PUBLIC_URL": self.url, **env}
        environ.pop("MENDFLOW_DATABASE_URL", None)
        environ.pop("MENDFLOW_API_TOKEN", None)
        return environ

    def cli(self, *args: str) -> str:
        """Run `mendflow ARGS...` on this server's instance; its stdout."""
        done = subprocess.run([MENDFLOW, *args], env=self.environ(), capture_output=True, text=True, cwd=PROJECT_ROOT,
                              timeout=60)
        assert done.returncode == 0, f"mendflow {' '.join(args)}: {done.stderr}"
        return done.stdout

    def start(self, **env: str) -> Server:
        self.instance.mkdir(parents=True, exist_ok=True)
        if not self.token:
            self.cli("users", "create", "root", "--email", "root@example.com", "--role", "admin")
            self.token = self.cli("tokens", "create", "--user", "root", "--name", "tests").strip()
        environ = self.environ(**env)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([MENDFLOW, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                            env=environ, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/health", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"server did not answer within 30 s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    def wait_exit(self, timeout: float = 20) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request with the admin token (pass headers= to send other ones)."""
        kwargs.setdefault("headers", {"Authorization": f"Bearer {self.token}"})
        return requests.request(method, f"{self.url}{path}", timeout=30, **kwargs)


@pytest.fixture
def server(tmp_path: Path, playbook_dir: Path) -> Iterator[Server]:
    instance = Server(tmp_path / "instance", playbook_dir)
    yield instance
    instance.kill()
