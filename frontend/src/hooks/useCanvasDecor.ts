/** What the canvas paints over the document: validation problems and the statuses of a test run's steps. */

import { createContext, useContext } from "react";
import type { Problem, StepStatus } from "../api/types";

export interface CanvasDecor {
  problemsByNode: Map<string, Problem[]>;
  stepStatus: Map<string, StepStatus>;
  /** Ports that edges leave through, per node: the ports of node types the registry does not know. */
  usedPorts: Map<string, string[]>;
}

export const CanvasDecorContext = createContext<CanvasDecor>({ problemsByNode: new Map(), stepStatus: new Map(), usedPorts: new Map() });

export function useCanvasDecor(): CanvasDecor {
  return useContext(CanvasDecorContext);
}
