"""On-call schedules: rotation layers, restrictions, overrides, and who is on call when (pure, no I/O).

The model follows PagerDuty's schedules:

- A **layer** rotates through its users, one shift each, from its `start` (the first handoff). Before
  `start` the layer has nobody. Daily and weekly rotations, and custom rotations whose length is a
  whole number of days, hand off on the **wall clock** of the layer's time zone: a daily 09:00
  handoff stays 09:00 local across daylight-saving changes, so that day's shift is 23 or 25 hours
  long. Custom lengths that are not whole days (12h, 36h) are **elapsed** time: a 12-hour shift is
  12 real hours even across a DST change, so its local handoff time moves by the hour.
- **Restrictions** say when a layer is active; outside every restriction of a layer it has nobody
  (the rotation keeps turning on the clock, it does not pause). Several restrictions are a union.
  Restriction times are wall-clock times in the layer's time zone.
- **Precedence**: where a later layer (higher index) has someone, it wins over every earlier
  layer; where it has nobody (a restriction gap, before its start), the layer below shows through.
- An **override** puts one user on call for its window over every layer, even where no layer has
  anyone. Overrides of one schedule must not overlap.

Local times that do not exist (the hour skipped when clocks spring forward) move forward by the
gap (02:30 becomes 03:30); local times that happen twice (clocks falling back) mean the first one.

Every datetime going in must be aware (carry an offset); every datetime coming out is in UTC.
Intervals are half-open: a shift `[start, end)` includes its start and excludes its end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mendflow.errors import InvalidError

ROTATIONS = ("daily", "weekly", "custom")
RESTRICTION_KINDS = ("daily", "weekly")
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
MIN_CUSTOM_SHIFT = timedelta(hours=1)
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# on_call looks this far either side of `at` for where the current on-call stretch begins and ends.
EXPLAIN_HORIZON = timedelta(days=366)
# The longest window layer_shifts and final_shifts compute, so that one request cannot ask for centuries.
MAX_WINDOW = timedelta(days=2 * 366)
MAX_SHIFT = timedelta(days=366)
FIRST_YEAR, LAST_YEAR = 1900, 2999  # date-times outside are refused: far from any schedule, near overflow


class ScheduleError(InvalidError, ValueError):
    """A schedule that cannot be computed; `field` is the dotted path of the bad value (`layers.0.users`).

    It is an `InvalidError`, so the API answers it with 422 and the field, like any refused input.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class Restriction:
    """A window in which a layer is active, in the layer's wall-clock time.

    `daily`: every day from `start_time` to `end_time`; an end at or before the start wraps past
    midnight (22:00-06:00 runs into the next morning). `weekly`: from `start_day` at `start_time`
    to `end_day` at `end_time` (0=Monday .. 6=Sunday); an end at or before the start wraps past
    Sunday (Fri 18:00 - Mon 08:00 is the weekend). A window whose start equals its end is refused.
    """

    kind: str
    start_day: int | None
    start_time: time
    end_day: int | None
    end_time: time

    @classmethod
    def daily(cls, start_time: time, end_time: time) -> Restriction:
        return cls("daily", None, start_time, None, end_time)

    @classmethod
    def weekly(cls, start_day: int, start_time: time, end_day: int, end_time: time) -> Restriction:
        return cls("weekly", start_day, start_time, end_day, end_time)

    @property
    def length(self) -> timedelta:
        """How long one window lasts on the wall clock (zero for an invalid, empty window)."""
        if self.kind == "daily":
            return (_since_midnight(self.end_time) - _since_midnight(self.start_time)) % DAY
        begin = (self.start_day or 0) * DAY + _since_midnight(self.start_time)
        return ((self.end_day or 0) * DAY + _since_midnight(self.end_time) - begin) % WEEK

    def describe(self) -> str:
        """`daily 09:00-17:00` or `Fri 18:00-Mon 08:00`."""
        if self.kind == "daily":
            return f"daily {_hhmm(self.start_time)}-{_hhmm(self.end_time)}"
        return (f"{_day_name(self.start_day)} {_hhmm(self.start_time)}-"
                f"{_day_name(self.end_day)} {_hhmm(self.end_time)}")


def business_hours(start_time: time = time(9), end_time: time = time(17),
                   days: Iterable[int] = range(5)) -> tuple[Restriction, ...]:
    """One weekly restriction per day in `days` (default Monday to Friday), each `start_time`-`end_time`.

    A weekly restriction is one unbroken window (Mon 09:00-Fri 17:00 includes the nights), so
    "weekdays 09:00-17:00" is five of them, as PagerDuty builds it. An end at or before the start
    runs into the next day (a 22:00-06:00 night shift).
    """
    wraps = end_time <= start_time
    return tuple(Restriction.weekly(day, start_time, (day + 1) % 7 if wraps else day, end_time) for day in days)


@dataclass(frozen=True)
class Layer:
    """One rotation: `users` take turns (in order, repeats allowed) for `shift_length` each from `start`.

    `shift_length` is 1 day for `daily`, 7 days for `weekly`, and at least 1 hour for `custom`.
    Whole-day lengths hand off on the wall clock of `time_zone`; other lengths are elapsed time.
    """

    name: str
    users: tuple[str, ...]
    rotation: str
    shift_length: timedelta
    start: datetime
    time_zone: str
    restrictions: tuple[Restriction, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", tuple(self.users))
        object.__setattr__(self, "restrictions", tuple(self.restrictions))

    @property
    def follows_wall_clock(self) -> bool:
        """True when handoffs keep their local time across DST changes (whole-day shift lengths)."""
        return self.rotation in ("daily", "weekly") or (
            self.shift_length > timedelta(0) and self.shift_length % DAY == timedelta(0))

    def describe(self) -> str:
        """`weekly rotation` or `custom rotation every 12h`."""
        if self.rotation == "custom":
            return f"custom rotation every {format_length(self.shift_length)}"
        return f"{self.rotation} rotation"


@dataclass(frozen=True)
class Override:
    """`user` is on call for `[start, end)`, over every layer of the schedule."""

    id: str
    user: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Schedule:
    """Layers (later ones take precedence where they have someone) plus overrides on top of them all."""

    id: str
    name: str
    time_zone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "overrides", tuple(self.overrides))


@dataclass(frozen=True)
class Shift:
    """`user` on call for `[start, end)` (UTC), from layer number `layer` or from override `override_id`."""

    user: str
    start: datetime
    end: datetime
    source: str
    layer: int | None
    layer_name: str | None
    override_id: str | None


@dataclass(frozen=True)
class OnCall:
    """Who is on call at one instant, for how long (`since`, `until`, UTC), and a sentence saying why."""

    user: str
    since: datetime
    until: datetime
    source: str
    layer: int | None
    layer_name: str | None
    override_id: str | None
    reason: str


# --- validation -------------------------------------------------------------------------------------


def validate_schedule(schedule: Schedule) -> None:
    """Raise the first `ScheduleError` of `schedule`, if it has any."""
    for error in schedule_errors(schedule):
        raise error


def validate_layer(layer: Layer, path: str = "") -> None:
    """Raise the first `ScheduleError` of one layer; `path` prefixes the field names (`layers.0`)."""
    for error in layer_errors(layer, path):
        raise error


def schedule_errors(schedule: Schedule) -> list[ScheduleError]:
    """Every problem of `schedule`, each naming its field, in document order."""
    errors = time_zone_errors(schedule.time_zone, "time_zone")
    for i, layer in enumerate(schedule.layers):
        errors += layer_errors(layer, f"layers.{i}")
    errors += _override_errors(schedule)
    return errors


def layer_errors(layer: Layer, path: str = "") -> list[ScheduleError]:
    """Every problem of one layer; field names are prefixed with `path`."""
    at = _prefix(path)
    errors: list[ScheduleError] = []
    if not layer.users:
        errors.append(ScheduleError(f"{at}users", "a rotation needs at least one user"))
    for j, user in enumerate(layer.users):
        if not isinstance(user, str) or not user.strip():
            errors.append(ScheduleError(f"{at}users.{j}", "a user id must be a non-empty string"))
    errors += _rotation_errors(layer, at)
    errors += _aware_errors(layer.start, f"{at}start")
    errors += time_zone_errors(layer.time_zone, f"{at}time_zone")
    for j, restriction in enumerate(layer.restrictions):
        errors += restriction_errors(restriction, f"{at}restrictions.{j}")
    return errors


def restriction_errors(restriction: Restriction, path: str = "") -> list[ScheduleError]:
    """Every problem of one restriction; field names are prefixed with `path`."""
    at = _prefix(path)
    if restriction.kind not in RESTRICTION_KINDS:
        return [ScheduleError(f"{at}kind", f"{restriction.kind!r} is not a restriction kind; use daily or weekly")]
    errors = []
    for name in ("start_time", "end_time"):
        value = getattr(restriction, name)
        if not isinstance(value, time) or value.tzinfo is not None:
            errors.append(ScheduleError(f"{at}{name}", "must be a wall-clock time without a time zone"))
    for name in ("start_day", "end_day"):
        value = getattr(restriction, name)
        if restriction.kind == "daily" and value is not None:
            errors.append(ScheduleError(f"{at}{name}", "a daily restriction has no days; use kind weekly"))
        if restriction.kind == "weekly" and (isinstance(value, bool) or value not in range(7)):
            errors.append(ScheduleError(f"{at}{name}", "a weekly restriction needs a day 0 (Monday) .. 6 (Sunday)"))
    if not errors and restriction.length == timedelta(0):
        errors.append(ScheduleError(f"{at}end_time", f"the restriction {restriction.describe()} ends where it "
                                    "starts; give it different start and end times"))
    return errors


def _rotation_errors(layer: Layer, at: str) -> list[ScheduleError]:
    if layer.rotation not in ROTATIONS:
        return [ScheduleError(f"{at}rotation", f"{layer.rotation!r} is not a rotation; use daily, weekly or custom")]
    if not isinstance(layer.shift_length, timedelta):
        return [ScheduleError(f"{at}shift_length", "must be a duration")]
    fixed = {"daily": DAY, "weekly": WEEK}.get(layer.rotation)
    if fixed is not None and layer.shift_length != fixed:
        return [ScheduleError(f"{at}shift_length", f"a {layer.rotation} rotation hands off every "
                              f"{format_length(fixed)}; use rotation custom for other lengths")]
    if layer.shift_length < MIN_CUSTOM_SHIFT:
        return [ScheduleError(f"{at}shift_length", f"a shift must last at least 1h, not "
                              f"{format_length(layer.shift_length)}")]
    if layer.shift_length > MAX_SHIFT:
        return [ScheduleError(f"{at}shift_length", f"a shift may last at most {format_length(MAX_SHIFT)}, not "
                              f"{format_length(layer.shift_length)}")]
    return []


def _override_errors(schedule: Schedule) -> list[ScheduleError]:
    errors: list[ScheduleError] = []
    valid: list[tuple[int, Override]] = []
    seen: dict[str, int] = {}
    for i, override in enumerate(schedule.overrides):
        found = _aware_errors(override.start, f"overrides.{i}.start") + _aware_errors(
            override.end, f"overrides.{i}.end")
        if not override.user or not isinstance(override.user, str):
            found.append(ScheduleError(f"overrides.{i}.user", "an override needs a user"))
        if override.id in seen:
            found.append(ScheduleError(f"overrides.{i}.id", f"override id {override.id!r} is used twice "
                                       f"(also by overrides.{seen[override.id]})"))
        seen.setdefault(override.id, i)
        if not found:
            # in UTC: datetimes sharing one ZoneInfo compare by wall clock, wrong in the repeated DST hour
            override = dataclasses.replace(override, start=override.start.astimezone(UTC),
                                           end=override.end.astimezone(UTC))
            if override.end <= override.start:
                found.append(ScheduleError(f"overrides.{i}.end", "an override must end after it starts"))
        errors += found
        if not found:
            valid.append((i, override))
    return errors + _overlap_errors(valid, _display_zone(schedule.time_zone))


def _overlap_errors(overrides: list[tuple[int, Override]], zone: ZoneInfo) -> list[ScheduleError]:
    errors = []
    ordered = sorted(overrides, key=lambda item: (item[1].start, item[0]))
    reach: tuple[int, Override] | None = None  # the override reaching furthest so far
    for i, override in ordered:
        if reach is not None and override.start < reach[1].end:
            begin, end = max(override.start, reach[1].start), min(override.end, reach[1].end)
            earlier, later = sorted([reach, (i, override)], key=lambda item: item[0])
            errors.append(ScheduleError(
                f"overrides.{later[0]}",
                f"override {later[1].id!r} overlaps override {earlier[1].id!r} from {_local(begin, zone)} "
                f"to {_local(end, zone)} {zone.key}; shorten or remove one of them"))
        if reach is None or override.end > reach[1].end:
            reach = (i, override)
    return errors


def _aware_errors(value: object, field: str) -> list[ScheduleError]:
    if not isinstance(value, datetime):
        return [ScheduleError(field, "must be a date-time")]
    if value.utcoffset() is None:
        return [ScheduleError(field, "needs a UTC offset or time zone (a naive date-time is ambiguous)")]
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return [ScheduleError(field, f"must fall between the years {FIRST_YEAR} and {LAST_YEAR}")]
    return []


def time_zone_errors(name: str, field: str = "time_zone") -> list[ScheduleError]:
    """[] for a known IANA time zone name, else the one error saying so."""
    try:
        _zone(name, field)
    except ScheduleError as error:
        return [error]
    return []


def _zone(name: str, field: str) -> ZoneInfo:
    if not isinstance(name, str) or not name or name == "localtime":
        raise ScheduleError(field, f"{name!r} is not a time zone; use an IANA name such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(field, f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from None


def _display_zone(name: str) -> ZoneInfo:
    try:
        return _zone(name, "time_zone")
    except ScheduleError:
        return ZoneInfo("UTC")


def _prefix(path: str) -> str:
    return f"{path}." if path else ""


# --- rotation math ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """The handoff instants of one layer: handoff k starts shift k, taken by users[k % len(users)]."""

    layer: Layer
    zone: ZoneInfo
    start: datetime  # UTC
    local_start: datetime  # naive wall time of the first handoff in the layer's zone

    @classmethod
    def of(cls, layer: Layer) -> _Clock:
        zone = _zone(layer.time_zone, "time_zone")
        return cls(layer, zone, layer.start.astimezone(UTC), layer.start.astimezone(zone).replace(tzinfo=None))

    def handoff(self, k: int) -> datetime:
        if k == 0:
            return self.start
        if self.layer.follows_wall_clock:
            return _to_utc(self.local_start + k * self.layer.shift_length, self.zone)
        return self.start + k * self.layer.shift_length

    def index_at(self, instant: datetime) -> int:
        """The shift number running at `instant` (which is not before the first handoff)."""
        k = max(0, (instant - self.start) // self.layer.shift_length)
        while k > 0 and self.handoff(k) > instant:
            k -= 1
        while self.handoff(k + 1) <= instant:
            k += 1
        return k

    def user(self, k: int) -> str:
        return self.layer.users[k % len(self.layer.users)]


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall time in `zone` as a UTC instant (fold=0: gaps move forward, repeats take the first)."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def _active_windows(layer: Layer, zone: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """The union of the layer's restriction windows within [lo, hi), sorted; all of it without restrictions."""
    if not layer.restrictions:
        return [(lo, hi)]
    windows = sorted(w for r in layer.restrictions for w in _restriction_windows(r, zone, lo, hi))
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in windows:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _restriction_windows(restriction: Restriction, zone: ZoneInfo, lo: datetime,
                         hi: datetime) -> Iterator[tuple[datetime, datetime]]:
    length = restriction.length
    step = DAY if restriction.kind == "daily" else WEEK
    day = lo.astimezone(zone).date() - (DAY if restriction.kind == "daily" else WEEK)
    if restriction.kind == "weekly":
        day += timedelta(days=((restriction.start_day or 0) - day.weekday()) % 7)
    last: date = hi.astimezone(zone).date()
    while day <= last:
        local = datetime.combine(day, restriction.start_time)
        begin, end = _to_utc(local, zone), _to_utc(local + length, zone)
        begin, end = max(begin, lo), min(end, hi)
        if begin < end:
            yield begin, end
        day += step


def _layer_pieces(layer: Layer, index: int | None, lo: datetime, hi: datetime) -> Iterator[tuple[int, Shift]]:
    """(shift number, shift) of the layer within [lo, hi), cut to its restrictions; lo and hi in UTC."""
    clock = _Clock.of(layer)
    lo = max(lo, clock.start)
    if lo >= hi:
        return
    active = _active_windows(layer, clock.zone, lo, hi)
    k, i = clock.index_at(lo), 0
    begin = clock.handoff(k)
    while begin < hi and i < len(active):
        end = clock.handoff(k + 1)
        a0, b0 = max(begin, lo), min(end, hi)
        while i < len(active) and active[i][1] <= a0:
            i += 1
        j = i
        while j < len(active) and active[j][0] < b0:
            a, b = max(a0, active[j][0]), min(b0, active[j][1])
            if a < b:
                yield k, Shift(clock.user(k), a, b, "layer", index, layer.name, None)
            j += 1
        k, begin = k + 1, end


def _layer_cover(layer: Layer, index: int, lo: datetime, hi: datetime) -> Iterator[Shift]:
    """The layer's shifts for combining: a one-person layer is its active windows, not thousands of shifts."""
    if len(set(layer.users)) != 1:
        yield from (shift for _, shift in _layer_pieces(layer, index, lo, hi))
        return
    clock = _Clock.of(layer)
    lo = max(lo, clock.start)
    if lo < hi:
        for begin, end in _active_windows(layer, clock.zone, lo, hi):
            yield Shift(layer.users[0], begin, end, "layer", index, layer.name, None)


def layer_shifts(layer: Layer, start: datetime, end: datetime, *, index: int | None = None) -> list[Shift]:
    """The layer's shifts within `[start, end)`, clipped to it, with restrictions applied.

    One entry per rotation shift (or per piece of it, where restrictions cut it), not merged, so
    consecutive shifts of a user listed twice in a row stay apart. `index` fills `Shift.layer`.
    Raises ScheduleError for an invalid layer or a naive start or end.
    """
    validate_layer(layer, "" if index is None else f"layers.{index}")
    lo, hi = _window(start, end)
    return [shift for _, shift in _layer_pieces(layer, index, lo, hi)]


def final_shifts(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """Who is on call within `[start, end)`: layers combined by precedence, overrides on top.

    Sorted, never overlapping, gaps where nobody is on call; touching shifts of the same user from
    the same layer (or override) are merged into one. Raises ScheduleError for an invalid schedule.
    """
    validate_schedule(schedule)
    lo, hi = _window(start, end)
    return _combine(schedule, lo, hi)


def _combine(schedule: Schedule, lo: datetime, hi: datetime, *, overrides: bool = True) -> list[Shift]:
    """The sweep behind final_shifts: at each boundary the highest-ranked covering shift wins."""
    ranked: list[tuple[tuple[int, int], Shift]] = [
        ((0, i), shift) for i, layer in enumerate(schedule.layers) for shift in _layer_cover(layer, i, lo, hi)]
    if overrides:
        for j, override in enumerate(schedule.overrides):
            begin, end = max(override.start.astimezone(UTC), lo), min(override.end.astimezone(UTC), hi)
            if begin < end:
                ranked.append(((1, j), Shift(override.user, begin, end, "override", None, None, override.id)))
    ranked.sort(key=lambda item: item[1].start)
    bounds = sorted({t for _, shift in ranked for t in (shift.start, shift.end)})
    result: list[Shift] = []
    active: list[tuple[tuple[int, int], Shift]] = []
    nxt = 0
    for begin, end in pairwise(bounds):
        active = [item for item in active if item[1].end > begin]
        while nxt < len(ranked) and ranked[nxt][1].start <= begin:
            active.append(ranked[nxt])
            nxt += 1
        if active:
            _append_merged(result, dataclasses.replace(max(active, key=lambda item: item[0])[1], start=begin, end=end))
    return result


def _append_merged(shifts: list[Shift], shift: Shift) -> None:
    last = shifts[-1] if shifts else None
    if last is not None and last.end == shift.start and _same_source(last, shift):
        shifts[-1] = dataclasses.replace(last, end=shift.end)
    else:
        shifts.append(shift)


def _same_source(a: Shift, b: Shift) -> bool:
    return (a.user, a.source, a.layer, a.override_id) == (b.user, b.source, b.layer, b.override_id)


def _window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    for value, name in ((start, "start"), (end, "end")):
        for error in _aware_errors(value, name):
            raise error
    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    if hi - lo > MAX_WINDOW:
        raise ScheduleError("end", f"a window may span at most {MAX_WINDOW.days} days, not {(hi - lo).days}; "
                                   "ask for a shorter one")
    return lo, hi


# --- who is on call, and why ------------------------------------------------------------------------


def on_call(schedule: Schedule, at: datetime) -> OnCall | None:
    """Who is on call at `at` per the final schedule, or None when nobody is.

    `since` and `until` bound the unbroken stretch of the same shift source (as final_shifts merges
    it) around `at`, looked up at most EXPLAIN_HORIZON (366 days) either side.
    """
    validate_schedule(schedule)
    for error in _aware_errors(at, "at"):
        raise error
    at = at.astimezone(UTC)
    back = ahead = DAY
    while True:
        lo, hi = at - back, at + ahead
        hit = next((s for s in _combine(schedule, lo, hi) if s.start <= at < s.end), None)
        if hit is None:
            return None
        grow_back, grow_ahead = hit.start == lo and back < EXPLAIN_HORIZON, hit.end == hi and ahead < EXPLAIN_HORIZON
        if not (grow_back or grow_ahead):
            break
        back = min(back * 4, EXPLAIN_HORIZON) if grow_back else back
        ahead = min(ahead * 4, EXPLAIN_HORIZON) if grow_ahead else ahead
    return OnCall(hit.user, hit.start, hit.end, hit.source, hit.layer, hit.layer_name, hit.override_id,
                  explain(schedule, hit, at))


def explain(schedule: Schedule, shift: Shift, at: datetime) -> str:
    """The sentence saying why `shift.user` is on call at `at` (the OnCall.reason)."""
    if shift.source == "override":
        return _explain_override(schedule, shift, at)
    layer = schedule.layers[shift.layer or 0]
    clock = _Clock.of(layer)
    k = clock.index_at(at)
    zone_name = layer.time_zone
    text = (f"layer {layer.name!r} ({layer.describe()}, shift {k + 1} of {', '.join(layer.users)}), "
            f"handoff {_local(clock.handoff(k), clock.zone)} {zone_name}, "
            f"next handoff {_local(clock.handoff(k + 1), clock.zone)}")
    if layer.restrictions:
        text += f"; active {' and '.join(r.describe() for r in layer.restrictions)} {zone_name}"
    return text


def _explain_override(schedule: Schedule, shift: Shift, at: datetime) -> str:
    override = next(o for o in schedule.overrides if o.id == shift.override_id)
    zone = _display_zone(schedule.time_zone)
    text = (f"override {override.id!r} puts {override.user} on call from {_local(override.start, zone)} "
            f"to {_local(override.end, zone)} {schedule.time_zone}")
    below = _combine(schedule, at, at + timedelta(microseconds=1), overrides=False)
    if below:
        return text + f", in place of {below[0].user} (layer {below[0].layer_name!r})"
    return text + ", where no layer has anyone"


# --- formatting -------------------------------------------------------------------------------------


def format_length(length: timedelta) -> str:
    """A duration the way people write it: `1d`, `12h`, `1h30m`, `45s`, `0s`."""
    seconds = int(length.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _day_name(day: int | None) -> str:
    return WEEKDAY_NAMES[day] if isinstance(day, int) and 0 <= day < 7 else "?"


def _since_midnight(value: time) -> timedelta:
    return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)
