"""Node types for the palette and the flow document's JSON Schema."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from mendflow.api.access import open_access, requires
from mendflow.api.schemas import NodeTypeListSchema
from mendflow.flowdoc import flow_json_schema

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Node types and document schemas")


@blp.route("/node-types")
class NodeTypes(MethodView):
    @requires("viewer")
    @blp.response(200, NodeTypeListSchema)
    def get(self) -> dict[str, Any]:
        """Every node type: config JSON Schema, ports, icon, help text."""
        return {"items": current_app.extensions["mendflow"].registry.describe()}


@blp.route("/health")
class Health(MethodView):
    @open_access
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Liveness: the version, the database and the engine answer."""
        from sqlalchemy import text

        from mendflow import __version__

        runtime = current_app.extensions["mendflow"]
        with runtime.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": runtime.db.engine.dialect.name,
                "active_runs": len(runtime.engine.runs)}


@blp.route("/schema/flow.json")
class FlowDocumentSchema(MethodView):
    @open_access
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """JSON Schema of the flow document `mendflow.flow/v1`."""
        return flow_json_schema()
