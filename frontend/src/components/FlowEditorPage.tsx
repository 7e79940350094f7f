import { useEffect, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { api, ApiError } from "../api/client";
import type { FlowDetail } from "../api/types";
import { useNodeTypes } from "../hooks/useNodeTypes";
import { navigate } from "../hooks/useRoute";
import FlowEditor from "./FlowEditor";

/** /flows/:id — loads the flow and the node types, then hands them to the editor. */
export default function FlowEditorPage({ flowId }: { flowId: string }) {
  const [detail, setDetail] = useState<FlowDetail | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const { loading } = useNodeTypes();

  useEffect(() => {
    api
      .getFlow(flowId)
      .then(setDetail)
      .catch((err: unknown) => setError({ status: err instanceof ApiError ? err.status : 0, message: err instanceof Error ? err.message : String(err) }));
  }, [flowId]);

  if (error)
    return (
      <div className="empty-page">
        <h1>{error.status === 404 ? "Flow not found" : "The flow could not be opened"}</h1>
        <p>{error.status === 404 ? `There is no flow with the id “${flowId}”.` : error.message}</p>
        <button className="primary" onClick={() => navigate("/")}>
          Back to flows
        </button>
      </div>
    );
  if (!detail || loading) return <div className="loading-page">Opening flow…</div>;
  return (
    <ReactFlowProvider>
      <FlowEditor detail={detail} />
    </ReactFlowProvider>
  );
}
