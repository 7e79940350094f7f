"""The flow document: load fills defaults, dump writes canonical bytes, shape errors name the node."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mendflow.flowdoc import DocumentError, Problem, dump_flow, flow_json_schema, load_flow, parse_flow_text
from mendflow.flowdoc.document import FlowSchema


def raw(**extra: Any) -> dict[str, Any]:
    return {"schema": "mendflow.flow/v1", "id": "f", "name": "F", **extra}


def shape_problems(doc: dict[str, Any]) -> list[Problem]:
    with pytest.raises(DocumentError) as caught:
        load_flow(doc)
    return caught.value.problems


CANONICAL = """{
  "description": "",
  "edges": [
    {
      "id": "e1",
      "source": "start",
      "source_port": "out",
      "target": "ticket"
    }
  ],
  "id": "f",
  "name": "F",
  "nodes": [
    {
      "config": {},
      "id": "start",
      "label": "",
      "position": {
        "x": 10,
        "y": 2.46
      },
      "type": "trigger.manual"
    },
    {
      "config": {
        "title": "{{ event.title }}"
      },
      "id": "ticket",
      "label": "Open a ticket",
      "position": {
        "x": 0,
        "y": 0
      },
      "retry": {
        "attempts": 3,
        "backoff": "2s"
      },
      "timeout": "30s",
      "type": "ticket.create"
    }
  ],
  "schema": "mendflow.flow/v1"
}
"""


def sample() -> dict[str, Any]:
    # keys deliberately out of order; floats that are whole, and one that needs rounding
    return raw(nodes=[
        {"type": "trigger.manual", "id": "start", "position": {"y": 2.456, "x": 10.0}},
        {"type": "ticket.create", "id": "ticket", "label": "Open a ticket", "retry": {}, "timeout": "30s",
         "config": {"title": "{{ event.title }}"}},
    ], edges=[{"target": "ticket", "source": "start", "id": "e1"}])


def test_dump_is_canonical_text() -> None:
    assert dump_flow(load_flow(sample())) == CANONICAL


def test_round_trip_is_byte_stable() -> None:
    once = dump_flow(load_flow(sample()))
    twice = dump_flow(load_flow(parse_flow_text(once)))
    assert twice == once
    assert once.endswith("}\n") and not once.endswith("\n\n")


def test_dump_keeps_non_ascii_text() -> None:
    text = dump_flow(load_flow(raw(name="Störung: Platte voll")))
    assert '  "name": "Störung: Platte voll",' in text.splitlines()


def test_load_fills_defaults() -> None:
    loaded = load_flow(raw(nodes=[{"id": "a", "type": "trigger.manual"}],
                           edges=[{"id": "e1", "source": "a", "target": "b"}]))
    assert loaded["description"] == ""
    assert loaded["nodes"] == [{"id": "a", "type": "trigger.manual", "label": "", "config": {},
                                "position": {"x": 0, "y": 0}, "retry": None, "timeout": None}]
    assert loaded["edges"] == [{"id": "e1", "source": "a", "source_port": "out", "target": "b"}]


def test_empty_retry_gets_default_attempts_and_backoff() -> None:
    loaded = load_flow(raw(nodes=[{"id": "a", "type": "t", "retry": {"attempts": 5}}]))
    assert loaded["nodes"][0]["retry"] == {"attempts": 5, "backoff": "2s"}


def test_fast_path_agrees_with_marshmallow() -> None:
    doc = sample()
    assert load_flow(doc) == FlowSchema().load(doc)


@pytest.mark.parametrize(("x", "expected"), [(10.0, 10), (-3.0, -3), (7, 7), (1.005, 1.0), (2.456, 2.46),
                                             (0.5, 0.5)])
def test_coordinates_are_int_when_whole(x: float, expected: float) -> None:
    dumped = json.loads(dump_flow(load_flow(raw(nodes=[{"id": "a", "type": "t", "position": {"x": x}}]))))
    value = dumped["nodes"][0]["position"]["x"]
    assert value == expected
    assert type(value) is type(expected)


def test_unknown_node_field_names_node_and_field() -> None:
    problems = shape_problems(raw(nodes=[{"id": "ok", "type": "t"}, {"id": "a", "type": "t", "colour": "red"}]))
    assert problems == [Problem("invalid_shape", "nodes[1].colour: Unknown field; remove it or check its spelling.",
                                node_id="a", field="nodes[1].colour")]


def test_wrong_type_on_edge_names_edge() -> None:
    problems = shape_problems(raw(edges=[{"id": "e1", "source": 3, "target": "b"}]))
    assert problems == [Problem("invalid_shape", "edges[0].source: Not a valid string.", edge_id="e1",
                                field="edges[0].source")]


def test_bad_node_id_is_reported_with_the_rule() -> None:
    problems = shape_problems(raw(nodes=[{"id": "bad id!", "type": "t"}]))
    assert [(p.code, p.node_id, p.field) for p in problems] == [("invalid_shape", "bad id!", "nodes[0].id")]
    assert "starting with a letter or digit" in problems[0].message


def test_nested_wrong_type_keeps_full_path() -> None:
    problems = shape_problems(raw(nodes=[{"id": "a", "type": "t", "position": {"x": "left"}}]))
    assert [(p.node_id, p.field, p.message) for p in problems] == [
        ("a", "nodes[0].position.x", "nodes[0].position.x: Not a valid number.")]


def test_every_shape_problem_is_listed() -> None:
    problems = shape_problems({"schema": "other/v9", "name": "", "nodes": [{"id": "a"}], "extra": 1})
    assert sorted(p.field for p in problems) == ["extra", "id", "name", "nodes[0].type", "schema"]
    assert all(p.code == "invalid_shape" for p in problems)


def test_a_document_that_is_not_an_object() -> None:
    assert shape_problems([1, 2]) == [Problem("invalid_shape", "A flow document must be a JSON object.")]  # type: ignore[arg-type]


def test_bad_json_names_line_and_column() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_flow_text('{\n  "id": "f",\n  "name": }')
    assert caught.value.problems == [Problem(
        "invalid_json", "Not valid JSON: Expecting value at line 3, column 11.")]


def test_json_schema_has_node_and_edge_structure() -> None:
    schema = flow_json_schema()
    assert schema["$id"] == "mendflow.flow/v1"
    assert schema["type"] == "object"
    assert sorted(schema["required"]) == ["id", "name", "schema"]
    assert schema["properties"]["schema"]["enum"] == ["mendflow.flow/v1"]
    node = schema["properties"]["nodes"]["items"]
    assert sorted(node["properties"]) == ["config", "id", "label", "position", "retry", "timeout", "type"]
    assert sorted(node["required"]) == ["id", "type"]
    assert node["additionalProperties"] is False
    assert sorted(node["properties"]["position"]["properties"]) == ["x", "y"]
    assert node["properties"]["retry"]["properties"]["attempts"]["default"] == 3
    edge = schema["properties"]["edges"]["items"]
    assert sorted(edge["properties"]) == ["id", "source", "source_port", "target"]
    assert sorted(edge["required"]) == ["id", "source", "target"]
    assert edge["properties"]["source_port"]["default"] == "out"
