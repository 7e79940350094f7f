"""What runs next: readiness, skips and their propagation, OR-joins, error ports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mendflow.engine.planner import has_active_steps, next_nodes
from mendflow.engine.states import StepStatus
from mendflow.flowdoc import load_flow
from mendflow.flowdoc.graph import CompiledFlow, compile_flow
from mendflow.nodes import Registry
from tests.conftest import flow_doc


@dataclass
class Step:
    status: StepStatus
    port: str | None = None


def done(port: str = "out") -> Step:
    return Step(StepStatus.SUCCEEDED, port)


def compiled(registry: Registry, nodes: list[tuple[str, str]], edges: list[tuple[Any, ...]]) -> CompiledFlow:
    configs = {"ticket.create": {"title": "t"}, "logic.condition": {"expression": "true"}}
    doc = flow_doc("f", [{"id": i, "type": t, "config": configs.get(t, {})} for i, t in nodes], edges)
    return compile_flow(load_flow(doc), registry.get, version=1, revision=1)


def test_successors_of_a_trigger_are_ready(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("a", "ticket.create"), ("b", "ticket.create")],
                    [("s", "a"), ("s", "b")])
    assert next_nodes(flow, {"s": done()}, ["s"]) == (["a", "b"], [])


def test_node_waits_until_every_predecessor_settled(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("a", "ticket.create"), ("b", "ticket.create"),
                               ("j", "ticket.create")], [("s", "a"), ("s", "b"), ("a", "j"), ("b", "j")])
    steps = {"s": done(), "a": done(), "b": Step(StepStatus.RUNNING)}
    assert next_nodes(flow, steps, ["a"]) == ([], [])
    steps["b"] = Step(StepStatus.RETRYING)
    assert next_nodes(flow, steps, ["a"]) == ([], [])
    steps["b"] = done()
    assert next_nodes(flow, steps, ["b"]) == (["j"], [])


def test_condition_skips_the_branch_not_taken_and_skips_propagate(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("c", "logic.condition"), ("yes", "ticket.create"),
                               ("yes2", "ticket.create"), ("yes3", "ticket.create"), ("no", "ticket.create")],
                    [("s", "c"), ("c", "yes", "true"), ("yes", "yes2"), ("yes2", "yes3"), ("c", "no", "false")])
    steps = {"s": done(), "c": done("false")}
    assert next_nodes(flow, steps, ["c"]) == (["no"], ["yes", "yes2", "yes3"])


def test_or_join_runs_when_either_incoming_edge_is_active(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("c", "logic.condition"), ("a", "ticket.create"),
                               ("b", "ticket.create"), ("join", "ticket.create")],
                    [("s", "c"), ("c", "a", "true"), ("c", "b", "false"), ("a", "join"), ("b", "join")])
    steps: dict[str, Step] = {"s": done(), "c": done("true")}
    ready, skipped = next_nodes(flow, steps, ["c"])
    assert (ready, skipped) == (["a"], ["b"])
    steps.update(a=Step(StepStatus.RUNNING), b=Step(StepStatus.SKIPPED))
    assert next_nodes(flow, steps, ["b"]) == ([], [])  # a is still running
    steps["a"] = done()
    assert next_nodes(flow, steps, ["a"]) == (["join"], [])


def test_join_is_skipped_when_no_incoming_edge_is_active(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("c", "logic.condition"), ("a", "ticket.create"),
                               ("b", "ticket.create"), ("join", "ticket.create"), ("after", "ticket.create")],
                    [("s", "c"), ("c", "a", "true"), ("c", "b", "true"), ("a", "join"), ("b", "join"),
                     ("join", "after"), ("c", "after", "false")])
    steps = {"s": done(), "c": done("false")}
    assert next_nodes(flow, steps, ["c"]) == (["after"], ["a", "b", "join"])


def test_skipped_sibling_in_the_same_pass_does_not_block_a_join(registry: Registry) -> None:
    # `join` has two incoming edges: one from a node skipped in this very pass, one active.
    flow = compiled(registry, [("s", "trigger.manual"), ("c", "logic.condition"), ("skip", "ticket.create"),
                               ("join", "ticket.create")],
                    [("s", "c"), ("c", "skip", "false"), ("skip", "join"), ("c", "join", "true")])
    assert next_nodes(flow, {"s": done(), "c": done("true")}, ["c"]) == (["join"], ["skip"])


def test_error_port_edges_are_active_only_after_a_failure(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("a", "ticket.create"), ("ok", "ticket.create"),
                               ("handle", "ticket.create")], [("s", "a"), ("a", "ok"), ("a", "handle", "error")])
    assert next_nodes(flow, {"s": done(), "a": done()}, ["a"]) == (["ok"], ["handle"])
    failed = {"s": done(), "a": Step(StepStatus.FAILED, "error")}
    assert next_nodes(flow, failed, ["a"]) == (["handle"], ["ok"])


def test_failed_step_without_port_activates_nothing(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("a", "ticket.create"), ("b", "ticket.create")],
                    [("s", "a"), ("a", "b")])
    assert next_nodes(flow, {"s": done(), "a": Step(StepStatus.FAILED)}, ["a"]) == ([], ["b"])


def test_nodes_with_a_step_are_never_planned_again(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("a", "ticket.create")], [("s", "a")])
    assert next_nodes(flow, {"s": done(), "a": done()}, ["s"]) == ([], [])


def test_a_second_trigger_skipped_at_start_skips_only_its_own_branch(registry: Registry) -> None:
    flow = compiled(registry, [("s", "trigger.manual"), ("h", "trigger.webhook"), ("a", "ticket.create"),
                               ("b", "ticket.create"), ("both", "ticket.create")],
                    [("s", "a"), ("h", "b"), ("a", "both"), ("b", "both")])
    steps = {"s": done(), "h": Step(StepStatus.SKIPPED)}
    assert next_nodes(flow, steps, ["s", "h"]) == (["a"], ["b"])


def test_has_active_steps() -> None:
    assert has_active_steps({"a": done(), "b": Step(StepStatus.WAITING)}) is True
    assert has_active_steps({"a": done(), "b": Step(StepStatus.SKIPPED), "c": Step(StepStatus.FAILED)}) is False
