/** The node-type registry from GET /api/node-types, shared through context. */

import { createContext, useContext } from "react";
import type { NodeType } from "../api/types";

export interface NodeTypeRegistry {
  list: NodeType[];
  byType: Map<string, NodeType>;
  loading: boolean;
  error: string | null;
}

export const NodeTypesContext = createContext<NodeTypeRegistry>({ list: [], byType: new Map(), loading: true, error: null });

export function useNodeTypes(): NodeTypeRegistry {
  return useContext(NodeTypesContext);
}
