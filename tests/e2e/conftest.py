"""Browser tests: a real `mendflow serve` process on a free port, driven by Debian's Chromium through Playwright.

Nothing here is skipped: a missing Chromium is installed with apt when possible, otherwise the session fails.
Screenshots go to tests/e2e/artifacts/ (git-ignored); every test also leaves one there when it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 900}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dist_is_stale() -> bool:
    index = FRONTEND / "dist" / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    sources = [FRONTEND / name for name in ("index.html", "package.json", "package-lock.json", "vite.config.ts")]
    sources += [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


def ensure_frontend_built() -> None:
    """Build frontend/dist when it is missing or older than its sources (the same commands as the Makefile)."""
    if not _dist_is_stale():
        return
    if not (FRONTEND / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True)


def ensure_chromium() -> str:
    """Debian's Chromium; installed with apt when missing. A browser test never skips for want of a browser."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False, env=env)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} and could not be installed (apt-get install chromium).")
    return CHROMIUM


class Server:
    """A running `mendflow serve` with a small JSON client for set-up and assertions.

    The database holds the demo people (`mendflow seed-demo`): `demo_password` signs any of them in
    (admin, alice, bob, carol, dave, vera @example.com); `token` is an admin API token the client sends.
    """

    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path, token: str = "",
                 demo_password: str = ""):
        self.url = url
        self.process = process
        self.log = log
        self.token = token
        self.demo_password = demo_password

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {self.token}"})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            err.close()
            return err.code, json.loads(raw) if raw else None

    def raw(self, path: str) -> bytes:
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def get(self, path: str) -> Any:
        status, body = self.request("GET", path)
        assert status == 200, (path, status, body)
        return body


def _seed(exe: str, env: dict[str, str]) -> tuple[str, str]:
    """`mendflow seed-demo` and an admin token, as `make run` users would: the demo password and the token."""
    seeded = subprocess.run([exe, "seed-demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    found = re.search(r"admin@example\.com\s+password (\S+)", seeded.stdout)
    assert found, seeded.stdout
    made = subprocess.run([exe, "tokens", "create", "--user", "admin", "--name", "e2e"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    return found.group(1), made.stdout.strip()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    ensure_frontend_built()
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("FAILED-*.png"):
        old.unlink()
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "MENDFLOW_DATABASE_URL": f"sqlite:///{tmp}/e2e.db", "MENDFLOW_INSTANCE_DIR": str(tmp)}
    exe = Path(sys.executable).parent / "mendflow"
    demo_password, token = _seed(str(exe), env)
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(f"http://127.0.0.1:{port}", process, log, token, demo_password)
    deadline = time.monotonic() + 40
    while True:
        if process.poll() is not None:
            pytest.fail(f"mendflow serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if srv.request("GET", "/api/node-types")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"mendflow serve did not answer within 40 s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    try:
        yield srv
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_shared_playwright: list[Playwright] = []


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # tests/bench imports these fixtures too; one session may hold only one sync Playwright.
    if _shared_playwright:
        yield _shared_playwright[0]
        return
    with sync_playwright() as p:
        _shared_playwright.append(p)
        try:
            yield p
        finally:
            _shared_playwright.clear()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    b = playwright_instance.chromium.launch(executable_path=ensure_chromium(), headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the sign-in page the app shows to someone without a session."""
    page.get_by_test_id("signin-email").fill(email)
    page.get_by_test_id("signin-password").fill(password)
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("signin-page").wait_for(state="detached")


@pytest.fixture(scope="session")
def signed_in(browser: Browser, server: Server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Browser storage (the session cookie) of the demo admin, signed in once through the real sign-in page."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    try:
        page = context.new_page()
        page.goto("/")
        sign_in(page, "admin@example.com", server.demo_password)
        path = tmp_path_factory.mktemp("browser") / "admin.json"
        context.storage_state(path=str(path))
    finally:
        context.close()
    return str(path)


@pytest.fixture
def page(browser: Browser, server: Server, signed_in: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, base_url=server.url,
                                  storage_state=signed_in)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: d.accept())
    pg.set_default_timeout(10_000)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        pg.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"))
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def shot(page: Page, name: str) -> Path:
    """Save a screenshot of the page to tests/e2e/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
