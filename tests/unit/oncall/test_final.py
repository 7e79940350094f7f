"""The final schedule: layer precedence, overrides on top, merging, and on_call with its reason."""

from __future__ import annotations

from datetime import UTC, time, timedelta

import pytest

from mendflow.oncall import Override, Restriction, ScheduleError, Shift, business_hours, final_shifts, on_call
from tests.unit.oncall.builders import BERLIN, layer, local, schedule, wall

H = timedelta(hours=1)
ROUND_THE_CLOCK = layer(("alice", "bob"), rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9), name="Primary")
DAYTIME = layer(("carol",), rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9), name="Daytime",
                restrictions=business_hours())


def rows(shifts: list[Shift]) -> list[tuple[str, str, str, str]]:
    return [(s.user, wall(s.start, BERLIN), wall(s.end, BERLIN), s.override_id or s.layer_name or "") for s in shifts]


def test_a_later_layer_wins_where_it_has_someone_and_the_earlier_one_shows_through_elsewhere() -> None:
    shifts = final_shifts(schedule(ROUND_THE_CLOCK, DAYTIME), local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 9))
    assert rows(shifts) == [("alice", "Thu 07 00:00", "Thu 07 09:00", "Primary"),
                            ("carol", "Thu 07 09:00", "Thu 07 17:00", "Daytime"),
                            ("alice", "Thu 07 17:00", "Fri 08 09:00", "Primary"),
                            ("carol", "Fri 08 09:00", "Fri 08 17:00", "Daytime"),
                            ("alice", "Fri 08 17:00", "Sat 09 00:00", "Primary")]
    assert [(s.layer, s.source) for s in shifts[:2]] == [(0, "layer"), (1, "layer")]


def test_layer_order_decides_not_layer_content() -> None:
    shifts = final_shifts(schedule(DAYTIME, ROUND_THE_CLOCK), local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 8))
    assert rows(shifts) == [("alice", "Thu 07 00:00", "Fri 08 00:00", "Primary")]


def test_an_override_replaces_every_layer_for_its_window_and_fills_gaps() -> None:
    daytime_only = schedule(DAYTIME, overrides=(
        Override("swap", "dave", local(BERLIN, 2024, 3, 7, 12), local(BERLIN, 2024, 3, 7, 14)),
        Override("night", "erin", local(BERLIN, 2024, 3, 7, 20), local(BERLIN, 2024, 3, 8, 10))))
    shifts = final_shifts(daytime_only, local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 8, 18))
    assert rows(shifts) == [("carol", "Thu 07 09:00", "Thu 07 12:00", "Daytime"),
                            ("dave", "Thu 07 12:00", "Thu 07 14:00", "swap"),
                            ("carol", "Thu 07 14:00", "Thu 07 17:00", "Daytime"),
                            ("erin", "Thu 07 20:00", "Fri 08 10:00", "night"),
                            ("carol", "Fri 08 10:00", "Fri 08 17:00", "Daytime")]
    assert (shifts[1].source, shifts[1].layer, shifts[1].layer_name) == ("override", None, None)


def test_an_override_reaching_outside_the_window_is_clipped() -> None:
    one = schedule(ROUND_THE_CLOCK, overrides=(
        Override("o", "dave", local(BERLIN, 2024, 3, 1), local(BERLIN, 2024, 3, 20)),))
    assert rows(final_shifts(one, local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 8))) == [
        ("dave", "Thu 07 00:00", "Fri 08 00:00", "o")]


def test_touching_shifts_of_the_same_user_and_layer_merge() -> None:
    twice = layer(("alice", "alice", "bob"), start=local(BERLIN, 2024, 3, 4, 9))
    shifts = final_shifts(schedule(twice), local(BERLIN, 2024, 3, 4, 9), local(BERLIN, 2024, 3, 8, 9))
    assert rows(shifts) == [("alice", "Mon 04 09:00", "Wed 06 09:00", "Primary"),
                            ("bob", "Wed 06 09:00", "Thu 07 09:00", "Primary"),
                            ("alice", "Thu 07 09:00", "Fri 08 09:00", "Primary")]


def test_the_same_user_from_different_layers_or_an_override_stays_apart() -> None:
    carol_all_day = layer(("carol",), name="Fallback", start=local(BERLIN, 2024, 3, 4, 0))
    mixed = schedule(carol_all_day, DAYTIME, overrides=(
        Override("self", "carol", local(BERLIN, 2024, 3, 7, 17), local(BERLIN, 2024, 3, 7, 18)),))
    shifts = final_shifts(mixed, local(BERLIN, 2024, 3, 7, 8), local(BERLIN, 2024, 3, 7, 19))
    assert rows(shifts) == [("carol", "Thu 07 08:00", "Thu 07 09:00", "Fallback"),
                            ("carol", "Thu 07 09:00", "Thu 07 17:00", "Daytime"),
                            ("carol", "Thu 07 17:00", "Thu 07 18:00", "self"),
                            ("carol", "Thu 07 18:00", "Thu 07 19:00", "Fallback")]


def test_an_empty_or_reversed_window_has_no_shifts() -> None:
    both = schedule(ROUND_THE_CLOCK, DAYTIME)
    assert final_shifts(both, local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 7)) == []
    assert final_shifts(both, local(BERLIN, 2024, 3, 8), local(BERLIN, 2024, 3, 7)) == []
    assert final_shifts(schedule(), local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 8)) == []


def test_final_shifts_refuse_an_invalid_schedule() -> None:
    broken = schedule(layer(()))
    with pytest.raises(ScheduleError, match="a rotation needs at least one user") as caught:
        final_shifts(broken, local(BERLIN, 2024, 3, 7), local(BERLIN, 2024, 3, 8))
    assert caught.value.field == "layers.0.users"


# --- on_call ---------------------------------------------------------------------------------------


def test_on_call_names_the_layer_shift_and_handoffs() -> None:
    who = on_call(schedule(ROUND_THE_CLOCK, DAYTIME), local(BERLIN, 2024, 3, 23, 12))  # a Saturday
    assert who is not None
    assert (who.user, who.source, who.layer, who.layer_name, who.override_id) == ("alice", "layer", 0, "Primary", None)
    assert (wall(who.since, BERLIN), wall(who.until, BERLIN)) == ("Fri 22 17:00", "Mon 25 09:00")
    assert who.reason == ("layer 'Primary' (weekly rotation, shift 3 of alice, bob), handoff Mon 2024-03-18 09:00 "
                          "Europe/Berlin, next handoff Mon 2024-03-25 09:00")
    assert who.since.tzinfo is UTC


def test_on_call_in_a_restricted_layer_says_when_it_is_active() -> None:
    who = on_call(schedule(ROUND_THE_CLOCK, DAYTIME), local(BERLIN, 2024, 3, 20, 10))
    assert who is not None and who.user == "carol"
    assert who.reason.endswith("; active Mon 09:00-Mon 17:00 and Tue 09:00-Tue 17:00 and Wed 09:00-Wed 17:00 and "
                               "Thu 09:00-Thu 17:00 and Fri 09:00-Fri 17:00 Europe/Berlin")
    assert (wall(who.since, BERLIN), wall(who.until, BERLIN)) == ("Wed 20 09:00", "Wed 20 17:00")


def test_on_call_explains_an_override_and_whom_it_replaces() -> None:
    cover = schedule(ROUND_THE_CLOCK, overrides=(
        Override("ov-1", "dave", local(BERLIN, 2024, 3, 9, 10), local(BERLIN, 2024, 3, 10, 10)),))
    who = on_call(cover, local(BERLIN, 2024, 3, 9, 20))
    assert who is not None
    assert (who.user, who.source, who.override_id, who.layer) == ("dave", "override", "ov-1", None)
    assert who.reason == ("override 'ov-1' puts dave on call from Sat 2024-03-09 10:00 to Sun 2024-03-10 10:00 "
                          "Europe/Berlin, in place of alice (layer 'Primary')")


def test_on_call_explains_an_override_where_no_layer_has_anyone() -> None:
    cover = schedule(DAYTIME, overrides=(
        Override("weekend", "dave", local(BERLIN, 2024, 3, 9), local(BERLIN, 2024, 3, 11)),))
    who = on_call(cover, local(BERLIN, 2024, 3, 10, 3))
    assert who is not None and who.reason.endswith(", where no layer has anyone")


def test_nobody_is_on_call_outside_every_restriction_or_before_the_start() -> None:
    assert on_call(schedule(DAYTIME), local(BERLIN, 2024, 3, 9, 12)) is None
    assert on_call(schedule(ROUND_THE_CLOCK), local(BERLIN, 2024, 3, 4, 8, 59)) is None
    assert on_call(schedule(), local(BERLIN, 2024, 3, 4)) is None


def test_on_call_since_reaches_back_to_the_layer_start_for_a_one_person_layer() -> None:
    solo = layer(("zoe",), start=local(BERLIN, 2024, 1, 1, 9))
    who = on_call(schedule(solo), local(BERLIN, 2024, 3, 20, 9))
    assert who is not None
    assert who.since == local(UTC, 2024, 1, 1, 8)
    assert who.until == local(UTC, 2024, 3, 20, 8) + timedelta(days=366)  # clipped at the look-ahead horizon


def test_on_call_at_the_handoff_instant_is_the_new_shift() -> None:
    daily = schedule(layer(("alice", "bob"), start=local(BERLIN, 2024, 3, 4, 9)))
    at_handoff = on_call(daily, local(BERLIN, 2024, 3, 5, 9))
    just_before = on_call(daily, local(BERLIN, 2024, 3, 5, 9) - timedelta(microseconds=1))
    assert (at_handoff and at_handoff.user, just_before and just_before.user) == ("bob", "alice")


def test_on_call_needs_an_aware_instant() -> None:
    with pytest.raises(ScheduleError) as caught:
        on_call(schedule(ROUND_THE_CLOCK), local(BERLIN, 2024, 3, 4).replace(tzinfo=None))
    assert caught.value.field == "at"


def test_a_restricted_custom_layer_over_a_daily_one() -> None:
    nights = layer(("nick", "nora"), rotation="custom", length=12 * H, name="Nights",
                   start=local(BERLIN, 2024, 3, 4, 21), restrictions=(Restriction.daily(time(22), time(6)),))
    days = layer(("alice",), start=local(BERLIN, 2024, 3, 4, 9), name="Days")
    shifts = final_shifts(schedule(days, nights), local(BERLIN, 2024, 3, 5, 12), local(BERLIN, 2024, 3, 6, 12))
    assert rows(shifts) == [("alice", "Tue 05 12:00", "Tue 05 22:00", "Days"),
                            ("nick", "Tue 05 22:00", "Wed 06 06:00", "Nights"),
                            ("alice", "Wed 06 06:00", "Wed 06 12:00", "Days")]
