"""incident.resolve: mark the run's incident resolved."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class ResolveConfig(ConfigSchema):
    note = fields.String(load_default="Resolved by the flow", metadata={"title": "Note", "x-widget": "template"})


@register
class ResolveIncident(NodeType):
    """Resolves the incident this run belongs to, with a note in its timeline.

    Resolving an incident that is already resolved changes nothing.
    """

    type = "incident.resolve"
    title = "Resolve incident"
    icon = "circle-check"
    config_schema = ResolveConfig

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        if ctx.incident_id is None:
            ctx.log("this run has no incident; nothing to resolve")
            return Done("out", {"resolved": False})
        incident = ctx.services.incidents.resolve(ctx.incident_id, note=config["note"], run_id=ctx.run_id,
                                                  node_id=ctx.node_id)
        return Done("out", {"resolved": True, "incident": incident})
