"""ticket.create: open a service-desk ticket for the incident."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.integrations.builtin.tickets import PRIORITIES
from mendflow.nodes.base import ConfigSchema, Done, NodeType
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register


class TicketCreateConfig(ConfigSchema):
    title = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Title", "x-widget": "template"})
    description = fields.String(load_default="", metadata={"title": "Description", "x-widget": "template"})
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES), metadata={
        "title": "Priority"})
    assignee = fields.String(load_default=None, allow_none=True, metadata={"title": "Assignee"})


@register
class TicketCreate(NodeType):
    """Opens a ticket in the service desk and links it to the incident.

    Its output (`steps.<id>.key`, `.url`, `.id`) is what later ticket updates refer to. A retried
    step finds the ticket it already opened instead of opening a second one.
    """

    type = "ticket.create"
    instant_with = "tickets"
    title = "Create ticket"
    icon = "ticket"
    config_schema = TicketCreateConfig
    retry_default = (3, 1.0)

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        ticket = ctx.services.tickets.create(
            title=config["title"], description=config["description"], priority=config["priority"],
            assignee=config["assignee"], incident_id=ctx.incident_id, idempotency_key=ctx.idempotency_key)
        if ticket["created"]:
            ctx.note("ticket_created", f"Ticket {ticket['key']} opened: {ticket['title']}",
                     ticket=ticket["key"], url=ticket["url"])
        return Done("out", ticket)
