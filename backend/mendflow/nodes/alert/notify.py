"""alert.notify: page the on-call people with the incident context and wait for one of the response options."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.durations import DURATION_PATTERN, parse_duration
from mendflow.models import utcnow
from mendflow.nodes.base import ConfigSchema, Done, NodeType, Ports, StepFailed, Wait
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register
from mendflow.paging import DirectoryError, PlanStep

RESERVED_PORTS = ("timeout", "error")
EARLY = timedelta(milliseconds=50)  # a timer that fires this close to an escalation step sends it


class NotifyConfig(ConfigSchema):
    recipients = fields.List(fields.String(validate=validate.Length(min=1)), required=True,
                             validate=validate.Length(min=1), metadata={
        "title": "Recipients",
        "description": "Who to page, resolved when the alert is sent: user:alice, schedule:storage-primary "
                       "(whoever is on call), team:storage (its escalation policy, else its on-call, else its "
                       "members), policy:storage (level by level)."})
    subject = fields.String(load_default="{{ incident.title or event.title }}", metadata={
        "title": "Subject", "x-widget": "template"})
    message = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "Message", "x-widget": "template", "description": "The page's text; templates allowed."})
    responses = fields.List(fields.String(validate=validate.Length(min=1, max=60)), required=True,
                            validate=validate.Length(min=1, max=6), metadata={
        "title": "Response options", "description": "One button, and one output port, per option."})
    timeout = fields.String(load_default="15m", validate=validate.Regexp(DURATION_PATTERN), metadata={
        "title": "Timeout", "x-widget": "duration",
        "description": "No answer by then leaves through `timeout`. Escalation levels due before it are paged."})


@register
class Notify(NodeType):
    """Pages the on-call people with the incident context and one button per response option.

    Recipients are resolved when the page is sent: schedules give whoever is on call, escalation
    policies page level by level while nobody answers. Each person gets the in-app inbox entry and
    a message on each contact method (email, chat, webhook). The first response leaves through
    the port named after it (and says who answered); silence until the timeout leaves through `timeout`.
    """

    type = "alert.notify"
    title = "Notify on-call"
    icon = "bell"
    config_schema = NotifyConfig
    ports = Ports(from_config="responses", fixed=("timeout",))
    waits_for_response = True

    def check_config(self, config: dict[str, Any]) -> dict[str, list[str]]:
        responses = config["responses"]
        if len(set(responses)) != len(responses):
            return {"responses": ["Response options must differ from each other."]}
        clash = [r for r in responses if r in RESERVED_PORTS]
        if clash:
            return {"responses": [f"{clash[0]!r} is a reserved port name; choose another option name."]}
        return {}

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Wait:
        started = utcnow()
        deadline = started + timedelta(seconds=parse_duration(config["timeout"]))
        alert = ctx.services.alerts.page(
            run_id=ctx.run_id, node_id=ctx.node_id, recipients=config["recipients"], subject=config["subject"],
            message=config["message"], responses=config["responses"], incident_id=ctx.incident_id,
            expires_at=deadline, idempotency_key=ctx.idempotency_key)
        try:
            plan = ctx.services.pager.plan(config["recipients"], started)
        except DirectoryError as exc:
            ctx.services.alerts.close(ctx.idempotency_key, status="failed")
            raise StepFailed(f"cannot page: {exc}", retryable=False) from None
        memo = {"alert": {k: alert[k] for k in ("id", "subject", "message", "responses", "incident_id")},
                "started_at": started.isoformat(), "deadline": alert["expires_at"] or deadline.isoformat(),
                "plan": [step.to_json() for step in plan], "sent": 0}
        return self._page_due(config, ctx, memo)

    def resume(self, config: dict[str, Any], ctx: StepContext, response: dict[str, Any]) -> Done:
        choice, user = response["choice"], response.get("user") or "anonymous"
        ctx.services.alerts.close(ctx.idempotency_key, status="answered", response=choice, responder=user)
        via = f" ({response['via']})" if response.get("via") else ""
        ctx.note("alert_response", f"{user} chose {choice!r}{via}", actor=user, choice=choice,
                 via=response.get("via"))
        return Done(choice, {"choice": choice, "responder": user, "comment": response.get("comment", "")})

    def on_timeout(self, config: dict[str, Any], ctx: StepContext, memo: dict[str, Any]) -> Done | Wait:
        if memo.get("plan") is not None and utcnow() + EARLY < datetime.fromisoformat(memo["deadline"]):
            return self._page_due(config, ctx, memo)  # an escalation step is due, not the timeout
        ctx.services.alerts.close(ctx.idempotency_key, status="timed_out")
        ctx.note("alert_timeout", f"No response within {config['timeout']}")
        return Done("timeout", {"timed_out": True})

    def _page_due(self, config: dict[str, Any], ctx: StepContext, memo: dict[str, Any]) -> Wait:
        """Send every plan step whose time has come, then wait until the next one or the deadline."""
        now = utcnow()
        plan = [PlanStep.from_json(step) for step in memo["plan"]]
        sent = memo["sent"]
        if sent > 0 and sent < len(plan) and self._incident_resolved(ctx, memo):
            ctx.note("alert_escalation_stopped", "Escalation stopped: the incident is resolved",
                     alert_id=memo["alert"]["id"])
            sent = len(plan)  # nobody else is paged; the step still takes a late answer until its timeout
        while sent < len(plan) and plan[sent].at <= now + EARLY:
            self._send(ctx, memo, plan, sent, first=sent == 0)
            sent += 1
        memo = {**memo, "sent": sent}
        deadline = datetime.fromisoformat(memo["deadline"])
        until = min(plan[sent].at, deadline) if sent < len(plan) else deadline
        return Wait(kind="response", timeout=max(0.05, (until - now).total_seconds()), memo=memo,
                    responses=config["responses"])

    @staticmethod
    def _incident_resolved(ctx: StepContext, memo: dict[str, Any]) -> bool:
        incident_id = memo["alert"].get("incident_id")
        incident = ctx.services.incidents.get(incident_id) if incident_id is not None else None
        return bool(incident and incident["status"] == "resolved")

    @staticmethod
    def _send(ctx: StepContext, memo: dict[str, Any], plan: list[Any], index: int, *, first: bool) -> None:
        step = plan[index]
        escalation = ""
        if step.level is not None:
            levels = sum(1 for s in plan if s.policy == step.policy and s.round == step.round)
            escalation = (f"Escalation policy {step.policy!r}: level {step.level + 1} of {levels}"
                          + (f", round {step.round + 1}" if step.round else ""))
        deliveries, problems = ctx.services.pager.notify(memo["alert"], step, escalation=escalation)
        for problem in problems:
            ctx.log(f"could not resolve a recipient: {problem}")
        if not deliveries:
            message = "; ".join(problems) or "the recipients resolved to nobody"
            if first:
                ctx.services.alerts.close(ctx.idempotency_key, status="failed")
                raise StepFailed(f"nobody to page: {message}", retryable=False)
            ctx.note("alert_escalation_failed", f"{escalation or 'Page'}: nobody to page ({message})",
                     level=step.level, round=step.round, problems=problems)
            return
        channels: dict[str, list[str]] = defaultdict(list)
        failures = []
        for d in deliveries:
            if d.status == "failed":
                failures.append(f"{d.channel} to {d.user_id}: {d.error}")
            elif d.status != "skipped":
                channels[d.user_id].append(d.channel)
        people = ", ".join(f"{user} ({', '.join(kinds)})" for user, kinds in channels.items())
        kind = "alert_sent" if first else "alert_escalated"
        prefix = f"{escalation}: alert" if escalation else "Alert"
        ctx.note(kind, f"{prefix} sent to {people or 'nobody'}: {memo['alert']['subject']}",
                 alert_id=memo["alert"]["id"], level=step.level, round=step.round, policy=step.policy,
                 recipients=[{"user": d.user_id, "channel": d.channel, "status": d.status, "reason": d.reason}
                             for d in deliveries], problems=problems)
        if failures:
            ctx.note("alert_delivery_failed", "Delivery failed: " + "; ".join(failures), failures=failures)
            ctx.log("delivery failed: " + "; ".join(failures))
