"""Request bodies: parsed once before the view, with a precise message for malformed JSON."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, g, jsonify, request
from werkzeug.exceptions import BadRequest


def json_body() -> Any:
    """The request's JSON body, already parsed (and checked) before the view ran."""
    if "json_body" not in g:
        raise BadRequest("The request needs a JSON body.")
    return g.json_body


def error_response(code: int, message: str, **details: Any) -> Response:
    response = jsonify({"code": code, "status": HTTPStatus(code).phrase, "message": message, **details})
    response.status_code = code
    return response


def parse_json_body() -> Response | None:
    """before_request: parse POST/PUT/PATCH bodies under /api and /hooks, whatever their content type."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith(("/api/", "/hooks/")):
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        g.json_body = json.loads(raw)
    except UnicodeDecodeError:
        return error_response(400, "The request body is not UTF-8 text.")
    except json.JSONDecodeError as exc:
        return error_response(400, f"Malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
    return None
