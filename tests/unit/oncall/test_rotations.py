"""Rotation math of one layer: handoffs, wall clock against elapsed time across DST, restrictions."""

from __future__ import annotations

from datetime import UTC, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mendflow.oncall import Restriction, Shift, business_hours, layer_shifts
from tests.unit.oncall.builders import BERLIN, NEW_YORK, layer, local, wall

H = timedelta(hours=1)


def table(shifts: list[Shift], zone: ZoneInfo) -> list[tuple[str, str, str, float]]:
    return [(s.user, wall(s.start, zone), wall(s.end, zone), (s.end - s.start) / H) for s in shifts]


def test_daily_rotation_hands_off_at_the_start_time_in_order() -> None:
    shifts = layer_shifts(layer(("alice", "bob", "carol")), local(BERLIN, 2024, 3, 4), local(BERLIN, 2024, 3, 8))
    assert table(shifts, BERLIN) == [
        ("alice", "Mon 04 09:00", "Tue 05 09:00", 24), ("bob", "Tue 05 09:00", "Wed 06 09:00", 24),
        ("carol", "Wed 06 09:00", "Thu 07 09:00", 24), ("alice", "Thu 07 09:00", "Fri 08 00:00", 15)]
    assert {(s.source, s.layer, s.layer_name, s.override_id) for s in shifts} == {("layer", None, "Primary", None)}


def test_shifts_are_utc_and_clipped_to_the_window() -> None:
    shifts = layer_shifts(layer(), local(BERLIN, 2024, 3, 5, 12), local(BERLIN, 2024, 3, 5, 15), index=2)
    assert shifts == [Shift("bob", local(UTC, 2024, 3, 5, 11), local(UTC, 2024, 3, 5, 14), "layer", 2, "Primary",
                            None)]
    assert shifts[0].start.tzinfo is UTC


def test_nobody_before_the_layer_starts() -> None:
    primary = layer(start=local(BERLIN, 2024, 3, 4, 9))
    assert layer_shifts(primary, local(BERLIN, 2024, 3, 1), local(BERLIN, 2024, 3, 4, 9)) == []
    first = layer_shifts(primary, local(BERLIN, 2024, 3, 1), local(BERLIN, 2024, 3, 5))[0]
    assert (first.user, wall(first.start, BERLIN)) == ("alice", "Mon 04 09:00")


def test_weekly_rotation_hands_off_on_the_start_weekday() -> None:
    weekly = layer(rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9))
    shifts = layer_shifts(weekly, local(BERLIN, 2024, 3, 4, 9), local(BERLIN, 2024, 4, 8, 9))
    assert [(s.user, wall(s.start, BERLIN)) for s in shifts] == [
        ("alice", "Mon 04 09:00"), ("bob", "Mon 11 09:00"), ("alice", "Mon 18 09:00"), ("bob", "Mon 25 09:00"),
        ("alice", "Mon 01 09:00")]
    # the week with the spring-forward Sunday is an hour short
    assert [(s.end - s.start) / H for s in shifts] == [168, 168, 168, 167, 168]


def test_a_user_listed_twice_takes_two_shifts_in_a_row() -> None:
    shifts = layer_shifts(layer(("alice", "alice", "bob")), local(BERLIN, 2024, 3, 4, 9), local(BERLIN, 2024, 3, 8, 9))
    assert [s.user for s in shifts] == ["alice", "alice", "bob", "alice"]


# --- daylight saving: wall clock for whole days, elapsed time otherwise ------------------------------

DST_DAYS = [  # zone, the Saturday before spring forward, the Saturday before fall back (2024)
    (BERLIN, (2024, 3, 30), (2024, 10, 26)),
    (NEW_YORK, (2024, 3, 9), (2024, 11, 2)),
]


@pytest.mark.parametrize(("zone", "spring", "fall"), DST_DAYS, ids=["berlin", "new_york"])
def test_a_daily_handoff_stays_at_nine_local_across_dst(zone: ZoneInfo, spring: tuple[int, int, int],
                                                        fall: tuple[int, int, int]) -> None:
    daily = layer(("alice", "bob"), zone=zone, start=local(zone, 2024, 1, 1, 9))
    for saturday, change in ((spring, 23), (fall, 25)):
        friday = local(zone, *saturday, 9) - timedelta(days=1)
        shifts = layer_shifts(daily, friday.replace(hour=9), (friday + timedelta(days=4)).replace(hour=9))
        assert [s.start.astimezone(zone).strftime("%H:%M") for s in shifts] == ["09:00"] * 4
        assert [(s.end - s.start) / H for s in shifts] == [24, change, 24, 24]


@pytest.mark.parametrize(("zone", "spring", "fall"), DST_DAYS, ids=["berlin", "new_york"])
def test_a_twelve_hour_custom_shift_is_twelve_elapsed_hours_across_dst(
        zone: ZoneInfo, spring: tuple[int, int, int], fall: tuple[int, int, int]) -> None:
    for saturday, later in ((spring, "10:00"), (fall, "08:00")):
        custom = layer(("alice", "bob"), rotation="custom", length=12 * H, zone=zone, start=local(zone, *saturday, 9))
        begin = local(zone, *saturday, 9).astimezone(UTC)  # adding to a zoned datetime would follow its wall clock
        shifts = layer_shifts(custom, begin, begin + 48 * H)
        assert [(s.end - s.start) / H for s in shifts] == [12, 12, 12, 12]
        assert [s.user for s in shifts] == ["alice", "bob", "alice", "bob"]
        local_starts = [s.start.astimezone(zone).strftime("%H:%M") for s in shifts]
        assert local_starts[:2] == ["09:00", "21:00"]
        assert local_starts[2] == later  # the handoff moved on the wall clock, not in real time


def test_a_custom_length_of_whole_days_follows_the_wall_clock() -> None:
    two_days = layer(rotation="custom", length=timedelta(days=2), start=local(BERLIN, 2024, 3, 28, 9))
    shifts = layer_shifts(two_days, local(BERLIN, 2024, 3, 28, 9), local(BERLIN, 2024, 4, 3, 9))
    assert table(shifts, BERLIN) == [("alice", "Thu 28 09:00", "Sat 30 09:00", 48),
                                     ("bob", "Sat 30 09:00", "Mon 01 09:00", 47),
                                     ("alice", "Mon 01 09:00", "Wed 03 09:00", 48)]


def test_a_custom_length_of_36_hours_is_elapsed_time() -> None:
    custom = layer(rotation="custom", length=36 * H, start=local(BERLIN, 2024, 3, 29, 9))
    shifts = layer_shifts(custom, local(BERLIN, 2024, 3, 29, 9), local(BERLIN, 2024, 4, 2, 9))
    assert [wall(s.start, BERLIN) for s in shifts] == ["Fri 29 09:00", "Sat 30 21:00", "Mon 01 10:00"]


def test_a_handoff_in_the_skipped_hour_moves_forward_that_day_only() -> None:
    night = layer(start=local(BERLIN, 2024, 3, 29, 2, 30))
    shifts = layer_shifts(night, local(BERLIN, 2024, 3, 29, 2, 30), local(BERLIN, 2024, 4, 2, 2, 30))
    assert table(shifts, BERLIN) == [("alice", "Fri 29 02:30", "Sat 30 02:30", 24),
                                     ("bob", "Sat 30 02:30", "Sun 31 03:30", 24),
                                     ("alice", "Sun 31 03:30", "Mon 01 02:30", 23),
                                     ("bob", "Mon 01 02:30", "Tue 02 02:30", 24)]


def test_a_handoff_in_the_repeated_hour_takes_the_first_one() -> None:
    night = layer(start=local(BERLIN, 2024, 10, 25, 2, 30))
    shifts = layer_shifts(night, local(BERLIN, 2024, 10, 26, 12), local(BERLIN, 2024, 10, 28, 12))
    sunday = shifts[1].start.astimezone(BERLIN)
    assert (sunday.strftime("%a %H:%M"), sunday.utcoffset()) == ("Sun 02:30", 2 * H)  # still summer time
    assert (shifts[1].end - shifts[1].start) / H == 25


def test_a_start_given_in_another_offset_hands_off_at_its_local_time() -> None:
    utc_start = layer(start=local(UTC, 2024, 3, 4, 8))  # 09:00 in Berlin (winter)
    shifts = layer_shifts(utc_start, local(BERLIN, 2024, 4, 10), local(BERLIN, 2024, 4, 12))
    assert [wall(s.start, BERLIN) for s in shifts][1:] == ["Wed 10 09:00", "Thu 11 09:00"]


# --- restrictions ------------------------------------------------------------------------------------


def test_weekday_business_hours_leave_nights_and_weekends_empty() -> None:
    weekly = layer(rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9), restrictions=business_hours())
    shifts = layer_shifts(weekly, local(BERLIN, 2024, 3, 4), local(BERLIN, 2024, 3, 18))
    assert table(shifts, BERLIN) == (
        [("alice", f"{day} {d:02} 09:00", f"{day} {d:02} 17:00", 8)
         for day, d in zip(["Mon", "Tue", "Wed", "Thu", "Fri"], range(4, 9), strict=True)]
        + [("bob", f"{day} {d} 09:00", f"{day} {d} 17:00", 8)
           for day, d in zip(["Mon", "Tue", "Wed", "Thu", "Fri"], range(11, 16), strict=True)])


def test_a_weekly_window_is_one_unbroken_stretch() -> None:
    weekly = layer(rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9),
                   restrictions=(Restriction.weekly(0, time(9), 4, time(17)),))
    shifts = layer_shifts(weekly, local(BERLIN, 2024, 3, 4), local(BERLIN, 2024, 3, 11))
    assert table(shifts, BERLIN) == [("alice", "Mon 04 09:00", "Fri 08 17:00", 104)]


def test_a_daily_window_is_cut_at_the_handoff() -> None:
    noon = layer(start=local(BERLIN, 2024, 3, 4, 12), restrictions=(Restriction.daily(time(9), time(17)),))
    shifts = layer_shifts(noon, local(BERLIN, 2024, 3, 5), local(BERLIN, 2024, 3, 6, 23))
    assert table(shifts, BERLIN) == [("alice", "Tue 05 09:00", "Tue 05 12:00", 3),
                                     ("bob", "Tue 05 12:00", "Tue 05 17:00", 5),
                                     ("bob", "Wed 06 09:00", "Wed 06 12:00", 3),
                                     ("alice", "Wed 06 12:00", "Wed 06 17:00", 5)]


def test_an_overnight_window_wraps_past_midnight_and_shrinks_on_the_dst_night() -> None:
    nights = layer(start=local(BERLIN, 2024, 3, 25, 9), restrictions=(Restriction.daily(time(22), time(6)),))
    shifts = layer_shifts(nights, local(BERLIN, 2024, 3, 29, 12), local(BERLIN, 2024, 4, 1, 12))
    assert table(shifts, BERLIN) == [("alice", "Fri 29 22:00", "Sat 30 06:00", 8),
                                     ("bob", "Sat 30 22:00", "Sun 31 06:00", 7),
                                     ("alice", "Sun 31 22:00", "Mon 01 06:00", 8)]


def test_a_window_already_open_when_the_query_starts_is_clipped() -> None:
    nights = layer(start=local(BERLIN, 2024, 3, 25, 9), restrictions=(Restriction.daily(time(22), time(6)),))
    shifts = layer_shifts(nights, local(BERLIN, 2024, 3, 27, 3), local(BERLIN, 2024, 3, 27, 23))
    # 03:00 on Wednesday still belongs to Tuesday's shift (bob); the night starting Wednesday is alice's
    assert table(shifts, BERLIN) == [("bob", "Wed 27 03:00", "Wed 27 06:00", 3),
                                     ("alice", "Wed 27 22:00", "Wed 27 23:00", 1)]


def test_a_weekend_window_wraps_past_sunday() -> None:
    weekend = (Restriction.weekly(4, time(18), 0, time(8)),)
    monday_handoff = layer(rotation="weekly", start=local(BERLIN, 2024, 3, 4, 9), restrictions=weekend)
    shifts = layer_shifts(monday_handoff, local(BERLIN, 2024, 3, 4), local(BERLIN, 2024, 3, 18))
    assert table(shifts, BERLIN) == [("alice", "Fri 08 18:00", "Mon 11 08:00", 62),
                                     ("bob", "Fri 15 18:00", "Mon 18 00:00", 54)]
    sunday_handoff = layer(rotation="weekly", start=local(BERLIN, 2024, 3, 3, 12), restrictions=weekend)
    shifts = layer_shifts(sunday_handoff, local(BERLIN, 2024, 3, 8), local(BERLIN, 2024, 3, 12))
    assert table(shifts, BERLIN) == [("alice", "Fri 08 18:00", "Sun 10 12:00", 42),
                                     ("bob", "Sun 10 12:00", "Mon 11 08:00", 20)]


def test_a_weekly_window_ending_before_its_start_on_the_same_day_wraps_the_whole_week() -> None:
    almost = Restriction.weekly(5, time(22), 5, time(6))
    assert almost.length == timedelta(days=6, hours=8)
    assert almost.describe() == "Sat 22:00-Sat 06:00"


def test_overlapping_and_touching_windows_are_one() -> None:
    two = (Restriction.daily(time(9), time(13)), Restriction.daily(time(12), time(15)),
           Restriction.daily(time(15), time(17)))
    shifts = layer_shifts(layer(start=local(BERLIN, 2024, 3, 4, 0)), local(BERLIN, 2024, 3, 5),
                          local(BERLIN, 2024, 3, 6))
    assert len(shifts) == 1
    restricted = layer_shifts(layer(start=local(BERLIN, 2024, 3, 4, 0), restrictions=two),
                              local(BERLIN, 2024, 3, 5), local(BERLIN, 2024, 3, 6))
    assert table(restricted, BERLIN) == [("bob", "Tue 05 09:00", "Tue 05 17:00", 8)]


def test_business_hours_can_run_overnight() -> None:
    nights = business_hours(time(22), time(6), days=[4])
    assert nights == (Restriction.weekly(4, time(22), 5, time(6)),)
    assert nights[0].describe() == "Fri 22:00-Sat 06:00"
