"""Validation: one test per check in DESIGN.md, each asserting the exact structured problem."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mendflow.flowdoc import Problem, validate_flow
from mendflow.nodes import Registry
from tests.conftest import flow_doc

START = {"id": "start", "type": "trigger.manual"}


def ticket(node_id: str, title: str = "disk full") -> dict[str, Any]:
    return {"id": node_id, "type": "ticket.create", "config": {"title": title}}


def notify(node_id: str, responses: list[str]) -> dict[str, Any]:
    return {"id": node_id, "type": "alert.notify",
            "config": {"recipients": ["team:storage"], "message": "disk", "responses": responses}}


@pytest.fixture
def check(registry: Registry) -> Any:
    def run(nodes: list[dict[str, Any]], edges: list[tuple[Any, ...]]) -> list[Problem]:
        return validate_flow(flow_doc("f", nodes, edges), registry.get)

    return run


def test_a_valid_flow_has_no_problems(check: Any) -> None:
    assert check([START, ticket("open"), notify("page", ["Fix", "Ignore"]), ticket("fix", "{{ steps.open.key }}")],
                 [("start", "open"), ("open", "page"), ("page", "fix", "Fix")]) == []


def test_shape_errors_come_back_as_problems(registry: Registry) -> None:
    doc = flow_doc("f", [START], [])
    doc["nodes"][0]["colour"] = "red"
    assert validate_flow(doc, registry.get) == [Problem(
        "invalid_shape", "nodes[0].colour: Unknown field; remove it or check its spelling.", node_id="start",
        field="nodes[0].colour")]


def test_unknown_node_type(check: Any) -> None:
    assert check([START, {"id": "x", "type": "ticket.teleport"}], [("start", "x")]) == [
        Problem("unknown_node_type", "Unknown node type 'ticket.teleport'.", node_id="x", field="type")]


def test_unknown_type_is_reported_and_the_rest_still_checked(check: Any) -> None:
    problems = check([START, {"id": "x", "type": "ticket.teleport"}, {"id": "t", "type": "ticket.create"}],
                     [("start", "x"), ("x", "t", "anything"), ("t", "ghost")])
    assert [(p.code, p.node_id, p.edge_id) for p in problems] == [
        ("unknown_node_type", "x", None),
        ("invalid_config", "t", None),      # title missing
        ("dangling_edge", None, "e2"),      # t → ghost
    ]


def test_duplicate_node_id(check: Any) -> None:
    problems = check([START, ticket("a"), ticket("a")], [("start", "a")])
    assert problems == [Problem("duplicate_id", "Two nodes have the id 'a'.", node_id="a", field="id")]


def test_duplicate_edge_id(registry: Registry) -> None:
    doc = flow_doc("f", [START, ticket("a"), ticket("b")], [("start", "a"), ("start", "b")])
    doc["edges"][1]["id"] = "e0"
    assert validate_flow(doc, registry.get) == [
        Problem("duplicate_id", "Two edges have the id 'e0'.", edge_id="e0", field="id")]


def test_dangling_edge_names_the_missing_end(check: Any) -> None:
    assert check([START, ticket("a")], [("start", "a"), ("nowhere", "a")]) == [
        Problem("dangling_edge", "Edge 'e1' source 'nowhere' is not a node of this flow.", edge_id="e1",
                field="source")]


def test_unknown_fixed_port(check: Any) -> None:
    assert check([START, ticket("a"), ticket("b")], [("start", "a"), ("a", "b", "true")]) == [Problem(
        "unknown_port", "Node 'a' has no output port 'true' (its ports: 'out', 'error').", node_id="a",
        edge_id="e1", field="source_port")]


def test_alert_ports_come_from_its_responses(check: Any) -> None:
    nodes = [START, notify("page", ["Fix", "Ignore"]), ticket("a"), ticket("b"), ticket("c")]
    ok = check(nodes, [("start", "page"), ("page", "a", "Fix"), ("page", "b", "timeout"), ("page", "c", "error")])
    assert ok == []
    problems = check(nodes, [("start", "page"), ("page", "a", "Fix"), ("page", "b", "Later"),
                             ("page", "c", "out")])
    assert [(p.code, p.edge_id) for p in problems] == [("unknown_port", "e2"), ("unknown_port", "e3")]
    assert problems[0].message == ("Node 'page' has no output port 'Later' "
                                   "(its ports: 'Fix', 'Ignore', 'timeout', 'error').")


def test_cycle_names_every_node_on_it(check: Any) -> None:
    problems = check([START, ticket("a"), ticket("b"), ticket("c"), ticket("off")],
                     [("start", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("start", "off")])
    assert [p.code for p in problems] == ["cycle"]
    match = re.fullmatch(r"Nodes form a cycle: (.+)\. Flows must not loop\.", problems[0].message)
    assert match is not None, problems[0].message
    path = match.group(1).split(" → ")
    assert path[0] == path[-1] == problems[0].node_id
    assert sorted(path[:-1]) == ["a", "b", "c"]
    ring = path[:-1]  # each consecutive pair is an edge of the flow
    edges = {("a", "b"), ("b", "c"), ("c", "a")}
    assert {(ring[i], ring[(i + 1) % 3]) for i in range(3)} == edges


def test_self_loop_is_a_cycle(check: Any) -> None:
    problems = check([START, ticket("a")], [("start", "a"), ("a", "a")])
    assert problems == [Problem("cycle", "Edge 'e1' connects 'a' to itself.", node_id="a", edge_id="e1")]


def test_no_trigger(check: Any) -> None:
    assert check([ticket("a"), ticket("b")], [("a", "b")]) == [
        Problem("no_trigger", "The flow has no trigger, so nothing can start it.")]


def test_an_empty_flow_has_no_problems(check: Any) -> None:
    assert check([], []) == []


def test_trigger_with_incoming_edge(check: Any) -> None:
    problems = check([START, ticket("a"), {"id": "hook", "type": "trigger.webhook"}],
                     [("start", "a"), ("a", "hook")])
    assert problems == [Problem("trigger_has_incoming", "Trigger 'hook' cannot have incoming edges; it starts "
                                "the flow.", node_id="hook", edge_id="e1")]


def test_unreachable_nodes(check: Any) -> None:
    problems = check([START, ticket("a"), ticket("lonely"), ticket("after")], [("start", "a"), ("lonely", "after")])
    assert problems == [
        Problem("unreachable", "Node 'lonely' cannot be reached from any trigger.", node_id="lonely"),
        Problem("unreachable", "Node 'after' cannot be reached from any trigger.", node_id="after"),
    ]


def test_missing_required_config(check: Any) -> None:
    assert check([START, {"id": "a", "type": "ticket.create"}], [("start", "a")]) == [Problem(
        "invalid_config", "title: Missing data for required field.", node_id="a", field="config.title")]


def test_wrong_enum_in_config(check: Any) -> None:
    node = {"id": "a", "type": "ticket.create", "config": {"title": "t", "priority": "asap"}}
    assert check([START, node], [("start", "a")]) == [Problem(
        "invalid_config", "priority: Must be one of: urgent, high, normal, low.", node_id="a",
        field="config.priority")]


def test_unknown_config_key(check: Any) -> None:
    node = {"id": "a", "type": "ticket.create", "config": {"title": "t", "titel": "typo"}}
    assert check([START, node], [("start", "a")]) == [Problem(
        "invalid_config", "titel: Unknown field.", node_id="a", field="config.titel")]


def test_cross_field_config_check(check: Any) -> None:
    problems = check([START, notify("page", ["Fix", "Fix"])], [("start", "page")])
    assert problems == [Problem("invalid_config", "responses: Response options must differ from each other.",
                                node_id="page", field="config.responses")]


def test_template_syntax_error(check: Any) -> None:
    assert check([START, ticket("a", "{{ event. }}")], [("start", "a")]) == [Problem(
        "template_syntax", "title: template syntax error: expected name or number (line 1)", node_id="a",
        field="config.title")]


def test_template_syntax_error_in_a_block_tag(check: Any) -> None:
    problems = check([START, ticket("a", "{% if event.title %}x")], [("start", "a")])
    assert [(p.code, p.field) for p in problems] == [("template_syntax", "config.title")]
    assert "template syntax error" in problems[0].message


def test_expression_syntax_error(check: Any) -> None:
    node = {"id": "c", "type": "logic.condition", "config": {"expression": "event.severity =="}}
    assert check([START, node], [("start", "c")]) == [Problem(
        "template_syntax", "expression: expression syntax error: unexpected 'end of print statement' (line 1)",
        node_id="c", field="config.expression")]


def test_expression_field_without_braces_is_still_checked(check: Any) -> None:
    node = {"id": "c", "type": "logic.condition", "config": {"expression": "steps.later.status == 500"}}
    problems = check([START, node, ticket("later")], [("start", "c"), ("c", "later", "true")])
    assert [(p.code, p.node_id, p.field) for p in problems] == [("step_not_upstream", "c", "config.expression")]


def test_step_reference_to_a_node_not_upstream(check: Any) -> None:
    problems = check([START, ticket("a", "{{ steps.b.key }}"), ticket("b")], [("start", "a"), ("start", "b")])
    assert problems == [Problem(
        "step_not_upstream", "title: reads steps.b, but 'b' does not run before 'a'; connect it upstream.",
        node_id="a", field="config.title")]


def test_step_reference_to_a_downstream_node(check: Any) -> None:
    problems = check([START, ticket("a", "{{ steps.b.key }}"), ticket("b")], [("start", "a"), ("a", "b")])
    assert [(p.code, p.node_id) for p in problems] == [("step_not_upstream", "a")]


def test_step_reference_to_a_missing_node(check: Any) -> None:
    problems = check([START, ticket("a", "{{ steps['zz'].key }}")], [("start", "a")])
    assert problems == [Problem("unknown_step_reference", "title: reads steps.zz, but there is no node 'zz'.",
                                node_id="a", field="config.title")]


def test_step_reference_through_a_chain_is_upstream(check: Any) -> None:
    assert check([START, ticket("a"), ticket("b"), ticket("c", "{{ steps.a.key }} {{ steps.start.title }}")],
                 [("start", "a"), ("a", "b"), ("b", "c")]) == []


def test_nested_config_paths_are_reported(check: Any) -> None:
    node = {"id": "h", "type": "runbook.http", "config": {"url": "http://x", "json": {"items": ["ok", "{{ x. }}"]}}}
    problems = check([START, node], [("start", "h")])
    assert [(p.code, p.field) for p in problems] == [("template_syntax", "config.json.items[1]")]


def test_an_empty_optional_expression_means_no_condition(check: Any) -> None:
    hook = {"id": "hook", "type": "trigger.webhook", "config": {"condition": ""}}
    assert check([hook, ticket("open")], [("hook", "open")]) == []


def test_a_templated_enum_is_judged_when_rendered_not_before(check: Any) -> None:
    templated = {"id": "open", "type": "ticket.create",
                 "config": {"title": "x", "priority": "{{ 'urgent' if event.severity == 'critical' else 'normal' }}"}}
    misspelt = {"id": "typo", "type": "ticket.create", "config": {"title": "x", "priority": "hgih"}}
    problems = check([START, templated, misspelt], [("start", "open"), ("open", "typo")])
    assert [(p.code, p.node_id, p.field) for p in problems] == [("invalid_config", "typo", "config.priority")]
