"""Every ScheduleError: the field path it names and the message it gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from mendflow.errors import InvalidError
from mendflow.oncall import (
    Override,
    Restriction,
    Schedule,
    ScheduleError,
    final_shifts,
    layer_shifts,
    on_call,
    schedule_errors,
    validate_schedule,
)
from tests.unit.oncall.builders import BERLIN, layer, local, schedule

GOOD = layer()
NAIVE = datetime(2024, 3, 4, 9)


def ov(ident: str, start_hour: int, end_hour: int, day: int = 7) -> Override:
    return Override(ident, "dave", local(BERLIN, 2024, 3, day, start_hour), local(BERLIN, 2024, 3, day, end_hour))


CASES = [
    ("empty rotation", schedule(layer(())), "layers.0.users", "a rotation needs at least one user"),
    ("blank user", schedule(GOOD, layer(("alice", " "))), "layers.1.users.1", "a user id must be a non-empty string"),
    ("unknown schedule zone", Schedule("s", "S", "Europe/Atlantis", (GOOD,)), "time_zone",
     "unknown time zone 'Europe/Atlantis'; use an IANA name such as Europe/Berlin"),
    ("unknown layer zone", schedule(replace(GOOD, time_zone="Mars/Olympus")), "layers.0.time_zone",
     "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin"),
    ("empty zone", schedule(replace(GOOD, time_zone="")), "layers.0.time_zone", "'' is not a time zone"),
    ("path-like zone", schedule(replace(GOOD, time_zone="../etc/passwd")), "layers.0.time_zone",
     "unknown time zone '../etc/passwd'"),
    ("unknown rotation", schedule(replace(GOOD, rotation="hourly")), "layers.0.rotation",
     "'hourly' is not a rotation; use daily, weekly or custom"),
    ("daily of two days", schedule(replace(GOOD, shift_length=timedelta(days=2))), "layers.0.shift_length",
     "a daily rotation hands off every 1d; use rotation custom for other lengths"),
    ("weekly of one day", schedule(layer(rotation="weekly", length=timedelta(days=1))), "layers.0.shift_length",
     "a weekly rotation hands off every 7d"),
    ("custom under an hour", schedule(layer(rotation="custom", length=timedelta(minutes=30))),
     "layers.0.shift_length", "a shift must last at least 1h, not 30m"),
    ("custom of zero", schedule(layer(rotation="custom", length=timedelta(0))), "layers.0.shift_length",
     "a shift must last at least 1h, not 0s"),
    ("custom over a year", schedule(layer(rotation="custom", length=timedelta(days=400))), "layers.0.shift_length",
     "a shift may last at most 366d, not 400d"),
    ("naive layer start", schedule(replace(GOOD, start=NAIVE)), "layers.0.start",
     "needs a UTC offset or time zone (a naive date-time is ambiguous)"),
    ("equal daily restriction", schedule(layer(restrictions=(Restriction.daily(time(9), time(9)),))),
     "layers.0.restrictions.0.end_time",
     "the restriction daily 09:00-09:00 ends where it starts; give it different start and end times"),
    ("equal weekly restriction", schedule(layer(restrictions=(
        Restriction.daily(time(9), time(17)), Restriction.weekly(2, time(8), 2, time(8))))),
     "layers.0.restrictions.1.end_time", "the restriction Wed 08:00-Wed 08:00 ends where it starts"),
    ("weekly without days", schedule(layer(restrictions=(Restriction("weekly", None, time(9), 4, time(17)),))),
     "layers.0.restrictions.0.start_day", "a weekly restriction needs a day 0 (Monday) .. 6 (Sunday)"),
    ("weekly day out of range", schedule(layer(restrictions=(Restriction.weekly(0, time(9), 7, time(17)),))),
     "layers.0.restrictions.0.end_day", "a weekly restriction needs a day 0 (Monday) .. 6 (Sunday)"),
    ("daily with a day", schedule(layer(restrictions=(Restriction("daily", 1, time(9), None, time(17)),))),
     "layers.0.restrictions.0.start_day", "a daily restriction has no days; use kind weekly"),
    ("restriction kind", schedule(layer(restrictions=(Restriction("monthly", None, time(9), None, time(17)),))),
     "layers.0.restrictions.0.kind", "'monthly' is not a restriction kind; use daily or weekly"),
    ("zoned restriction time", schedule(layer(restrictions=(
        Restriction.daily(time(9, tzinfo=UTC), time(17)),))),
     "layers.0.restrictions.0.start_time", "must be a wall-clock time without a time zone"),
    ("override ends at its start", schedule(GOOD, overrides=(ov("a", 10, 10),)), "overrides.0.end",
     "an override must end after it starts"),
    ("override ends before its start", schedule(GOOD, overrides=(ov("a", 10, 12), ov("b", 14, 13))),
     "overrides.1.end", "an override must end after it starts"),
    ("naive override", schedule(GOOD, overrides=(Override("a", "dave", NAIVE, NAIVE + timedelta(hours=1)),)),
     "overrides.0.start", "needs a UTC offset or time zone"),
    ("override without a user", schedule(GOOD, overrides=(replace(ov("a", 10, 12), user=""),)), "overrides.0.user",
     "an override needs a user"),
    ("duplicate override id", schedule(GOOD, overrides=(ov("a", 10, 12), ov("a", 14, 16))), "overrides.1.id",
     "override id 'a' is used twice (also by overrides.0)"),
    ("overlapping overrides", schedule(GOOD, overrides=(ov("a", 10, 14), ov("b", 12, 16))), "overrides.1",
     "override 'b' overlaps override 'a' from Thu 2024-03-07 12:00 to Thu 2024-03-07 14:00 Europe/Berlin; "
     "shorten or remove one of them"),
    ("overlap on the later-listed one", schedule(GOOD, overrides=(ov("late", 12, 16), ov("early", 10, 14))),
     "overrides.1", "override 'early' overlaps override 'late' from Thu 2024-03-07 12:00 to Thu 2024-03-07 14:00"),
    ("overlap past a short neighbour", schedule(GOOD, overrides=(ov("long", 1, 10), ov("short", 2, 3),
                                                                 ov("third", 5, 12))),
     "overrides.1", "override 'short' overlaps override 'long' from Thu 2024-03-07 02:00 to Thu 2024-03-07 03:00"),
]


@pytest.mark.parametrize(("bad", "field", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_every_schedule_error_names_its_field(bad: Schedule, field: str, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(bad)
    assert caught.value.field == field
    assert caught.value.message.startswith(message)
    assert str(caught.value) == f"{field}: {caught.value.message}"


def test_all_errors_are_listed_in_document_order() -> None:
    bad = Schedule("s", "S", "Nowhere/City", (layer(()), replace(GOOD, start=NAIVE)),
                   (ov("long", 1, 10), ov("short", 2, 3), ov("third", 5, 12)))
    assert [e.field for e in schedule_errors(bad)] == [
        "time_zone", "layers.0.users", "layers.1.start", "overrides.1", "overrides.2"]
    third = schedule_errors(bad)[-1]  # without a valid schedule zone, times are shown in UTC
    assert third.message.startswith("override 'third' overlaps override 'long' from Thu 2024-03-07 04:00 to "
                                    "Thu 2024-03-07 09:00 UTC")


def test_touching_overrides_do_not_overlap() -> None:
    validate_schedule(schedule(GOOD, overrides=(ov("a", 10, 12), ov("b", 12, 14))))


def test_a_schedule_error_is_a_422_with_its_field() -> None:
    error = ScheduleError("layers.0.users", "a rotation needs at least one user")
    assert isinstance(error, InvalidError) and isinstance(error, ValueError)
    assert (error.status, error.message, error.details) == (422, "a rotation needs at least one user",
                                                            {"field": "layers.0.users"})


def test_layer_shifts_name_fields_relative_to_the_layer_or_its_index() -> None:
    start, end = local(BERLIN, 2024, 3, 4), local(BERLIN, 2024, 3, 5)
    with pytest.raises(ScheduleError) as caught:
        layer_shifts(layer(()), start, end)
    assert caught.value.field == "users"
    with pytest.raises(ScheduleError) as caught:
        layer_shifts(layer(()), start, end, index=2)
    assert caught.value.field == "layers.2.users"


@pytest.mark.parametrize(("start", "end", "field"), [(NAIVE, local(BERLIN, 2024, 3, 5), "start"),
                                                     (local(BERLIN, 2024, 3, 5), NAIVE, "end")])
def test_a_naive_window_is_refused(start: datetime, end: datetime, field: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        final_shifts(schedule(GOOD), start, end)
    assert caught.value.field == field
    with pytest.raises(ScheduleError):
        layer_shifts(GOOD, start, end)


def test_overrides_in_the_repeated_dst_hour_are_compared_as_instants() -> None:
    def night(ident: str, start: tuple[int, int, int], end: tuple[int, int, int]) -> Override:
        """An override on the fall-back night, from (hour, minute, fold) to (hour, minute, fold)."""
        return Override(ident, "dave", local(BERLIN, 2024, 10, 27, start[0], start[1], fold=start[2]),
                        local(BERLIN, 2024, 10, 27, end[0], end[1], fold=end[2]))

    # 02:10-02:50 summer time, then 02:20 winter time onwards: the wall clock overlaps, the instants do not
    validate_schedule(schedule(GOOD, overrides=(night("a", (2, 10, 0), (2, 50, 0)), night("b", (2, 20, 1), (4, 0, 0)))))
    # 02:40 summer time to 02:20 winter time looks reversed but lasts 40 minutes
    validate_schedule(schedule(GOOD, overrides=(night("c", (2, 40, 0), (2, 20, 1)),)))
    # 02:50 summer time to 03:30 contains 02:10-02:40 winter time, though their wall times do not meet
    with pytest.raises(ScheduleError, match="override 'e' overlaps override 'd' from Sun 2024-10-27 02:10 to "
                                            "Sun 2024-10-27 02:40 Europe/Berlin"):
        validate_schedule(schedule(GOOD, overrides=(night("d", (2, 50, 0), (3, 30, 0)),
                                                    night("e", (2, 10, 1), (2, 40, 1)))))


def test_a_window_longer_than_two_years_is_refused() -> None:
    start = local(BERLIN, 2024, 1, 1)
    final_shifts(schedule(GOOD), start, start + timedelta(days=732))
    with pytest.raises(ScheduleError, match="a window may span at most 732 days, not 733; ask for a shorter one"):
        final_shifts(schedule(GOOD), start, start + timedelta(days=733))
    with pytest.raises(ScheduleError) as caught:
        layer_shifts(GOOD, datetime(1950, 1, 1, tzinfo=UTC), datetime(2950, 1, 1, tzinfo=UTC))
    assert caught.value.field == "end"


@pytest.mark.parametrize("year", [1, 1899, 3000, 9999])
def test_date_times_far_from_any_schedule_are_refused(year: int) -> None:
    far = datetime(year, 6, 1, tzinfo=UTC)
    with pytest.raises(ScheduleError, match="must fall between the years 1900 and 2999") as caught:
        on_call(schedule(GOOD), far)
    assert caught.value.field == "at"
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(schedule(replace(GOOD, start=far)))
    assert caught.value.field == "layers.0.start"
    with pytest.raises(ScheduleError) as caught:
        final_shifts(schedule(GOOD), far, far)
    assert caught.value.field == "start"


def test_on_call_near_the_last_year_still_answers() -> None:
    late = schedule(layer(("zoe",), start=local(BERLIN, 2999, 12, 1)))
    who = on_call(late, datetime(2999, 12, 31, 22, tzinfo=UTC))
    assert who is not None and who.until == datetime(2999, 12, 31, 22, tzinfo=UTC) + timedelta(days=366)
