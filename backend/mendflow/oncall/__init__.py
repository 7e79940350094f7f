"""On-call math: rotations, restrictions, overrides, escalation timing and iCal export (pure, no I/O).

`schedules` answers who is on call when and why, `escalation` when each level is notified,
`ical` exports shifts for calendar subscriptions, and `schemas` turns API JSON into these objects.
"""

from mendflow.oncall.escalation import (
    EscalationError,
    EscalationPolicy,
    EscalationStep,
    Level,
    Target,
    due_steps,
    escalation_plan,
    next_step_after,
    policy_errors,
    validate_policy,
)
from mendflow.oncall.ical import shifts_to_ical
from mendflow.oncall.schedules import (
    Layer,
    OnCall,
    Override,
    Restriction,
    Schedule,
    ScheduleError,
    Shift,
    business_hours,
    final_shifts,
    layer_shifts,
    on_call,
    schedule_errors,
    validate_schedule,
)

__all__ = [
    "EscalationError", "EscalationPolicy", "EscalationStep", "Layer", "Level", "OnCall", "Override",
    "Restriction", "Schedule", "ScheduleError", "Shift", "Target", "business_hours", "due_steps", "escalation_plan",
    "final_shifts", "layer_shifts", "next_step_after", "on_call", "policy_errors", "schedule_errors",
    "shifts_to_ical", "validate_policy", "validate_schedule",
]
