"""Reading runs and steps back for the API and the CLI, with secrets masked."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from mendflow.db import Database
from mendflow.errors import NotFoundError
from mendflow.models import Event, Run, Step

_SECRET_KEY = re.compile(r"pass(word)?|secret|token|api[_-]?key|authorization|credential|private", re.I)
MASK = "••••••"


def mask_secrets(value: Any) -> Any:
    """A copy of `value` with the values of secret-looking keys replaced by a mask."""
    if isinstance(value, dict):
        return {k: (MASK if _SECRET_KEY.search(str(k)) and v not in (None, "") else mask_secrets(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _millis(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds() * 1000) if start and end else None


def run_summary(run: Run, event_title: str | None = None) -> dict[str, Any]:
    """A run without its steps; `event_title` names the event that started it (for run lists)."""
    return {"id": run.id, "flow_id": run.flow_id, "flow_name": run.flow_name, "flow_version": run.flow_version,
            "flow_revision": run.flow_revision, "status": run.status, "trigger_node": run.trigger_node,
            "event_id": run.event_id, "incident_id": run.incident_id, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "duration_ms": _millis(run.started_at, run.finished_at),
            "error": run.error, "dry_run": run.dry_run, "replay_of": run.replay_of, "event_title": event_title}


def step_dict(step: Step) -> dict[str, Any]:
    wait = None
    if step.status == "waiting" and step.wait:
        wait = {"kind": step.wait.get("kind"), "responses": step.wait.get("responses"),
                "until": step.wait.get("until")}
    return {"node_id": step.node_id, "node_type": step.node_type, "status": step.status, "port": step.port,
            "attempts": step.attempts, "started_at": _iso(step.started_at), "finished_at": _iso(step.finished_at),
            "duration_ms": _millis(step.started_at, step.finished_at), "config": mask_secrets(step.config),
            "output": mask_secrets(step.output), "error": step.error, "logs": step.logs or [], "wait": wait}


class RunHistory:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, *, flow_id: str | None = None, status: list[str] | None = None,
             since: datetime | None = None, until: datetime | None = None, incident_id: int | None = None,
             limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        stmt = select(Run)
        if flow_id:
            stmt = stmt.where(Run.flow_id == flow_id)
        if status:
            stmt = stmt.where(Run.status.in_(status))
        if since:
            stmt = stmt.where(Run.started_at >= since)
        if until:
            stmt = stmt.where(Run.started_at < until)
        if incident_id is not None:
            stmt = stmt.where(Run.incident_id == incident_id)
        with self.db.sessions() as session:
            total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            page = stmt.add_columns(Event.title).outerjoin(Event, Event.id == Run.event_id)
            rows = session.execute(page.order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
                                   .offset(offset)).all()
            return [run_summary(run, title) for run, title in rows], total

    def get(self, run_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise NotFoundError(f"no run {run_id!r}")
            steps = session.scalars(select(Step).where(Step.run_id == run_id)).all()
            event = session.get(Event, run.event_id) if run.event_id else None
            order = {s.node_id: (s.started_at or run.started_at, i) for i, s in enumerate(steps)}
            ordered = sorted(steps, key=lambda s: order[s.node_id])
            return {**run_summary(run, event.title if event else None),
                    "event": mask_secrets(event.payload) if event else None,
                    "steps": [step_dict(s) for s in ordered]}
