"""On-call: schedules with their overrides, shifts and iCal, who is on call, and escalation policies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from mendflow.api.access import current_identity, requires
from mendflow.api.body import json_body
from mendflow.api.schemas import ApiErrorSchema
from mendflow.models import utcnow

blp = Blueprint("oncall", __name__, url_prefix="/api", description="Schedules, who is on call, escalation policies")
_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}


def _store() -> Any:
    return current_app.extensions["mendflow"].oncall


class WindowQuery(Schema):
    start = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})
    end = fields.AwareDateTime(load_default=None, metadata={"description": "default: start + 14 days"})


class OnCallQuery(Schema):
    at = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})
    schedule = fields.String(load_default=None)
    team = fields.String(load_default=None)
    user = fields.String(load_default=None)


class TeamQuery(Schema):
    team = fields.String(load_default=None)


def _ical(text: str, name: str) -> Response:
    return Response(text, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{name}.ics"'})


@blp.route("/schedules")
class Schedules(MethodView):
    @requires("viewer")
    @blp.arguments(TeamQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Schedules (optionally of one team), with layers and overrides."""
        return {"items": _store().schedules(args["team"])}

    @requires("editor")
    @blp.doc(requestBody=_BODY)
    @blp.response(201)
    @blp.alt_response(409, schema=ApiErrorSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self) -> dict[str, Any]:
        """Create a schedule: id, name, time_zone, team_id, description, layers (see docs/oncall.md)."""
        return _store().create_schedule(json_body())


@blp.route("/schedules/<schedule_id>")
class ScheduleItem(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self, schedule_id: str) -> dict[str, Any]:
        """One schedule with its layers and overrides."""
        return _store().schedule(schedule_id)

    @requires("editor")
    @blp.doc(requestBody=_BODY)
    @blp.response(200)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def put(self, schedule_id: str) -> dict[str, Any]:
        """Replace a schedule's name, time zone, team, description and layers (overrides are kept)."""
        return _store().create_schedule(json_body(), replace=schedule_id)

    @requires("editor")
    @blp.response(204)
    def delete(self, schedule_id: str) -> None:
        """Delete a schedule and its overrides."""
        _store().delete_schedule(schedule_id)


@blp.route("/schedules/<schedule_id>/overrides")
class Overrides(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self, schedule_id: str) -> dict[str, Any]:
        """A schedule's overrides, by start."""
        return {"items": _store().overrides(schedule_id)}

    @requires("editor")
    @blp.doc(requestBody=_BODY)
    @blp.response(201)
    @blp.alt_response(409, schema=ApiErrorSchema, description="It overlaps another override (named).")
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, schedule_id: str) -> dict[str, Any]:
        """Put `user` on call over every layer from `start` to `end` (ISO 8601 with offsets); `note` optional."""
        return _store().add_override(schedule_id, json_body(), actor=current_identity().user_id)


@blp.route("/schedules/<schedule_id>/overrides/<override_id>")
class OverrideItem(MethodView):
    @requires("editor")
    @blp.response(204)
    def delete(self, schedule_id: str, override_id: str) -> None:
        """Remove an override."""
        _store().delete_override(schedule_id, override_id)


@blp.route("/schedules/<schedule_id>/shifts")
class Shifts(MethodView):
    @requires("viewer")
    @blp.arguments(WindowQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any], schedule_id: str) -> dict[str, Any]:
        """Each layer's shifts and the final schedule (layers combined, overrides on top) in a window."""
        start = args["start"] or utcnow()
        end = args["end"] or start + timedelta(days=14)
        return _store().shifts(schedule_id, start, end)


@blp.route("/schedules/<schedule_id>/calendar.ics")
class ScheduleCalendar(MethodView):
    @requires("viewer")
    @blp.response(200, content_type="text/calendar")
    def get(self, schedule_id: str) -> Response:
        """The final schedule as iCal, from a week ago to eight weeks ahead."""
        return _ical(_store().schedule_ical(schedule_id), schedule_id)


@blp.route("/users/<user_id>/oncall.ics")
class UserCalendar(MethodView):
    @requires("viewer")
    @blp.response(200, content_type="text/calendar")
    def get(self, user_id: str) -> Response:
        """One person's shifts on every schedule as iCal."""
        return _ical(_store().user_ical(user_id), f"{user_id}-oncall")


@blp.route("/oncall")
class WhoIsOnCall(MethodView):
    @requires("viewer")
    @blp.arguments(OnCallQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Who is on call at `at` (default now), on one schedule, a team's schedules, or all; with the reason."""
        at: datetime = args["at"] or utcnow()
        entries = _store().on_call(at, schedule_id=args["schedule"], team_id=args["team"], user_id=args["user"])
        return {"at": at.isoformat(), "items": entries}


@blp.route("/escalation-policies")
class Policies(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Escalation policies."""
        return {"items": _store().policies()}

    @requires("editor")
    @blp.doc(requestBody=_BODY)
    @blp.response(201)
    @blp.alt_response(409, schema=ApiErrorSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self) -> dict[str, Any]:
        """Create an escalation policy: id, name, team_id, repeat, levels [{delay, targets}]."""
        return _store().save_policy(json_body())


@blp.route("/escalation-policies/<policy_id>")
class PolicyItem(MethodView):
    @requires("viewer")
    @blp.response(200)
    def get(self, policy_id: str) -> dict[str, Any]:
        """One escalation policy."""
        return _store().policy(policy_id)

    @requires("editor")
    @blp.doc(requestBody=_BODY)
    @blp.response(200)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def put(self, policy_id: str) -> dict[str, Any]:
        """Replace an escalation policy."""
        return _store().save_policy(json_body(), replace=policy_id)

    @requires("editor")
    @blp.response(204)
    def delete(self, policy_id: str) -> None:
        """Delete an escalation policy."""
        _store().delete_policy(policy_id)
