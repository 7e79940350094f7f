"""Teams and their members: everyone signed in may read them; admins manage them."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import requires
from mendflow.api.people_schemas import MemberSchema, TeamListSchema, TeamPatchSchema, TeamSchema
from mendflow.api.schemas import ApiErrorSchema

blp = Blueprint("teams", __name__, url_prefix="/api/teams", description="Teams (flows page them as team:<id>)")


def _people() -> Any:
    return current_app.extensions["mendflow"].people


@blp.route("")
class Teams(MethodView):
    @requires("viewer")
    @blp.response(200, TeamListSchema)
    def get(self) -> dict[str, Any]:
        """Every team with its members."""
        return {"items": _people().list_teams()}

    @requires("admin")
    @blp.arguments(TeamSchema)
    @blp.response(201, TeamSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="The id is taken.")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Add a team, optionally with members (admins)."""
        return _people().create_team(args["id"], args["name"], args["description"], args["members"])


@blp.route("/<team_id>")
class TeamItem(MethodView):
    @requires("viewer")
    @blp.response(200, TeamSchema)
    def get(self, team_id: str) -> dict[str, Any]:
        """One team with its members."""
        return _people().get_team(team_id)

    @requires("admin")
    @blp.arguments(TeamPatchSchema)
    @blp.response(200, TeamSchema)
    def patch(self, args: dict[str, Any], team_id: str) -> dict[str, Any]:
        """Rename a team or change its description (admins)."""
        return _people().update_team(team_id, args)

    @requires("admin")
    @blp.response(204)
    def delete(self, team_id: str) -> None:
        """Delete a team (its members stay users)."""
        _people().delete_team(team_id)


@blp.route("/<team_id>/members")
class Members(MethodView):
    @requires("admin")
    @blp.arguments(MemberSchema)
    @blp.response(200, TeamSchema)
    def post(self, args: dict[str, Any], team_id: str) -> dict[str, Any]:
        """Add a member (adding someone already in the team changes nothing)."""
        return _people().add_member(team_id, args["user_id"])


@blp.route("/<team_id>/members/<user_id>")
class MemberItem(MethodView):
    @requires("admin")
    @blp.response(200, TeamSchema)
    def delete(self, team_id: str, user_id: str) -> dict[str, Any]:
        """Take a member out of the team."""
        return _people().remove_member(team_id, user_id)
