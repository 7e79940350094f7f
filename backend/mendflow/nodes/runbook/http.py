"""runbook.http: call an HTTP endpoint (a remediation API, a health check, a webhook)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from marshmallow import fields, validate

from mendflow.flowdoc.durations import DURATION_PATTERN, parse_duration
from mendflow.integrations.errors import IntegrationError
from mendflow.nodes.base import ConfigSchema, Done, NodeType, StepFailed
from mendflow.nodes.context import StepContext
from mendflow.nodes.registry import register

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
MAX_TEXT = 64 * 1024


class HttpConfig(ConfigSchema):
    method = fields.String(load_default="POST", validate=validate.OneOf(METHODS), metadata={"title": "Method"})
    url = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "title": "URL", "x-widget": "template"})
    headers = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "title": "Headers", "x-widget": "json"})
    json = fields.Raw(load_default=None, allow_none=True, metadata={
        "title": "JSON body", "x-widget": "json", "description": "Sent as application/json; templates allowed."})
    body = fields.String(load_default=None, allow_none=True, metadata={
        "title": "Text body", "x-widget": "textarea", "description": "Sent as is, when there is no JSON body."})
    expect_status = fields.List(fields.Integer(validate=validate.Range(100, 599)), load_default=list, metadata={
        "title": "Expected status codes", "description": "Empty means any 2xx."})
    timeout = fields.String(load_default="10s", validate=validate.Regexp(DURATION_PATTERN), metadata={
        "title": "Timeout", "x-widget": "duration"})


@register
class HttpRequest(NodeType):
    """Sends an HTTP request and succeeds on the expected status (any 2xx by default).

    5xx, 429 and network errors are retried (3 attempts by default); another unexpected status
    fails at once. The output holds `status`, `headers`, `text` and, for JSON answers, `json`.
    """

    type = "runbook.http"
    title = "HTTP request"
    icon = "globe"
    config_schema = HttpConfig
    retry_default = (3, 1.0)

    def check_config(self, config: dict[str, Any]) -> dict[str, list[str]]:
        if config.get("json") is not None and config.get("body"):
            return {"body": ["Give a JSON body or a text body, not both."]}
        return {}

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done:
        method, url = config["method"], config["url"]
        response = ctx.services.http.request(
            method, url, headers=config["headers"], json_body=config["json"], data=config["body"],
            timeout=ctx.remaining(parse_duration(config["timeout"])))
        text = response.text[:MAX_TEXT]
        output: dict[str, Any] = {"status": response.status_code, "text": text,
                                  "headers": {k.lower(): v for k, v in response.headers.items()}}
        if "json" in response.headers.get("content-type", ""):
            with contextlib.suppress(ValueError):
                output["json"] = json.loads(response.content)
        expected = config["expect_status"]
        ok = response.status_code in expected if expected else 200 <= response.status_code < 300
        ctx.log(f"{method} {url} → {response.status_code}")
        if ok:
            return Done("out", output)
        message = f"{method} {url} answered {response.status_code}: {text[:300]}"
        if response.status_code >= 500 or response.status_code == 429:
            raise IntegrationError(message, status=response.status_code)
        raise StepFailed(message, retryable=False, output=output)
