"""Every shipped flow validates, is stored in canonical form, and is named after its id."""

import json
from pathlib import Path

import pytest

from mendflow.config import PROJECT_ROOT
from mendflow.flowdoc import dump_flow, load_flow, validate_flow
from mendflow.nodes import default_registry

FLOW_FILES = sorted((PROJECT_ROOT / "flows").glob("*.json"))
FAMILIES = {"trigger", "logic", "alert", "ticket", "chat", "runbook", "deploy", "incident"}


def test_there_are_shipped_flows() -> None:
    assert len(FLOW_FILES) >= 3


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_shipped_flow_is_valid_and_canonical(path: Path) -> None:
    text = path.read_text()
    data = json.loads(text)
    assert validate_flow(data, default_registry().get) == []
    assert data["id"] == path.stem
    assert dump_flow(load_flow(data)) == text, "run the file through dump_flow to canonicalize it"


def test_one_shipped_flow_uses_every_step_family() -> None:
    families = [{node["type"].split(".")[0] for node in json.loads(p.read_text())["nodes"]} for p in FLOW_FILES]
    assert any(f >= FAMILIES for f in families)
