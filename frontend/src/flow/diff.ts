/** A readable difference between two flow documents: what was added, removed and changed, by node and edge. */

import type { DocEdge, DocNode, FlowDocument } from "./document";

export type ChangeKind = "added" | "removed" | "changed";

export interface DiffEntry {
  kind: ChangeKind;
  subject: "flow" | "node" | "edge";
  id: string;
  title: string;
  details: string[];
}

const short = (value: unknown): string => {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

function nodeTitle(n: DocNode): string {
  return n.label ? `${n.label} (${n.id})` : n.id;
}

function edgeTitle(e: DocEdge): string {
  const port = e.source_port && e.source_port !== "out" ? ` [${e.source_port}]` : "";
  return `${e.source}${port} → ${e.target}`;
}

function objectChanges(before: Record<string, unknown>, after: Record<string, unknown>, prefix: string): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    if (same(before[k], after[k])) continue;
    if (!(k in before)) out.push(`${prefix}${k} set to ${short(after[k])}`);
    else if (!(k in after)) out.push(`${prefix}${k} removed (was ${short(before[k])})`);
    else out.push(`${prefix}${k}: ${short(before[k])} → ${short(after[k])}`);
  }
  return out;
}

function nodeChanges(a: DocNode, b: DocNode): string[] {
  const out: string[] = [];
  if (a.type !== b.type) out.push(`type: ${a.type} → ${b.type}`);
  if ((a.label ?? "") !== (b.label ?? "")) out.push(`label: ${short(a.label)} → ${short(b.label)}`);
  out.push(...objectChanges(a.config ?? {}, b.config ?? {}, "config."));
  const { id: _i1, type: _t1, label: _l1, config: _c1, position: p1, ...restA } = a;
  const { id: _i2, type: _t2, label: _l2, config: _c2, position: p2, ...restB } = b;
  out.push(...objectChanges(restA, restB, ""));
  if (!same(p1, p2)) out.push(`moved from (${p1?.x ?? "?"}, ${p1?.y ?? "?"}) to (${p2?.x ?? "?"}, ${p2?.y ?? "?"})`);
  return out;
}

/** Differences from `before` to `after`; flow-level first, then nodes, then edges. */
export function diffDocuments(before: FlowDocument, after: FlowDocument): DiffEntry[] {
  const entries: DiffEntry[] = [];
  const flowDetails: string[] = [];
  if (before.name !== after.name) flowDetails.push(`name: ${short(before.name)} → ${short(after.name)}`);
  if ((before.description ?? "") !== (after.description ?? ""))
    flowDetails.push(`description: ${short(before.description)} → ${short(after.description)}`);
  if (flowDetails.length) entries.push({ kind: "changed", subject: "flow", id: "flow", title: "Flow", details: flowDetails });

  const beforeNodes = new Map((before.nodes ?? []).map((n) => [n.id, n]));
  const afterNodes = new Map((after.nodes ?? []).map((n) => [n.id, n]));
  for (const [id, n] of afterNodes) {
    const old = beforeNodes.get(id);
    if (!old) entries.push({ kind: "added", subject: "node", id, title: nodeTitle(n), details: [`type ${n.type}`] });
    else {
      const details = nodeChanges(old, n);
      if (details.length) entries.push({ kind: "changed", subject: "node", id, title: nodeTitle(n), details });
    }
  }
  for (const [id, n] of beforeNodes)
    if (!afterNodes.has(id)) entries.push({ kind: "removed", subject: "node", id, title: nodeTitle(n), details: [`type ${n.type}`] });

  const beforeEdges = new Map((before.edges ?? []).map((e) => [e.id, e]));
  const afterEdges = new Map((after.edges ?? []).map((e) => [e.id, e]));
  for (const [id, e] of afterEdges) {
    const old = beforeEdges.get(id);
    if (!old) entries.push({ kind: "added", subject: "edge", id, title: edgeTitle(e), details: [] });
    else if (!same(old, e))
      entries.push({ kind: "changed", subject: "edge", id, title: edgeTitle(e), details: [`was ${edgeTitle(old)}`] });
  }
  for (const [id, e] of beforeEdges)
    if (!afterEdges.has(id)) entries.push({ kind: "removed", subject: "edge", id, title: edgeTitle(e), details: [] });
  return entries;
}
