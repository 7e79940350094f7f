"""Every check a flow must pass before it can be published or triggered.

The document is loaded into a networkx DiGraph; each problem names the node, edge and field
involved so the canvas can mark them. Node types are looked up through the caller's `types`
function, so this module never imports a node implementation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import networkx as nx

from mendflow.flowdoc.document import DocumentError, load_flow
from mendflow.flowdoc.problems import Problem
from mendflow.flowdoc.templates import inspect_template, is_template


class NodeTypeInfo(Protocol):
    """What validation needs to know of a node type."""

    type: str
    is_trigger: bool
    expression_fields: frozenset[str]

    def output_ports(self, config: dict[str, Any]) -> list[str]: ...

    def config_errors(self, config: dict[str, Any]) -> dict[str, list[str]]: ...


TypeLookup = Callable[[str], NodeTypeInfo | None]


def validate_flow(data: Any, types: TypeLookup) -> list[Problem]:
    """All problems of a raw document (shape first; the graph checks need a well-shaped one)."""
    try:
        document = load_flow(data)
    except DocumentError as exc:
        return exc.problems
    return check_document(document, types)


def check_document(document: dict[str, Any], types: TypeLookup) -> list[Problem]:
    """All graph, type, config and template problems of a loaded document."""
    problems: list[Problem] = []
    nodes: dict[str, dict[str, Any]] = {}
    node_types: dict[str, NodeTypeInfo] = {}
    refs: list[tuple[str, str, str]] = []  # (node id, config path, referenced step)
    for node in document["nodes"]:
        node_id = node["id"]
        if node_id in nodes:
            problems.append(Problem("duplicate_id", f"Two nodes have the id {node_id!r}.", node_id=node_id,
                                    field="id"))
            continue
        nodes[node_id] = node
        node_type = types(node["type"])
        if node_type is None:
            problems.append(Problem("unknown_node_type", f"Unknown node type {node['type']!r}.",
                                    node_id=node_id, field="type"))
            continue
        node_types[node_id] = node_type
        problems.extend(_config_problems(node, node_type, refs))

    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    edge_ids: set[str] = set()
    ports: dict[str, list[str] | None] = {}
    for edge in document["edges"]:
        problems.extend(_edge_problems(edge, nodes, node_types, edge_ids, ports))
        if edge["source"] in nodes and edge["target"] in nodes:
            graph.add_edge(edge["source"], edge["target"])

    triggers = [node_id for node_id, info in node_types.items() if info.is_trigger]
    if nodes and not triggers:
        problems.append(Problem("no_trigger", "The flow has no trigger, so nothing can start it."))
    order = _order_or_cycle_problems(graph, problems)
    problems.extend(_unreachable_problems(graph, triggers, nodes))
    problems.extend(_reference_problems(refs, graph, nodes, order))
    return problems


def _config_problems(node: dict[str, Any], node_type: NodeTypeInfo,
                     refs: list[tuple[str, str, str]]) -> Iterable[Problem]:
    node_id = node["id"]
    for field, messages in node_type.config_errors(node["config"]).items():
        for message in messages:
            yield Problem("invalid_config", f"{field}: {message}", node_id=node_id, field=f"config.{field}")
    for path, value in _strings(node["config"]):
        top = path.split(".", 1)[0].split("[", 1)[0]
        expression = top in node_type.expression_fields
        if not (is_template(value) or (expression and value.strip())):
            continue  # plain text, or an empty optional expression (it means "no condition")
        error, step_refs = inspect_template(value, expression=expression)
        if error:
            kind = "expression" if expression else "template"
            yield Problem("template_syntax", f"{path}: {kind} syntax error: {error}", node_id=node_id,
                          field=f"config.{path}")
        refs.extend((node_id, path, ref) for ref in sorted(step_refs))


def _edge_problems(edge: dict[str, Any], nodes: dict[str, dict[str, Any]], node_types: dict[str, NodeTypeInfo],
                   edge_ids: set[str], ports: dict[str, list[str] | None]) -> Iterable[Problem]:
    edge_id, source, target = edge["id"], edge["source"], edge["target"]
    if edge_id in edge_ids:
        yield Problem("duplicate_id", f"Two edges have the id {edge_id!r}.", edge_id=edge_id, field="id")
    edge_ids.add(edge_id)
    for end, node_id in (("source", source), ("target", target)):
        if node_id not in nodes:
            yield Problem("dangling_edge", f"Edge {edge_id!r} {end} {node_id!r} is not a node of this flow.",
                          edge_id=edge_id, field=end)
    if source == target and source in nodes:
        yield Problem("cycle", f"Edge {edge_id!r} connects {source!r} to itself.", node_id=source,
                      edge_id=edge_id)
    source_type = node_types.get(source)
    if source_type is not None:
        if source not in ports:
            ports[source] = _ports(source_type, nodes[source]["config"])
        source_ports = ports[source]
        if source_ports is not None and edge["source_port"] not in source_ports:
            choices = ", ".join(repr(port) for port in source_ports) or "none"
            yield Problem("unknown_port", f"Node {source!r} has no output port {edge['source_port']!r} "
                          f"(its ports: {choices}).", node_id=source, edge_id=edge_id, field="source_port")
    target_type = node_types.get(target)
    if target_type is not None and target_type.is_trigger:
        yield Problem("trigger_has_incoming", f"Trigger {target!r} cannot have incoming edges; "
                      f"it starts the flow.", node_id=target, edge_id=edge_id)


def _ports(node_type: NodeTypeInfo, config: dict[str, Any]) -> list[str] | None:
    try:
        return node_type.output_ports(config)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def _order_or_cycle_problems(graph: nx.DiGraph, problems: list[Problem]) -> dict[str, int]:
    """Topological positions of the nodes, or {} after adding a problem per cycle."""
    try:
        return {node_id: index for index, node_id in enumerate(nx.topological_sort(graph))}
    except nx.NetworkXUnfeasible:
        pass
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = [source for source, _ in nx.find_cycle(graph.subgraph(component))]
        path = " → ".join([*cycle, cycle[0]])
        problems.append(Problem("cycle", f"Nodes form a cycle: {path}. Flows must not loop.",
                                node_id=cycle[0]))
    return {}


def _unreachable_problems(graph: nx.DiGraph, triggers: list[str],
                          nodes: dict[str, dict[str, Any]]) -> Iterable[Problem]:
    if not triggers:
        return
    seen = set(triggers)
    queue = deque(triggers)
    while queue:
        for successor in graph.successors(queue.popleft()):
            if successor not in seen:
                seen.add(successor)
                queue.append(successor)
    for node_id in nodes:
        if node_id not in seen:
            yield Problem("unreachable", f"Node {node_id!r} cannot be reached from any trigger.",
                          node_id=node_id)


def _reference_problems(refs: list[tuple[str, str, str]], graph: nx.DiGraph, nodes: dict[str, dict[str, Any]],
                        order: dict[str, int]) -> Iterable[Problem]:
    for node_id, path, ref in refs:
        if ref not in nodes:
            yield Problem("unknown_step_reference", f"{path}: reads steps.{ref}, but there is no node {ref!r}.",
                          node_id=node_id, field=f"config.{path}")
        elif not _is_upstream(graph, ref, node_id, order):
            yield Problem("step_not_upstream", f"{path}: reads steps.{ref}, but {ref!r} does not run before "
                          f"{node_id!r}; connect it upstream.", node_id=node_id, field=f"config.{path}")


def _is_upstream(graph: nx.DiGraph, ancestor: str, node_id: str, order: dict[str, int]) -> bool:
    if ancestor == node_id:
        return False
    if order and order[ancestor] >= order[node_id]:
        return False
    seen = {node_id}
    queue = deque([node_id])
    while queue:
        for predecessor in graph.predecessors(queue.popleft()):
            if predecessor == ancestor:
                return True
            if predecessor not in seen and (not order or order[predecessor] > order[ancestor]):
                seen.add(predecessor)
                queue.append(predecessor)
    return False


def _strings(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
