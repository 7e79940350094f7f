"""logic.condition: branch on a Jinja2 expression: `true` or `false`."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.templates import evaluate
from mendflow.nodes.base import ConfigSchema, Done, NodeType, Ports
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class ConditionConfig(ConfigSchema):
    expression = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Expression", "x-widget": "expression",
        "description": "e.g. event.severity == 'critical' or steps.check.status >= 500"})


@register
class Condition(NodeType):
    """Branches on an expression over `event`, `incident` and earlier `steps`.

    Leaves through `true` when the expression is truthy, else through `false`.
    """

    type = "logic.condition"
    title = "Condition"
    icon = "git-branch"
    config_schema = ConditionConfig
    instant = True
    side_effects = False
    ports = Ports(fixed=("true", "false"))

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        value = evaluate(config["expression"], ctx.template_context())
        return Done("true" if value else "false", {"value": bool(value)})
