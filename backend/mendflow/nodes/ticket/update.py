"""ticket.update: comment on a ticket and move it to another status."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.integrations.builtin.tickets import STATUSES
from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class TicketUpdateConfig(ConfigSchema):
    ticket = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Ticket", "x-widget": "template", "description": "e.g. {{ steps.open_ticket.key }}"})
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATUSES), metadata={
        "title": "New status"})
    comment = fields.String(load_default="", metadata={"title": "Comment", "x-widget": "template"})


@register
class TicketUpdate(NodeType):
    """Adds a comment to a ticket and/or moves it to a new status (e.g. resolved)."""

    type = "ticket.update"
    title = "Update ticket"
    icon = "file-pen"
    config_schema = TicketUpdateConfig
    retry_default = (3, 1.0)

    def check_config(self, config: dict[str, Any]) -> dict[str, list[str]]:
        if not config.get("status") and not config.get("comment"):
            return {"comment": ["Set a new status, a comment, or both."]}
        return {}

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        ticket = ctx.services.tickets.update(config["ticket"], status=config["status"],
                                             comment=config["comment"] or None,
                                             idempotency_key=ctx.idempotency_key)
        change = f" → {config['status']}" if config["status"] else ""
        ctx.note("ticket_updated", f"Ticket {ticket['key']} updated{change}", ticket=ticket["key"])
        return Done("out", ticket)
