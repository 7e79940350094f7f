/** What the canvas paints over the document: validation problems and the run shown on it. */

import { createContext, useContext } from "react";
import type { Problem, Step } from "../api/types";

export interface CanvasDecor {
  problemsByNode: Map<string, Problem[]>;
  /** The steps of the run shown on the canvas, by node id; empty when no run is shown. */
  runSteps: Map<string, Step>;
  /** Whether the run shown is a dry run (its steps only predicted what they would do). */
  dryRun: boolean;
  /** Answer a waiting step of the run shown (the same API call any responder makes). */
  respond: ((nodeId: string, choice: string) => void) | null;
  /** Ports that edges leave through, per node: the ports of node types the registry does not know. */
  usedPorts: Map<string, string[]>;
}

export const CanvasDecorContext = createContext<CanvasDecor>({
  problemsByNode: new Map(),
  runSteps: new Map(),
  dryRun: false,
  respond: null,
  usedPorts: new Map(),
});

export function useCanvasDecor(): CanvasDecor {
  return useContext(CanvasDecorContext);
}
