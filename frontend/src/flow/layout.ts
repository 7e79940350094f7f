/** Auto-layout with dagre: left-to-right layers, sized from the measured nodes. */

import dagre from "@dagrejs/dagre";
import type { LinkEdge, StepNode } from "./adapter";

const DEFAULT_W = 220;
const DEFAULT_H = 96;

export function layoutGraph(nodes: StepNode[], edges: LinkEdge[]): StepNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.measured?.width ?? DEFAULT_W, height: n.measured?.height ?? DEFAULT_H });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    const w = n.measured?.width ?? DEFAULT_W;
    const h = n.measured?.height ?? DEFAULT_H;
    return { ...n, position: { x: Math.round(p.x - w / 2), y: Math.round(p.y - h / 2) } };
  });
}
