"""What a node sees while it runs: the run context, its capabilities, its deadline, its log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mendflow.models import utcnow

if TYPE_CHECKING:
    from mendflow.integrations import Services


@dataclass
class StepContext:
    """Built by the engine for one attempt of one step; nodes read it and never keep it."""

    run_id: str
    flow_id: str
    node_id: str
    node_type: str
    attempt: int
    event: dict[str, Any]
    incident: dict[str, Any] | None
    steps: dict[str, Any]
    services: Services
    deadline: float | None = None
    env: dict[str, Any] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def idempotency_key(self) -> str:
        """`run_id:node_id`: the same on every attempt, so outside systems can refuse duplicates."""
        return f"{self.run_id}:{self.node_id}"

    @property
    def incident_id(self) -> int | None:
        return self.incident["id"] if self.incident else None

    def template_context(self) -> dict[str, Any]:
        return {"event": self.event, "incident": self.incident or {}, "steps": self.steps,
                "run": {"id": self.run_id, "flow_id": self.flow_id}, "flow": {"id": self.flow_id},
                "mendflow": self.env}

    def log(self, message: str, **data: Any) -> None:
        self.logs.append({"at": utcnow().isoformat(), "message": message, **data})

    def note(self, kind: str, message: str, *, actor: str = "mendflow", **data: Any) -> None:
        """Add an entry to the incident timeline; it is written with the step's result."""
        self.timeline.append({"kind": kind, "message": message, "actor": actor, "data": data,
                              "at": utcnow()})

    def remaining(self, default: float) -> float:
        """Seconds left before the step's deadline (at least 0.1), or `default` without one."""
        if self.deadline is None:
            return default
        return max(0.1, min(default, self.deadline - time.monotonic()))


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
