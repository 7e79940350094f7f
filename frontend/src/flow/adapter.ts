/** The flow-document adapter: wire document <-> React Flow nodes and edges, keeping unknown keys intact. */

import type { Edge, Node } from "@xyflow/react";
import { FLOW_SCHEMA, type DocEdge, type DocNode, type FlowDocument } from "./document";

export interface StepData extends Record<string, unknown> {
  /** The node type name (`alert.notify`); React Flow's own `type` is always "step". */
  typeName: string;
  /** The user's label; "" when the document has none. */
  label: string;
  config: Record<string, unknown>;
  /** Keys of the document node the canvas does not edit (retry, timeout, ...), written back unchanged. */
  extra: Record<string, unknown>;
}

export interface LinkData extends Record<string, unknown> {
  extra: Record<string, unknown>;
  /** Whether the document spelled out `source_port` (kept so a round trip does not add it). */
  explicitPort: boolean;
}

export type StepNode = Node<StepData, "step">;
export type LinkEdge = Edge<LinkData>;

export interface FlowMeta {
  id?: string;
  name: string;
  description: string;
  extra: Record<string, unknown>;
}

export interface FlowGraph {
  meta: FlowMeta;
  nodes: StepNode[];
  edges: LinkEdge[];
}

export const DEFAULT_PORT = "out";
export const TARGET_HANDLE = "in";

const NODE_KEYS = new Set(["id", "type", "label", "config", "position"]);
const EDGE_KEYS = new Set(["id", "source", "target", "source_port"]);
const DOC_KEYS = new Set(["schema", "id", "name", "description", "nodes", "edges"]);

function rest(obj: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.has(k)) out[k] = v;
  return out;
}

export function toStepNode(n: DocNode, index: number): StepNode {
  const position = n.position ?? { x: 80 + (index % 6) * 280, y: 80 + Math.floor(index / 6) * 180 };
  return {
    id: n.id,
    type: "step",
    position: { x: Number(position.x) || 0, y: Number(position.y) || 0 },
    data: {
      typeName: n.type,
      label: typeof n.label === "string" ? n.label : "",
      config: (n.config && typeof n.config === "object" ? n.config : {}) as Record<string, unknown>,
      extra: rest(n, NODE_KEYS),
    },
  };
}

export function toLinkEdge(e: DocEdge): LinkEdge {
  const port = e.source_port || DEFAULT_PORT;
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: port,
    targetHandle: TARGET_HANDLE,
    data: { extra: rest(e, EDGE_KEYS), explicitPort: e.source_port !== undefined },
  };
}

/** Read a wire document into the canvas' graph. */
export function toGraph(doc: FlowDocument): FlowGraph {
  return {
    meta: {
      id: doc.id,
      name: doc.name ?? "",
      description: doc.description ?? "",
      extra: rest(doc, DOC_KEYS),
    },
    nodes: (doc.nodes ?? []).map(toStepNode),
    edges: (doc.edges ?? []).map(toLinkEdge),
  };
}

export function toDocNode(n: StepNode): DocNode {
  // Key order and the always-present label follow the server's canonical form.
  return {
    id: n.id,
    type: n.data.typeName,
    label: n.data.label,
    config: n.data.config,
    position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    ...n.data.extra,
  };
}

export function toDocEdge(e: LinkEdge): DocEdge {
  const port = e.sourceHandle || DEFAULT_PORT;
  // The canonical form (flows/*.json, the server's export) always spells the port out.
  return { id: e.id, source: e.source, source_port: port, target: e.target, ...(e.data?.extra ?? {}) };
}

/** Write the canvas' graph back into a wire document (positions rounded to whole pixels). */
export function toDocument(graph: FlowGraph): FlowDocument {
  const doc: FlowDocument = { schema: FLOW_SCHEMA } as FlowDocument;
  if (graph.meta.id) doc.id = graph.meta.id;
  doc.name = graph.meta.name;
  doc.description = graph.meta.description;
  Object.assign(doc, graph.meta.extra);
  doc.nodes = graph.nodes.map(toDocNode);
  doc.edges = graph.edges.map(toDocEdge);
  return doc;
}

/** A node id derived from the type name (`ticket.create` -> `ticket_create`, then `_2`, `_3`...). */
export function nextNodeId(typeName: string, taken: Set<string>): string {
  const base = typeName.replace(/[^a-zA-Z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase() || "step";
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function nextEdgeId(taken: Set<string>): string {
  for (let i = taken.size + 1; ; i++) if (!taken.has(`e${i}`)) return `e${i}`;
}
