"""The flow document `mendflow.flow/v1`: its schema, canonical JSON, templates and validation.

Nothing in this package does I/O; callers pass text in and get documents and problems out.
"""

from mendflow.flowdoc.document import (
    SCHEMA_ID,
    DocumentError,
    dump_flow,
    flow_json_schema,
    load_flow,
    parse_flow_text,
)
from mendflow.flowdoc.durations import parse_duration
from mendflow.flowdoc.problems import Problem
from mendflow.flowdoc.validation import NodeTypeInfo, TypeLookup, validate_flow

__all__ = [
    "SCHEMA_ID", "DocumentError", "NodeTypeInfo", "Problem", "TypeLookup", "dump_flow", "flow_json_schema",
    "load_flow", "parse_duration", "parse_flow_text", "validate_flow",
]
