"""Flows: drafts, versions, publishing, validation, import and export, manual runs."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import requires
from mendflow.api.body import json_body
from mendflow.api.schemas import (
    ActivationSchema,
    ApiErrorSchema,
    DuplicateSchema,
    ExportQuerySchema,
    FlowDetailSchema,
    FlowListSchema,
    FlowQuerySchema,
    ImportQuerySchema,
    ProblemsSchema,
    PublishSchema,
    RunStartedSchema,
    SaveFlowSchema,
    StartRunSchema,
    VersionDetailSchema,
    VersionListSchema,
)
from mendflow.engine.core import RunOptions
from mendflow.errors import InvalidError
from mendflow.flowdoc import DocumentError, load_flow
from mendflow.incidents import EventError, normalize_event
from mendflow.library import with_defaults

blp = Blueprint("flows", __name__, url_prefix="/api/flows", description="Flows and their versions")
_DOC_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}},
             "description": "A flow document, mendflow.flow/v1 (see /api/schema/flow.json)."}


def _runtime() -> Any:
    return current_app.extensions["mendflow"]


def _version(value: str | None) -> int | None:
    if value in (None, "", "draft"):
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidError(f"version must be 'draft' or a number, not {value!r}") from None


@blp.route("")
class Flows(MethodView):
    @requires("viewer")
    @blp.arguments(FlowQuerySchema, location="query")
    @blp.response(200, FlowListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List flows with their status and last run."""
        return {"items": _runtime().library.list(args["q"])}

    @requires("editor")
    @blp.doc(requestBody=_DOC_BODY)
    @blp.response(201, FlowDetailSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self) -> dict[str, Any]:
        """Create a flow (its id is made from the name when missing)."""
        return _runtime().library.create(json_body())


@blp.route("/validate")
class Validate(MethodView):
    @requires("viewer")
    @blp.doc(requestBody=_DOC_BODY)
    @blp.response(200, ProblemsSchema)
    @blp.alt_response(422, schema=ProblemsSchema)
    def post(self) -> Any:
        """Check a flow document without saving it; 422 lists its problems. `schema` and `id` may be left out."""
        try:
            document = load_flow(with_defaults(json_body()))
        except DocumentError as exc:
            return {"problems": [p.to_dict() for p in exc.problems]}, 422
        problems = _runtime().library.validate(document)
        return {"problems": problems}, 422 if problems else 200


@blp.route("/import")
class Import(MethodView):
    @requires("editor")
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.doc(requestBody=_DOC_BODY)
    @blp.response(201, FlowDetailSchema)
    @blp.alt_response(409, schema=ApiErrorSchema)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Import a flow document; with as_new=true a taken id gets a fresh one."""
        return _runtime().library.create(json_body(), as_new=args["as_new"])


@blp.route("/<flow_id>")
class FlowItem(MethodView):
    @requires("viewer")
    @blp.response(200, FlowDetailSchema)
    def get(self, flow_id: str) -> dict[str, Any]:
        """A flow's draft, problems, status and webhook URLs."""
        return _runtime().library.get(flow_id)

    @requires("editor")
    @blp.arguments(SaveFlowSchema)
    @blp.response(200, FlowDetailSchema)
    @blp.alt_response(409, schema=ApiErrorSchema, description="Saved by someone else meanwhile.")
    def put(self, args: dict[str, Any], flow_id: str) -> dict[str, Any]:
        """Save the draft; the base revision must be the current one."""
        return _runtime().library.save(flow_id, args["document"], args["base_revision"])

    @requires("editor")
    @blp.response(204)
    def delete(self, flow_id: str) -> None:
        """Delete a flow and its versions (its runs stay in the history)."""
        _runtime().library.delete(flow_id)


@blp.route("/<flow_id>/duplicate")
class Duplicate(MethodView):
    @requires("editor")
    @blp.arguments(DuplicateSchema)
    @blp.response(201, FlowDetailSchema)
    def post(self, args: dict[str, Any], flow_id: str) -> dict[str, Any]:
        """Copy a flow's draft into a new flow."""
        return _runtime().library.duplicate(flow_id, args["name"])


@blp.route("/<flow_id>/publish")
class Publish(MethodView):
    @requires("editor")
    @blp.arguments(PublishSchema)
    @blp.response(201, FlowDetailSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, args: dict[str, Any], flow_id: str) -> dict[str, Any]:
        """Publish the draft as a new version (refused while it has problems)."""
        return _runtime().library.publish(flow_id, args["base_revision"])


@blp.route("/<flow_id>/activation")
class Activation(MethodView):
    @requires("editor")
    @blp.arguments(ActivationSchema)
    @blp.response(200, FlowDetailSchema)
    def post(self, args: dict[str, Any], flow_id: str) -> dict[str, Any]:
        """Turn the flow's triggers on or off."""
        return _runtime().library.set_active(flow_id, args["active"])


@blp.route("/<flow_id>/versions")
class Versions(MethodView):
    @requires("viewer")
    @blp.response(200, VersionListSchema)
    def get(self, flow_id: str) -> dict[str, Any]:
        """Published versions, newest first."""
        return {"items": _runtime().library.versions(flow_id)}


@blp.route("/<flow_id>/versions/<int:version>")
class VersionItem(MethodView):
    @requires("viewer")
    @blp.response(200, VersionDetailSchema)
    def get(self, flow_id: str, version: int) -> dict[str, Any]:
        """One published version's document."""
        library = _runtime().library
        meta = next((v for v in library.versions(flow_id) if v["version"] == version), None)
        return {**(meta or {}), "document": library.document(flow_id, version)}


@blp.route("/<flow_id>/export")
class Export(MethodView):
    @requires("viewer")
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, description="The flow document as a file, byte-identical to flows/*.json.")
    def get(self, args: dict[str, Any], flow_id: str) -> Response:
        """Download the draft or a version as canonical JSON."""
        text = _runtime().library.export(flow_id, _version(args["version"]))
        return Response(text, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{flow_id}.json"'})


@blp.route("/<flow_id>/runs")
class StartRun(MethodView):
    @requires("editor")
    @blp.arguments(StartRunSchema)
    @blp.response(202, RunStartedSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, args: dict[str, Any], flow_id: str) -> dict[str, Any]:
        """Start a run by hand (or a test run of the draft) with the given event; dry_run changes nothing outside."""
        runtime = _runtime()
        target = runtime.library.manual_target(flow_id, _version(args["version"]), args["trigger"])
        event = {"title": f"Manual run of {target.flow.name}", "source": "manual", **args["event"]}
        try:
            normalized = normalize_event(event, source="manual")
        except EventError as exc:
            raise InvalidError(f"event: {exc}", field=exc.field) from None
        options = RunOptions(dry_run=args["dry_run"], choices=args["choices"])
        return runtime.engine.start_run(target, normalized, options).result(timeout=30)
