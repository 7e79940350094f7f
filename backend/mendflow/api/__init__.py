"""The REST API (flask-smorest): one blueprint per resource; it only translates HTTP to domain calls."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, render_template_string, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from mendflow.api import catalog, desk, events, flows, incidents, oncall, respond, runs, signin, teams, tokens, users
from mendflow.api.access import SECURITY, SECURITY_SCHEMES, guard
from mendflow.api.body import error_response as _error
from mendflow.api.body import parse_json_body
from mendflow.errors import MendflowError


def register_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"info": {"description": "Flows, runs, events and the built-in desk of mendflow. "
                                                        "Every endpoint needs a signed-in session or an API token "
                                                        "(Authorization: Bearer ...) with at least the role it "
                                                        "names (x-required-role)."},
                                "security": SECURITY})
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for module in (flows, runs, events, catalog, desk, incidents, oncall, signin, users, teams, tokens):
        api.register_blueprint(module.blp)
    respond.register(app)
    app.register_error_handler(MendflowError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.before_request(guard)
    app.before_request(parse_json_body)
    app.add_url_rule("/api/docs", "api_docs", lambda: _docs_page(api))
    return api


def _domain_error(exc: MendflowError) -> Response:
    return _error(exc.status, exc.message, **exc.details)


def _http_error(exc: HTTPException) -> Response | HTTPException:
    if not request.path.startswith(("/api", "/hooks")):
        return exc
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:
        flat = "; ".join(f"{field}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                         for location in messages.values() for field, msgs in location.items())
        return _error(code, f"Invalid request: {flat}", errors=messages)
    if code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return _error(413, f"The request body is larger than the limit of {limit} bytes "
                           "(MENDFLOW_MAX_BODY_BYTES).")
    if code == 405:
        return _error(405, f"{request.method} is not allowed on {request.path}.")
    if code == 404:
        return _error(404, f"No such endpoint: {request.path}. See /api/docs.")
    return _error(code, exc.description or "")


_DOCS = """<!doctype html><html><head><meta charset="utf-8"><title>mendflow API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2430}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.op{margin:.6rem 0;padding:.5rem .8rem;border:1px solid #e3e6ea;border-radius:6px}
.m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
.GET{color:#1769aa}.POST{color:#2e7d32}.PUT{color:#b26a00}.DELETE{color:#c62828}.PATCH{color:#6a1b9a}
code{background:#f4f5f7;padding:0 .25rem;border-radius:3px}small{color:#667}</style></head><body>
<h1>mendflow API {{ spec.info.version }}</h1>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.
Flow documents follow <a href="/api/schema/flow.json">/api/schema/flow.json</a>.</p>
{% for tag, ops in groups %}<h2>{{ tag }}</h2>{% for path, method, op in ops %}
<div class="op"><span class="m {{ method|upper }}">{{ method|upper }}</span> <code>{{ path }}</code>
 — {{ op.summary or '' }}<br><small>{{ op.description or '' }}
 Role: {{ op['x-required-role'] or 'none (open)' }}.
 Answers: {{ op.responses.keys()|join(', ') }}</small></div>{% endfor %}{% endfor %}
</body></html>"""


def _docs_page(api: Api) -> str:
    spec = api.spec.to_dict()
    groups: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and "responses" in op:
                groups.setdefault((op.get("tags") or ["other"])[0], []).append((path, method, op))
    return render_template_string(_DOCS, spec=spec, groups=sorted(groups.items()))
