"""GET /api/node-types against a committed snapshot, so a config-schema change shows in review.

Refresh after an intended change: MENDFLOW_UPDATE_SNAPSHOTS=1 pytest tests/api/test_node_types_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_database_url

SNAPSHOT = Path(__file__).parent / "snapshots" / "node_types.json"
REFRESH = "MENDFLOW_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/api/test_node_types_snapshot.py"


def as_text(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """The catalogue does not depend on the database: SQLite only, not parametrized like the rest of tests/api."""
    return make_database_url("sqlite", request, tmp_path, sqlite_template)


def test_node_types_match_the_snapshot(client: Any) -> None:
    response = client.get("/api/node-types")
    assert response.status_code == 200, response.json
    current = as_text(response.json)
    if os.environ.get("MENDFLOW_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current)
    expected = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if current != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), current.splitlines(keepends=True),
                                            fromfile=str(SNAPSHOT.name), tofile="GET /api/node-types"))
        pytest.fail(f"/api/node-types changed. If the change is intended, refresh the snapshot with\n  {REFRESH}\n"
                    f"and commit it.\n\n{diff}", pytrace=False)
