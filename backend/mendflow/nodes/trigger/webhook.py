"""trigger.webhook: start the flow when an event arrives at its webhook URL or at /api/events."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.templates import TemplateError, evaluate
from mendflow.incidents.events import SEVERITIES
from mendflow.nodes.base import ConfigSchema, Match, NodeType
from mendflow.nodes.registry import register

STATES = ("open", "acknowledged", "resolved")


class WebhookConfig(ConfigSchema):
    title_contains = fields.String(load_default="", metadata={
        "title": "Title contains", "description": "Only events whose title contains this text (any case)."})
    severities = fields.List(fields.String(validate=validate.OneOf(SEVERITIES)), load_default=list, metadata={
        "title": "Severities", "description": "Only events of these severities; empty accepts all."})
    source = fields.String(load_default="", metadata={
        "title": "Source", "description": "Only events from this source (e.g. monitoring); empty accepts all."})
    states = fields.List(fields.String(validate=validate.OneOf(STATES)), load_default=lambda: ["open"],
                         validate=validate.Length(min=1), metadata={
        "title": "Event states", "description": "Which event states start a run; usually only open."})
    condition = fields.String(load_default="", metadata={
        "title": "Condition", "x-widget": "expression",
        "description": "A Jinja2 expression over `event`, e.g. event.raw.env == 'prod'. Empty accepts all."})


@register
class WebhookTrigger(NodeType):
    """Starts the flow when an event arrives.

    Events come to the flow's own webhook URL (`/hooks/<token>`, shown once the flow is saved) or
    to the shared `/api/events` endpoint. Each filter left empty accepts everything.
    """

    type = "trigger.webhook"
    title = "Webhook event"
    icon = "webhook"
    config_schema = WebhookConfig
    is_trigger = True
    side_effects = False
    sample_event = {"title": "checkout-api process crashed on web-1", "severity": "critical",
                    "dedup_key": "web-1:checkout-api", "source": "monitoring", "service": "checkout",
                    "entities": [{"type": "host", "name": "web-1"}, {"type": "process", "name": "checkout-api"}]}

    def accepts(self, config: dict[str, Any], event: dict[str, Any]) -> Match:
        states = config.get("states") or ["open"]
        if event["state"] not in states:
            return Match(False, f"event state {event['state']!r} is not one of {states}")
        needle = config.get("title_contains") or ""
        if needle and needle.lower() not in event["title"].lower():
            return Match(False, f"title does not contain {needle!r}")
        severities = config.get("severities") or []
        if severities and event["severity"] not in severities:
            return Match(False, f"severity {event['severity']!r} is not one of {severities}")
        source = config.get("source") or ""
        if source and event["source"] != source:
            return Match(False, f"source {event['source']!r} is not {source!r}")
        condition = config.get("condition") or ""
        if condition:
            try:
                if not evaluate(condition, {"event": event}):
                    return Match(False, f"condition {condition!r} is false")
            except TemplateError as exc:
                return Match(False, f"condition could not be evaluated: {exc}")
        return Match(True, "every filter matched")
