"""Fixtures shared by every test: settings on a fresh database, the app, a test client, helpers.

Databases: `sqlite` (a migrated template file copied per test) and `postgres` (a database made
for the test session on 127.0.0.1:5432, migrated once, emptied between tests). A test that asks
for PostgreSQL fails when it is not there: CI must not skip what it claims to check.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mendflow.config import PROJECT_ROOT, Settings
from mendflow.migrations import upgrade

FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN_URL = os.environ.get("MENDFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SETTLED = {"succeeded", "failed", "cancelled"}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"mendflow_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    from mendflow.models import Base

    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_database_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if kind == "postgres":
        url = request.getfixturevalue("postgres_url")
        _empty_postgres(url)
        return url
    path = tmp_path / "mendflow.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """The database under test; tests/api parametrizes it over sqlite and postgres."""
    return make_database_url(request.param, request, tmp_path, sqlite_template)


@pytest.fixture
def playbook_dir(tmp_path: Path) -> Path:
    """Shipped playbooks plus the test ones, in one directory."""
    target = tmp_path / "playbooks"
    shutil.copytree(PROJECT_ROOT / "flows" / "playbooks", target)
    for playbook in (FIXTURES / "playbooks").glob("*.yml"):
        shutil.copy(playbook, target / playbook.name)
    return target


@pytest.fixture
def settings(tmp_path: Path, database_url: str, playbook_dir: Path) -> Settings:
    return Settings.from_env(environ={}, instance_dir=tmp_path / "instance", database_url=database_url,
                             playbook_dir=playbook_dir, migrate_on_start=False, workers=8,
                             secret_key="test-secret")


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    from mendflow.app import create_app

    app = create_app(settings, start_engine=False)
    runtime = app.extensions["mendflow"]
    seed_directory(runtime)
    runtime.start()
    yield app
    runtime.close()


PAGED_TEAMS = ("storage", "ops")


def seed_directory(runtime: Any) -> None:
    """The teams test flows page (team:storage, team:ops), each with the responder `oncall` as member."""
    runtime.people.create_user("oncall", "oncall@example.com", "On Call", "responder")
    for team in PAGED_TEAMS:
        runtime.people.create_team(team, team.title(), members=["oncall"])


@pytest.fixture
def runtime(app: Any) -> Any:
    return app.extensions["mendflow"]


ClientFactory = Callable[..., Any]


@pytest.fixture
def client_as(app: Any) -> ClientFactory:
    """`client_as("viewer")`: a test client that sends an API token of a user with that role.

    The user is `test-<role>` unless `user_id` is given; it is created (without a password) when missing.
    `token_role` makes a token below its user's role. The client's token is in `client.token`.
    """

    def make(role: str = "admin", user_id: str | None = None, token_role: str | None = None) -> Any:
        runtime = app.extensions["mendflow"]
        user_id = user_id or f"test-{role}"
        if not any(u["id"] == user_id for u in runtime.people.list_users()):
            runtime.people.create_user(user_id, f"{user_id}@example.com", user_id.title(), role)
        _, secret = runtime.tokens.create(user_id, "tests", token_role or role)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        client.token = secret
        return client

    return make


@pytest.fixture
def client(client_as: ClientFactory) -> Any:
    """A test client with an admin's API token: it may call every endpoint."""
    return client_as("admin")


@pytest.fixture
def anonymous(app: Any) -> Any:
    """A test client with no identity at all."""
    return app.test_client()


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.02) -> Any:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture
def wait_run(runtime: Any) -> Callable[..., dict[str, Any]]:
    """Wait until a run reaches one of `states` (settled by default) and return its detail."""

    def wait(run_id: str, states: set[str] | None = None, timeout: float = 15.0) -> dict[str, Any]:
        wanted = states or SETTLED
        return wait_for(lambda: (lambda r: r if r["status"] in wanted else None)(runtime.runs.get(run_id)),
                        timeout)

    return wait


def flow_doc(flow_id: str, nodes: list[dict[str, Any]], edges: list[tuple[Any, ...]],
             name: str | None = None) -> dict[str, Any]:
    """A flow document from compact node dicts and (source, target[, port]) edge tuples."""
    return {
        "schema": "mendflow.flow/v1", "id": flow_id, "name": name or flow_id,
        "nodes": [{"config": {}, **node} for node in nodes],
        "edges": [{"id": f"e{i}", "source": e[0], "target": e[1], "source_port": e[2] if len(e) > 2 else "out"}
                  for i, e in enumerate(edges)],
    }
