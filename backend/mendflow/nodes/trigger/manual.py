"""trigger.manual: start the flow by hand, from the editor or the API, with an event you write."""

from __future__ import annotations

from typing import Any

from mendflow.nodes.base import Match, NodeType
from mendflow.nodes.registry import register


@register
class ManualTrigger(NodeType):
    """Starts the flow by hand: "Run" in the editor, `POST /api/flows/<id>/runs`, or the CLI.

    Events sent to webhooks never start it.
    """

    type = "trigger.manual"
    title = "Manual start"
    icon = "play"
    is_trigger = True
    side_effects = False
    sample_event = {"title": "Manual run", "severity": "info", "source": "manual"}

    def accepts(self, config: dict[str, Any], event: dict[str, Any]) -> Match:
        return Match(False, "manual triggers start only by hand")
