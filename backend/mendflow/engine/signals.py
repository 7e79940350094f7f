"""Signals the engine sends after a state change is committed; live.py turns them into Socket.IO."""

from blinker import Namespace

_signals = Namespace()

run_changed = _signals.signal("run-changed")
"""sender: the engine; payload: run_id, flow_id, status, incident_id, and event, one of
run.created, run.waiting (only waits remain), run.resumed (running again), run.finished."""

step_changed = _signals.signal("step-changed")
"""sender: the engine; payload: run_id, flow_id, node_id, status, port, attempts, and event, one of
step.started (an attempt begins), step.retrying, step.waiting, step.resumed (a wait ends: a
response or its timeout), step.finished (succeeded, failed, skipped or cancelled)."""

incident_changed = _signals.signal("incident-changed")
"""sender: the engine; payload: incident_id, action."""
