"""chat.channel: create an incident channel and invite the responders."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class ChannelConfig(ConfigSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "title": "Channel name", "x-widget": "template", "description": "e.g. inc-{{ incident.id }}-disk"})
    topic = fields.String(load_default="", metadata={"title": "Topic", "x-widget": "template"})
    invite = fields.List(fields.String(), load_default=list, metadata={
        "title": "Invite", "description": "Chat handles to invite."})


@register
class ChatChannel(NodeType):
    """Creates a chat channel for the incident and invites people to it.

    The name is made chat-safe (lowercase, digits, '-'); a name in use gets a numeric suffix.
    A retried step finds the channel it already made.
    """

    type = "chat.channel"
    title = "Create channel"
    icon = "message-square-plus"
    config_schema = ChannelConfig
    retry_default = (3, 1.0)

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        room = ctx.services.chat.create_channel(name=config["name"], topic=config["topic"], invite=config["invite"],
                                                incident_id=ctx.incident_id, idempotency_key=ctx.idempotency_key)
        if room["created"]:
            ctx.note("channel_created", f"Channel #{room['name']} created", channel=room["name"],
                     members=room["members"])
        return Done("out", room)
