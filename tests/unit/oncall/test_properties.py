"""Properties of the rotation math that must hold for any layer, window, zone and override set."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mendflow.oncall import Layer, Override, Restriction, Schedule, final_shifts, layer_shifts, on_call

# zones with DST at 02:00 (Berlin, New York), half-hour DST (Lord Howe), a -03:30 offset (St John's), no DST
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata"]
USERS = ["alice", "bob", "carol", "dave"]
YEAR = 366 * 24 * 60  # minutes
EPOCH = datetime(2024, 1, 1)
EPOCH_UTC = datetime(2024, 1, 1, tzinfo=UTC)
FAST = settings(max_examples=150, deadline=None)


def clock_times(step: int = 15) -> st.SearchStrategy[time]:
    return st.integers(0, 24 * 60 // step - 1).map(lambda n: time(n * step // 60, n * step % 60))


@st.composite
def restrictions(draw: st.DrawFn) -> Restriction:
    kind = draw(st.sampled_from(["daily", "weekly"]))
    start = draw(clock_times())
    if kind == "daily":
        return Restriction.daily(start, draw(clock_times().filter(lambda t: t != start)))
    start_day, end_day = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    return Restriction.weekly(start_day, start, end_day,
                              draw(clock_times().filter(lambda t: start_day != end_day or t != start)))


@st.composite
def layers(draw: st.DrawFn, *, restricted: bool = True, distinct: bool = False,
           local_hours: tuple[int, int] = (0, 23), before: datetime | None = None) -> Layer:
    """A layer starting some day in 2024, or (with `before`) mostly in the 60 days before that instant."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    rotation = draw(st.sampled_from(["daily", "weekly", "custom"]))
    length = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}.get(
        rotation, timedelta(hours=draw(st.sampled_from([1, 5, 8, 12, 24, 36, 48, 72]))))
    if before is None:
        day = EPOCH + timedelta(days=draw(st.integers(0, 365)))
    else:
        day = before.replace(tzinfo=None) - timedelta(days=draw(st.integers(-3, 60)))
    start = day.replace(hour=draw(st.integers(*local_hours)), minute=draw(st.sampled_from([0, 30]))).replace(
        tzinfo=zone)
    users = draw(st.lists(st.sampled_from(USERS), min_size=1, max_size=4, unique=distinct))
    chosen = tuple(draw(st.lists(restrictions(), max_size=2))) if restricted else ()
    return Layer(f"L-{rotation}", tuple(users), rotation, length, start, zone.key, chosen)


@st.composite
def windows(draw: st.DrawFn, max_days: int = 21) -> tuple[datetime, datetime]:
    lo = EPOCH_UTC + timedelta(minutes=draw(st.integers(0, YEAR)))
    return lo, lo + timedelta(minutes=draw(st.integers(1, max_days * 24 * 60)))


@st.composite
def overrides(draw: st.DrawFn, around: tuple[datetime, datetime]) -> tuple[Override, ...]:
    """Up to three non-overlapping overrides (they may touch), near and across the window."""
    lo, hi = around
    span = int((hi - lo).total_seconds() // 60) + 120
    marks = sorted(draw(st.lists(st.integers(-60, span), min_size=0, max_size=6, unique=True)))
    pairs = list(zip(marks[::2], marks[1::2], strict=False))
    return tuple(Override(f"ov{i}", draw(st.sampled_from([*USERS, "erin"])), lo + timedelta(minutes=a),
                          lo + timedelta(minutes=b)) for i, (a, b) in enumerate(pairs))


@st.composite
def schedules(draw: st.DrawFn, window: tuple[datetime, datetime]) -> Schedule:
    chosen = tuple(draw(st.lists(layers(before=window[0]), min_size=0, max_size=3)))
    return Schedule("s", "S", draw(st.sampled_from(ZONES)), chosen, draw(overrides(window)))


def instants(window: tuple[datetime, datetime]) -> st.SearchStrategy[datetime]:
    lo, hi = window
    return st.integers(0, int((hi - lo).total_seconds()) - 1).map(lambda s: lo + timedelta(seconds=s))


@FAST
@given(layer=layers(restricted=False), window=windows(), data=st.data())
def test_a_layer_without_restrictions_has_exactly_one_person_at_every_instant(
        layer: Layer, window: tuple[datetime, datetime], data: st.DataObject) -> None:
    lo, hi = window
    shifts = layer_shifts(layer, lo, hi)
    begin = max(lo, layer.start)
    if begin >= hi:
        assert shifts == []
        return
    assert (shifts[0].start, shifts[-1].end) == (begin, hi)
    assert all(a.end == b.start for a, b in pairwise(shifts))
    assert all(s.start < s.end and s.user in layer.users for s in shifts)
    for instant in data.draw(st.lists(instants((begin, hi)), min_size=1, max_size=5)):
        assert len([s for s in shifts if s.start <= instant < s.end]) == 1


@FAST
@given(layer=layers(), window=windows())
def test_restricted_shifts_lie_inside_the_unrestricted_ones(layer: Layer, window: tuple[datetime, datetime]) -> None:
    free = layer_shifts(Layer(layer.name, layer.users, layer.rotation, layer.shift_length, layer.start,
                              layer.time_zone), *window)
    for shift in layer_shifts(layer, *window):
        assert any(f.start <= shift.start and shift.end <= f.end and f.user == shift.user for f in free)


@FAST
@given(data=st.data(), window=windows())
def test_final_shifts_are_sorted_disjoint_merged_and_inside_the_window(
        data: st.DataObject, window: tuple[datetime, datetime]) -> None:
    lo, hi = window
    shifts = final_shifts(data.draw(schedules(window)), lo, hi)
    assert all(lo <= s.start < s.end <= hi for s in shifts)
    for a, b in pairwise(shifts):
        assert a.end <= b.start
        if a.end == b.start:  # touching shifts differ in who or why, or they would have been merged
            assert (a.user, a.source, a.layer, a.override_id) != (b.user, b.source, b.layer, b.override_id)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), window=windows(max_days=10))
def test_on_call_agrees_with_final_shifts(data: st.DataObject, window: tuple[datetime, datetime]) -> None:
    lo, hi = window
    chosen = data.draw(schedules(window))
    shifts = final_shifts(chosen, lo, hi)
    for instant in data.draw(st.lists(instants(window), min_size=1, max_size=3)):
        covering = [s for s in shifts if s.start <= instant < s.end]
        who = on_call(chosen, instant)
        if not covering:
            assert who is None
            continue
        (shift,) = covering
        assert who is not None
        assert (who.user, who.source, who.layer, who.layer_name, who.override_id) == (
            shift.user, shift.source, shift.layer, shift.layer_name, shift.override_id)
        assert who.since <= instant < who.until
        assert who.since == shift.start or shift.start == lo  # final_shifts clips at the window, on_call does not
        assert who.until == shift.end or shift.end == hi
        assert who.reason


@FAST
@given(data=st.data(), window=windows())
def test_overrides_always_win_inside_their_window(data: st.DataObject, window: tuple[datetime, datetime]) -> None:
    lo, hi = window
    chosen = data.draw(schedules(window))
    shifts = final_shifts(chosen, lo, hi)
    for override in chosen.overrides:
        begin, end = max(override.start, lo), min(override.end, hi)
        if begin < end:
            mine = [s for s in shifts if s.start < end and begin < s.end]
            assert [(s.user, s.override_id, s.start, s.end) for s in mine] == [
                (override.user, override.id, begin, end)]


@FAST
@given(layer=layers(restricted=False, distinct=True), rounds=st.integers(1, 4))
def test_n_users_get_equal_shares_over_n_times_k_shifts(layer: Layer, rounds: int) -> None:
    far = layer.start + (len(layer.users) * rounds + 1) * (layer.shift_length + timedelta(hours=2))
    shifts = layer_shifts(layer, layer.start, far)[:len(layer.users) * rounds]
    assert Counter(s.user for s in shifts) == dict.fromkeys(layer.users, rounds)
    assert [s.user for s in shifts[:len(layer.users)]] == list(layer.users)


@FAST
@given(layer=layers(restricted=False, local_hours=(5, 23)))  # no zone here changes its clocks between 05 and 24
def test_handoffs_keep_their_wall_time_for_whole_days_and_their_length_otherwise(layer: Layer) -> None:
    zone = ZoneInfo(layer.time_zone)
    shifts = layer_shifts(layer, layer.start, layer.start + 12 * layer.shift_length)
    if layer.shift_length % timedelta(days=1):
        assert all(s.end - s.start == layer.shift_length for s in shifts[:-1])
    else:
        wall = layer.start.astimezone(zone).time()
        assert all(s.start.astimezone(zone).time() == wall for s in shifts)


@FAST
@given(layer=layers(), window=windows())
def test_a_lone_layer_is_its_own_final_schedule_once_merged(layer: Layer, window: tuple[datetime, datetime]) -> None:
    merged: list[tuple[str, datetime, datetime]] = []
    for shift in layer_shifts(layer, *window, index=0):
        if merged and merged[-1][0] == shift.user and merged[-1][2] == shift.start:
            merged[-1] = (shift.user, merged[-1][1], shift.end)
        else:
            merged.append((shift.user, shift.start, shift.end))
    final = final_shifts(Schedule("s", "S", "UTC", (layer,)), *window)
    assert [(s.user, s.start, s.end) for s in final] == merged
    assert {(s.source, s.layer, s.layer_name) for s in final} <= {("layer", 0, layer.name)}
