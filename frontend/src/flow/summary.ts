/** One line that says what a node's config does, for the node card. */

import type { NodeType } from "../api/types";

const MAX = 64;

export function summarize(nodeType: NodeType | undefined, config: Record<string, unknown>): string {
  const props = nodeType?.configSchema.properties ?? {};
  const required = new Set(nodeType?.configSchema.required ?? []);
  const keys = Object.keys(props).length ? Object.keys(props) : Object.keys(config);
  // Required fields first: they carry the meaning (playbook, message, expression...).
  keys.sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
  const parts: string[] = [];
  for (const key of keys) {
    const text = show(config[key]);
    if (!text) continue;
    parts.push(text);
    if (parts.join(" · ").length > MAX) break;
  }
  const line = parts.join(" · ");
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string") return value.replace(/\s+/g, " ").trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(show).filter(Boolean).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => (show(v) ? `${k}: ${show(v)}` : ""))
      .filter(Boolean)
      .join(", ");
  }
  return "";
}
