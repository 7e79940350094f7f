"""Marshmallow schemas between on-call JSON (API bodies, stored layers and levels) and the on-call dataclasses.

Loading validates everything the dataclasses' own checks know (validate_schedule, validate_policy)
and reports it as marshmallow field errors at the exact path, e.g.
`{"layers": {0: {"users": ["a rotation needs at least one user"]}}}`; it returns the dataclasses.
Dumping turns the dataclasses back into JSON: times "HH:MM", date-times ISO 8601 with an offset,
durations "15m" / "12h" / "1d", days 0 (Monday) .. 6 (Sunday).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from mendflow.flowdoc.durations import parse_duration
from mendflow.oncall.escalation import (
    MAX_REPEAT,
    TARGET_KINDS,
    EscalationError,
    EscalationPolicy,
    Level,
    Target,
    policy_errors,
)
from mendflow.oncall.schedules import (
    DAY,
    RESTRICTION_KINDS,
    ROTATIONS,
    WEEK,
    Layer,
    Override,
    Restriction,
    Schedule,
    ScheduleError,
    format_length,
    layer_errors,
    restriction_errors,
    schedule_errors,
    time_zone_errors,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID_MESSAGE = "Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
_USER_MESSAGE = "a user id must be 1 to 64 characters"
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATETIME_ERRORS = {
    "invalid": "Not an ISO 8601 date-time; write e.g. 2024-03-04T09:00:00+01:00.",
    "invalid_awareness": "Needs a UTC offset, e.g. 2024-03-04T09:00:00+01:00 or ...Z.",
}


def field_errors(errors: list[ScheduleError] | list[EscalationError]) -> dict[Any, Any]:
    """Domain errors as a marshmallow error dict: `layers.0.users` becomes {"layers": {0: {"users": [...]}}}."""
    nested: dict[Any, Any] = {}
    for error in errors:
        node = nested
        keys: list[Any] = [int(part) if part.isdigit() else part for part in error.field.split(".")]
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(keys[-1], []).append(error.message)
    return nested


def _raise_for(errors: list[ScheduleError] | list[EscalationError]) -> None:
    if errors:
        raise ValidationError(field_errors(errors))


class ClockTime(fields.String):
    """A wall-clock time "HH:MM" (00:00 .. 23:59)."""

    default_error_messages = {"invalid_time": "Not a time; write HH:MM, e.g. 09:00 or 17:30."}

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> time:
        text = super()._deserialize(value, attr, data, **kwargs)
        hours, _, minutes = text.strip().partition(":")
        if not (len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()
                and int(hours) < 24 and int(minutes) < 60):
            raise self.make_error("invalid_time")
        return time(int(hours), int(minutes))


class Duration(fields.String):
    """A duration "15m", "1h30m", "2d" (or a number of seconds), as a timedelta."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_length(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> timedelta:
        if not isinstance(value, str | int | float):
            raise ValidationError("Not a duration; write e.g. 15m, 1h or 2d.")
        try:
            return timedelta(seconds=parse_duration(value))
        except ValueError as exc:
            raise ValidationError(f"{exc}.") from None
        except OverflowError:
            raise ValidationError(f"{value!r} is far too long.") from None


class Weekday(fields.Integer):
    """A day of the week: 0 (Monday) .. 6 (Sunday), or its English name ("mon", "Monday")."""

    default_error_messages = {"invalid_day": "Not a day; use 0 (Monday) .. 6 (Sunday) or a name like 'mon'."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str):
            name = value.strip().lower()
            if name.isdigit():
                value = int(name)
            else:
                value = next((i for i, day in enumerate(_DAY_NAMES) if len(name) >= 3 and day.startswith(name)), None)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            raise self.make_error("invalid_day")
        return value


def _known_zone(name: str) -> None:
    errors = time_zone_errors(name)
    if errors:
        raise ValidationError(errors[0].message)


def _aware_datetime(**kwargs: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(error_messages=_DATETIME_ERRORS, **kwargs)


class RestrictionSchema(Schema):
    """When a layer is active: every day (`daily`) or one window a week (`weekly`)."""

    kind = fields.String(required=True, validate=validate.OneOf(RESTRICTION_KINDS))
    start_day = Weekday(load_default=None, allow_none=True, metadata={"description": "weekly only: 0=Monday"})
    start_time = ClockTime(required=True, metadata={"description": "HH:MM in the layer's time zone"})
    end_day = Weekday(load_default=None, allow_none=True, metadata={"description": "weekly only: 0=Monday"})
    end_time = ClockTime(required=True, metadata={"description": "HH:MM; at or before the start wraps over"})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Restriction:
        restriction = Restriction(**data)
        _raise_for(restriction_errors(restriction))
        return restriction


class LayerSchema(Schema):
    """One rotation layer; `shift_length` only for custom rotations (daily is 1d, weekly 7d)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    users = fields.List(fields.String(validate=validate.Length(min=1, max=64, error=_USER_MESSAGE)), required=True,
                        validate=validate.Length(min=1, error="a rotation needs at least one user"),
                        metadata={"description": "user ids in rotation order; a user may appear twice"})
    rotation = fields.String(required=True, validate=validate.OneOf(ROTATIONS))
    shift_length = Duration(load_default=None, allow_none=True,
                            metadata={"description": "custom rotations only, at least 1h, e.g. 12h or 2d"})
    start = _aware_datetime(required=True, metadata={"description": "the first handoff, with its UTC offset"})
    time_zone = fields.String(required=True, validate=_known_zone,
                              metadata={"description": "IANA name, e.g. Europe/Berlin"})
    restrictions = fields.List(fields.Nested(RestrictionSchema), load_default=list)

    @validates_schema
    def _custom_needs_length(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("rotation") == "custom" and data.get("shift_length") is None:
            raise ValidationError("a custom rotation needs a shift_length, e.g. 12h", "shift_length")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Layer:
        if data["shift_length"] is None:
            data["shift_length"] = DAY if data["rotation"] == "daily" else WEEK
        layer = Layer(**{**data, "users": tuple(data["users"]), "restrictions": tuple(data["restrictions"])})
        _raise_for(layer_errors(layer))
        return layer


class OverrideSchema(Schema):
    """`user` on call over every layer for `[start, end)`; without an id, one is derived from the content."""

    id = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    user = fields.String(required=True, validate=validate.Length(min=1, max=64, error=_USER_MESSAGE))
    start = _aware_datetime(required=True)
    end = _aware_datetime(required=True)

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_: Any) -> None:
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError("an override must end after it starts", "end")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Override:
        return Override(data["id"] or override_id(data["user"], data["start"], data["end"]),
                        data["user"], data["start"], data["end"])


def override_id(user: str, start: datetime, end: datetime) -> str:
    """A short id derived from an override's content ("ov-" and 12 hex digits)."""
    key = f"{user}|{start.timestamp()}|{end.timestamp()}"
    return "ov-" + hashlib.sha256(key.encode()).hexdigest()[:12]


class ScheduleSchema(Schema):
    """A schedule: layers (later ones take precedence) and overrides; layers default to the schedule's zone."""

    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN, error=_ID_MESSAGE))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    time_zone = fields.String(load_default="UTC", validate=_known_zone,
                              metadata={"description": "IANA name, e.g. Europe/Berlin"})
    layers = fields.List(fields.Nested(LayerSchema), load_default=list)
    overrides = fields.List(fields.Nested(OverrideSchema), load_default=list)

    @pre_load
    def _layer_defaults(self, data: Any, **_: Any) -> Any:
        """A layer without a name is "Layer N"; without a time zone it takes the schedule's."""
        if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
            return data
        zone = data.get("time_zone", "UTC")
        layers = [{"name": f"Layer {i + 1}", **({"time_zone": zone} if isinstance(zone, str) else {}), **layer}
                  if isinstance(layer, dict) else layer for i, layer in enumerate(data["layers"])]
        return {**data, "layers": layers}

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Schedule:
        schedule = Schedule(data["id"], data["name"], data["time_zone"], tuple(data["layers"]),
                            tuple(data["overrides"]))
        _raise_for(schedule_errors(schedule))
        return schedule


class TargetSchema(Schema):
    """Whom to notify: {"kind": "team", "id": "storage"}, or the short form "team:storage"."""

    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))

    @pre_load
    def _short_form(self, data: Any, **_: Any) -> Any:
        if isinstance(data, str):
            kind, sep, ident = data.partition(":")
            if not sep:
                raise ValidationError(f"{data!r} is not a target; write kind:id, e.g. team:storage")
            return {"kind": kind, "id": ident}
        return data

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Target:
        return Target(**data)


class LevelSchema(Schema):
    """Targets notified together, and how long to wait for an answer before the next level."""

    targets = fields.List(fields.Nested(TargetSchema), required=True,
                          validate=validate.Length(min=1, error="a level needs at least one target"))
    delay = Duration(required=True, metadata={"description": "wait before the next level, e.g. 15m"})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Level:
        return Level(tuple(data["targets"]), data["delay"])


class EscalationPolicySchema(Schema):
    """Levels notified in turn, the whole sequence repeated `repeat` more times."""

    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN, error=_ID_MESSAGE))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    levels = fields.List(fields.Nested(LevelSchema), required=True,
                         validate=validate.Length(min=1, error="a policy needs at least one level"))
    repeat = fields.Integer(load_default=0, strict=True, validate=validate.Range(
        min=0, max=MAX_REPEAT, error=f"repeat must be from 0 to {MAX_REPEAT}"))

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> EscalationPolicy:
        policy = EscalationPolicy(data["id"], data["name"], tuple(data["levels"]), data["repeat"])
        _raise_for(policy_errors(policy))
        return policy


class ShiftSchema(Schema):
    """A computed shift (dump only)."""

    user = fields.String()
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    source = fields.String(metadata={"enum": ["layer", "override"]})
    layer = fields.Integer(allow_none=True)
    layer_name = fields.String(allow_none=True)
    override_id = fields.String(allow_none=True)


class OnCallSchema(Schema):
    """Who is on call, and why (dump only)."""

    user = fields.String()
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    source = fields.String(metadata={"enum": ["layer", "override"]})
    layer = fields.Integer(allow_none=True)
    layer_name = fields.String(allow_none=True)
    override_id = fields.String(allow_none=True)
    reason = fields.String()


class EscalationStepSchema(Schema):
    """One notification moment of an escalation plan (dump only)."""

    at = fields.AwareDateTime()
    level = fields.Integer()
    round = fields.Integer()
    targets = fields.List(fields.Nested(TargetSchema))
