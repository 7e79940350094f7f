"""The node-type contract: config schema, output ports, and execute/resume/on_timeout results."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, missing

from mendflow.flowdoc.fastload import compile_schema
from mendflow.flowdoc.jsonschema import schema_to_json_schema
from mendflow.flowdoc.templates import is_template

if TYPE_CHECKING:
    from mendflow.nodes.context import StepContext


class ConfigSchema(Schema):
    """Base for node config schemas: unknown keys are errors, so typos do not pass silently."""

    class Meta:
        unknown = RAISE


@dataclass(frozen=True)
class Done:
    """The step finished and leaves through `port` with `output` (read by later steps as steps.<id>)."""

    port: str = "out"
    output: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """The step waits: for a response (`kind="response"`) or for time (`kind="delay"`).

    After `timeout` seconds the engine calls `on_timeout`; `memo` comes back to resume/on_timeout.
    """

    kind: str
    timeout: float | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    responses: list[str] | None = None


class StepFailed(Exception):
    """A step failure with a message for the run view; `retryable=False` skips remaining attempts."""

    def __init__(self, message: str, *, retryable: bool = True, output: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.output = output or {}


@dataclass(frozen=True)
class Ports:
    """Output ports: one per item of config[from_config] (if set), then the fixed ones."""

    fixed: tuple[str, ...] = ("out",)
    from_config: str | None = None


@dataclass(frozen=True)
class Match:
    """A trigger's verdict on an event, with the reason shown by explain views."""

    accepted: bool
    reason: str


class NodeType:
    """Base class of every node type. Instances are stateless; the docstring is the palette help."""

    type: ClassVar[str]
    version: ClassVar[int] = 1
    title: ClassVar[str]
    icon: ClassVar[str] = "box"
    config_schema: ClassVar[type[Schema]] = ConfigSchema
    ports: ClassVar[Ports] = Ports()
    is_trigger: ClassVar[bool] = False
    instant: ClassVar[bool] = False
    """Pure computation with no outside work: the engine runs it inside its own batch, no worker hop."""
    instant_with: ClassVar[str | None] = None
    """A capability (a `Services` attribute, e.g. "tickets"): when its built-in implementation is
    the one in use, the step is only a write to the engine's own database, and the engine runs it
    inside its batch as if `instant` (on SQLite in the batch's own transaction)."""
    side_effects: ClassVar[bool] = True
    """Changes something outside the run; a dry run asks `predict` instead of calling `execute`."""
    sample_event: ClassVar[dict[str, Any] | None] = None
    waits_for_response: ClassVar[bool] = False
    """May wait for a response (`Wait(kind="response")`); a response that arrives while it is still
    running (its pages just went out) is kept and taken as soon as it waits."""

    @property
    def category(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def description(self) -> str:
        return inspect.cleandoc(type(self).__doc__ or "")

    @cached_property
    def _schema(self) -> Schema:
        return self.config_schema()

    @cached_property
    def _fast_load(self) -> Any:
        return compile_schema(self._schema)

    @cached_property
    def expression_fields(self) -> frozenset[str]:
        """Config fields holding a bare Jinja2 expression, evaluated by the node rather than rendered."""
        return frozenset(name for name, f in self._schema.fields.items()
                         if f.metadata.get("x-widget") == "expression")

    @cached_property
    def raw_fields(self) -> frozenset[str]:
        """Config fields the engine must not render: expressions, and anything marked `x-render: false`."""
        return self.expression_fields | frozenset(
            name for name, f in self._schema.fields.items() if f.metadata.get("x-render") is False)

    def output_ports(self, config: dict[str, Any]) -> list[str]:
        ports: list[str] = []
        if self.ports.from_config:
            items = config.get(self.ports.from_config) or []
            if not isinstance(items, list):
                raise TypeError(f"{self.ports.from_config} must be a list")
            ports.extend(str(item) for item in items)
        ports.extend(port for port in self.ports.fixed if port not in ports)
        if not self.is_trigger and "error" not in ports:
            ports.append("error")
        return ports

    def with_defaults(self, config: dict[str, Any]) -> dict[str, Any]:
        """`config` plus the schema's defaults for missing keys, so default templates render too."""
        filled = dict(config)
        for name, f in self._schema.fields.items():
            if name not in filled and f.load_default is not missing:
                default = f.load_default() if callable(f.load_default) else f.load_default
                filled[name] = default
        return filled

    def check_config(self, config: dict[str, Any]) -> dict[str, list[str]]:
        """Checks across fields, run on config whose fields are each valid; override to add some."""
        return {}

    def config_errors(self, config: dict[str, Any]) -> dict[str, list[str]]:
        """Every problem of `config`, as {field: [messages]} (fast path for clean config).

        A field whose value is a template (`"{{ event.severity }}"` for a priority) can only be
        judged once rendered, so its own errors wait for the run; everything else is checked now.
        """
        loaded = self._fast_load(config)
        if loaded is None:
            errors = _flatten(self._schema.validate(config))
            templated = {key for key, value in config.items() if isinstance(value, str) and is_template(value)}
            errors = {f: msgs for f, msgs in errors.items() if f.split(".", 1)[0] not in templated}
            if errors or templated:
                return errors
            loaded = self._schema.load(config)
        return self.check_config(loaded)

    def load_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Validated config with defaults; raises StepFailed (not retryable) when it does not fit."""
        try:
            loaded = self._schema.load(config)
        except ValidationError as exc:
            errors = _flatten(exc.messages)
        else:
            errors = self.check_config(loaded)
            if not errors:
                return loaded
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        raise StepFailed(f"Invalid config after rendering: {details}", retryable=False)

    def describe(self) -> dict[str, Any]:
        """The palette entry served at /api/node-types."""
        return {
            "type": self.type, "version": self.version, "category": self.category, "title": self.title,
            "description": self.description, "icon": self.icon, "is_trigger": self.is_trigger,
            "config_schema": schema_to_json_schema(self._schema),
            "ports": {"fixed": self.output_ports({}), "from_config": self.ports.from_config},
            "sample_event": self.sample_event,
        }

    # -- behaviour ---------------------------------------------------------------------------

    def execute(self, config: dict[str, Any], ctx: StepContext) -> Done | Wait:
        raise NotImplementedError(f"{self.type} does not execute")

    def resume(self, config: dict[str, Any], ctx: StepContext, response: dict[str, Any]) -> Done:
        raise StepFailed(f"{self.type} does not take responses", retryable=False)

    def on_timeout(self, config: dict[str, Any], ctx: StepContext, memo: dict[str, Any]) -> Done:
        return Done("timeout", {"timed_out": True})

    def predict(self, config: dict[str, Any], ctx: StepContext, port: str | None = None) -> Done:
        """What a dry run records instead of acting: the rendered request, leaving through `port`.

        Without a chosen port, the first one (the first response option of an alert) is taken.
        """
        ports = self.output_ports(config)
        chosen = port or ports[0]
        if chosen not in ports:
            raise StepFailed(f"dry run: {chosen!r} is not a port of {self.type} (its ports: {', '.join(ports)})",
                             retryable=False)
        return Done(chosen, {"dry_run": True, "would": {"type": self.type, "config": config}})

    def accepts(self, config: dict[str, Any], event: dict[str, Any]) -> Match:
        return Match(False, f"{self.type} is not a trigger")


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    if isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
        return flat
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = [str(m) for m in value]
    return flat
