/** Output ports of a node: `config[ports.from_config]` followed by `ports.fixed` (see docs/api.md). */

import type { NodeType } from "../api/types";
import { DEFAULT_PORT } from "./adapter";

export function portsOf(nodeType: NodeType | undefined, config: Record<string, unknown>, usedPorts: string[] = []): string[] {
  if (!nodeType) return usedPorts.length ? unique(usedPorts) : [DEFAULT_PORT];
  const ports: string[] = [];
  const from = nodeType.ports.fromConfig;
  if (from) {
    const value = config[from];
    if (Array.isArray(value)) for (const v of value) if (typeof v === "string" && v.trim()) ports.push(v);
  }
  ports.push(...nodeType.ports.fixed);
  return unique(ports);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
