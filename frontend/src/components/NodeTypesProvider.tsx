import { useEffect, useMemo, useState, type ReactNode } from "react";
import { api } from "../api/client";
import type { NodeType } from "../api/types";
import { NodeTypesContext } from "../hooks/useNodeTypes";

/** Loads GET /api/node-types once for the whole app. */
export default function NodeTypesProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<NodeType[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .nodeTypes()
      .then((items) => setList(items))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setLoading(false));
  }, []);

  const value = useMemo(() => ({ list, byType: new Map(list.map((t) => [t.type, t])), loading, error }), [list, loading, error]);
  return <NodeTypesContext.Provider value={value}>{children}</NodeTypesContext.Provider>;
}
