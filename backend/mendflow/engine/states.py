"""Run and step states, their groups, and the transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class StepStatus(StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


RUN_SETTLED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})
STEP_SETTLED = frozenset({StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED})
STEP_ACTIVE = frozenset({StepStatus.RUNNING, StepStatus.WAITING, StepStatus.RETRYING})

_STEP_TRANSITIONS: dict[StepStatus, frozenset[StepStatus]] = {
    StepStatus.RUNNING: frozenset({StepStatus.WAITING, StepStatus.RETRYING, StepStatus.SUCCEEDED,
                                   StepStatus.FAILED, StepStatus.CANCELLED, StepStatus.RUNNING}),
    StepStatus.WAITING: frozenset({StepStatus.RUNNING, StepStatus.CANCELLED, StepStatus.FAILED}),
    StepStatus.RETRYING: frozenset({StepStatus.RUNNING, StepStatus.CANCELLED, StepStatus.FAILED}),
}


class TransitionError(RuntimeError):
    pass


def check_step_transition(old: StepStatus, new: StepStatus) -> None:
    """Raise TransitionError unless a step may go from `old` to `new` (settled steps never change)."""
    if new not in _STEP_TRANSITIONS.get(old, frozenset()):
        raise TransitionError(f"step cannot go from {old} to {new}")
