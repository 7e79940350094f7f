"""Replays, dry runs and run comparison: a past run's event against any version of its flow.

On-call teams change flows without fear by replaying yesterday's incident against today's
draft as a dry run, and comparing the two runs node by node.
"""

from __future__ import annotations

import json
from typing import Any

from mendflow.engine.core import Engine, RunOptions
from mendflow.engine.history import RunHistory
from mendflow.errors import InvalidError, NotFoundError
from mendflow.incidents import IncidentService
from mendflow.library import FlowLibrary
from mendflow.models import Event, Run, new_id, utcnow

MAX_DIFFS = 50


def replay(library: FlowLibrary, engine: Engine, runs: RunHistory, incidents: IncidentService, run_id: str, *,
           version: str | int = "same", dry_run: bool = False, choices: dict[str, str] | None = None) -> str:
    """Start a run of `run_id`'s flow with its event; returns the new run's id.

    `version`: "same" (what the run executed), "draft", or a published version number. A dry
    run follows the source run's recorded choices (the port each side-effect step took there)
    unless `choices` says otherwise, and writes nothing to the incident.
    """
    with runs.db.sessions() as session:
        source = session.get(Run, run_id)
        if source is None:
            raise NotFoundError(f"no run {run_id!r}")
        event = session.get(Event, source.event_id) if source.event_id else None
        if event is None:
            raise InvalidError(f"run {run_id} has no stored event to replay")
        payload = dict(event.payload)
        document = source.document
        flow_id, flow_version, trigger = source.flow_id, source.flow_version, source.trigger_node
        incident_id = source.incident_id
    if version == "same" and flow_version is None:
        if document is None:
            raise InvalidError(f"run {run_id} ran a draft that was not kept; replay it against 'draft'")
        target = library.document_target(json.loads(document), trigger)
    else:
        chosen = flow_version if version == "same" else (None if version == "draft" else int(version))
        target = library.manual_target(flow_id, chosen, trigger)
    if dry_run:
        acted = [step for step in runs.get(run_id)["steps"] if step["port"] and step["node_id"] in target.flow.nodes
                 and target.flow.types[step["node_id"]].side_effects]
        options = RunOptions(dry_run=True, replay_of=run_id,
                             choices={**{s["node_id"]: s["port"] for s in acted}, **(choices or {})},
                             recorded={s["node_id"]: s["output"] or {} for s in acted},
                             incident=incidents.get(incident_id) if incident_id else None)
    else:
        payload.update(id=new_id(), received_at=utcnow().isoformat())
        options = RunOptions(replay_of=run_id, choices=dict(choices or {}))
    return engine.start_run(target, payload, options).result(timeout=30)["run_id"]


def compare(runs: RunHistory, left_id: str, right_id: str) -> dict[str, Any]:
    """Two runs side by side: per node, what ran, which port it took, and where outputs differ."""
    left, right = runs.get(left_id), runs.get(right_id)
    left_steps = {s["node_id"]: s for s in left["steps"]}
    right_steps = {s["node_id"]: s for s in right["steps"]}
    nodes = []
    for node_id in [*left_steps, *(n for n in right_steps if n not in left_steps)]:
        a, b = left_steps.get(node_id), right_steps.get(node_id)
        nodes.append({
            "node_id": node_id,
            "left": _brief(a), "right": _brief(b),
            "same_path": _path(a) == _path(b),
            "output_diff": _diff(a["output"] if a else None, b["output"] if b else None)[:MAX_DIFFS],
        })
    strip = {"steps", "event"}
    return {"left": {k: v for k, v in left.items() if k not in strip},
            "right": {k: v for k, v in right.items() if k not in strip},
            "same_path": all(node["same_path"] for node in nodes), "nodes": nodes}


def _brief(step: dict[str, Any] | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {key: step[key] for key in ("status", "port", "attempts", "duration_ms", "error")}


def _path(step: dict[str, Any] | None) -> tuple[Any, ...] | None:
    return None if step is None else (step["status"], step["port"])


def _diff(left: Any, right: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(left, dict) and isinstance(right, dict):
        found: list[dict[str, Any]] = []
        for key in sorted(set(left) | set(right), key=str):
            found.extend(_diff(left.get(key), right.get(key), f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [d for i, (a, b) in enumerate(zip(left, right, strict=True)) for d in _diff(a, b, f"{path}[{i}]")]
    return [] if left == right else [{"path": path or "(output)", "left": left, "right": right}]


__all__ = ["compare", "replay"]
