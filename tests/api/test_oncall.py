"""Schedules, overrides, who is on call, iCal and escalation policies through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

WEEKLY = {"name": "Weekly", "users": ["alice", "bob"], "rotation": "weekly",
          "start": "2026-11-02T09:00:00+01:00", "time_zone": "Europe/Berlin"}
SCHEDULE = {"id": "storage-primary", "name": "Storage primary", "time_zone": "Europe/Berlin",
            "team_id": "storage", "layers": [WEEKLY]}


@pytest.fixture
def people(runtime: Any) -> None:
    for user in ("alice", "bob", "carol"):
        runtime.people.create_user(user, f"{user}@example.com", user.title(), "responder")
    runtime.people.add_member("storage", "alice")  # the team exists in every test database (tests/conftest.py)


@pytest.fixture
def schedule(client: Any, people: None) -> dict[str, Any]:
    response = client.post("/api/schedules", json=SCHEDULE)
    assert response.status_code == 201, response.json
    return response.json


def test_a_schedule_is_created_read_listed_and_replaced(client: Any, schedule: dict[str, Any]) -> None:
    assert schedule["layers"][0]["users"] == ["alice", "bob"]
    assert schedule["layers"][0]["rotation"] == "weekly"
    assert client.get("/api/schedules/storage-primary").json["name"] == "Storage primary"
    assert [s["id"] for s in client.get("/api/schedules?team=storage").json["items"]] == ["storage-primary"]
    changed = client.put("/api/schedules/storage-primary", json={**SCHEDULE, "name": "Storage 24/7"})
    assert changed.status_code == 200, changed.json
    assert client.get("/api/schedules/storage-primary").json["name"] == "Storage 24/7"


def test_who_is_on_call_follows_the_weekly_rotation_and_says_why(client: Any, schedule: dict[str, Any]) -> None:
    first = client.get("/api/oncall?schedule=storage-primary&at=2026-11-03T12:00:00Z").json["items"]
    second = client.get("/api/oncall?schedule=storage-primary&at=2026-11-10T12:00:00Z").json["items"]
    assert [e["user"] for e in first] == ["alice"]
    assert [e["user"] for e in second] == ["bob"]
    assert "Weekly" in first[0]["reason"]
    assert first[0]["source"] == "layer" and first[0]["layer_name"] == "Weekly"
    by_team = client.get("/api/oncall?team=storage&at=2026-11-03T12:00:00Z").json["items"]
    assert [(e["schedule_id"], e["user"]) for e in by_team] == [("storage-primary", "alice")]


def test_shifts_show_each_layer_and_the_final_schedule(client: Any, schedule: dict[str, Any]) -> None:
    answer = client.get("/api/schedules/storage-primary/shifts?start=2026-11-02T08:00:00Z&end=2026-11-16T08:00:00Z")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert [layer["name"] for layer in body["layers"]] == ["Weekly"]
    assert [(s["user"], s["start"]) for s in body["final"]] == [
        ("alice", "2026-11-02T08:00:00+00:00"), ("bob", "2026-11-09T08:00:00+00:00")]


def test_an_override_wins_and_an_overlapping_one_is_refused_naming_the_other(client: Any,
                                                                             schedule: dict[str, Any]) -> None:
    added = client.post("/api/schedules/storage-primary/overrides",
                        json={"user": "carol", "start": "2026-11-03T10:00:00Z", "end": "2026-11-03T18:00:00Z"})
    assert added.status_code == 201, added.json
    who = client.get("/api/oncall?schedule=storage-primary&at=2026-11-03T12:00:00Z").json["items"][0]
    assert (who["user"], who["source"], who["override_id"]) == ("carol", "override", added.json["id"])
    clash = client.post("/api/schedules/storage-primary/overrides",
                        json={"user": "bob", "start": "2026-11-03T17:00:00Z", "end": "2026-11-03T20:00:00Z"})
    assert clash.status_code == 409
    assert added.json["id"] in clash.json["message"]
    assert len(client.get("/api/schedules/storage-primary/overrides").json["items"]) == 1
    assert client.delete(f"/api/schedules/storage-primary/overrides/{added.json['id']}").status_code == 204
    who = client.get("/api/oncall?schedule=storage-primary&at=2026-11-03T12:00:00Z").json["items"][0]
    assert who["user"] == "alice"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone", "time zone"),
    ({"layers": [{**WEEKLY, "users": []}]}, "layers", "at least one user"),
    ({"layers": [{**WEEKLY, "time_zone": "Europe/Nowhere"}]}, "layers", "time zone"),
    ({"layers": [{**WEEKLY, "rotation": "custom"}]}, "layers", "shift_length"),
    ({"layers": [{**WEEKLY, "start": "2026-11-02T09:00:00"}]}, "layers", "offset"),
    ({"layers": [{**WEEKLY, "users": ["alice", "zed"]}]}, "layers", "zed"),
    ({"team_id": "nobody"}, "team_id", "nobody"),
])
def test_a_bad_schedule_gets_422_naming_the_field_and_nothing_is_saved(
        client: Any, people: None, change: dict[str, Any], field: str, words: str) -> None:
    answer = client.post("/api/schedules", json={**SCHEDULE, **change})
    assert answer.status_code == 422, answer.json
    assert field in answer.json["message"] and words.lower() in answer.json["message"].lower()
    assert client.get("/api/schedules").json["items"] == []


def test_bad_override_and_window_input_is_refused(client: Any, schedule: dict[str, Any]) -> None:
    backwards = client.post("/api/schedules/storage-primary/overrides",
                            json={"user": "carol", "start": "2026-11-03T18:00:00Z", "end": "2026-11-03T10:00:00Z"})
    assert backwards.status_code == 422 and "end" in backwards.json["message"]
    stranger = client.post("/api/schedules/storage-primary/overrides",
                           json={"user": "zed", "start": "2026-11-03T10:00:00Z", "end": "2026-11-03T18:00:00Z"})
    assert stranger.status_code == 422 and "zed" in stranger.json["message"]
    not_object = client.post("/api/schedules/storage-primary/overrides", json=["carol"])
    assert not_object.status_code == 422
    window = client.get("/api/schedules/storage-primary/shifts?start=2026-11-10T00:00:00Z&end=2026-11-01T00:00:00Z")
    assert window.status_code == 422
    assert client.get("/api/schedules/nope/shifts").status_code == 404


def test_ical_exports_the_schedule_and_a_person(client: Any, schedule: dict[str, Any]) -> None:
    calendar = client.get("/api/schedules/storage-primary/calendar.ics")
    assert calendar.status_code == 200
    assert calendar.mimetype == "text/calendar"
    text = calendar.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in text
    assert "alice" in text and "bob" in text
    mine = client.get("/api/users/alice/oncall.ics").get_data(as_text=True)
    assert "alice" in mine and "SUMMARY:bob" not in mine


def test_escalation_policies_are_validated_against_the_directory(client: Any, schedule: dict[str, Any]) -> None:
    policy = {"id": "storage", "name": "Storage escalation", "team_id": "storage", "repeat": 1,
              "levels": [{"delay": "10m", "targets": [{"kind": "schedule", "id": "storage-primary"}]},
                         {"delay": "15m", "targets": ["user:carol"]}]}
    created = client.post("/api/escalation-policies", json=policy)
    assert created.status_code == 201, created.json
    assert created.json["levels"][1]["targets"] == [{"kind": "user", "id": "carol"}]
    assert client.post("/api/escalation-policies", json=policy).status_code == 409
    unknown = client.put("/api/escalation-policies/storage",
                         json={**policy, "levels": [{"delay": "5m", "targets": ["team:ghosts"]}]})
    assert unknown.status_code == 422 and "ghosts" in unknown.json["message"]
    empty = client.put("/api/escalation-policies/storage", json={**policy, "levels": []})
    assert empty.status_code == 422 and "level" in empty.json["message"]
    assert client.get("/api/escalation-policies/storage").json["repeat"] == 1
    assert client.delete("/api/escalation-policies/storage").status_code == 204


def test_a_responder_reads_but_cannot_edit_schedules_or_policies(client_as: Any, schedule: dict[str, Any]) -> None:
    responder = client_as("responder")
    assert responder.get("/api/schedules/storage-primary").status_code == 200
    assert responder.put("/api/schedules/storage-primary", json=SCHEDULE).status_code == 403
    override = {"user": "carol", "start": "2026-11-03T10:00:00Z", "end": "2026-11-03T18:00:00Z"}
    assert responder.post("/api/schedules/storage-primary/overrides", json=override).status_code == 403
    assert responder.post("/api/escalation-policies", json={}).status_code == 403


def test_the_demo_on_call_data_loads_once_and_somebody_is_always_on_call(client: Any, runtime: Any) -> None:
    from mendflow.paging.demo import seed_oncall_demo

    for user in ("alice", "bob", "carol", "dave"):
        runtime.people.create_user(user, f"{user}@example.com", user.title(), "responder")
    for team in ("platform", "web"):
        runtime.people.create_team(team, team.title())
    first = seed_oncall_demo(runtime.oncall)
    assert len(first) == 4
    assert seed_oncall_demo(runtime.oncall) == []
    now = datetime.now(UTC)
    for team, people in (("storage", {"alice", "bob"}), ("platform", {"carol", "dave"}), ("web", {"bob", "carol"})):
        for hours in range(0, 24 * 14, 7):
            at = (now + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")
            [entry] = client.get(f"/api/oncall?team={team}&at={at}").json["items"]
            assert entry["user"] in people, (team, at, entry)


def test_the_demo_business_hours_layer_covers_weekday_days_only(client: Any, runtime: Any) -> None:
    from mendflow.paging.demo import seed_oncall_demo

    for user in ("alice", "bob", "carol", "dave"):
        runtime.people.create_user(user, f"{user}@example.com", user.title(), "responder")
    runtime.people.create_team("platform", "Platform")
    runtime.people.create_team("web", "Web")
    seed_oncall_demo(runtime.oncall, datetime(2026, 11, 24, 12, tzinfo=UTC))
    # Wednesday 2026-11-25: 12:00 Berlin is business hours (dave's layer wins), 23:00 is not
    day = client.get("/api/oncall?schedule=platform-primary&at=2026-11-25T11:00:00Z").json["items"][0]
    night = client.get("/api/oncall?schedule=platform-primary&at=2026-11-25T22:00:00Z").json["items"][0]
    assert (day["user"], day["layer_name"]) == ("dave", "Business hours")
    assert night["layer_name"] == "Daily"
