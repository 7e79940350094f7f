"""In-memory records of active runs and their steps, and how they map to table rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mendflow.engine.states import STEP_ACTIVE, RunStatus, StepStatus, check_step_transition
from mendflow.flowdoc.graph import CompiledFlow
from mendflow.models import utcnow


@dataclass
class StepRecord:
    node_id: str
    node_type: str
    status: StepStatus
    port: str | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    due_at: datetime | None = None
    config: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    error: str | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    wait: dict[str, Any] | None = None
    is_new: bool = True

    def move(self, status: StepStatus) -> None:
        check_step_transition(self.status, status)
        self.status = status
        if status not in STEP_ACTIVE:
            self.finished_at = utcnow()
            self.due_at = None

    def row(self, run_id: str) -> dict[str, Any]:
        return {"run_id": run_id, "node_id": self.node_id, "node_type": self.node_type, "status": str(self.status),
                "port": self.port, "attempts": self.attempts, "started_at": self.started_at,
                "finished_at": self.finished_at, "due_at": self.due_at, "config": self.config,
                "output": self.output, "error": self.error, "logs": self.logs, "wait": self.wait}

    @classmethod
    def from_row(cls, row: Any) -> StepRecord:
        return cls(node_id=row.node_id, node_type=row.node_type, status=StepStatus(row.status), port=row.port,
                   attempts=row.attempts, started_at=row.started_at, finished_at=row.finished_at,
                   due_at=row.due_at, config=row.config, output=row.output, error=row.error,
                   logs=list(row.logs or []), wait=row.wait, is_new=False)


@dataclass
class RunRecord:
    id: str
    flow: CompiledFlow
    status: RunStatus
    trigger_node: str
    event: dict[str, Any]
    incident: dict[str, Any] | None
    started_at: datetime
    steps: dict[str, StepRecord] = field(default_factory=dict)
    finished_at: datetime | None = None
    error: str | None = None
    is_new: bool = True
    store_document: bool = False
    dry_run: bool = False
    replay_of: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, Any]:
        """`steps` in templates: the output of every succeeded (or error-routed) step."""
        return {node_id: step.output for node_id, step in self.steps.items()
                if step.status in (StepStatus.SUCCEEDED, StepStatus.FAILED) and step.output is not None}

    def row(self, document_text: str | None) -> dict[str, Any]:
        return {"id": self.id, "flow_id": self.flow.flow_id, "flow_name": self.flow.name,
                "flow_version": self.flow.version, "flow_revision": self.flow.revision,
                "document": document_text, "status": str(self.status), "trigger_node": self.trigger_node,
                "event_id": self.event.get("id"), "incident_id": self.incident["id"] if self.incident else None,
                "started_at": self.started_at, "finished_at": self.finished_at, "error": self.error,
                "dry_run": self.dry_run, "replay_of": self.replay_of, "choices": self.choices or None}
