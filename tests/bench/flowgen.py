"""Generated flows of any size for benchmarks: a chain of mixed node types with templates."""

from __future__ import annotations

import random
from typing import Any

_KINDS = ("ticket.create", "chat.post", "runbook.http", "logic.condition")


def chain_flow(size: int, seed: int = 7) -> dict[str, Any]:
    """A valid flow of `size` nodes: one webhook trigger, then a chain cycling through four node types.

    Every node has a realistic config; chat posts read the previous step through a template, so
    the upstream-reference check has real work to do.
    """
    rng = random.Random(seed)
    nodes = [{"id": "t0", "type": "trigger.webhook", "config": {"title_contains": "x"}, "position": {"x": 0, "y": 0}}]
    edges = []
    for i in range(1, size):
        kind = _KINDS[i % len(_KINDS)]
        prev = nodes[-1]
        config = {
            "ticket.create": {"title": f"{{{{ event.title }}}} #{i}", "priority": "high"},
            "chat.post": {"channel": "ops", "text": f"step {i}: {{{{ steps.{prev['id']}.status }}}}"},
            "runbook.http": {"url": "http://127.0.0.1:9/hook", "method": "GET", "timeout": "5s"},
            "logic.condition": {"expression": "event.severity == 'critical'"},
        }[kind]
        nodes.append({"id": f"n{i}", "type": kind, "label": f"step {i}", "config": config,
                      "position": {"x": i * 40, "y": rng.randint(0, 600)}})
        port = "true" if prev["type"] == "logic.condition" else "out"
        edges.append({"id": f"e{i}", "source": prev["id"], "target": f"n{i}", "source_port": port})
    return {"schema": "mendflow.flow/v1", "id": f"generated-{size}", "name": f"Generated {size}",
            "description": "", "nodes": nodes, "edges": edges}
