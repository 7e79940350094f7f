/**
 * The size and handle positions of a step card before the browser measures it (see StepCard and app.css).
 * React Flow renders every unmeasured node once to measure it; with these estimates it renders only the
 * visible ones, which is what lets a 1,000-node flow open fast. Real measurements replace them on first render.
 */

import { Position, type NodeHandle } from "@xyflow/react";
import { TARGET_HANDLE } from "./adapter";

export const CARD_WIDTH = 220;
const FIRST_PORT_TOP = 83.5;
const PORT_ROW = 19;
const HANDLE = 11;

export function estimatedCard(ports: string[], hasTarget: boolean): { initialWidth: number; initialHeight: number; handles: NodeHandle[] } {
  const handles: NodeHandle[] = ports.map((id, i) => ({
    id,
    type: "source",
    position: Position.Right,
    x: CARD_WIDTH - 0.5,
    y: FIRST_PORT_TOP + i * PORT_ROW,
    width: HANDLE,
    height: HANDLE,
  }));
  if (hasTarget) handles.push({ id: TARGET_HANDLE, type: "target", position: Position.Left, x: -10.5, y: 19.5, width: HANDLE, height: HANDLE });
  return { initialWidth: CARD_WIDTH, initialHeight: FIRST_PORT_TOP + ports.length * PORT_ROW, handles };
}
