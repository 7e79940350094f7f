"""chat.post: post a message to a chat channel."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class PostConfig(ConfigSchema):
    channel = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Channel", "x-widget": "template", "description": "A name or id, e.g. {{ steps.channel.name }}"})
    text = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Message", "x-widget": "template"})


@register
class ChatPost(NodeType):
    """Posts a message to a chat channel (by name or id). A retried step does not post twice."""

    type = "chat.post"
    instant_with = "chat"
    title = "Post message"
    icon = "message-square"
    config_schema = PostConfig
    retry_default = (3, 1.0)

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        message = ctx.services.chat.post(config["channel"], config["text"], idempotency_key=ctx.idempotency_key)
        return Done("out", message)
