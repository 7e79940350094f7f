"""Marshmallow schemas: API JSON to the on-call dataclasses and back, with errors at exact field paths."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from mendflow.oncall import (
    EscalationPolicy,
    Layer,
    Level,
    OnCall,
    Override,
    Restriction,
    Schedule,
    Shift,
    Target,
    escalation_plan,
)
from mendflow.oncall.schemas import (
    EscalationPolicySchema,
    EscalationStepSchema,
    LayerSchema,
    LevelSchema,
    OnCallSchema,
    OverrideSchema,
    RestrictionSchema,
    ScheduleSchema,
    ShiftSchema,
)
from tests.unit.oncall.builders import BERLIN, local

SCHEDULE: dict[str, Any] = {
    "id": "storage-primary", "name": "Storage primary", "time_zone": "Europe/Berlin",
    "layers": [
        {"name": "Weekly", "users": ["alice", "bob"], "rotation": "weekly", "start": "2026-11-02T09:00:00+01:00",
         "time_zone": "Europe/Berlin", "restrictions": []},
        {"name": "Business hours", "users": ["carol"], "rotation": "daily", "start": "2026-11-02T09:00:00+01:00",
         "time_zone": "Europe/Berlin",
         "restrictions": [{"kind": "weekly", "start_day": 0, "start_time": "09:00", "end_day": 4,
                           "end_time": "17:00"}]},
        {"name": "Nights", "users": ["nick", "nora"], "rotation": "custom", "shift_length": "12h",
         "start": "2026-11-02T21:00:00Z", "time_zone": "UTC",
         "restrictions": [{"kind": "daily", "start_time": "22:00", "end_time": "06:00"}]},
    ],
    "overrides": [{"id": "ov-1", "user": "dave", "start": "2026-11-07T10:00:00+01:00",
                   "end": "2026-11-08T10:00:00+01:00"}],
}
POLICY: dict[str, Any] = {
    "id": "storage", "name": "Storage escalation", "repeat": 1,
    "levels": [{"delay": "10m", "targets": [{"kind": "schedule", "id": "storage-primary"}]},
               {"delay": "1h30m", "targets": [{"kind": "user", "id": "dave"}, "team:platform"]}],
}


def errors_of(schema: Schema, data: Any) -> dict[Any, Any]:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return caught.value.messages  # type: ignore[return-value]


def with_changes(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `base` with the value at a dotted path (list indices as numbers) replaced, or removed."""
    data = copy.deepcopy(base)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = data
    for key in parents:
        node = node[key]
    if value is REMOVE:
        del node[last]
    else:
        node[last] = value
    return data


REMOVE = object()


def test_a_schedule_body_loads_into_the_dataclasses() -> None:
    schedule = ScheduleSchema().load(SCHEDULE)
    assert isinstance(schedule, Schedule)
    weekly, business, nights = schedule.layers
    assert weekly == Layer("Weekly", ("alice", "bob"), "weekly", timedelta(days=7), local(BERLIN, 2026, 11, 2, 9),
                           "Europe/Berlin")
    assert business.shift_length == timedelta(days=1)
    assert business.restrictions == (Restriction.weekly(0, time(9), 4, time(17)),)
    assert nights.shift_length == timedelta(hours=12)
    assert nights.restrictions == (Restriction.daily(time(22), time(6)),)
    assert schedule.overrides == (Override("ov-1", "dave", local(BERLIN, 2026, 11, 7, 10),
                                           local(BERLIN, 2026, 11, 8, 10)),)


def test_a_schedule_dumps_back_to_what_loads_it_again() -> None:
    schedule = ScheduleSchema().load(SCHEDULE)
    dumped = ScheduleSchema().dump(schedule)
    assert dumped["layers"][2] == {**SCHEDULE["layers"][2], "start": "2026-11-02T21:00:00+00:00",
                                   "restrictions": [{"kind": "daily", "start_day": None, "start_time": "22:00",
                                                     "end_day": None, "end_time": "06:00"}]}
    assert dumped["layers"][0]["shift_length"] == "7d"
    assert ScheduleSchema().load(dumped) == schedule


def test_stored_layers_round_trip_through_layer_schema() -> None:
    layers = LayerSchema(many=True).load(SCHEDULE["layers"])
    assert LayerSchema(many=True).load(LayerSchema(many=True).dump(layers)) == layers


def test_layers_default_their_name_and_time_zone_from_the_schedule() -> None:
    schedule = ScheduleSchema().load({"id": "s", "name": "S", "time_zone": "America/New_York", "layers": [
        {"users": ["alice"], "rotation": "daily", "start": "2024-03-04T09:00:00-05:00"}]})
    assert (schedule.layers[0].name, schedule.layers[0].time_zone) == ("Layer 1", "America/New_York")
    assert ScheduleSchema().load({"id": "s", "name": "S"}) == Schedule("s", "S", "UTC", ())


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("layers.0.users", [], {"layers": {0: {"users": ["a rotation needs at least one user"]}}}),
    ("layers.0.users", ["alice", ""], {"layers": {0: {"users": {1: ["a user id must be 1 to 64 characters"]}}}}),
    ("layers.0.rotation", "hourly", {"layers": {0: {"rotation": ["Must be one of: daily, weekly, custom."]}}}),
    ("layers.2.shift_length", REMOVE,
     {"layers": {2: {"shift_length": ["a custom rotation needs a shift_length, e.g. 12h"]}}}),
    ("layers.2.shift_length", "30m", {"layers": {2: {"shift_length": ["a shift must last at least 1h, not 30m"]}}}),
    ("layers.2.shift_length", "soon",
     {"layers": {2: {"shift_length": ["'soon' is not a duration; write e.g. 30s, 15m, 2h or 1h30m."]}}}),
    ("layers.1.shift_length", "2d", {"layers": {1: {"shift_length": [
        "a daily rotation hands off every 1d; use rotation custom for other lengths"]}}}),
    ("layers.0.start", "2026-11-02T09:00:00",
     {"layers": {0: {"start": ["Needs a UTC offset, e.g. 2024-03-04T09:00:00+01:00 or ...Z."]}}}),
    ("layers.0.start", "next monday",
     {"layers": {0: {"start": ["Not an ISO 8601 date-time; write e.g. 2024-03-04T09:00:00+01:00."]}}}),
    ("layers.0.time_zone", "Europe/Atlantis", {"layers": {0: {"time_zone": [
        "unknown time zone 'Europe/Atlantis'; use an IANA name such as Europe/Berlin"]}}}),
    ("time_zone", "CEST", {"time_zone": ["unknown time zone 'CEST'; use an IANA name such as Europe/Berlin"]}),
    ("layers.1.restrictions.0.start_time", "9:00", {"layers": {1: {"restrictions": {0: {"start_time": [
        "Not a time; write HH:MM, e.g. 09:00 or 17:30."]}}}}}),
    ("layers.1.restrictions.0.end_time", "24:00", {"layers": {1: {"restrictions": {0: {"end_time": [
        "Not a time; write HH:MM, e.g. 09:00 or 17:30."]}}}}}),
    ("layers.1.restrictions.0", {"kind": "weekly", "start_day": 2, "start_time": "08:00", "end_day": 2,
                                 "end_time": "08:00"},
     {"layers": {1: {"restrictions": {0: {"end_time": [
         "the restriction Wed 08:00-Wed 08:00 ends where it starts; give it different start and end times"]}}}}}),
    ("layers.2.restrictions.0.end_time", "22:00", {"layers": {2: {"restrictions": {0: {"end_time": [
        "the restriction daily 22:00-22:00 ends where it starts; give it different start and end times"]}}}}}),
    ("layers.1.restrictions.0.start_day", None, {"layers": {1: {"restrictions": {0: {"start_day": [
        "a weekly restriction needs a day 0 (Monday) .. 6 (Sunday)"]}}}}}),
    ("layers.1.restrictions.0.start_day", "funday", {"layers": {1: {"restrictions": {0: {"start_day": [
        "Not a day; use 0 (Monday) .. 6 (Sunday) or a name like 'mon'."]}}}}}),
    ("layers.1.restrictions.0.end_day", 7, {"layers": {1: {"restrictions": {0: {"end_day": [
        "Not a day; use 0 (Monday) .. 6 (Sunday) or a name like 'mon'."]}}}}}),
    ("layers.2.restrictions.0.start_day", 3, {"layers": {2: {"restrictions": {0: {"start_day": [
        "a daily restriction has no days; use kind weekly"]}}}}}),
    ("layers.0.colour", "blue", {"layers": {0: {"colour": ["Unknown field."]}}}),
    ("overrides.0.end", "2026-11-07T10:00:00+01:00", {"overrides": {0: {"end": [
        "an override must end after it starts"]}}}),
    ("overrides.0.user", REMOVE, {"overrides": {0: {"user": ["Missing data for required field."]}}}),
    ("id", "has space", {"id": ["Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."]}),
])
def test_schedule_errors_name_the_exact_field(path: str, value: Any, expected: dict[Any, Any]) -> None:
    assert errors_of(ScheduleSchema(), with_changes(SCHEDULE, path, value)) == expected


def test_overlapping_overrides_are_refused_naming_both() -> None:
    data = with_changes(SCHEDULE, "overrides", [
        *SCHEDULE["overrides"],
        {"id": "ov-2", "user": "erin", "start": "2026-11-08T08:00:00+01:00", "end": "2026-11-08T12:00:00+01:00"}])
    assert errors_of(ScheduleSchema(), data) == {"overrides": {1: [
        "override 'ov-2' overlaps override 'ov-1' from Sun 2026-11-08 08:00 to Sun 2026-11-08 10:00 Europe/Berlin; "
        "shorten or remove one of them"]}}


def test_several_errors_are_reported_together() -> None:
    data = with_changes(with_changes(SCHEDULE, "layers.0.users", []), "layers.2.shift_length", "10m")
    assert errors_of(ScheduleSchema(), data) == {"layers": {
        0: {"users": ["a rotation needs at least one user"]},
        2: {"shift_length": ["a shift must last at least 1h, not 10m"]}}}


@pytest.mark.parametrize(("day", "index"), [(0, 0), ("4", 4), ("fri", 4), ("Sunday", 6), ("WED", 2)])
def test_days_may_be_numbers_or_names(day: Any, index: int) -> None:
    restriction = RestrictionSchema().load({"kind": "weekly", "start_day": day, "start_time": "09:00",
                                            "end_day": day, "end_time": "17:00"})
    assert restriction.start_day == index
    assert RestrictionSchema().dump(restriction)["start_day"] == index


@pytest.mark.parametrize("day", [True, "fr", 2.5, -1, "7", None])
def test_days_that_are_not_days_are_refused(day: Any) -> None:
    errors = errors_of(RestrictionSchema(), {"kind": "weekly", "start_day": day, "start_time": "09:00",
                                             "end_day": 4, "end_time": "17:00"})
    assert list(errors) == ["start_day"]


def test_an_override_without_an_id_gets_a_stable_one() -> None:
    body = {"user": "dave", "start": "2026-11-07T10:00:00+01:00", "end": "2026-11-08T10:00:00+01:00"}
    first, again = OverrideSchema().load(body), OverrideSchema().load(dict(body))
    assert first.id == again.id and first.id.startswith("ov-") and len(first.id) == 15
    assert OverrideSchema().load({**body, "user": "erin"}).id != first.id
    assert OverrideSchema().dump(first) == {"id": first.id, "user": "dave", "start": "2026-11-07T10:00:00+01:00",
                                            "end": "2026-11-08T10:00:00+01:00"}


def test_a_policy_body_loads_with_the_short_target_form() -> None:
    policy = EscalationPolicySchema().load(POLICY)
    assert policy == EscalationPolicy("storage", "Storage escalation", (
        Level((Target("schedule", "storage-primary"),), timedelta(minutes=10)),
        Level((Target("user", "dave"), Target("team", "platform")), timedelta(minutes=90))), repeat=1)
    dumped = EscalationPolicySchema().dump(policy)
    assert dumped["levels"][1] == {"delay": "1h30m", "targets": [{"kind": "user", "id": "dave"},
                                                                 {"kind": "team", "id": "platform"}]}
    assert EscalationPolicySchema().load(dumped) == policy


def test_stored_levels_round_trip_and_delays_may_be_seconds() -> None:
    levels = LevelSchema(many=True).load([{"delay": 3600, "targets": ["user:dave"]}])
    assert levels == [Level((Target("user", "dave"),), timedelta(hours=1))]
    assert LevelSchema(many=True).dump(levels) == [{"delay": "1h", "targets": [{"kind": "user", "id": "dave"}]}]


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("levels", [], {"levels": ["a policy needs at least one level"]}),
    ("levels.0.targets", [], {"levels": {0: {"targets": ["a level needs at least one target"]}}}),
    ("levels.0.targets.0.kind", "group", {"levels": {0: {"targets": {0: {"kind": [
        "Must be one of: user, schedule, team."]}}}}}),
    ("levels.1.targets.1", "platform", {"levels": {1: {"targets": {1: {"_schema": [
        "'platform' is not a target; write kind:id, e.g. team:storage"]}}}}}),
    ("levels.1.targets.1", "squad:platform", {"levels": {1: {"targets": {1: {"kind": [
        "Must be one of: user, schedule, team."]}}}}}),
    ("levels.0.delay", "soon", {"levels": {0: {"delay": [
        "'soon' is not a duration; write e.g. 30s, 15m, 2h or 1h30m."]}}}),
    ("levels.0.delay", "-5m", {"levels": {0: {"delay": [
        "'-5m' is not a duration; write e.g. 30s, 15m, 2h or 1h30m."]}}}),
    ("levels.0.delay", [10], {"levels": {0: {"delay": ["Not a duration; write e.g. 15m, 1h or 2d."]}}}),
    ("levels.0.delay", REMOVE, {"levels": {0: {"delay": ["Missing data for required field."]}}}),
    ("levels.0.delay", "99999999999d", {"levels": {0: {"delay": ["'99999999999d' is far too long."]}}}),
    ("levels.0.delay", "8d", {"levels": {0: {"delay": ["a delay may be at most 7d"]}}}),
    ("repeat", 11, {"repeat": ["repeat must be from 0 to 10"]}),
    ("repeat", -1, {"repeat": ["repeat must be from 0 to 10"]}),
    ("repeat", "1", {"repeat": ["Not a valid integer."]}),
    ("levels.1.targets", ["user:dave", {"kind": "user", "id": "dave"}], {"levels": {1: {"targets": {1: [
        "user:dave is already a target of this level"]}}}}),
])
def test_policy_errors_name_the_exact_field(path: str, value: Any, expected: dict[Any, Any]) -> None:
    assert errors_of(EscalationPolicySchema(), with_changes(POLICY, path, value)) == expected


def test_a_repeating_policy_without_any_delay_is_refused() -> None:
    data = {**POLICY, "levels": [{"delay": "0s", "targets": ["user:dave"]}]}
    assert errors_of(EscalationPolicySchema(), data) == {"repeat": [
        "a policy that repeats needs at least one level with a delay above zero, or it would notify every round "
        "at once"]}


def test_computed_results_dump_to_json() -> None:
    at = datetime(2026, 11, 2, 8, tzinfo=UTC)
    shift = Shift("alice", at, at + timedelta(days=7), "layer", 0, "Weekly", None)
    assert ShiftSchema().dump(shift) == {"user": "alice", "start": "2026-11-02T08:00:00+00:00",
                                         "end": "2026-11-09T08:00:00+00:00", "source": "layer", "layer": 0,
                                         "layer_name": "Weekly", "override_id": None}
    who = OnCall("dave", at, at + timedelta(hours=1), "override", None, None, "ov-1", "override 'ov-1' ...")
    assert OnCallSchema().dump(who)["reason"] == "override 'ov-1' ..."
    steps = EscalationStepSchema(many=True).dump(escalation_plan(EscalationPolicySchema().load(POLICY), at))
    assert steps[1] == {"at": "2026-11-02T08:10:00+00:00", "level": 1, "round": 0, "targets": [
        {"kind": "user", "id": "dave"}, {"kind": "team", "id": "platform"}]}
