/** What a template field can read (`event.*`, `incident.*`, `steps.<upstream>.output`...) and where completion applies. */

import type { LinkEdge } from "./adapter";

export interface Suggestion {
  path: string;
  detail: string;
}

const EVENT_FIELDS: [string, string][] = [
  ["title", "event title"],
  ["severity", "critical, major, minor, warning, info"],
  ["state", "open or resolved"],
  ["source", "the system that sent it"],
  ["dedup_key", "correlation key"],
  ["entities", "affected hosts, services..."],
  ["raw", "the payload as received"],
];

const INCIDENT_FIELDS: [string, string][] = [
  ["id", "incident id"],
  ["title", "incident title"],
  ["severity", "incident severity"],
  ["status", "open, acknowledged, resolved"],
  ["url", "link to the incident page"],
  ["dedup_key", "correlation key"],
];

/** Every node from which `nodeId` can be reached (its upstream steps). */
export function upstreamOf(nodeId: string, edges: LinkEdge[]): string[] {
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const stack = [...(incoming.get(nodeId) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return [...seen];
}

export function templateSuggestions(
  sampleEventKeys: string[],
  upstream: { id: string; label: string }[],
): Suggestion[] {
  const out: Suggestion[] = [];
  const eventKeys = new Map(EVENT_FIELDS);
  for (const k of sampleEventKeys) if (!eventKeys.has(k)) eventKeys.set(k, "from the trigger's sample event");
  for (const [k, d] of eventKeys) out.push({ path: `event.${k}`, detail: d });
  for (const [k, d] of INCIDENT_FIELDS) out.push({ path: `incident.${k}`, detail: d });
  for (const u of upstream) {
    out.push({ path: `steps.${u.id}.output`, detail: `output of ${u.label}` });
    out.push({ path: `steps.${u.id}.port`, detail: `port ${u.label} left through` });
  }
  out.push({ path: "flow.name", detail: "this flow's name" }, { path: "run.id", detail: "this run's id" });
  return out;
}

export interface CompletionSpot {
  /** Where the word being completed starts. */
  start: number;
  prefix: string;
}

/**
 * The word under the caret when completion should open: inside an open `{{ ... }}` or `{% ... %}`
 * (for template fields), or anywhere (for expression fields).
 */
export function completionSpot(text: string, caret: number, anywhere: boolean): CompletionSpot | null {
  const before = text.slice(0, caret);
  if (!anywhere) {
    const open = Math.max(before.lastIndexOf("{{"), before.lastIndexOf("{%"));
    const close = Math.max(before.lastIndexOf("}}"), before.lastIndexOf("%}"));
    if (open < 0 || close > open) return null;
  }
  const match = /[A-Za-z0-9_.]*$/.exec(before);
  const prefix = match ? match[0] : "";
  return { start: caret - prefix.length, prefix };
}

export function filterSuggestions(all: Suggestion[], prefix: string, limit = 12): Suggestion[] {
  const p = prefix.toLowerCase();
  const starts = all.filter((s) => s.path.toLowerCase().startsWith(p));
  const contains = p ? all.filter((s) => !s.path.toLowerCase().startsWith(p) && s.path.toLowerCase().includes(p)) : [];
  return [...starts, ...contains].slice(0, limit);
}
