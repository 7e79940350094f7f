/** Copy/paste of canvas fragments, shared between flows and tabs through localStorage (and the system clipboard when allowed). */

import type { DocEdge, DocNode } from "./document";

const KEY = "mendflow.clipboard";
export const FRAGMENT_KIND = "mendflow.fragment/v1";

export interface Fragment {
  kind: typeof FRAGMENT_KIND;
  nodes: DocNode[];
  edges: DocEdge[];
}

export function writeFragment(nodes: DocNode[], edges: DocEdge[]): void {
  const fragment: Fragment = { kind: FRAGMENT_KIND, nodes, edges };
  const text = JSON.stringify(fragment);
  try {
    localStorage.setItem(KEY, text);
  } catch {
    /* storage full or disabled: the system clipboard below may still work */
  }
  navigator.clipboard?.writeText(text).catch(() => undefined);
}

export function readFragment(): Fragment | null {
  let text: string | null = null;
  try {
    text = localStorage.getItem(KEY);
  } catch {
    return null;
  }
  return text ? parseFragment(text) : null;
}

export function parseFragment(text: string): Fragment | null {
  try {
    const value = JSON.parse(text);
    if (value?.kind === FRAGMENT_KIND && Array.isArray(value.nodes) && Array.isArray(value.edges)) return value as Fragment;
  } catch {
    /* not ours */
  }
  return null;
}
