"""A flow document compiled for execution: node types resolved, edges indexed both ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from mendflow.flowdoc.validation import TypeLookup


@dataclass(frozen=True)
class CompiledFlow:
    flow_id: str
    name: str
    version: int | None
    revision: int
    document: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    types: dict[str, Any]
    incoming: dict[str, tuple[tuple[str, str], ...]]
    outgoing: dict[str, tuple[tuple[str, str], ...]]
    order: tuple[str, ...]
    triggers: tuple[str, ...]
    handles_error: frozenset[str] = field(default_factory=frozenset)

    def successors(self, node_id: str) -> list[str]:
        return list(dict.fromkeys(target for target, _ in self.outgoing[node_id]))


@dataclass(frozen=True)
class TriggerTarget:
    """One trigger node of one compiled flow version: where an event may start a run."""

    flow: CompiledFlow
    node_id: str


class CompileError(ValueError):
    pass


def compile_flow(document: dict[str, Any], types: TypeLookup, *, version: int | None,
                 revision: int) -> CompiledFlow:
    """Index a loaded, valid document for the engine; raises CompileError on what cannot run."""
    nodes = {node["id"]: node for node in document["nodes"]}
    resolved: dict[str, Any] = {}
    for node_id, node in nodes.items():
        node_type = types(node["type"])
        if node_type is None:
            raise CompileError(f"node {node_id!r} has unknown type {node['type']!r}")
        resolved[node_id] = node_type
    incoming: dict[str, list[tuple[str, str]]] = {node_id: [] for node_id in nodes}
    outgoing: dict[str, list[tuple[str, str]]] = {node_id: [] for node_id in nodes}
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    for edge in document["edges"]:
        source, target, port = edge["source"], edge["target"], edge["source_port"]
        if source not in nodes or target not in nodes:
            raise CompileError(f"edge {edge['id']!r} is dangling")
        incoming[target].append((source, port))
        outgoing[source].append((target, port))
        graph.add_edge(source, target)
    try:
        order = tuple(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        raise CompileError("the flow has a cycle") from None
    return CompiledFlow(
        flow_id=document["id"], name=document["name"], version=version, revision=revision, document=document,
        nodes=nodes, types=resolved, incoming={k: tuple(v) for k, v in incoming.items()},
        outgoing={k: tuple(v) for k, v in outgoing.items()}, order=order,
        triggers=tuple(node_id for node_id in order if resolved[node_id].is_trigger),
        handles_error=frozenset(source for source, targets in outgoing.items()
                                if any(port == "error" for _, port in targets)))
