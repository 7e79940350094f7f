"""logic.delay: wait for a while, durably (a restart does not reset the clock)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.durations import DURATION_PATTERN, parse_duration
from mendflow.nodes.base import ConfigSchema, Done, NodeType, Wait
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class DelayConfig(ConfigSchema):
    duration = fields.String(required=True, validate=validate.Regexp(DURATION_PATTERN, error="Write e.g. 30s, 5m"),
                             metadata={"title": "Duration", "x-widget": "duration",
                                       "description": "How long to wait, e.g. 30s, 5m, 1h."})


@register
class Delay(NodeType):
    """Waits for the given time, then goes on through `out`. The wait survives a restart."""

    type = "logic.delay"
    title = "Delay"
    icon = "timer"
    config_schema = DelayConfig
    instant = True
    side_effects = False

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Wait:
        seconds = parse_duration(config["duration"])
        return Wait(kind="delay", timeout=seconds, memo={"seconds": seconds})

    def on_timeout(self, config: dict[str, Any], ctx: StepContext, memo: dict[str, Any]) -> Done:
        return Done("out", {"waited_seconds": memo.get("seconds")})
