"""Small builders shared by the on-call tests: zones, local times, layers and schedules."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mendflow.oncall import Layer, Override, Restriction, Schedule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    """An aware datetime from wall-clock fields in `zone`."""
    return datetime(*args, tzinfo=zone, fold=fold)


def layer(users: tuple[str, ...] | list[str] = ("alice", "bob"), *, rotation: str = "daily",
          start: datetime | None = None, zone: ZoneInfo = BERLIN, length: timedelta | None = None,
          restrictions: tuple[Restriction, ...] = (), name: str = "Primary") -> Layer:
    if length is None:
        length = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}.get(rotation, timedelta(hours=12))
    return Layer(name, tuple(users), rotation, length, start or local(zone, 2024, 3, 4, 9), zone.key,
                 tuple(restrictions))


def schedule(*layers: Layer, overrides: tuple[Override, ...] = (), zone: str = "Europe/Berlin") -> Schedule:
    return Schedule("sched", "Schedule", zone, layers, overrides)


def wall(instant: datetime, zone: ZoneInfo) -> str:
    """`Sat 30 09:00` in `zone`: short enough to compare whole rotations in one assert."""
    return instant.astimezone(zone).strftime("%a %d %H:%M")
