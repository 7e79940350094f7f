/** Step labels for a run seen outside the editor: from the flow version it ran (or the draft), else the node id. */

import { useCallback, useEffect, useState } from "react";
import { api } from "../api/client";
import type { FlowDocument } from "../flow/document";
import { useNodeTypes } from "./useNodeTypes";

export function useStepLabels(flowId: string | null, version: number | string | null): (nodeId: string) => string {
  const { byType } = useNodeTypes();
  const [doc, setDoc] = useState<FlowDocument | null>(null);

  useEffect(() => {
    setDoc(null);
    if (!flowId) return;
    let stopped = false;
    const read = typeof version === "number" ? api.version(flowId, version).then((v) => v.document) : api.getFlow(flowId).then((f) => f.document);
    read.then((d) => !stopped && setDoc(d)).catch(() => undefined); // labels are a comfort: ids stay readable
    return () => {
      stopped = true;
    };
  }, [flowId, version]);

  return useCallback(
    (nodeId: string) => {
      const node = doc?.nodes.find((n) => n.id === nodeId);
      return node ? node.label || byType.get(node.type)?.title || nodeId : nodeId;
    },
    [doc, byType],
  );
}
