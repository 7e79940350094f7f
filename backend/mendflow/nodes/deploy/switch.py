"""deploy.switch: send a blue/green target's traffic to the other colour (or a named one)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class SwitchConfig(ConfigSchema):
    target = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "title": "Target", "description": "The blue/green deployment, e.g. checkout"})
    to = fields.String(load_default="other", validate=validate.OneOf(("blue", "green", "other")), metadata={
        "title": "Switch to", "description": "blue, green, or other (roll back to the standby colour)."})
    reason = fields.String(load_default="", metadata={"title": "Reason", "x-widget": "template"})


@register
class DeploySwitch(NodeType):
    """Switches a blue/green target's traffic: to a named colour, or `other` to roll back.

    The output says which colour served before and which serves now. A retried step does not
    switch twice.
    """

    type = "deploy.switch"
    title = "Blue/green switch"
    icon = "arrow-left-right"
    config_schema = SwitchConfig
    retry_default = (3, 2.0)

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        result = ctx.services.deploy.switch(config["target"], config["to"], reason=config["reason"],
                                            idempotency_key=ctx.idempotency_key)
        if result["created"]:
            ctx.note("deploy_switched", f"{config['target']}: traffic moved from {result['previous']} to "
                     f"{result['active']}", target=config["target"], previous=result["previous"],
                     active=result["active"])
        return Done("out", result)
