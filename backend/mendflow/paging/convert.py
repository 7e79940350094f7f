"""Stored on-call rows to the on-call dataclasses (layers and levels are kept as their schemas' JSON)."""

from __future__ import annotations

from collections.abc import Iterable

from mendflow.models import EscalationPolicy as PolicyRow
from mendflow.models import Schedule as ScheduleRow
from mendflow.models import ScheduleOverride
from mendflow.oncall import EscalationPolicy, Override, Schedule
from mendflow.oncall.schemas import LayerSchema, LevelSchema

_LAYERS = LayerSchema(many=True)
_LEVELS = LevelSchema(many=True)


def schedule_from_row(row: ScheduleRow, overrides: Iterable[ScheduleOverride] = ()) -> Schedule:
    return Schedule(row.id, row.name, row.time_zone, tuple(_LAYERS.load(row.layers)),
                    tuple(Override(o.id, o.user_id, o.start, o.end) for o in overrides))


def policy_from_row(row: PolicyRow) -> EscalationPolicy:
    return EscalationPolicy(row.id, row.name, tuple(_LEVELS.load(row.levels)), row.repeat)
