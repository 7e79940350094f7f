"""Escalation timing against a clock the test controls: the plan, what is due, what comes next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mendflow.oncall import (
    EscalationError,
    EscalationPolicy,
    EscalationStep,
    Level,
    Target,
    due_steps,
    escalation_plan,
    next_step_after,
    validate_policy,
)

M = timedelta(minutes=1)
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
PRIMARY = Target("schedule", "storage-primary")
DAVE = Target("user", "dave")
PLATFORM = Target("team", "platform")
STORAGE = EscalationPolicy("storage", "Storage", (Level((PRIMARY,), 10 * M), Level((DAVE, PLATFORM), 15 * M)),
                           repeat=1)


def moments(steps: list[EscalationStep]) -> list[tuple[int, int, int]]:
    """(minutes after T0, level, round) of each step."""
    return [(int((s.at - T0) / M), s.level, s.round) for s in steps]


def test_the_plan_notifies_each_level_after_the_delays_and_repeats() -> None:
    plan = escalation_plan(STORAGE, T0)
    assert moments(plan) == [(0, 0, 0), (10, 1, 0), (25, 0, 1), (35, 1, 1)]
    assert plan[1].targets == (DAVE, PLATFORM)
    assert plan[0].at.tzinfo is UTC


@pytest.mark.parametrize(("minutes", "due", "upcoming"), [
    (-1, [], (0, 0, 0)),
    (0, [(0, 0, 0)], (10, 1, 0)),
    (9, [(0, 0, 0)], (10, 1, 0)),
    (10, [(0, 0, 0), (10, 1, 0)], (25, 0, 1)),
    (24, [(0, 0, 0), (10, 1, 0)], (25, 0, 1)),
    (25, [(0, 0, 0), (10, 1, 0), (25, 0, 1)], (35, 1, 1)),
    (35, [(0, 0, 0), (10, 1, 0), (25, 0, 1), (35, 1, 1)], None),
    (600, [(0, 0, 0), (10, 1, 0), (25, 0, 1), (35, 1, 1)], None),
])
def test_due_and_next_at_chosen_instants(minutes: int, due: list[tuple[int, int, int]],
                                         upcoming: tuple[int, int, int] | None) -> None:
    now = T0 + minutes * M
    assert moments(due_steps(STORAGE, T0, now)) == due
    following = next_step_after(STORAGE, T0, now)
    assert (moments([following])[0] if following else None) == upcoming


def test_a_clock_in_another_zone_means_the_same_instant() -> None:
    berlin_now = (T0 + 10 * M).astimezone(ZoneInfo("Europe/Berlin"))
    assert len(due_steps(STORAGE, T0, berlin_now)) == 2


def test_delays_are_elapsed_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2024, 3, 31, 1, 50, tzinfo=berlin)  # ten minutes before clocks jump to 03:00
    plan = escalation_plan(EscalationPolicy("p", "P", (Level((DAVE,), 20 * M), Level((PLATFORM,), M))), start)
    assert plan[1].at - plan[0].at == 20 * M
    assert plan[1].at.astimezone(berlin).strftime("%H:%M") == "03:10"


def test_a_zero_delay_notifies_the_next_level_at_once() -> None:
    together = EscalationPolicy("p", "P", (Level((DAVE,), timedelta(0)), Level((PLATFORM,), 5 * M)))
    assert moments(escalation_plan(together, T0)) == [(0, 0, 0), (0, 1, 0)]
    assert len(due_steps(together, T0, T0)) == 2


def test_naive_instants_are_refused() -> None:
    naive = datetime(2024, 3, 4, 9)
    with pytest.raises(EscalationError) as caught:
        escalation_plan(STORAGE, naive)
    assert caught.value.field == "started_at"
    with pytest.raises(EscalationError) as caught:
        due_steps(STORAGE, T0, naive)
    assert caught.value.field == "now"
    with pytest.raises(EscalationError):
        next_step_after(STORAGE, T0, naive)
    with pytest.raises(EscalationError, match="must fall between the years 1900 and 2999"):
        escalation_plan(STORAGE, datetime(9999, 12, 31, tzinfo=UTC))


@pytest.mark.parametrize(("policy", "field", "message"), [
    (EscalationPolicy("p", "P", ()), "levels", "a policy needs at least one level"),
    (EscalationPolicy("p", "P", (Level((), M),)), "levels.0.targets", "a level needs at least one target"),
    (EscalationPolicy("p", "P", (Level((DAVE,), M), Level((DAVE,), -M))), "levels.1.delay",
     "a delay cannot be negative"),
    (EscalationPolicy("p", "P", (Level((DAVE,), timedelta(days=8)),)), "levels.0.delay",
     "a delay may be at most 7d"),
    (EscalationPolicy("p", "P", (Level((DAVE,), M),), repeat=-1), "repeat",
     "repeat must be a whole number from 0 to 10, not -1"),
    (EscalationPolicy("p", "P", (Level((DAVE,), M),), repeat=11), "repeat",
     "repeat must be a whole number from 0 to 10, not 11"),
    (EscalationPolicy("p", "P", (Level((DAVE,), timedelta(0)),), repeat=2), "repeat",
     "a policy that repeats needs at least one level with a delay above zero"),
    (EscalationPolicy("p", "P", (Level((Target("group", "x"),), M),)), "levels.0.targets.0.kind",
     "'group' is not a target kind; use user, schedule or team"),
    (EscalationPolicy("p", "P", (Level((Target("user", " "),), M),)), "levels.0.targets.0.id",
     "a target needs an id"),
    (EscalationPolicy("p", "P", (Level((DAVE, PLATFORM, DAVE), M),)), "levels.0.targets.2",
     "user:dave is already a target of this level"),
])
def test_every_policy_error_names_its_field(policy: EscalationPolicy, field: str, message: str) -> None:
    with pytest.raises(EscalationError) as caught:
        validate_policy(policy)
    assert caught.value.field == field
    assert caught.value.message.startswith(message)
    assert str(caught.value) == f"{field}: {caught.value.message}"
    assert isinstance(caught.value, ValueError)
    with pytest.raises(EscalationError):
        escalation_plan(policy, T0)


def test_a_valid_policy_passes() -> None:
    validate_policy(STORAGE)


@settings(max_examples=150, deadline=None)
@given(delays=st.lists(st.integers(0, 120), min_size=1, max_size=5), repeat=st.integers(0, 10),
       probe=st.integers(-10, 2000))
def test_the_plan_is_sorted_complete_and_due_next_split_it(delays: list[int], repeat: int, probe: int) -> None:
    if repeat and not any(delays):
        repeat = 0  # a repeating policy needs some delay
    policy = EscalationPolicy("p", "P", tuple(Level((Target("user", f"u{i}"),), d * M) for i, d in
                                              enumerate(delays)), repeat)
    plan = escalation_plan(policy, T0)
    assert len(plan) == len(delays) * (repeat + 1)
    assert all(a.at <= b.at for a, b in pairwise(plan))
    assert [(s.round, s.level) for s in plan] == [(r, i) for r in range(repeat + 1) for i in range(len(delays))]
    now = T0 + probe * M
    due, following = due_steps(policy, T0, now), next_step_after(policy, T0, now)
    assert due == plan[:len(due)]
    assert following == (plan[len(due)] if len(due) < len(plan) else None)
    assert all(s.at <= now for s in due) and (following is None or following.at > now)
