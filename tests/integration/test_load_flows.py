"""Loading flows/ at start-up adds missing flows and never overwrites edits made in the editor."""

from __future__ import annotations

import json
from typing import Any

from mendflow.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "flows" / "process-crash.json"


def test_start_up_load_keeps_editor_changes(runtime: Any) -> None:
    library = runtime.library
    document = json.loads(SHIPPED.read_text())
    detail, action = library.load(document, publish=True, update=False)
    assert (action, detail["published_version"], detail["status"]) == ("created", 1, "published")

    edited = {**detail["document"], "description": "changed in the editor"}
    saved = library.save("process-crash", edited, detail["revision"])
    assert saved["revision"] == 2

    again, action = library.load(document, publish=True, update=False)
    assert action == "kept"
    assert again["document"]["description"] == "changed in the editor"
    assert again["revision"] == 2


def test_import_updates_and_publishes(runtime: Any) -> None:
    library = runtime.library
    document = json.loads(SHIPPED.read_text())
    library.load(document, publish=True)
    changed = {**document, "description": "new text"}
    detail, action = library.load(changed, publish=True)
    assert (action, detail["revision"], detail["published_version"]) == ("updated", 2, 2)
    unchanged, action = library.load(changed, publish=True)
    assert (action, unchanged["revision"], unchanged["published_version"]) == ("unchanged", 2, 2)
