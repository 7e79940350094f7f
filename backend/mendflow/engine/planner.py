"""What runs next: a pure function of the compiled graph and the step states.

A node is ready when every predecessor has settled; it runs if at least one incoming edge is
active (its source finished through that edge's port) and is skipped otherwise. Skips propagate.
Both executors call this; neither decides readiness on its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Protocol

from mendflow.engine.states import STEP_ACTIVE, STEP_SETTLED, StepStatus
from mendflow.flowdoc.graph import CompiledFlow


class StepView(Protocol):
    status: StepStatus
    port: str | None


def next_nodes(flow: CompiledFlow, steps: Mapping[str, StepView],
               changed: Iterable[str]) -> tuple[list[str], list[str]]:
    """(ready, skipped) among the nodes downstream of `changed` that have no step yet."""
    ready: list[str] = []
    skipped: set[str] = set()
    queue = deque(changed)
    seen: set[str] = set()
    while queue:
        for candidate in flow.successors(queue.popleft()):
            if candidate in steps or candidate in skipped or candidate in seen:
                continue
            verdict = _verdict(flow, steps, skipped, candidate)
            if verdict == "ready":
                seen.add(candidate)
                ready.append(candidate)
            elif verdict == "skip":
                skipped.add(candidate)
                queue.append(candidate)
    return ready, [node_id for node_id in flow.order if node_id in skipped]


def _verdict(flow: CompiledFlow, steps: Mapping[str, StepView], skipped: set[str], node_id: str) -> str | None:
    active = False
    for source, port in flow.incoming[node_id]:
        if source in skipped:
            continue
        step = steps.get(source)
        if step is None or step.status not in STEP_SETTLED:
            return None
        if step.port == port and step.status in (StepStatus.SUCCEEDED, StepStatus.FAILED):
            active = True
    return "ready" if active else "skip"


def has_active_steps(steps: Mapping[str, StepView]) -> bool:
    return any(step.status in STEP_ACTIVE for step in steps.values())
