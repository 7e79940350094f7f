"""Demo on-call data for `mendflow seed-demo`: a schedule per demo team and an escalation policy for storage.

Idempotent: what exists is left as it is. Needs the demo users and teams (alice, bob, carol, dave;
storage, platform, web), which the people part of the seed creates first.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mendflow.errors import NotFoundError
from mendflow.models import utcnow
from mendflow.paging.store import OnCallStore


def _last_monday(now: datetime) -> str:
    """The Monday of four weeks ago at 09:00 Berlin time: rotations are already turning when the demo starts."""
    monday = (now - timedelta(weeks=4, days=now.weekday())).date()
    return datetime.combine(monday, time(9), tzinfo=ZoneInfo("Europe/Berlin")).isoformat()


def demo_schedules(now: datetime) -> list[dict[str, Any]]:
    start = _last_monday(now)
    return [
        {"id": "storage-primary", "name": "Storage primary", "team_id": "storage", "time_zone": "Europe/Berlin",
         "description": "Weekly rotation, handoff Monday 09:00 Berlin.",
         "layers": [{"name": "Weekly", "users": ["alice", "bob"], "rotation": "weekly", "start": start,
                     "time_zone": "Europe/Berlin"}]},
        {"id": "platform-primary", "name": "Platform primary", "team_id": "platform", "time_zone": "Europe/Berlin",
         "description": "Daily rotation; Dave covers weekday business hours.",
         "layers": [{"name": "Daily", "users": ["carol", "dave"], "rotation": "daily", "start": start,
                     "time_zone": "Europe/Berlin"},
                    {"name": "Business hours", "users": ["dave"], "rotation": "weekly", "start": start,
                     "time_zone": "Europe/Berlin",
                     "restrictions": [{"kind": "weekly", "start_day": day, "start_time": "09:00", "end_day": day,
                                       "end_time": "17:00"} for day in range(5)]}]},
        {"id": "web-primary", "name": "Web primary", "team_id": "web", "time_zone": "America/New_York",
         "description": "Twelve-hour shifts.",
         "layers": [{"name": "Follow the sun", "users": ["bob", "carol"], "rotation": "custom",
                     "shift_length": "12h", "start": start, "time_zone": "America/New_York"}]},
    ]


DEMO_POLICIES = [
    {"id": "storage-escalation", "name": "Storage escalation", "team_id": "storage", "repeat": 1,
     "description": "Storage on-call first; their team lead after 10 minutes without an answer.",
     "levels": [{"delay": "10m", "targets": ["schedule:storage-primary"]},
                {"delay": "10m", "targets": ["user:carol"]}]},
]


def seed_oncall_demo(store: OnCallStore, now: datetime | None = None) -> list[str]:
    """Create the demo schedules and policies that are missing; returns one line per thing created."""
    created = []
    for schedule in demo_schedules(now or utcnow()):
        try:
            store.schedule(schedule["id"])
        except NotFoundError:
            store.create_schedule(schedule)
            created.append(f"schedule {schedule['id']} ({schedule['name']})")
    for policy in DEMO_POLICIES:
        try:
            store.policy(policy["id"])
        except NotFoundError:
            store.save_policy(policy)
            created.append(f"escalation policy {policy['id']}")
    return created
