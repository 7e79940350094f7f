"""alert.notify: page people with the incident context and wait for one of the response options."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.durations import DURATION_PATTERN, parse_duration
from mendflow.models import utcnow
from mendflow.nodes.base import ConfigSchema, Done, NodeType, Ports, Wait
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register

RESERVED_PORTS = ("timeout", "error")


class NotifyConfig(ConfigSchema):
    recipients = fields.List(fields.String(validate=validate.Length(min=1)), required=True,
                             validate=validate.Length(min=1), metadata={
        "title": "Recipients", "description": "Who to page: team:storage, user:alice, schedule:primary."})
    subject = fields.String(load_default="{{ incident.title or event.title }}", metadata={
        "title": "Subject", "x-widget": "template"})
    message = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Message", "x-widget": "template", "description": "The page's text; templates allowed."})
    responses = fields.List(fields.String(validate=validate.Length(min=1, max=60)), required=True,
                            validate=validate.Length(min=1, max=6), metadata={
        "title": "Response options", "description": "One button, and one output port, per option."})
    timeout = fields.String(load_default="15m", validate=validate.Regexp(DURATION_PATTERN), metadata={
        "title": "Timeout", "x-widget": "duration", "description": "No answer by then leaves through `timeout`."})


@register
class Notify(NodeType):
    """Pages the recipients with the incident context and one button per response option.

    The run waits. The first response leaves through the port named after it (and says who
    answered); silence until the timeout leaves through `timeout`.
    """

    type = "alert.notify"
    title = "Notify on-call"
    icon = "bell"
    config_schema = NotifyConfig
    ports = Ports(from_config="responses", fixed=("timeout",))

    def check_config(self, config: dict[str, Any]) -> dict[str, list[str]]:
        responses = config["responses"]
        if len(set(responses)) != len(responses):
            return {"responses": ["Response options must differ from each other."]}
        clash = [r for r in responses if r in RESERVED_PORTS]
        if clash:
            return {"responses": [f"{clash[0]!r} is a reserved port name; choose another option name."]}
        return {}

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Wait:
        seconds = parse_duration(config["timeout"])
        alert = ctx.services.alerts.page(
            run_id=ctx.run_id, node_id=ctx.node_id, recipients=config["recipients"], subject=config["subject"],
            message=config["message"], responses=config["responses"], incident_id=ctx.incident_id,
            expires_at=utcnow() + timedelta(seconds=seconds), idempotency_key=ctx.idempotency_key)
        if alert["created"]:
            ctx.note("alert_sent", f"Alert sent to {', '.join(config['recipients'])}: {config['subject']}",
                     recipients=config["recipients"], responses=config["responses"], alert_id=alert["id"])
        return Wait(kind="response", timeout=seconds, memo={"alert_id": alert["id"]}, responses=config["responses"])

    def resume(self, config: dict[str, Any], ctx: StepContext, response: dict[str, Any]) -> Done:
        choice, user = response["choice"], response.get("user") or "anonymous"
        ctx.services.alerts.close(ctx.idempotency_key, status="answered", response=choice, responder=user)
        ctx.note("alert_response", f"{user} chose {choice!r}", actor=user, choice=choice)
        return Done(choice, {"choice": choice, "responder": user, "comment": response.get("comment", "")})

    def on_timeout(self, config: dict[str, Any], ctx: StepContext, memo: dict[str, Any]) -> Done:
        ctx.services.alerts.close(ctx.idempotency_key, status="timed_out")
        ctx.note("alert_timeout", f"No response within {config['timeout']}")
        return Done("timeout", {"timed_out": True})
