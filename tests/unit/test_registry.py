"""The node-type contract, checked for every registered type, and the registry's own rules."""

from __future__ import annotations

import re
import sys

import pytest
from marshmallow import missing

from mendflow.incidents import normalize_event
from mendflow.nodes import NodeType, Registry, default_registry

REGISTRY = default_registry()
TYPES = [node_type.type for node_type in REGISTRY]
TYPE_NAME = re.compile(r"^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$")
MISSING_REQUIRED = "Missing data for required field."


def test_every_step_family_is_registered() -> None:
    assert TYPES == [
        "alert.notify", "chat.channel", "chat.post", "deploy.switch", "incident.resolve", "logic.condition",
        "logic.delay", "runbook.ansible", "runbook.http", "ticket.create", "ticket.update", "trigger.manual",
        "trigger.webhook"]


@pytest.fixture(params=TYPES)
def node_type(request: pytest.FixtureRequest) -> NodeType:
    return REGISTRY[request.param]


def test_type_name_is_family_dot_name_in_lower_snake_case(node_type: NodeType) -> None:
    assert TYPE_NAME.match(node_type.type), node_type.type
    assert node_type.category == node_type.type.split(".")[0]


def test_one_module_per_type_named_after_it(node_type: NodeType) -> None:
    family, name = node_type.type.split(".")
    assert type(node_type).__module__ == f"mendflow.nodes.{family}.{name}"
    assert sys.modules[type(node_type).__module__].__doc__, "the module needs a one-line docstring"


def test_has_help_text_title_and_icon(node_type: NodeType) -> None:
    assert len(node_type.description) >= 20, "the class docstring is the palette's help text"
    assert node_type.title.strip() == node_type.title and node_type.title
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", node_type.icon), node_type.icon
    assert node_type.version >= 1


def test_config_schema_exports_as_json_schema(node_type: NodeType) -> None:
    exported = node_type.describe()["config_schema"]
    schema_fields = node_type.config_schema().fields
    assert exported["type"] == "object"
    assert exported["additionalProperties"] is False
    assert set(exported.get("properties", {})) == set(schema_fields)
    required = sorted(name for name, f in schema_fields.items() if f.required)
    assert sorted(exported.get("required", [])) == required
    for name, field in schema_fields.items():
        assert exported["properties"][name].get("title"), f"{node_type.type}.{name} needs a title for the form"
        if field.load_default is not missing and not callable(field.load_default):
            assert exported["properties"][name]["default"] == field.load_default


def test_ports(node_type: NodeType) -> None:
    ports = node_type.output_ports({})
    assert len(ports) == len(set(ports))
    if node_type.is_trigger:
        assert ports == ["out"]
    else:
        assert ports[-1] == "error"
    assert node_type.describe()["ports"] == {"fixed": ports, "from_config": node_type.ports.from_config}


def test_triggers_have_a_sample_event_that_normalizes(node_type: NodeType) -> None:
    if not node_type.is_trigger:
        assert node_type.sample_event is None
        return
    assert node_type.sample_event
    event = normalize_event(node_type.sample_event)
    assert event["title"] == node_type.sample_event["title"]


def test_defaults_load_and_pass_their_own_validators(node_type: NodeType) -> None:
    filled = node_type.with_defaults({})
    schema_fields = node_type.config_schema().fields
    assert set(filled) == {name for name, f in schema_fields.items() if not f.required}
    errors = node_type.config_errors(filled)
    assert {name: messages for name, messages in errors.items() if messages != [MISSING_REQUIRED]} == {}
    assert sorted(errors) == sorted(name for name, f in schema_fields.items() if f.required)


def test_unknown_config_keys_are_errors(node_type: NodeType) -> None:
    assert node_type.config_errors({"no_such_option": 1})["no_such_option"] == ["Unknown field."]


def test_alert_ports_follow_its_responses() -> None:
    notify = REGISTRY["alert.notify"]
    assert notify.output_ports({"responses": ["Restart", "Ignore"]}) == ["Restart", "Ignore", "timeout", "error"]
    with pytest.raises(TypeError, match="responses must be a list"):
        notify.output_ports({"responses": "Restart"})


def test_condition_ports() -> None:
    assert REGISTRY["logic.condition"].output_ports({}) == ["true", "false", "error"]


def test_registering_a_duplicate_name_raises() -> None:
    class Again(NodeType):
        """A second ticket.create."""

        type = "ticket.create"
        title = "Again"

    registry = Registry([type(REGISTRY["ticket.create"])])
    with pytest.raises(ValueError, match=r"node type 'ticket.create' is registered twice \(TicketCreate and Again\)"):
        registry.add(Again)
    assert len(registry) == 1


def test_a_type_without_a_name_is_refused() -> None:
    class Nameless(NodeType):
        """No type name."""

        title = "Nameless"

    with pytest.raises(ValueError, match="Nameless has no `type` name"):
        Registry([Nameless])


def test_lookup() -> None:
    assert REGISTRY.get("nope.nothing") is None
    assert "ticket.create" in REGISTRY
    with pytest.raises(KeyError, match=r"unknown node type 'nope\.nothing'"):
        REGISTRY["nope.nothing"]
