"""Marshmallow schemas exported as JSON Schema (draft 2020-12 flavoured, via apispec)."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema


@cache
def _plugin() -> MarshmallowPlugin:
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)
    APISpec("mendflow", "1", "3.1.0", plugins=[plugin])
    return plugin


def schema_to_json_schema(schema: type[Schema] | Schema) -> dict[str, Any]:
    """JSON Schema for `schema`, nested schemas inlined, field metadata (title, x-widget) kept."""
    instance = schema() if isinstance(schema, type) else schema
    converter = _plugin().converter
    assert converter is not None
    result = converter.schema2jsonschema(instance)
    result.setdefault("type", "object")
    return result
