/**
 * The viewport that shows every node, computed from positions alone (cards are about 220 x 110 before measuring).
 * Large flows would shrink to unreadable dots, so the zoom stops at `readableZoom` and the view starts at the
 * flow's top-left corner (where the triggers usually are); the minimap and "zoom to fit" show the rest.
 */

import type { Viewport } from "@xyflow/react";
import type { StepNode } from "./adapter";

const CARD_W = 220;
const CARD_H = 110;

export function fitViewport(nodes: StepNode[], width: number, height: number, padding = 0.12, maxZoom = 1.1, readableZoom = 0.4): Viewport {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    const w = n.measured?.width ?? CARD_W;
    const h = n.measured?.height ?? CARD_H;
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + w);
    maxY = Math.max(maxY, n.position.y + h);
  }
  const bw = Math.max(maxX - minX, 1);
  const bh = Math.max(maxY - minY, 1);
  const zoom = Math.min(maxZoom, (width * (1 - 2 * padding)) / bw, (height * (1 - 2 * padding)) / bh);
  if (zoom >= readableZoom) return { x: width / 2 - (minX + bw / 2) * zoom, y: height / 2 - (minY + bh / 2) * zoom, zoom };
  return { x: width * padding * 0.5 - minX * readableZoom, y: height * padding * 0.5 - minY * readableZoom, zoom: readableZoom };
}

/** The canvas pane's size before it exists: the window less the toolbar, palette, inspector and problems bar. */
export function paneSizeGuess(): { width: number; height: number } {
  return { width: Math.max(window.innerWidth - 264 - 360, 300), height: Math.max(window.innerHeight - 54 - 34, 300) };
}
