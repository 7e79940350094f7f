"""Runs: history with filters, step records, responses to waiting steps, cancellation."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import current_identity, requires
from mendflow.api.schemas import (
    ApiErrorSchema,
    CancelledSchema,
    CompareQuerySchema,
    ComparisonSchema,
    ReplaySchema,
    RespondedSchema,
    ResponseSchema,
    RunDetailSchema,
    RunListSchema,
    RunQuerySchema,
    RunStartedSchema,
)
from mendflow.errors import InvalidError
from mendflow.replay import compare, replay

blp = Blueprint("runs", __name__, url_prefix="/api/runs", description="Runs and their steps")


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


@blp.route("")
class Runs(MethodView):
    @requires("viewer")
    @blp.arguments(RunQuerySchema, location="query")
    @blp.response(200, RunListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Runs, newest first, filtered by flow, status, start time or incident."""
        items, total = _runtime().runs.list(**args)
        return {"items": items, "total": total}


@blp.route("/compare")
class Compare(MethodView):
    @requires("viewer")
    @blp.arguments(CompareQuerySchema, location="query")
    @blp.response(200, ComparisonSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Two runs side by side: which nodes ran, which ports they took, where outputs differ."""
        return compare(_runtime().runs, args["left"], args["right"])


@blp.route("/<run_id>/replay")
class Replay(MethodView):
    @requires("editor")
    @blp.arguments(ReplaySchema)
    @blp.response(202, RunStartedSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, args: dict[str, Any], run_id: str) -> dict[str, Any]:
        """Run this run's event again, against the same version, the draft or another version; or dry-run it."""
        runtime = _runtime()
        version = args["version"]
        if version not in ("same", "draft") and not version.isdigit():
            raise InvalidError(f"version must be same, draft or a number, not {version!r}")
        new_id = replay(runtime.library, runtime.engine, runtime.runs, runtime.incidents, run_id,
                        version=version, dry_run=args["dry_run"], choices=args["choices"])
        return {"run_id": new_id}


@blp.route("/<run_id>")
class RunItem(MethodView):
    @requires("viewer")
    @blp.response(200, RunDetailSchema)
    def get(self, run_id: str) -> dict[str, Any]:
        """A run with its event and every step's rendered config, output, logs and timings."""
        return _runtime().runs.get(run_id)


@blp.route("/<run_id>/steps/<node_id>/response")
class StepResponse(MethodView):
    @requires("responder")
    @blp.arguments(ResponseSchema)
    @blp.response(202, RespondedSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="The step is not waiting (already answered?).")
    def post(self, args: dict[str, Any], run_id: str, node_id: str) -> dict[str, Any]:
        """Answer a waiting step as the caller; the run goes on through the port named by the choice."""
        response = {**args, "user": current_identity().user_id, "via": "api"}
        return _runtime().engine.respond(run_id, node_id, response).result(timeout=30)


@blp.route("/<run_id>/cancel")
class Cancel(MethodView):
    @requires("editor")
    @blp.response(202, CancelledSchema)
    @blp.alt_response(409, schema=ApiErrorSchema)
    def post(self, run_id: str) -> dict[str, Any]:
        """Cancel a running or waiting run."""
        return _runtime().engine.cancel(run_id).result(timeout=30)
