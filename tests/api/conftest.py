"""API tests run against SQLite and PostgreSQL."""

from pathlib import Path

import pytest

from tests.conftest import make_database_url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    return make_database_url(request.param, request, tmp_path, sqlite_template)
