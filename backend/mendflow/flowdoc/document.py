"""The flow document: marshmallow schema, parsing, and byte-stable canonical JSON."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate

from mendflow.flowdoc.durations import DURATION_PATTERN
from mendflow.flowdoc.fastload import compile_schema
from mendflow.flowdoc.jsonschema import schema_to_json_schema
from mendflow.flowdoc.problems import Problem

SCHEMA_ID = "mendflow.flow/v1"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
_ID_MESSAGE = "Use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit."


class DocumentError(ValueError):
    """A flow document that cannot be read at all: bad JSON or the wrong shape."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class Coordinate(fields.Number):
    """A canvas coordinate: kept as an int when whole, else rounded to 2 decimals."""

    num_type = float

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> int | float | None:
        if value is None:
            return None
        value = float(value)
        return int(value) if value.is_integer() else round(value, 2)


class PositionSchema(Schema):
    x = Coordinate(load_default=0)
    y = Coordinate(load_default=0)


class RetrySchema(Schema):
    attempts = fields.Integer(load_default=3, validate=validate.Range(min=1, max=20),
                              metadata={"description": "Total attempts, the first one included."})
    backoff = fields.String(load_default="2s", validate=validate.Regexp(DURATION_PATTERN),
                            metadata={"description": "Wait before the second attempt; doubles each time."})


def _drop_empty_options(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if data.get(key) is None:
            data.pop(key, None)
    return data


class NodeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN, error=_ID_MESSAGE))
    type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    label = fields.String(load_default="", validate=validate.Length(max=200))
    config = fields.Dict(keys=fields.String(), load_default=dict)
    position = fields.Nested(PositionSchema, load_default=lambda: {"x": 0, "y": 0})
    retry = fields.Nested(RetrySchema, load_default=None, allow_none=True)
    timeout = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(DURATION_PATTERN),
                            metadata={"description": "Give up on one attempt after this long, e.g. 30s."})

    @post_dump
    def _compact(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return _drop_empty_options(data, ("retry", "timeout"))


class EdgeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN, error=_ID_MESSAGE))
    source = fields.String(required=True)
    source_port = fields.String(load_default="out", validate=validate.Length(min=1, max=100))
    target = fields.String(required=True)


class FlowSchema(Schema):
    """`mendflow.flow/v1`: nodes in a flat list, edges from a named output port to a node."""

    class Meta:
        unknown = RAISE

    schema = fields.String(required=True, validate=validate.Equal(SCHEMA_ID))
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN, error=_ID_MESSAGE))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    nodes = fields.List(fields.Nested(NodeSchema), load_default=list)
    edges = fields.List(fields.Nested(EdgeSchema), load_default=list)


_FLOW_SCHEMA = FlowSchema()
_FAST_LOAD = compile_schema(_FLOW_SCHEMA)


def parse_flow_text(text: str | bytes) -> dict[str, Any]:
    """Parse JSON text into a raw dict, or raise DocumentError naming line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem("invalid_json", f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
        raise DocumentError(problem.message, [problem]) from None
    except UnicodeDecodeError:
        problem = Problem("invalid_json", "Not valid JSON: the body is not UTF-8 text.")
        raise DocumentError(problem.message, [problem]) from None
    return data


def load_flow(data: Any) -> dict[str, Any]:
    """Check the shape of a raw document and fill defaults; raise DocumentError listing every problem."""
    if not isinstance(data, dict):
        problem = Problem("invalid_shape", "A flow document must be a JSON object.")
        raise DocumentError(problem.message, [problem])
    loaded = _FAST_LOAD(data)
    if loaded is not None:
        return loaded
    try:
        return _FLOW_SCHEMA.load(data)
    except ValidationError as exc:
        problems = shape_problems(exc.messages, data)
        raise DocumentError(f"The flow document has {len(problems)} shape problem(s).", problems) from None


def dump_flow(document: dict[str, Any]) -> str:
    """Canonical JSON text of a loaded document: sorted keys, 2-space indent, trailing newline."""
    data = _FLOW_SCHEMA.dump(document)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document as `dump_flow` writes it, as a dict."""
    return _FLOW_SCHEMA.dump(document)


def flow_json_schema() -> dict[str, Any]:
    """JSON Schema of the flow document, served at /api/schema/flow.json."""
    result = schema_to_json_schema(FlowSchema)
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    result["$id"] = "mendflow.flow/v1"
    result["title"] = "mendflow flow document"
    return result


def shape_problems(messages: Any, data: Any, path: str = "") -> list[Problem]:
    """Flatten marshmallow's nested messages into problems, naming the node or edge involved."""
    problems: list[Problem] = []
    if isinstance(messages, list):
        for message in messages:
            problems.append(_shape_problem(path, str(message), data))
        return problems
    for key, value in messages.items():
        sub = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
        problems.extend(shape_problems(value, data, sub))
    return problems


def _shape_problem(path: str, message: str, data: Any) -> Problem:
    node_id = edge_id = None
    parts = path.split(".", 1)
    head = parts[0]
    for kind in ("nodes", "edges"):
        if head.startswith(kind + "[") and isinstance(data, dict):
            try:
                index = int(head[len(kind) + 1 : head.index("]")])
                item = data.get(kind, [])[index]
                item_id = item.get("id") if isinstance(item, dict) else None
            except (ValueError, IndexError, AttributeError, TypeError):
                item_id = None
            if isinstance(item_id, str):
                node_id, edge_id = (item_id, None) if kind == "nodes" else (None, item_id)
    if message == "Unknown field.":
        message = "Unknown field; remove it or check its spelling."
    return Problem("invalid_shape", f"{path}: {message}", node_id=node_id, edge_id=edge_id, field=path)
