"""Request and response schemas of the REST API (they generate the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ProblemSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    node_id = fields.String(allow_none=True)
    edge_id = fields.String(allow_none=True)
    field = fields.String(allow_none=True)


class ApiErrorSchema(Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    problems = fields.List(fields.Nested(ProblemSchema))
    errors = fields.Dict()


class ProblemsSchema(Schema):
    problems = fields.List(fields.Nested(ProblemSchema))


class LastRunSchema(Schema):
    id = fields.String()
    status = fields.String()
    started_at = fields.String()
    finished_at = fields.String(allow_none=True)


class FlowSummarySchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    revision = fields.Integer()
    published_version = fields.Integer(allow_none=True)
    active = fields.Boolean()
    status = fields.String(metadata={"enum": ["draft", "published", "modified"]})
    valid = fields.Boolean()
    updated_at = fields.String()
    last_run = fields.Nested(LastRunSchema, allow_none=True)


class HookSchema(Schema):
    node_id = fields.String()
    token = fields.String()
    url = fields.String()


class FlowDetailSchema(FlowSummarySchema):
    document = fields.Dict(metadata={"description": "The flow document (see /api/schema/flow.json)."})
    problems = fields.List(fields.Nested(ProblemSchema))
    hooks = fields.List(fields.Nested(HookSchema))


class FlowListSchema(Schema):
    items = fields.List(fields.Nested(FlowSummarySchema))


class FlowQuerySchema(Schema):
    q = fields.String(load_default="", metadata={"description": "Search in names, ids and descriptions."})


class SaveFlowSchema(Schema):
    document = fields.Dict(required=True)
    base_revision = fields.Integer(required=True, metadata={"description": "The revision the edit started from."})


class PublishSchema(Schema):
    base_revision = fields.Integer(load_default=None, allow_none=True)


class ActivationSchema(Schema):
    active = fields.Boolean(required=True)


class DuplicateSchema(Schema):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class ImportQuerySchema(Schema):
    as_new = fields.Boolean(load_default=False, metadata={"description": "Give the flow a fresh id if taken."})


class ExportQuerySchema(Schema):
    version = fields.String(load_default="draft", metadata={"description": "draft or a version number"})


class VersionSchema(Schema):
    version = fields.Integer()
    revision = fields.Integer()
    name = fields.String()
    published_at = fields.String()


class VersionListSchema(Schema):
    items = fields.List(fields.Nested(VersionSchema))


class VersionDetailSchema(VersionSchema):
    document = fields.Dict()


class StartRunSchema(Schema):
    event = fields.Dict(load_default=dict, metadata={"description": "The event the run starts with."})
    version = fields.String(load_default="draft", metadata={"description": "draft or a version number"})
    trigger = fields.String(load_default=None, allow_none=True, metadata={"description": "Trigger node id."})
    dry_run = fields.Boolean(load_default=False)
    choices = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class ReplaySchema(Schema):
    version = fields.String(load_default="same", metadata={
        "description": "same (what the run executed), draft, or a published version number"})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "Record what steps with side effects would do instead of doing it."})
    choices = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "description": "Port per node for a dry run (e.g. an alert's response); defaults to the source run's."})


class RunStartedSchema(Schema):
    run_id = fields.String()


class RunSummarySchema(Schema):
    id = fields.String()
    flow_id = fields.String()
    flow_name = fields.String()
    flow_version = fields.Integer(allow_none=True)
    flow_revision = fields.Integer()
    status = fields.String(metadata={"enum": ["running", "waiting", "succeeded", "failed", "cancelled"]})
    trigger_node = fields.String()
    event_id = fields.String(allow_none=True)
    incident_id = fields.Integer(allow_none=True)
    started_at = fields.String()
    finished_at = fields.String(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    dry_run = fields.Boolean()
    replay_of = fields.String(allow_none=True)
    event_title = fields.String(allow_none=True, metadata={"description": "The title of the event that started it."})


class WaitSchema(Schema):
    kind = fields.String()
    responses = fields.List(fields.String(), allow_none=True)
    until = fields.String(allow_none=True)


class StepSchema(Schema):
    node_id = fields.String()
    node_type = fields.String()
    status = fields.String(metadata={"enum": ["running", "waiting", "retrying", "succeeded", "failed", "skipped",
                                              "cancelled"]})
    port = fields.String(allow_none=True)
    attempts = fields.Integer()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    config = fields.Dict(allow_none=True)
    output = fields.Raw(allow_none=True)
    error = fields.String(allow_none=True)
    logs = fields.List(fields.Dict())
    wait = fields.Nested(WaitSchema, allow_none=True)


class RunDetailSchema(RunSummarySchema):
    event = fields.Dict(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))


class RunListSchema(Schema):
    items = fields.List(fields.Nested(RunSummarySchema))
    total = fields.Integer()


class RunQuerySchema(Schema):
    flow_id = fields.String(load_default=None)
    status = fields.List(fields.String(validate=validate.OneOf(
        ["running", "waiting", "succeeded", "failed", "cancelled"])), load_default=None)
    since = fields.AwareDateTime(load_default=None, default_timezone=None)
    until = fields.AwareDateTime(load_default=None, default_timezone=None)
    incident_id = fields.Integer(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class CompareQuerySchema(Schema):
    left = fields.String(required=True)
    right = fields.String(required=True)


class StepBriefSchema(Schema):
    status = fields.String()
    port = fields.String(allow_none=True)
    attempts = fields.Integer()
    duration_ms = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)


class OutputDiffSchema(Schema):
    path = fields.String()
    left = fields.Raw(allow_none=True)
    right = fields.Raw(allow_none=True)


class NodeComparisonSchema(Schema):
    node_id = fields.String()
    left = fields.Nested(StepBriefSchema, allow_none=True)
    right = fields.Nested(StepBriefSchema, allow_none=True)
    same_path = fields.Boolean()
    output_diff = fields.List(fields.Nested(OutputDiffSchema))


class ComparisonSchema(Schema):
    left = fields.Nested(RunSummarySchema)
    right = fields.Nested(RunSummarySchema)
    same_path = fields.Boolean()
    nodes = fields.List(fields.Nested(NodeComparisonSchema))


class ResponseSchema(Schema):
    choice = fields.String(required=True, validate=validate.Length(min=1))
    user = fields.String(load_default="api", validate=validate.Length(min=1, max=200), metadata={
        "description": "Ignored: an answer is always the signed-in caller's (kept so older clients are not refused)."})
    comment = fields.String(load_default="")


class RespondedSchema(Schema):
    run_id = fields.String()
    node_id = fields.String()
    choice = fields.String()


class CancelledSchema(Schema):
    run_id = fields.String()
    status = fields.String()


class MatchSchema(Schema):
    flow_id = fields.String()
    node_id = fields.String()
    version = fields.Integer(allow_none=True)
    accepted = fields.Boolean()
    reason = fields.String()


class IngestedSchema(Schema):
    event_id = fields.String()
    incident_id = fields.Integer(allow_none=True)
    incident_action = fields.String()
    runs = fields.List(fields.String())
    matches = fields.List(fields.Nested(MatchSchema))


class NodeTypeSchema(Schema):
    type = fields.String()
    version = fields.Integer()
    category = fields.String()
    title = fields.String()
    description = fields.String()
    icon = fields.String()
    is_trigger = fields.Boolean()
    config_schema = fields.Dict()
    ports = fields.Dict()
    sample_event = fields.Dict(allow_none=True)


class NodeTypeListSchema(Schema):
    items = fields.List(fields.Nested(NodeTypeSchema))
